"""The history workbook's sheets of joint meetings (联席会议) and joint activities (联建活动), written as held or
cancelled on their own days. A meeting or activity counts in the bulletin of the year it took place, by its date;
its change history starts on that day, marked imported.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainserve.chains.models import Chain
from chainserve.core.importing import choice_lookup

from ...choices import ActivityKind, ActivityStatus, MeetingStatus
from ...models import Activity, Attendance, Committee, Meeting
from .base import PastDateField, PastRowForm, PastSheet, by_name, cells, moment, organizations

MEETING_HEADERS = {
    "committee": ["委员会", "协调委员会", "committee"],
    "title": ["会议名称", "标题", "title"],
    "date": ["召开日期", "日期", "date"],
    "time": ["时间", "开始时间", "time"],
    "location": ["地点", "location"],
    "status": ["状态", "status"],
    "minutes": ["会议纪要", "纪要", "minutes"],
    "cancel_reason": ["取消原因", "cancel_reason"],
    "attendees": ["参会单位", "attendees"],
}
ACTIVITY_HEADERS = {
    "chain": ["产业链", "chain"],
    "kind": ["活动类型", "类型", "kind"],
    "title": ["活动名称", "标题", "title"],
    "date": ["举办日期", "日期", "date"],
    "time": ["时间", "开始时间", "time"],
    "location": ["地点", "location"],
    "organizer": ["主办单位", "organizer"],
    "description": ["活动内容", "内容", "description"],
    "status": ["状态", "status"],
    "outcome": ["活动成效", "成效", "outcome"],
    "leads_found": ["对接线索", "leads_found"],
    "demands_raised": ["收集诉求", "demands_raised"],
    "cancel_reason": ["取消原因", "cancel_reason"],
}


class PastOccasionRowForm(PastRowForm):
    """What a past meeting and a past activity share: a title, a past day, held or cancelled (with the reason)."""

    title = forms.CharField(max_length=200)
    date = PastDateField()
    time = forms.TimeField(input_formats=["%H:%M", "%H:%M:%S", "%H.%M"], required=False)
    location = forms.CharField(max_length=200, required=False)
    status = forms.CharField(required=False)
    cancel_reason = forms.CharField(required=False)

    statuses = None  # (held, cancelled) of the model's status choices

    def clean_status(self):
        held, cancelled = self.statuses
        value = self.cleaned_data.get("status", "").strip().lower()
        status = self.refs["statuses"].get(value) if value else held
        if status not in (held, cancelled):
            raise ValidationError(_("A past one was held or cancelled: '%(v)s' is neither.")
                                  % {"v": self.cleaned_data["status"]})
        return status

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        _held, cancelled = self.statuses
        if data["status"] == cancelled and not data["cancel_reason"].strip():
            self.add_error("cancel_reason", _("Say why it was cancelled."))
        if data["status"] != cancelled and data["cancel_reason"].strip():
            self.add_error("cancel_reason", _("Only a cancelled one has a reason for cancelling."))
        data["starts_at"] = moment(data["date"], data.get("time"))
        return data


class PastMeetingRowForm(PastOccasionRowForm):
    committee = forms.CharField()
    minutes = forms.CharField(required=False)
    attendees = forms.CharField(required=False)

    statuses = (MeetingStatus.HELD, MeetingStatus.CANCELLED)

    def clean_committee(self):
        return self._found("committee", _("There is no committee called %(v)s."))

    def clean_attendees(self):
        names = _names(self.cleaned_data.get("attendees", ""))
        unknown = [n for n in names if self.refs["organizations"].get(n, "ambiguous") == "ambiguous"]
        if unknown:
            raise ValidationError(_("No organisation has the name %(v)s.") % {"v": "、".join(unknown)})
        return list(dict.fromkeys(self.refs["organizations"][n] for n in names))


class PastActivityRowForm(PastOccasionRowForm):
    chain = forms.CharField()
    kind = forms.CharField()
    organizer = forms.CharField(required=False)
    description = forms.CharField(required=False)
    outcome = forms.CharField(required=False)
    leads_found = forms.IntegerField(min_value=0, max_value=1_000_000, required=False)
    demands_raised = forms.IntegerField(min_value=0, max_value=1_000_000, required=False)

    statuses = (ActivityStatus.HELD, ActivityStatus.CANCELLED)

    def clean_chain(self):
        return self._found("chain", _("There is no chain called %(v)s."))

    def clean_organizer(self):
        return self._found("organizer", _("No organisation has the name %(v)s."))

    def clean_kind(self):
        return self._choice("kind")


def _names(text):
    return [n.strip() for n in str(text).replace(",", "、").split("、") if n.strip()]


class PastOccasionSheet(PastSheet):
    """A sheet of occasions (meetings, activities): one is told apart by its committee or chain (`owner`), its
    title and its day; its history starts when it began."""

    owner = ""

    def identity(self, data):
        return data[self.owner], data["title"].strip(), data["date"]

    def on_file(self, rows):
        return {(pk, title, timezone.localdate(starts_at)) for pk, title, starts_at in self.model.objects.filter(
            title__in={d["title"].strip() for d in rows}).values_list(f"{self.owner}_id", "title", "starts_at")}

    def moment(self, obj):
        return obj.starts_at


class PastMeetingImporter(PastOccasionSheet):
    """The sheet of joint meetings (联席会议) of the history workbook."""

    label = gettext_lazy("past joint meetings")
    sheet_names = ("联席会议", "meetings")
    columns = MEETING_HEADERS
    row_form = PastMeetingRowForm
    model = Meeting
    owner = "committee"

    def refs(self, rows):
        names = {n for _row, values in rows for n in _names(values.get("attendees") or "")}
        self.committees = Committee.objects.in_bulk()
        return {"committee": by_name((pk, c.name) for pk, c in self.committees.items()),
                "organizations": organizations(names),
                "statuses": choice_lookup(MeetingStatus.choices)}

    def build(self, d):
        return Meeting(committee_id=d["committee"], chain_id=self.committees[d["committee"]].chain_id,
                       title=d["title"].strip(), starts_at=d["starts_at"], location=d["location"].strip(),
                       status=d["status"], minutes=d["minutes"].strip(), cancel_reason=d["cancel_reason"].strip())

    def written(self, meetings, rows):
        Attendance.objects.bulk_create([Attendance(meeting=m, organization_id=org, present=True)
                                        for m, d in zip(meetings, rows, strict=True) for org in d["attendees"]],
                                       batch_size=500)


class PastActivityImporter(PastOccasionSheet):
    """The sheet of joint activities (联建活动) of the history workbook."""

    label = gettext_lazy("past joint activities")
    sheet_names = ("联建活动", "activities")
    columns = ACTIVITY_HEADERS
    row_form = PastActivityRowForm
    model = Activity
    owner = "chain"

    def refs(self, rows):
        return {"chain": by_name(Chain.objects.values_list("pk", "name")),
                "organizer": organizations(cells(rows, "organizer")),
                "kind": choice_lookup(ActivityKind.choices),
                "statuses": choice_lookup(ActivityStatus.choices) | {"已举办": ActivityStatus.HELD}}

    def build(self, d):
        return Activity(chain_id=d["chain"], kind=d["kind"], title=d["title"].strip(), starts_at=d["starts_at"],
                        location=d["location"].strip(), organizer_id=d["organizer"],
                        description=d["description"].strip(), status=d["status"],
                        outcome=d["outcome"].strip(), leads_found=d["leads_found"] or 0,
                        demands_raised=d["demands_raised"] or 0, cancel_reason=d["cancel_reason"].strip(),
                        open_to_enterprises=False)  # its sign-up is long over
