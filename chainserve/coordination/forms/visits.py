"""Visit forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chainserve.core.forms import BootstrapForm, ScopedModelForm
from chainserve.demands.forms import MultipleFileField
from chainserve.demands.models import Category
from chainserve.registry.choices import OrgKind
from chainserve.registry.forms import OrganizationField

from .. import services
from ..models import Visit


class VisitForm(ScopedModelForm):
    """A visit; when someone else visited the enterprise within the last 14 days the form says who and when,
    and saves once the user ticks that they want to visit anyway (firms complain of repeated visits)."""

    organization = OrganizationField(label=_("enterprise"))
    # Hidden until the form warns of a recent visit; then it is the box the user ticks to save anyway.
    # The visit is already made: the user records it anyway (「仍要登记」), not "visits anyway".
    visit_anyway = forms.BooleanField(label=_("Record anyway"), required=False, widget=forms.HiddenInput)

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
                "%(org)s was visited by someone else within the last 14 days: %(visits)s. Tick to record this visit anyway.")
                % {"org": org, "visits": "; ".join(
                    f"{v.visited_on} {v.visitor.get_full_name() or v.visitor.username if v.visitor else ''}"
                    for v in self.recent_visits)})
        return data


class VisitDemandForm(BootstrapForm):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all())
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))


class VisitFilesForm(BootstrapForm):
    files = MultipleFileField(label=_("Add photos or files (PDF, images, Word, Excel; 10 MB each)"), required=True)
