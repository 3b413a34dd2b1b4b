"""Forms of the demands app: intake (portal and on behalf), each step, dispatch rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chainserve.chains.models import Chain
from chainserve.core.forms import BootstrapForm, ScopedModelForm
from chainserve.core.uploads import check_files
from chainserve.registry.choices import OrgKind
from chainserve.registry.forms import OrganizationField
from chainserve.registry.models import Organization

from .choices import Channel, Priority, ProposalGrade, Rating
from .models import Category, ChainIssue, Demand, DispatchRule
from .permissions import may_write_citywide_rules


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={
            "accept": ".pdf,.png,.jpg,.jpeg,.doc,.docx,.xls,.xlsx,.txt"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            files = [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        else:
            files = [super().clean(data, initial)] if data else []
        return check_files(files)


class PortalDemandForm(BootstrapForm):
    category = forms.ModelChoiceField(Category.objects.all(), label=_("Category"))
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("What do you need?"), widget=forms.Textarea(attrs={"rows": 6}),
                                  max_length=5000)
    files = MultipleFileField(label=_("Attachments (PDF, images, Word, Excel; 10 MB each)"))


class StaffDemandForm(PortalDemandForm):
    organization = OrganizationField(label=_("Enterprise"))
    channel = forms.ChoiceField(label=_("Raised through"),
                                choices=[c for c in Channel.choices if c[0] != Channel.PORTAL])
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    proposer = forms.CharField(label=_("Deputy or member (for a proposal)"), required=False, max_length=60)
    field_order = ["organization", "channel", "category", "priority", "title", "description", "proposer", "files"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.restrict(user).filter(kind=OrgKind.ENTERPRISE)


class NoteForm(BootstrapForm):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class OptionalNoteForm(BootstrapForm):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000,
                           required=False)


class DispatchForm(BootstrapForm):
    lead = forms.ModelChoiceField(Organization.objects.filter(kind=OrgKind.DEPARTMENT), label=_("Lead department"))
    co = forms.ModelMultipleChoiceField(Organization.objects.filter(kind=OrgKind.DEPARTMENT), required=False,
                                        label=_("Co-handlers"))
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ExtensionForm(BootstrapForm):
    days = forms.IntegerField(label=_("Working days more"), min_value=1, max_value=30)
    note = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}), max_length=300)


class DecideExtensionForm(BootstrapForm):
    approve = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "yes",
                                     choices=[("yes", _("Approve")), ("no", _("Refuse"))])
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CloseForm(BootstrapForm):
    resolved = forms.TypedChoiceField(label=_("Outcome"), coerce=lambda v: v == "yes",
                                      choices=[("yes", _("Resolved")), ("no", _("Closed, not solved"))])
    note = forms.CharField(label=_("What was done / why it cannot be solved"),
                           widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    grade = forms.ChoiceField(label=_("Answer grade (proposals)"), choices=[("", "—")] + ProposalGrade.choices,
                              required=False)


class RateForm(BootstrapForm):
    rating = forms.ChoiceField(label=_("How satisfied are you?"), choices=Rating.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                           max_length=500)


class ReplyForm(BootstrapForm):
    """The enterprise's answer to a question, or what it adds before acceptance: 补充材料, with files."""

    note = forms.CharField(label=_("Supplementary information"), widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=5000)
    files = MultipleFileField(label=_("Attachments"))


class WithdrawForm(BootstrapForm):
    note = forms.CharField(label=_("Why do you withdraw the demand?"), widget=forms.Textarea(attrs={"rows": 2}),
                           max_length=5000, help_text=_("Until the office accepts it, you may withdraw your demand: "
                                                        "it is then closed and not handled."))


class MergeForm(BootstrapForm):
    into = forms.CharField(label=_("Merge into demand number"), max_length=20)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_into(self):
        number = self.cleaned_data["into"].strip().upper()
        # only among the demands the user may see: a hidden number answers as one that does not exist
        demand = Demand.objects.restrict(self.user).filter(number=number).first()
        if demand is None:
            raise forms.ValidationError(_("No demand has the number %(n)s.") % {"n": number})
        return demand


class LinkIssueForm(BootstrapForm):
    issue = forms.ModelChoiceField(ChainIssue.objects.none(), label=_("Chain-wide issue"), required=False)
    new_title = forms.CharField(label=_("…or open a new one"), required=False, max_length=200)

    def __init__(self, *args, demand=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issue"].queryset = ChainIssue.objects.restrict(user, "change").filter(
            chain_id=demand.chain_id) if demand and user else ChainIssue.objects.none()

    def clean(self):
        data = super().clean()
        if not data.get("issue") and not data.get("new_title"):
            raise forms.ValidationError(_("Choose an issue or give a new one's title."))
        return data


class DispatchRuleForm(ScopedModelForm):
    class Meta:
        model = DispatchRule
        fields = ["category", "district", "chain", "lead_department", "co_departments", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chain"].queryset = Chain.objects.restrict(self.user, "change")
        if not may_write_citywide_rules(self.user):
            self.fields["chain"].required = True
            self.fields["chain"].help_text = _("A chain office writes rules for its own chains; a city-wide rule "
                                               "(no chain) only an admin.")

    def clean(self):
        data = super().clean()
        same = DispatchRule.objects.filter(category=data.get("category"), district=data.get("district"),
                                           chain=data.get("chain")).exclude(pk=self.instance.pk)
        if data.get("category") and same.exists():
            raise forms.ValidationError(_("A rule for this category, district and chain exists already."))
        return data


ACTION_FORMS = {
    "accept": OptionalNoteForm, "reject": NoteForm, "dispatch": DispatchForm, "send_back": NoteForm,
    "ask": NoteForm, "reply": ReplyForm, "answer": NoteForm, "request_extension": ExtensionForm,
    "decide_extension": DecideExtensionForm, "close": CloseForm, "rate": RateForm, "reopen": NoteForm,
    "escalate": NoteForm, "merge": MergeForm, "link_issue": LinkIssueForm, "comment": NoteForm,
    "supplement": ReplyForm, "withdraw": WithdrawForm,
}
