"""Change history: an edit through a page keeps its author and what it changed, shown on the detail page."""

from chainserve.registry.models import Organization


def organization_form_data(org, **overrides):
    data = {
        "name": org.name,
        "short_name": org.short_name,
        "kind": org.kind,
        "uscc": org.uscc or "",
        "district": org.district_id or "",
        "park": org.park_id or "",
        "founded_on": org.founded_on.isoformat() if org.founded_on else "",
        "size": org.size,
        "employees": "" if org.employees is None else org.employees,
        "listing_status": org.listing_status,
        "labels": [label.pk for label in org.labels.all()],
        "address": org.address,
        "website": org.website,
        "description": org.description,
    }
    data.update(overrides)
    return data


def test_an_edit_through_the_page_records_the_user_and_the_diff(world, client_as):
    # given
    client = client_as(world.users.office)
    url = f"/registry/organizations/{world.nfs.pk}/"

    # when the office renames 纽福斯 and corrects its head count
    response = client.post(
        url + "edit/", organization_form_data(world.nfs, name="武汉纽福斯生物科技股份有限公司", employees=150,
                                           size="large", district=world.xi.pk)
    )

    # then the record is saved with its author
    assert response.status_code == 302
    assert response["Location"] == url
    latest = world.nfs.history.first()
    assert (latest.history_type, latest.history_user) == ("~", world.users.office)
    assert sorted((c.field, c.old, c.new) for c in latest.diff_against(latest.prev_record).changes) == [
        ("district", world.dong.pk, world.xi.pk),
        ("employees", 120, 150),
        ("name", "武汉纽福斯生物科技有限公司", "武汉纽福斯生物科技股份有限公司"),
        ("size", "medium", "large"),
    ]
    # and the detail page shows who changed what
    page = client.get(url)
    changes = page.context["changes"]  # by the fields' labels and the choices' and records' names
    assert [
        (record.history_user, sorted((str(c["field"]), str(c["old"]), str(c["new"])) for c in delta))
        for record, delta in changes
    ] == [
        (
            world.users.office,
            [
                ("employees", "120", "150"),
                ("name", "武汉纽福斯生物科技有限公司", "武汉纽福斯生物科技股份有限公司"),
                ("region", "东湖区", "西湖区"),
                ("size", "Medium", "Large"),
            ],
        ),
        (None, []),
    ]
    html = page.content.decode()
    assert " · office · Changed" in html
    assert (
        '<div class="text-muted">name: 武汉纽福斯生物科技有限公司 → 武汉纽福斯生物科技股份有限公司</div>'
        in html
    )
    assert '<div class="text-muted">employees: 120 → 150</div>' in html
    assert " · system · Created" in html


def test_an_edit_refreshes_what_the_organisation_is_found_by(world, client_as):
    client_as(world.users.office).post(
        f"/registry/organizations/{world.wz.pk}/edit/",
        organization_form_data(world.wz, name="温州康宁医药股份有限公司"),
    )

    assert list(Organization.objects.filter(search_text__contains="wzknyygfyxgs")) == [world.wz]


def test_a_refused_edit_records_nothing(world, client_as):
    # given a handler, who may read the registry but not change it
    before = world.nfs.history.count()

    response = client_as(world.users.handler).post(
        f"/registry/organizations/{world.nfs.pk}/edit/", organization_form_data(world.nfs, employees=1)
    )

    assert response.status_code == 403
    assert world.nfs.history.count() == before
    world.nfs.refresh_from_db()
    assert world.nfs.employees == 120


def test_person_history_shows_the_author(world, client_as):
    client = client_as(world.users.office)

    client.post(
        f"/registry/people/{world.p_wz.pk}/edit/",
        {
            "name": "陈杰",
            "organization": world.wz.pk,
            "title": "总经理",
            "phone": "13900001111",
            "email": "cj@example.cn",
        },
    )

    assert world.p_wz.history.first().history_user == world.users.office
    assert " · office · Changed</li>" in client.get(f"/registry/people/{world.p_wz.pk}/").content.decode()
