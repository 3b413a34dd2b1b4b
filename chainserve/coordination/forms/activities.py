"""Joint activity forms: the activity, sign-up, check-in, outcome."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chainserve.core.forms import BootstrapForm
from chainserve.registry.forms import OrganizationField, PhoneField

from ..models import Activity
from .base import ChainRecordForm

ATTENDEE_ROWS = 5


class ActivityForm(ChainRecordForm):
    class Meta:
        model = Activity
        fields = ["chain", "kind", "title", "starts_at", "location", "organizer", "capacity", "open_to_enterprises",
                  "description"]

    organizer = OrganizationField(label=_("organiser"), required=False)


class SignUpForm(BootstrapForm):
    """Several attendees in one registration: up to ATTENDEE_ROWS rows of name, job title and phone."""

    note = forms.CharField(label=_("Note"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={"placeholder": _("Note")}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, ATTENDEE_ROWS + 1):
            self.fields[f"name_{i}"] = forms.CharField(
                label=_("Attendee %(n)d") % {"n": i}, max_length=60, required=i == 1,
                widget=forms.TextInput(attrs={"placeholder": _("Full name")}))
            self.fields[f"title_{i}"] = forms.CharField(
                label=_("Job title"), max_length=80, required=False,
                widget=forms.TextInput(attrs={"placeholder": _("Job title")}))
            self.fields[f"phone_{i}"] = PhoneField(
                label=_("Phone"), required=False, widget=forms.TextInput(attrs={"placeholder": _("Phone")}))
        from chainserve.core.forms import bootstrap

        bootstrap(self)

    def attendees(self):
        d = self.cleaned_data
        return [(d[f"name_{i}"], d[f"title_{i}"], d[f"phone_{i}"]) for i in range(1, ATTENDEE_ROWS + 1)
                if d.get(f"name_{i}")]

    def rows(self):
        return [(self[f"name_{i}"], self[f"title_{i}"], self[f"phone_{i}"]) for i in range(1, ATTENDEE_ROWS + 1)]


class CheckInForm(BootstrapForm):
    code = forms.CharField(label=_("Check-in code"), max_length=12)


class OutcomeForm(BootstrapForm):
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}))
    leads_found = forms.IntegerField(label=_("Leads found"), min_value=0, initial=0)
    demands_raised = forms.IntegerField(label=_("Demands raised"), min_value=0, initial=0)
