"""What the coordination pages share: finding a visible record, history, member units."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View

from chainserve.core.services import save_record
from chainserve.core.views import ObjectEditView


def _visible(request, model, pk, *related):
    return get_object_or_404(model.objects.restrict(request.user).select_related(*related), pk=pk)


def _can_change(request, obj):
    return type(obj).objects.restrict(request.user, "change").filter(pk=obj.pk).exists()


def _history(*objects):
    rows = []
    for obj in objects:
        rows.extend(obj.history.select_related("history_user").all()[:50])
    return sorted(rows, key=lambda h: h.history_date, reverse=True)


class MembersView(LoginRequiredMixin, View):
    """A page with member units (committee, alliance): POST adds a member unit."""

    model = member_model = member_form = None

    @classmethod
    def member_edit_view(cls):
        """The edit page of one of the memberships (its end date ends it; the ended row stays as history)."""
        return ObjectEditView.as_view(model=cls.member_model, form_class=cls.member_form)

    def post(self, request, pk):
        parent = _visible(request, self.model, pk)
        if not _can_change(request, parent):
            raise PermissionDenied
        form = self.member_form(request.POST, user=request.user, prefix="member",
                                instance=self.member_model(**{self.member_model.parent_field: parent}))
        if not form.is_valid():
            return self.get(request, pk, form)
        member = save_record(request.user, form.save(commit=False))
        messages.success(request, _("Saved %(name)s.") % {"name": member})
        return redirect(parent)
