"""The organisation picker: one combobox on every form that names an organisation, and its suggestions."""

import re

from chainserve.registry.forms import OrganizationField, PersonForm


def test_the_picker_shows_the_chosen_name_and_sends_its_id(world):
    form = PersonForm(initial={"organization": world.wz.pk}, user=world.users.office)
    html = str(form["organization"])
    assert re.search(rf'<input type="hidden" name="organization" value="{world.wz.pk}" data-org-picker-value>', html)
    assert f'name="organization_text" value="{world.wz.name}" role="combobox"' in html
    assert 'aria-controls="id_organization-options"' in html
    assert '<ul class="list-group org-picker-options shadow-sm" id="id_organization-options" role="listbox" hidden>' in html
    assert "#" + str(world.wz.pk) not in html  # never 'name #324'


def test_the_field_takes_the_chosen_id_else_the_typed_credit_code_or_exact_name(world):
    field = OrganizationField()
    widget = field.widget
    assert widget.value_from_datadict({"o": str(world.nfs.pk), "o_text": "whatever"}, {}, "o") == str(world.nfs.pk)
    assert field.clean(widget.value_from_datadict({"o": "", "o_text": world.wz.uscc}, {}, "o")) == world.wz
    assert field.clean(widget.value_from_datadict({"o_text": " 明湖农商银行 "}, {}, "o")) == world.bank
    assert widget.value_omitted_from_data({}, {}, "o") is True
    assert widget.value_omitted_from_data({"o_text": ""}, {}, "o") is False


def test_a_picker_whose_text_was_typed_keeps_the_text_on_error(world, client_as):
    response = client_as(world.users.office).post("/registry/people/add/", {"name": "李雷", "organization_text": "明湖"})
    html = response.content.decode()
    assert response.context["form"].errors == {
        "organization": ["No single organisation is called 明湖: pick one from the suggestions."]}
    assert 'name="organization_text" value="明湖" role="combobox"' in html


def test_suggestions_list_name_credit_code_and_district_found_by_initials_and_traditional(world, client_as):
    client = client_as(world.users.office)
    by_initials = client.get("/registry/organizations/suggest/", {"q": "wzkn"}).content.decode()
    assert re.findall(r'data-label="([^"]+)"', by_initials) == [world.wz.name]
    assert f'data-value="{world.wz.pk}"' in by_initials
    assert f'<div class="small text-muted">{world.wz.uscc} · 西湖区</div>' in by_initials
    simplified = client.get("/registry/organizations/suggest/", {"q": "温州康宁"}).content.decode()
    assert re.findall(r'data-label="([^"]+)"', simplified) == [world.wz.name]
    by_code = client.get("/registry/organizations/suggest/", {"q": world.nfs.uscc}).content.decode()
    assert re.findall(r'data-label="([^"]+)"', by_code) == [world.nfs.name]
    bank = client.get("/registry/organizations/suggest/", {"q": "农商"}).content.decode()
    assert '<div class="small text-muted">Bank / investor · 东湖区</div>' in bank  # no credit code: its kind


def test_suggestions_are_only_what_the_user_may_see(world, client_as):
    html = client_as(world.users.enterprise).get("/registry/organizations/suggest/", {"q": "溫州"}).content.decode()
    assert 'role="option"' not in html
    assert "No organisation matches." in html
