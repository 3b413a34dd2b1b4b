"""Joint meeting and action item forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chainserve.core.forms import BootstrapForm, ScopedModelForm
from chainserve.registry.models import Organization

from ..models import Committee, Meeting
from .base import _departments


class MeetingForm(ScopedModelForm):
    class Meta:
        model = Meeting
        fields = ["committee", "title", "starts_at", "location"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = Committee.objects.restrict(self.user, "change").select_related("chain")


class TopicForm(BootstrapForm):
    topic = forms.CharField(label=_("Topic"), max_length=200)


class AttendanceForm(BootstrapForm):
    organization = forms.ModelChoiceField(label=_("Organisation"), queryset=Organization.objects.none())
    name = forms.CharField(label=_("Attendee"), max_length=60, required=False)
    present = forms.BooleanField(label=_("Present"), required=False, initial=True)

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        if meeting is not None:
            self.fields["organization"].queryset = Organization.objects.filter(
                committee_memberships__committee=meeting.committee_id).distinct().order_by("name")


class MinutesForm(BootstrapForm):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 6}))


class DecisionForm(BootstrapForm):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}))
    agenda_item = forms.ModelChoiceField(label=_("On agenda item"), queryset=None, required=False)
    owner = forms.ModelChoiceField(label=_("Owner department"), queryset=Organization.objects.none())
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput())
    resolves_demand = forms.BooleanField(label=_("This decision resolves the agenda item's demand"), required=False)

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _departments()
        self.fields["agenda_item"].queryset = meeting.agenda.all() if meeting is not None else None


class ActionUpdateForm(BootstrapForm):
    progress = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}))
    done = forms.BooleanField(label=_("Done"), required=False)
