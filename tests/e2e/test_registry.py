"""The organisation registry in the browser: create with a USCC, Excel import, search, escaping."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from pypinyin import Style, lazy_pinyin
from stdnum.cn import uscc as stdnum_uscc

from chainserve.core.models import Region, User
from chainserve.registry import services
from chainserve.registry.models import Organization
from chainserve.registry.validators import clean_uscc

pytestmark = pytest.mark.e2e

DEMO_FIRM = "明湖澜泽基因技术有限公司"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def ui(text_fn):
    """A message as the user's browser (Chinese, the default language) shows it."""
    with translation.override(settings.LANGUAGE_CODE):
        return text_fn()


def make_uscc(serial):
    """A valid 统一社会信用代码 that no demo organisation has."""
    body = f"91420906MA{serial:0>7}"
    code = body + stdnum_uscc.calc_check_digit(body)
    assert not Organization.objects.filter(uscc=code).exists()
    return code


def record_count_text(n):
    return ui(lambda: ngettext("%(n)s record", "%(n)s records", n) % {"n": n})


def submit(page, selector="main form button[type=submit]"):
    with page.expect_navigation():
        page.click(selector)


# --- b. create an enterprise with a wrong USCC, then correct it ------------------------------------

def test_wrong_uscc_check_character_is_refused_at_the_field_then_saved(demo, page, login):
    good = make_uscc("E2E0001")
    right = good[-1]
    wrong = good[:-1] + next(c for c in USCC_ALPHABET if c != right)
    with pytest.raises(ValidationError) as refused:
        ui(lambda: clean_uscc(wrong))
    expected = ui(lambda: refused.value.messages[0])
    before = Organization.objects.count()

    login("office")
    page.goto("/registry/organizations/add/")
    page.fill("#id_name", "明湖测链生物科技有限公司")
    page.select_option("#id_kind", "enterprise")
    page.fill("#id_uscc", wrong)
    page.select_option("#id_district", label="江南省／明湖市／生物城新区")
    submit(page)

    assert page.url.endswith("/registry/organizations/add/")
    error = page.locator("#id_uscc-error")
    assert error.inner_text().strip() == expected
    assert right in expected  # the message names the right check character
    # the message sits with the USCC field, and it is the only error on the page
    assert page.locator(".invalid-feedback").count() == 1
    assert page.locator("#id_uscc").input_value() == wrong  # what was typed is kept
    assert page.locator("#id_name").input_value() == "明湖测链生物科技有限公司"
    assert Organization.objects.count() == before

    page.fill("#id_uscc", good)
    submit(page)

    org = Organization.objects.get(uscc=good)
    assert page.url.endswith(f"/registry/organizations/{org.pk}/")
    assert org.name == "明湖测链生物科技有限公司" and org.kind == "enterprise"
    assert org.district.name == "生物城新区"
    assert Organization.objects.count() == before + 1
    assert page.locator("main h1").inner_text().strip() == org.name
    profile = page.locator("dl.profile")
    assert profile.locator("dd").first.inner_text().strip() == good
    assert "生物城新区" in profile.inner_text()
    saved = ui(lambda: _("Saved %(name)s.") % {"name": org.name})
    assert page.locator("main .alert-success").inner_text().strip() == saved


# --- c. import a workbook: one bad row writes nothing; a good one previews and imports on confirm ---

def write_workbook(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["名称", "类型", "统一社会信用代码", "所在区", "员工人数", "地址"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def upload(page, path):
    page.select_option("#id_kind", "organizations")
    page.set_input_files("#id_file", str(path))
    submit(page, "#import-form button[type=submit]")


def test_import_lists_the_bad_row_and_writes_nothing_then_imports_a_good_workbook(
        demo, page, login, tmp_path, shot):
    demo_firm = Organization.objects.get(name=DEMO_FIRM)
    codes = [make_uscc(f"E2E10{i}") for i in range(1, 5)]
    bad = write_workbook(tmp_path / "bad.xlsx", [
        ["明湖导入甲生物科技有限公司", "企业", codes[0], "明湖区", 120, "明湖区创新大道1号"],
        ["明湖导入乙医疗器械有限公司", "企业", codes[1], "不存在区", 35, "东岸区光明大道2号"],
        ["明湖导入丙诊断技术有限公司", "enterprise", codes[2], "西山区", 18, "西山区健康大道3号"],
    ])
    before = Organization.objects.count()

    login("office")
    page.goto("/registry/import/")
    upload(page, bad)

    errors = page.locator("#import-errors")
    assert errors.is_visible()
    heading = ui(lambda: ngettext("%(n)s bad row: nothing was imported.",
                                  "%(n)s bad rows: nothing was imported.", 1) % {"n": 1})
    assert errors.locator("h2").inner_text().strip() == heading
    rows = errors.locator("tbody tr")
    assert rows.count() == 1
    assert rows.nth(0).locator("td").nth(0).inner_text().strip() == "3"  # header is row 1; the 2nd data row
    reason = rows.nth(0).locator("td").nth(1).inner_text().strip()
    assert ui(lambda: _("There is no region called %(v)s.") % {"v": "不存在区"}) in reason
    assert page.locator("#import-preview").count() == 0
    assert page.locator("input[name=confirm]").count() == 0  # nothing to confirm
    shot("import-errors")
    assert Organization.objects.count() == before
    assert not Organization.objects.filter(uscc__in=codes).exists()

    # A good workbook: two new enterprises, and the demo firm (known by its USCC) updated, not doubled.
    good = write_workbook(tmp_path / "good.xlsx", [
        ["明湖导入甲生物科技有限公司", "企业", codes[0], "明湖区", 120, "明湖区创新大道1号"],
        ["明湖导入乙医疗器械有限公司", "enterprise", codes[1], "东岸区", 35, "东岸区光明大道2号"],
        [DEMO_FIRM, "企业", demo_firm.uscc, "生物城新区", 321, "生物城新区生命大道88号"],
    ])
    upload(page, good)

    preview = page.locator("#import-preview")
    assert page.locator("#import-errors").count() == 0
    assert preview.locator("h2").inner_text().strip() == ui(
        lambda: _("All %(total)s rows are good.") % {"total": 3})
    assert preview.locator("tbody tr").count() == 3
    assert "明湖导入乙医疗器械有限公司" in preview.inner_text()
    assert Organization.objects.count() == before  # a preview writes nothing

    submit(page, "#import-preview button[type=submit]")

    assert page.url.endswith("/registry/organizations/")
    done = ui(lambda: _("Imported %(kind)s: %(c)d created, %(u)d updated.") % {
        "kind": services.OrganizationImporter.label, "c": 2, "u": 1})
    assert page.locator("main .alert-success").inner_text().strip() == done
    assert Organization.objects.count() == before + 2
    first = Organization.objects.get(uscc=codes[0])
    assert (first.name, first.kind, first.district.name, first.employees) == (
        "明湖导入甲生物科技有限公司", "enterprise", "明湖区", 120)
    assert Organization.objects.get(uscc=codes[1]).district == Region.objects.get(name="东岸区")
    demo_firm.refresh_from_db()
    assert (demo_firm.employees, demo_firm.address) == (321, "生物城新区生命大道88号")
    assert Organization.objects.filter(name=DEMO_FIRM).count() == 1
    # the new enterprises are found by the search at once
    page.goto("/registry/organizations/?q=导入")
    assert sorted(page.locator("main table tbody tr td:first-child a").all_inner_texts()) == sorted(
        ["明湖导入甲生物科技有限公司", "明湖导入乙医疗器械有限公司"])


# --- d. search by pinyin initials and by traditional characters -------------------------------------

def initials(text):
    return "".join(lazy_pinyin(text or "", style=Style.FIRST_LETTER)).lower()


def full_pinyin(text):
    return "".join(lazy_pinyin(text or "")).lower()


def expected_by_pinyin(q, user):
    """Organisations user sees whose name (or short name, or USCC) contains q as pinyin initials or full pinyin."""
    return sorted(
        o.name for o in Organization.objects.restrict(user)
        if any(q in form for part in (o.name, o.short_name) for form in (initials(part), full_pinyin(part)))
        or q in (o.uscc or "").lower()
    )


def search(page, q):
    page.fill("#id_q", q)
    submit(page, "main form[role=search] button[type=submit]")


@pytest.mark.parametrize("q", ["lzjy", "mhlz"])
def test_search_by_pinyin_initials(demo, page, login, listed, shot, q):
    office = User.objects.get(username="office")  # the demo city's office: its region's organisations only
    expected = expected_by_pinyin(q, office)
    assert DEMO_FIRM in expected and 0 < len(expected) <= 25
    login("office")
    page.goto("/registry/organizations/")
    total = Organization.objects.restrict(office).count()
    assert page.locator("main h1 small").inner_text().strip() == record_count_text(total)
    if q == "lzjy":
        shot("organization-list")

    search(page, q)

    assert f"q={q}" in page.url
    assert sorted(listed()) == expected
    assert page.locator("main h1 small").inner_text().strip() == record_count_text(len(expected))
    assert page.locator("#id_q").input_value() == q


def test_search_by_traditional_characters(demo, page, login, listed, shot):
    expected = sorted(Organization.objects.filter(name__contains="澜泽").values_list("name", flat=True))
    assert DEMO_FIRM in expected
    login("office")
    page.goto("/registry/organizations/")
    search(page, "瀾澤")

    assert sorted(listed()) == expected
    assert page.locator("main h1 small").inner_text().strip() == record_count_text(len(expected))
    shot("organization-search-traditional")
    # a traditional-character query finds nothing that the simplified one would not
    page.goto("/registry/organizations/?q=澜泽")
    assert sorted(listed()) == expected


# --- g. markup typed into a text field is shown as text, never run -------------------------------

PAYLOAD = "<script>window.pwned=1</script><b>x</b>"
NAME_PAYLOAD = '明湖<img src=x onerror="window.pwned=2">测试有限公司'


def test_html_in_text_fields_is_shown_as_text(demo, page, login):
    firm = Organization.objects.get(name=DEMO_FIRM)
    login("office")
    page.goto(f"/registry/organizations/{firm.pk}/edit/")
    page.fill("#id_description", PAYLOAD)
    page.fill("#id_short_name", "<i>澜泽</i>")
    submit(page)

    assert page.url.endswith(f"/registry/organizations/{firm.pk}/")
    firm.refresh_from_db()
    assert firm.description == PAYLOAD  # stored as typed
    description = page.locator("main p", has_text="window.pwned")
    assert description.inner_text().strip() == PAYLOAD  # shown as typed
    assert description.locator("script, b").count() == 0
    assert page.locator("main h1 small").inner_text().strip() == "(<i>澜泽</i>)"
    assert page.locator("main h1 i").count() == 0
    assert page.evaluate("typeof window.pwned") == "undefined"

    # a name with markup, in the list and on its own page
    page.goto("/registry/organizations/add/")
    page.fill("#id_name", NAME_PAYLOAD)
    page.select_option("#id_kind", "association")
    submit(page)
    org = Organization.objects.get(name=NAME_PAYLOAD)
    assert page.url.endswith(f"/registry/organizations/{org.pk}/")
    assert page.locator("main h1").inner_text().strip() == NAME_PAYLOAD
    assert page.locator("main h1 img").count() == 0
    page.goto("/registry/organizations/?q=测试有限公司")
    assert page.locator("main table tbody tr td:first-child a").all_inner_texts() == [NAME_PAYLOAD]
    assert page.locator("main table img").count() == 0
    page.wait_for_timeout(200)  # an onerror would have fired by now
    assert page.evaluate("typeof window.pwned") == "undefined"
