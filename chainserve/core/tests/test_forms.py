"""Form widgets as Bootstrap controls: checkbox groups, radio buttons, the empty and the "any" choice; a
service's refusal on a form."""

import copy
import re

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from chainserve.core.forms import BootstrapForm, add_service_error, bootstrap


class Sample(BootstrapForm):
    kinds = forms.MultipleChoiceField(choices=[(str(i), f"选项{i}") for i in range(3)],
                                      widget=forms.CheckboxSelectMultiple, required=False)
    many = forms.MultipleChoiceField(choices=[(str(i), f"选项{i}") for i in range(9)],
                                     widget=forms.CheckboxSelectMultiple, required=False)
    rating = forms.ChoiceField(choices=[("a", "满意"), ("b", "不满意")], widget=forms.RadioSelect)
    size = forms.ChoiceField(choices=[("", "---------"), ("l", "大型")], required=False)
    listed = forms.NullBooleanField(required=False)


def test_checkbox_group_is_one_control_per_choice_and_the_group_has_no_input_class():
    html = str(Sample()["kinds"])
    # The wrapper once carried the input's class (1em wide), so every label broke after each character.
    assert re.search(r'<div id="id_kinds" class="choice-group-options">', html)
    assert html.count('<div class="form-check">') == 3
    assert '<label class="form-check-label" for="id_kinds_1">选项1</label>' in html
    assert html.count('class="form-check-input"') == 3
    assert "<details" not in html


def test_a_long_checkbox_group_folds_and_opens_when_a_choice_is_ticked():
    closed = str(Sample()["many"])
    assert '<details class="choice-group choice-group-long">' in closed
    opened = str(Sample({"many": ["4"], "rating": "a"})["many"])
    assert '<details class="choice-group choice-group-long" open>' in opened
    assert re.search(r'value="4"[^>]*checked', opened)


def test_radios_are_buttons_whose_checked_state_shows():
    html = str(Sample({"rating": "b"})["rating"])
    assert 'class="choice-buttons"' in html
    assert html.count('class="btn-check"') == 2
    assert '<label class="btn btn-outline-primary choice-button" for="id_rating_1">不满意</label>' in html
    assert re.search(r'value="b" class="btn-check"[^>]*checked', html)


def test_empty_choice_and_yes_no_read_as_words_in_forms_and_filters():
    with translation.override("zh-hans"):
        form = Sample()
        assert '<option value="" selected>请选择</option>' in str(form["size"])
        assert '<option value="unknown" selected>未知</option>' in str(form["listed"])
        panel = forms.Form()
        panel.fields.update(copy.deepcopy(Sample.base_fields))
        bootstrap(panel, filters=True)
        assert '<option value="" selected>不限</option>' in str(panel["size"])
        assert '<option value="unknown" selected>不限</option>' in str(panel["listed"])
        assert "---------" not in str(panel["size"])


def test_a_django_filter_choice_filter_reads_any_too():
    import django_filters

    from chainserve.demands.choices import Channel
    from chainserve.demands.models import Demand

    class Filters(django_filters.FilterSet):
        channel = django_filters.ChoiceFilter(choices=Channel.choices)

        class Meta:
            model = Demand
            fields = ["channel"]

    with translation.override("zh-hans"):
        form = Filters().form
        bootstrap(form, filters=True)
        html = str(form["channel"])
    assert '<option value="" selected>不限</option>' in html
    assert "---------" not in html


class Reply(forms.Form):
    title = forms.CharField()


def refused(error):
    form = Reply({"title": "园区用地"})
    assert form.is_valid()
    add_service_error(form, error)
    return form.errors


def test_a_service_error_naming_a_field_lands_at_that_field():
    errors = refused(ValidationError({"title": ["标题已存在。"]}))
    assert errors == {"title": ["标题已存在。"]}


def test_a_service_error_naming_a_field_the_form_lacks_lands_above_the_form():
    errors = refused(ValidationError({"title": ["标题已存在。"], "deadline": ["期限不能早于今天。"]}))
    assert errors == {"title": ["标题已存在。"], "__all__": ["期限不能早于今天。"]}


@pytest.mark.parametrize(("error", "messages"), [
    (ValidationError("该诉求已办结。"), ["该诉求已办结。"]),
    (ValidationError(["第一条。", "第二条。"]), ["第一条。", "第二条。"]),
    (PermissionDenied("只有牵头部门可以办理。"), ["只有牵头部门可以办理。"]),
    (PermissionDenied(), ["You may not do this."]),
], ids=["message", "messages", "refusal", "bare-refusal"])
def test_a_service_error_without_a_field_lands_above_the_form(error, messages):
    assert refused(error) == {"__all__": messages}


def test_a_choice_of_users_names_each_person_with_their_unit_never_by_username(db, django_assert_num_queries):
    from chainserve.core.models import User
    from chainserve.registry.choices import OrgKind
    from chainserve.registry.models import Organization

    office = Organization.objects.create(name="明湖市大健康产业链办公室", kind=OrgKind.DEPARTMENT)
    User.objects.create(username="office", first_name="周敏", organization=office)
    User.objects.create(username="nameless")

    class Assign(BootstrapForm):
        owner = forms.ModelChoiceField(User.objects.order_by("username"))

    with translation.override("zh-hans"):
        form = Assign()
        with django_assert_num_queries(1):  # the units come with the users
            html = str(form["owner"])
    assert re.findall(r'<option value="\d+">([^<]*)</option>', html) == ["nameless", "周敏（明湖市大健康产业链办公室）"]
    assert str(User.objects.get(username="office")) == "周敏"


def test_a_date_is_a_year_month_day_text_box_whatever_the_browser_and_reads_dates_as_written():
    import datetime

    class Dated(BootstrapForm):
        day = forms.DateField()

    with translation.override("zh-hans"):
        html = str(Dated(initial={"day": datetime.date(2026, 12, 6)})["day"])
    assert 'type="text"' in html and 'value="2026-12-06"' in html and 'placeholder="年-月-日"' in html
    assert re.search(r'pattern="[^"]+"', html) and 'autocomplete="off"' in html
    for written in ("2026-12-06", "2026/12/6", "2026.12.06", "2026年12月6日", "20261206"):
        form = Dated({"day": written})
        assert form.is_valid(), written
        assert form.cleaned_data["day"] == datetime.date(2026, 12, 6)
    assert not Dated({"day": "12/06/2026"}).is_valid()


def test_a_date_and_time_is_a_year_month_day_hour_minute_text_box_in_shanghai_time():
    import datetime
    import zoneinfo

    class Timed(BootstrapForm):
        at = forms.DateTimeField()

    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    with translation.override("zh-hans"):
        html = str(Timed(initial={"at": datetime.datetime(2026, 12, 6, 1, 30, tzinfo=datetime.UTC)})["at"])
    assert 'type="text"' in html and 'value="2026-12-06 09:30"' in html and 'placeholder="如 2026-12-06 09:30"' in html
    for written in ("2026-12-06 09:30", "2026/12/6 9:30", "2026年12月6日 09:30", "2026-12-06T09:30"):
        form = Timed({"at": written})
        assert form.is_valid(), written
        assert form.cleaned_data["at"] == datetime.datetime(2026, 12, 6, 9, 30, tzinfo=shanghai)
    assert not Timed({"at": "12/06/2026 09:30"}).is_valid()
