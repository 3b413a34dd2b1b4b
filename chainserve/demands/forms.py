"""Forms of the demands app: intake (portal and on behalf), each step, dispatch rules."""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from chainserve.chains.models import Chain
from chainserve.core.forms import BootstrapForm, ScopedModelForm
from chainserve.core.models import Region
from chainserve.core.uploads import check_files
from chainserve.registry.choices import OrgKind
from chainserve.registry.forms import OrganizationField, OrganizationsField
from chainserve.registry.models import Organization

from .choices import Channel, EscalationLevel, Priority, ProposalGrade, Rating
from .models import Category, ChainIssue, Demand, DispatchRule, StandardReply
from .permissions import PARTNER_KINDS, escalation_targets, may_write_citywide_rules


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


PICK_ABOVE = 100  # more units to choose from than this: typed with the picker rather than listed


def unit_field(user, kinds, label, *, multiple=False, required=True):
    """A field choosing units of kinds that user sees (its region's departments, banks …): a list when they
    are few, as in a city; the typed picker when they are many, as for a province office (a list of thousands
    of options costs seconds to render and cannot be read)."""
    units = (Organization.objects.restrict(user) if user else Organization.objects).filter(kind__in=kinds)
    units = units.order_by("name", "pk")
    if units.count() > PICK_ABOVE:
        return (OrganizationsField if multiple else OrganizationField)(
            queryset=units, kinds=kinds, label=label, required=required)
    return (forms.ModelMultipleChoiceField if multiple else forms.ModelChoiceField)(
        units, label=label, required=required)


class UnitChoices:
    """A form mixin: the fields named in `units` — {name: (kinds, label, multiple, required)} — choose among
    the units the form's user sees (unit_field), made before the form bootstraps its widgets."""

    units = {}

    def __init__(self, *args, user=None, **kwargs):
        self.base_fields = {**self.base_fields, **{
            name: unit_field(user, kinds, label, multiple=multiple, required=required)
            for name, (kinds, label, multiple, required) in self.units.items()}}
        super().__init__(*args, **kwargs)


DEPARTMENT = (OrgKind.DEPARTMENT,)


class DispatchForm(UnitChoices, BootstrapForm):
    units = {"lead": (DEPARTMENT, _("Lead department"), False, True),
             "co": (DEPARTMENT, _("Co-handlers"), True, False)}
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    field_order = ["lead", "co", "note"]


class ReassignForm(UnitChoices, BootstrapForm):
    units = {"lead": (DEPARTMENT, _("New lead department"), False, True)}
    note = forms.CharField(label=_("Reason for reassigning"), widget=forms.Textarea(attrs={"rows": 2}),
                           max_length=5000)
    field_order = ["lead", "note"]


class ReferUpForm(BootstrapForm):
    note = forms.CharField(label=_("Reason for referring up"), widget=forms.Textarea(attrs={"rows": 2}),
                           max_length=5000)


class ReferDownForm(BootstrapForm):
    region = forms.ModelChoiceField(Region.objects.none(), label=_("Region below to refer to"))
    note = forms.CharField(label=_("Reason for referring down"), widget=forms.Textarea(attrs={"rows": 2}),
                           max_length=5000)

    def __init__(self, *args, demand=None, **kwargs):
        super().__init__(*args, **kwargs)
        if demand is not None and demand.district_id:  # the regions directly below the demand's own
            self.fields["region"].queryset = Region.objects.filter(parent_id=demand.district_id)


class LevelButtons(forms.Widget):
    """One submit button per level, each naming where it takes the demand; the one pressed is the value."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs)
        self.choices = list(choices)

    def render(self, name, value, attrs=None, renderer=None):
        buttons = format_html_join(
            "", '<button class="btn btn-primary btn-sm" type="submit" name="{}" value="{}">{}</button>',
            ((name, level, _("Escalate to %(level)s") % {"level": label}) for level, label in self.choices))
        return format_html('<div class="d-flex flex-wrap gap-1">{}</div>', buttons)


class AddPartnerForm(UnitChoices, BootstrapForm):
    units = {"partner": (PARTNER_KINDS, _("Partner institution"), False, True)}
    field_order = ["partner", "note"]
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                           max_length=5000)


class EscalateForm(NoteForm):
    """The levels open to the user are the form's submit buttons: one step gets there."""

    to_level = forms.TypedChoiceField(label=_("Choose the level"), coerce=int, choices=EscalationLevel.choices,
                                      widget=LevelButtons)

    def __init__(self, *args, demand=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        open_levels = escalation_targets(demand, user) if demand is not None else []
        choices = [(v, label) for v, label in EscalationLevel.choices if v in open_levels]
        self.fields["to_level"].choices = self.fields["to_level"].widget.choices = choices


class BulkDispatchForm(UnitChoices, BootstrapForm):
    """Dispatch the demands ticked on the queue to one lead department (and co-handlers)."""

    units = DispatchForm.units


class ExtensionForm(BootstrapForm):
    days = forms.IntegerField(label=_("Working days more"), min_value=1, max_value=30)
    note = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}), max_length=300)


class DecideExtensionForm(BootstrapForm):
    approve = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "yes",
                                     choices=[("yes", _("Approve")), ("no", _("Refuse"))])
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class StandardReplySelect(forms.Select):
    """The standard replies, each option carrying its text: choosing one fills the note (core/behaviours.js)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if getattr(value, "instance", None) is not None:
            option["attrs"]["data-text"] = value.instance.text
        return option


class StandardReplyMixin:
    """A form with a note that a standard reply of the demand's category fills (in the browser as it is chosen,
    or here when the note was left empty); no such field when the category has none."""

    def __init__(self, *args, demand=None, **kwargs):
        super().__init__(*args, **kwargs)
        replies = StandardReply.objects.filter(category_id=demand.category_id, active=True) if demand else None
        if not replies:
            return
        self.fields["standard_reply"] = forms.ModelChoiceField(
            replies, label=_("Standard reply"), required=False, empty_label=_("— write my own —"),
            widget=StandardReplySelect(attrs={"class": "form-select", "data-fill": f"id_{self.add_prefix('note')}"}),
            help_text=_("Choosing one fills the text; adapt it before sending."))
        self.order_fields(["resolved", "standard_reply", "note"])
        self.fields["note"].required = False  # the service says it is missing, at the note

    def clean(self):
        data = super().clean()
        if not data.get("note", "").strip() and data.get("standard_reply"):
            data["note"] = data["standard_reply"].text
        return data


class AnswerForm(StandardReplyMixin, BootstrapForm):
    note = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    files = MultipleFileField(label=_("Attachments (a reply letter …; PDF, images, Word, Excel; 10 MB each)"))


class CloseForm(StandardReplyMixin, BootstrapForm):
    resolved = forms.TypedChoiceField(label=_("Outcome"), coerce=lambda v: v == "yes",
                                      choices=[("yes", _("Resolved")), ("no", _("Closed, not solved"))])
    note = forms.CharField(label=_("What was done / why it cannot be solved"),
                           widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    grade = forms.ChoiceField(label=_("Answer grade (proposals)"), choices=[("", "—")] + ProposalGrade.choices,
                              required=False)
    files = MultipleFileField(label=_("Attachments (a reply letter …; PDF, images, Word, Excel; 10 MB each)"))

    def __init__(self, *args, demand=None, **kwargs):
        super().__init__(*args, demand=demand, **kwargs)
        if demand is not None and not demand.is_proposal:  # only a proposal's answer is graded A, B or C
            del self.fields["grade"]


class StandardReplyForm(ScopedModelForm):
    class Meta:
        model = StandardReply
        fields = ["category", "title", "text", "active"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}


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
        # only among the demands the user acts on: a hidden number (or one it only oversees) answers as one that
        # does not exist
        demand = Demand.objects.restrict(self.user, "change").filter(number=number).first()
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
    "ask": NoteForm, "reply": ReplyForm, "answer": AnswerForm, "request_extension": ExtensionForm,
    "decide_extension": DecideExtensionForm, "close": CloseForm, "rate": RateForm, "reopen": NoteForm,
    "escalate": EscalateForm, "urge": NoteForm, "reassign": ReassignForm,
    "refer_up": ReferUpForm, "refer_down": ReferDownForm,
    "add_partner": AddPartnerForm, "merge": MergeForm, "link_issue": LinkIssueForm, "comment": NoteForm,
    "supplement": ReplyForm, "withdraw": WithdrawForm,
}
