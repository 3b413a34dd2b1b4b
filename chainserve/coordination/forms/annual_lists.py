"""Annual list forms: the list, items, updates and milestones."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chainserve.core.forms import BootstrapForm, ScopedModelForm

from ..choices import ItemStatus
from ..models import AnnualList, ListItem
from .base import ChainRecordForm, _departments


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
    target_progress = forms.IntegerField(label=_("Target progress (%)"), required=False, min_value=0, max_value=100,
                                         help_text=_("The item's progress due by this date."))
