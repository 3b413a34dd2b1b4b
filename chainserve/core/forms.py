"""Form base: Bootstrap widgets, choices of related records limited to what the user may see, a service's
refusal shown on the form."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

DASHES = BLANK_CHOICE_DASH[0][1]


class ChoiceGroup(forms.CheckboxSelectMultiple):
    """Checkboxes as a Bootstrap group, one line each; a long list folds into a <details> that opens
    when one of its choices is ticked."""

    template_name = "core/widgets/choices.html"
    option_template_name = "core/widgets/choice_option.html"
    fold_after = 8

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        options = [option for _group, group_options, _index in widget["optgroups"] for option in group_options]
        widget.update(option_count=len(options), any_checked=any(o["selected"] for o in options),
                      collapsible=len(options) > self.fold_after)
        return context


class ChoiceButtons(forms.RadioSelect):
    """Radios as large buttons side by side, the chosen one filled: easy to tap, plain to see."""

    template_name = "core/widgets/choices.html"
    option_template_name = "core/widgets/button_option.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["buttons"] = True
        return context


# Django's plain widgets → ours, with the class their inputs carry.
REPLACED = {forms.CheckboxSelectMultiple: (ChoiceGroup, "form-check-input"),
            forms.RadioSelect: (ChoiceButtons, "btn-check")}


def _replace_widget(field):
    """Swap a plain checkbox group or radio list for ours, keeping its attributes and choices."""
    new_class, css = REPLACED[type(field.widget)]
    old = field.widget
    field.widget = new_class(attrs={**old.attrs, "class": css})
    field.widget.choices = old.choices
    field.widget.is_required = old.is_required
    return field.widget


def _relabel_empty_choice(field, label):
    """The empty choice reads `label` (不限 in a filter, 请选择 in a form) rather than ---------."""
    if getattr(field, "empty_label", None) == DASHES:
        field.empty_label = label
    # What the widget renders: a plain list, or django-filter's iterator, which reads the empty label of the
    # class's field rather than the form's copy; a queryset's iterator reads the form's field and stays lazy.
    choices = getattr(field.widget, "choices", None)
    if choices is None or isinstance(choices, forms.models.ModelChoiceIterator):
        return
    choices = list(choices)
    if any(value == "" and text == DASHES for value, text in choices):
        field.widget.choices = [(value, label if value == "" and text == DASHES else text) for value, text in choices]


class _UserChoices(forms.models.ModelChoiceIterator):
    """The choices of a user field, read with each user's unit in one query."""

    def __init__(self, field):
        super().__init__(field)
        self.queryset = self.queryset.select_related("organization")


def _label_users(field):
    """A choice of users names each person with their unit (User.label), never by username."""
    if isinstance(field, forms.ModelChoiceField) and getattr(field.queryset, "model", None) is get_user_model():
        if field.iterator is forms.models.ModelChoiceIterator:  # django-filter's own iterator adds its null choice
            field.iterator = _UserChoices
        field.label_from_instance = lambda user: user.label
        field.widget.choices = field.choices


def label_regions(field):
    """A choice of regions names each with the regions above it (江南省／明湖市／生物城新区), read in one query."""
    from .models import Region, region_labels

    if not isinstance(field, forms.ModelChoiceField) or getattr(field.queryset, "model", None) is not Region:
        return
    labels = {}

    def label(region):
        if not labels:
            labels.update(region_labels(field.queryset))
        return labels.get(region.pk) or region.name

    field.label_from_instance = label
    field.widget.choices = field.choices


def region_field(form, name):
    """The region field of a record's form, for a user scoped to a region (core.region_q): required, since a
    record of no region would leave the user's sight once saved, and the user's own region on a new record."""
    from .models import region_q

    user = getattr(form, "user", None)
    if user is None or region_q(user, "region") is None or name not in form.fields:
        return
    form.fields[name].required = True
    if form.instance.pk is None and form.initial.get(name) is None:  # a new instance's own fields are in initial
        form.initial[name] = user.region_id


# Dates as Chinese documents write them, whatever the browser's language: 2026-12-06 (also read as typed
# 2026/12/6, 2026.12.6, 2026年12月6日 or 20261206).
DATE_FORMAT = "%Y-%m-%d"
DATE_INPUT_FORMATS = [DATE_FORMAT, "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"]
DATE_PATTERN = r"\d{4}[\-\/.年]\d{1,2}[\-\/.月]\d{1,2}日?|\d{8}"


DATETIME_FORMAT = f"{DATE_FORMAT} %H:%M"
DATETIME_INPUT_FORMATS = [f"{f} %H:%M" for f in DATE_INPUT_FORMATS]  # and ISO 8601 (2026-12-06T09:30), as Django
DATETIME_PATTERN = rf"({DATE_PATTERN})[ T]\d{{1,2}}:\d{{2}}"


def _date_as_written(field, widget):
    """A date (or date and time) field as a text box that shows and takes year-month-day (hour:minute): a
    native date input would show the browser's format (12/06/2026 in an English browser), not the page's."""
    widget.input_type = "text"
    widget.attrs["autocomplete"] = "off"
    if isinstance(widget, forms.DateTimeInput):
        widget.format = DATETIME_FORMAT
        widget.attrs.update(placeholder=_("yyyy-mm-dd hh:mm"), pattern=DATETIME_PATTERN,
                            title=_("A date and time as year-month-day hour:minute, e.g. 2026-12-06 09:30"))
        if isinstance(field, forms.DateTimeField):
            field.input_formats = DATETIME_INPUT_FORMATS
        return
    widget.format = DATE_FORMAT
    widget.attrs.update(placeholder=_("yyyy-mm-dd"), pattern=DATE_PATTERN,
                        title=_("A date as year-month-day, e.g. 2026-12-06"))
    if isinstance(field, forms.DateField):
        field.input_formats = DATE_INPUT_FORMATS


def parse_date(text):
    """The date text writes in one of DATE_INPUT_FORMATS, else None."""
    try:
        return forms.DateField(input_formats=DATE_INPUT_FORMATS).to_python(text.strip())
    except forms.ValidationError:
        return None


def bootstrap(form, filters=False):
    """Give every widget of form the Bootstrap class it needs. In a filter panel (filters=True) an empty
    choice and a yes/no filter's third choice mean "any", not "unknown"."""
    for field in form.fields.values():
        _label_users(field)
        label_regions(field)
        widget = field.widget
        if type(widget) in REPLACED:
            widget = _replace_widget(field)
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, (ChoiceGroup, ChoiceButtons)):
            pass
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")
        if isinstance(widget, forms.NullBooleanSelect):
            widget.choices = [("unknown", _("Any") if filters else _("Unknown")), ("true", _("Yes")),
                              ("false", _("No"))]
        _relabel_empty_choice(field, _("Any") if filters else _("Choose…"))
        if isinstance(widget, forms.DateInput | forms.DateTimeInput):
            _date_as_written(field, widget)


class Bootstrapped:
    """A form mixin: its widgets get their Bootstrap classes (bootstrap) once the fields are made."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class BootstrapForm(Bootstrapped, forms.Form):
    pass


# Django's account forms in the platform's look: logging in, a forgotten password, a changed one.
class LoginForm(Bootstrapped, AuthenticationForm):
    pass


class PasswordResetForm(Bootstrapped, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(Bootstrapped, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(Bootstrapped, auth_forms.PasswordChangeForm):
    pass


class ScopedModelForm(forms.ModelForm):
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "restrict"):
                field.queryset = queryset.restrict(user, "view")
        bootstrap(self)


def add_service_error(form, error):
    """Put a service's refusal on form: a ValidationError's messages beside the fields they name (above the
    form when it has no such field); a ValidationError without fields, PermissionDenied or a domain error's
    message above the form."""
    if isinstance(error, ValidationError):
        pairs = error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
    else:
        pairs = [(None, [str(error) or gettext("You may not do this.")])]
    for field, messages in pairs:
        form.add_error(field if field in form.fields else None, messages)
