"""Forms of the coordination app."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from chainserve.chains.models import Chain
from chainserve.core.choices import STAFF_ROLES
from chainserve.core.forms import BootstrapForm, ScopedModelForm
from chainserve.core.models import User
from chainserve.core.money import FEN_PER_WAN
from chainserve.core.uploads import check_workbook_upload
from chainserve.demands.models import Category
from chainserve.registry.choices import OrgKind
from chainserve.registry.forms import OrganizationField
from chainserve.registry.models import Organization

from .. import services
from ..choices import AgreementKind, ItemStatus
from ..models import (
    Activity,
    Agreement,
    Alliance,
    AllianceMember,
    AnnualList,
    Committee,
    CommitteeMember,
    Coverage,
    InstructorAssignment,
    ListItem,
    Meeting,
    Pairing,
    Visit,
)

ATTENDEE_ROWS = 5


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _departments():
    return Organization.objects.filter(kind=OrgKind.DEPARTMENT).order_by("name")


class ChainRecordForm(ScopedModelForm):
    """A form of a record of a chain: the chains offered are those the user may change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chain"].queryset = Chain.objects.restrict(self.user, "change")


class CommitteeForm(ChainRecordForm):
    class Meta:
        model = Committee
        fields = ["chain", "level", "name", "convener", "established_on", "description"]


class MembershipForm(ScopedModelForm):
    """A unit's membership of a committee or an alliance: the unit, its role and dates."""

    organization = OrganizationField(label=_("organisation"))


class CommitteeMemberForm(MembershipForm):
    class Meta:
        model = CommitteeMember
        fields = ["organization", "role", "person", "started_on", "ended_on"]


class MeetingForm(ScopedModelForm):
    class Meta:
        model = Meeting
        fields = ["committee", "title", "starts_at", "location"]
        widgets = {"starts_at": DateTimeLocalInput()}

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


class ActivityForm(ChainRecordForm):
    class Meta:
        model = Activity
        fields = ["chain", "kind", "title", "starts_at", "location", "organizer", "capacity", "open_to_enterprises",
                  "description"]
        widgets = {"starts_at": DateTimeLocalInput()}

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
            self.fields[f"phone_{i}"] = forms.CharField(
                label=_("Phone"), max_length=20, required=False,
                widget=forms.TextInput(attrs={"placeholder": _("Phone")}))
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


class AgreementForm(ChainRecordForm):
    institution = OrganizationField(label=_("institution"))
    enterprise = OrganizationField(label=_("enterprise"))
    amount = forms.DecimalField(label=_("Amount (万元)"), required=False, min_value=Decimal(0), max_digits=16,
                                decimal_places=6, help_text=_("In ten thousand yuan; kept exactly to the fen."))

    class Meta:
        model = Agreement
        fields = ["chain", "kind", "title", "institution", "enterprise", "amount", "signed_on", "activity", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = Activity.objects.restrict(self.user, "change").order_by("-starts_at")
        if self.instance.amount_fen is not None:
            self.initial["amount"] = (Decimal(self.instance.amount_fen) / FEN_PER_WAN).normalize()

    def clean_enterprise(self):
        org = self.cleaned_data["enterprise"]
        if org is not None and org.kind != OrgKind.ENTERPRISE:
            raise forms.ValidationError(_("Choose an enterprise."))
        return org

    def clean(self):
        data = super().clean()
        amount = data.get("amount")
        if amount is not None:
            fen = amount * FEN_PER_WAN
            if fen != fen.to_integral_value():
                self.add_error("amount", _("Give the amount to the fen at most."))
            else:
                self.instance.amount_fen = int(fen)
        elif "amount" in data:
            self.instance.amount_fen = None
        return data


class VisitForm(ScopedModelForm):
    """A visit; when someone else visited the enterprise within the last 14 days the form says who and when,
    and saves once the user ticks that they want to visit anyway (firms complain of repeated visits)."""

    organization = OrganizationField(label=_("enterprise"))
    # Hidden until the form warns of a recent visit; then it is the box the user ticks to save anyway.
    visit_anyway = forms.BooleanField(label=_("Visit anyway"), required=False, widget=forms.HiddenInput)

    class Meta:
        model = Visit
        fields = ["organization", "visited_on", "purpose", "notes"]

    def clean_organization(self):
        org = self.cleaned_data["organization"]
        if org is not None and org.kind != OrgKind.ENTERPRISE:
            raise forms.ValidationError(_("Choose an enterprise."))
        return org

    def clean(self):
        data = super().clean()
        org, day = data.get("organization"), data.get("visited_on")
        if org is None or day is None or data.get("visit_anyway"):
            return data
        visitor = self.instance.visitor if self.instance.visitor_id else self.user
        others = services.recent_visits_by_others(org, visitor, day, exclude=self.instance if self.instance.pk else None)
        self.recent_visits = list(others[:5])
        if self.recent_visits:
            self.fields["visit_anyway"].widget = forms.CheckboxInput(attrs={"class": "form-check-input"})
            self.add_error("visit_anyway", _(
                "%(org)s was visited by someone else within the last 14 days: %(visits)s. Tick to save anyway.")
                % {"org": org, "visits": "; ".join(
                    f"{v.visited_on} {v.visitor.get_full_name() or v.visitor.username if v.visitor else ''}"
                    for v in self.recent_visits)})
        return data


class VisitDemandForm(BootstrapForm):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all())
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))


class AllianceForm(ChainRecordForm):
    class Meta:
        model = Alliance
        fields = ["chain", "name", "founded_on", "description"]


class AllianceMemberForm(MembershipForm):
    class Meta:
        model = AllianceMember
        fields = ["organization", "role", "started_on", "ended_on"]


class _EnterpriseRecordForm(ScopedModelForm):
    enterprise = OrganizationField(label=_("enterprise"))

    def clean_enterprise(self):
        org = self.cleaned_data["enterprise"]
        if org is not None and org.kind != OrgKind.ENTERPRISE:
            raise forms.ValidationError(_("Choose an enterprise."))
        return org


class PairingForm(_EnterpriseRecordForm):
    agency_branch = OrganizationField(label=_("agency party branch"))

    class Meta:
        model = Pairing
        fields = ["agency_branch", "enterprise", "enterprise_branch", "started_on", "ended_on", "note"]

    def clean_agency_branch(self):
        org = self.cleaned_data["agency_branch"]
        if org is not None and org.kind not in (OrgKind.PARTY_ORG, OrgKind.DEPARTMENT):
            raise forms.ValidationError(_("Choose a party organisation or a department."))
        return org


class InstructorForm(_EnterpriseRecordForm):
    class Meta:
        model = InstructorAssignment
        fields = ["enterprise", "kind", "person", "user", "started_on", "ended_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(role__in=STAFF_ROLES).order_by("username")


class CoverageForm(_EnterpriseRecordForm):
    class Meta:
        model = Coverage
        fields = ["enterprise", "kind", "started_on", "ended_on", "note"]


class AnnualListForm(ChainRecordForm):
    class Meta:
        model = AnnualList
        fields = ["chain", "year", "kind", "title", "public"]


class ListItemForm(ScopedModelForm):
    class Meta:
        model = ListItem
        fields = ["parent", "code", "title", "owner", "weight", "target", "contact"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _departments()
        items = ListItem.objects.filter(annual_list_id=self.instance.annual_list_id)
        if self.instance.pk:
            items = items.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = items


class ItemUpdateForm(BootstrapForm):
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    progress = forms.IntegerField(label=_("Progress reached (%)"), min_value=0, max_value=100, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", "—"), *ItemStatus.choices], required=False)
    evidence = forms.FileField(label=_("Evidence (PDF, images, Word, Excel; 10 MB)"), required=False)


class MilestoneForm(BootstrapForm):
    due_on = forms.DateField(label=_("Due on"))
    title = forms.CharField(label=_("Milestone"), max_length=200)


class ListImportForm(BootstrapForm):
    file = forms.FileField(label=_("Workbook (.xlsx)"))

    def clean_file(self):
        return check_workbook_upload(self.cleaned_data["file"])


class CancelForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason for cancelling"), widget=forms.Textarea(attrs={"rows": 2}))


class TotalsForm(BootstrapForm):
    after = forms.DateField(label=_("Signed from"), required=False)
    before = forms.DateField(label=_("Signed to"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *AgreementKind.choices], required=False)
