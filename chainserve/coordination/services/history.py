"""Past years brought in (历史数据导入): the whole history workbook, and its sheets of joint meetings (联席会议) and
joint activities (联建活动), written as held or cancelled on their own days.

The demands sheet is the demands app's (`demands.services.history`); this module puts the sheets together,
since coordination is the app that may read the others. A meeting or activity counts in the bulletin of the
year it took place, by its date; its change history starts on that day, marked imported.
"""

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from chainserve.chains.models import Chain
from chainserve.core.importing import Importer, RowError, choice_lookup
from chainserve.core.search import fill_search_text
from chainserve.demands.services.history import DATE_FORMATS, PastDemandImporter
from chainserve.registry.models import Organization

from ..choices import ActivityKind, ActivityStatus, MeetingStatus
from ..models import Activity, Attendance, Committee, Meeting

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
DEFAULT_TIME = datetime.time(9, 0)


class PastOccasionRowForm(forms.Form):
    """What a past meeting and a past activity share: a title, a past day, held or cancelled (with the reason)."""

    title = forms.CharField(max_length=200)
    date = forms.DateField(input_formats=DATE_FORMATS)
    time = forms.TimeField(input_formats=["%H:%M", "%H:%M:%S", "%H.%M"], required=False)
    location = forms.CharField(max_length=200, required=False)
    status = forms.CharField(required=False)
    cancel_reason = forms.CharField(required=False)

    statuses = None  # (held, cancelled) of the model's status choices

    def __init__(self, data, refs):
        super().__init__(data)
        self.refs = refs

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise ValidationError(_("A date in the future (%(d)s).") % {"d": day.isoformat()})
        return day

    def clean_status(self):
        held, cancelled = self.statuses
        value = self.cleaned_data.get("status", "").strip().lower()
        status = self.refs["statuses"].get(value) if value else held
        if status not in (held, cancelled):
            raise ValidationError(_("A past one was held or cancelled: '%(v)s' is neither.")
                                  % {"v": self.cleaned_data["status"]})
        return status

    def _found(self, name, message):
        value = self.cleaned_data.get(name, "").strip()
        found = self.refs[name].get(value)
        if value and found is None:
            raise ValidationError(message % {"v": value})
        if found == "ambiguous":
            raise ValidationError(_("Several are called %(v)s.") % {"v": value})
        return found

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        _held, cancelled = self.statuses
        if data["status"] == cancelled and not data["cancel_reason"].strip():
            self.add_error("cancel_reason", _("Say why it was cancelled."))
        if data["status"] != cancelled and data["cancel_reason"].strip():
            self.add_error("cancel_reason", _("Only a cancelled one has a reason for cancelling."))
        data["starts_at"] = timezone.make_aware(datetime.datetime.combine(
            data["date"], data.get("time") or DEFAULT_TIME))
        return data


class PastMeetingRowForm(PastOccasionRowForm):
    committee = forms.CharField()
    minutes = forms.CharField(required=False)
    attendees = forms.CharField(required=False)

    statuses = (MeetingStatus.HELD, MeetingStatus.CANCELLED)

    def clean_committee(self):
        return self._found("committee", _("There is no committee called %(v)s."))

    def clean_attendees(self):
        names = [n.strip() for n in self.cleaned_data.get("attendees", "").replace(",", "、").split("、") if n.strip()]
        unknown = [n for n in names if n not in self.refs["organizations"]]
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
        value = self.cleaned_data["kind"].strip().lower()
        if value not in self.refs["kinds"]:
            raise ValidationError(_("'%(v)s' is not a known value.") % {"v": self.cleaned_data["kind"]})
        return self.refs["kinds"][value]


def _by_name(rows):
    """{name: pk}, "ambiguous" for a name two records share."""
    table = {}
    for pk, name in rows:
        table[name] = "ambiguous" if name in table else pk
    return table


def _organizations(names):
    return dict(Organization.objects.filter(name__in=names).values_list("name", "pk"))


class PastMeetingImporter(Importer):
    """The sheet of joint meetings (联席会议) of the history workbook."""

    label = gettext_lazy("past joint meetings")
    sheet_names = ("联席会议", "meetings")
    columns = MEETING_HEADERS
    required = "title"
    row_form = PastMeetingRowForm
    command = PastDemandImporter.command
    allowed = PastDemandImporter.allowed

    def refs(self, rows):
        names = {n.strip() for _row, values in rows
                 for n in str(values.get("attendees") or "").replace(",", "、").split("、") if n.strip()}
        return {"committee": _by_name(Committee.objects.values_list("pk", "name")),
                "organizations": _organizations(names),
                "statuses": choice_lookup(MeetingStatus.choices)}

    def check(self, rows, result):
        _refuse_on_file(Meeting, "committee", rows, result)

    def write(self, rows, result):
        committees = Committee.objects.in_bulk({d["committee"] for d in rows})
        meetings = [Meeting(committee_id=d["committee"], chain_id=committees[d["committee"]].chain_id,
                            title=d["title"].strip(), starts_at=d["starts_at"], location=d["location"].strip(),
                            status=d["status"], minutes=d["minutes"].strip(), cancel_reason=d["cancel_reason"].strip())
                     for d in rows]
        _create_past(Meeting, meetings, self.user)
        Attendance.objects.bulk_create([Attendance(meeting=m, organization_id=org, present=True)
                                        for m, d in zip(meetings, rows, strict=True) for org in d["attendees"]],
                                       batch_size=500)
        result.created += len(meetings)


class PastActivityImporter(Importer):
    """The sheet of joint activities (联建活动) of the history workbook."""

    label = gettext_lazy("past joint activities")
    sheet_names = ("联建活动", "activities")
    columns = ACTIVITY_HEADERS
    required = "title"
    row_form = PastActivityRowForm
    command = PastDemandImporter.command
    allowed = PastDemandImporter.allowed

    def refs(self, rows):
        organizers = {str(values.get("organizer") or "").strip() for _row, values in rows}
        return {"chain": _by_name(Chain.objects.values_list("pk", "name")),
                "organizer": _organizations(organizers - {""}),
                "kinds": choice_lookup(ActivityKind.choices),
                "statuses": choice_lookup(ActivityStatus.choices) | {"已举办": ActivityStatus.HELD}}

    def check(self, rows, result):
        _refuse_on_file(Activity, "chain", rows, result)

    def write(self, rows, result):
        activities = [Activity(chain_id=d["chain"], kind=d["kind"], title=d["title"].strip(), starts_at=d["starts_at"],
                               location=d["location"].strip(), organizer_id=d["organizer"],
                               description=d["description"].strip(), status=d["status"],
                               outcome=d["outcome"].strip(), leads_found=d["leads_found"] or 0,
                               demands_raised=d["demands_raised"] or 0, cancel_reason=d["cancel_reason"].strip(),
                               open_to_enterprises=False)  # its sign-up is long over
                      for d in rows]
        _create_past(Activity, activities, self.user)
        result.created += len(activities)


def _refuse_on_file(model, owner, rows, result):
    """A row the platform has already (same committee or chain, title and day: a workbook imported twice) is a
    bad row."""
    titles = {d["title"].strip() for d in rows}
    on_file = {(pk, title, timezone.localdate(starts_at)) for pk, title, starts_at in model.objects.filter(
        title__in=titles).values_list(f"{owner}_id", "title", "starts_at")} if titles else set()
    result.errors.extend(RowError(d["row"], [_("The platform has this one already, on the same day.")])
                         for d in rows if (d[owner], d["title"].strip(), d["date"]) in on_file)


def _create_past(model, objects, user):
    """Create past records with their change history: each one's first entry on its own day, marked imported;
    `created` is that day too (bulk_create sets it to now first)."""
    for obj in fill_search_text(objects):
        obj._history_date = obj.starts_at
    with translation.override(settings.LANGUAGE_CODE):  # stored: the platform's language
        reason = _("imported from the history workbook")
    bulk_create_with_history(objects, model, batch_size=500, default_user=user, default_change_reason=reason)
    for obj in objects:
        obj.created = obj.starts_at
    model.objects.bulk_update(objects, ["created"], batch_size=500)


class HistoryImporter(PastDemandImporter):
    """`chainserve import history FILE.xlsx`: the sheets of past years that the workbook has, all or nothing —
    demands (诉求), then joint meetings (联席会议) and joint activities (联建活动) as its further sheets."""

    kind = "history"
    label = gettext_lazy("past years")
    sheets = (PastMeetingImporter, PastActivityImporter)
