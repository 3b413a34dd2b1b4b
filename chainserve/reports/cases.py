"""典型案例: the records a bulletin may tell as a typical case — the period's resolved demands and signed
agreements — and the paragraph each is prefilled with (the office edits it before publishing)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.text import Truncator
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from chainserve.coordination.choices import AgreementKind
from chainserve.coordination.models import Agreement, Meeting
from chainserve.demands.choices import Status

from .figures import FIGURES, display
from .wording import clauses, month_day, nested, sentences

MAX_CASES = 3
CHOICES_SHOWN = {"demand": 12, "agreement": 8}  # the candidates offered, most telling first
TEXT_MAX = 2000  # characters of a case's paragraph
TITLE_MAX = 200
QUOTED_MAX = 160  # characters of a demand's description or result quoted in its paragraph
KIND_LABELS = {"demand": pgettext_lazy("typical case", "Resolved demand"),
               "agreement": pgettext_lazy("typical case", "Signed agreement")}
AGREEMENT_WORDS = {AgreementKind.CREDIT: gettext_lazy("a credit agreement"),
                   AgreementKind.COOPERATION: gettext_lazy("a cooperation agreement"),
                   AgreementKind.INVESTMENT: gettext_lazy("an investment intention agreement")}


TOO_MANY = gettext_lazy("Choose at most %(max)s typical cases.")
NOT_OF_THE_PERIOD = gettext_lazy("Case %(n)s: choose one of this period's resolved demands or signed agreements.")
CHOSEN_TWICE = gettext_lazy("Case %(n)s: this record is already case %(other)s.")
TOO_LONG = gettext_lazy("Case %(n)s: keep the title within %(title)s characters and the paragraph within %(text)s.")


@dataclass
class Candidate:
    ref: str  # "demand:12", "agreement:5"
    kind: str
    label: str  # as the choice reads
    record: object

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]


def _demands(period, scope):
    return (FIGURES["demands_resolved"].records(period, scope).filter(status=Status.RESOLVED)
            .select_related("organization", "category", "lead_department"))


def _agreements(period, scope):
    qs = scope.visible(Agreement).confirmed().filter(signed_on__gte=period.start, signed_on__lte=period.end)
    return scope.on_chains(qs).select_related("institution", "enterprise", "activity")


def candidates(period, scope, limit=True):
    """The records the office may pick from: resolved demands (escalated and long-running first: the ones a
    reader learns from) and agreements (the largest first)."""
    demands = _demands(period, scope).order_by("-escalation_level", "-resolve_working_days", "-closed_at", "-pk")
    agreements = _agreements(period, scope).order_by(F("amount_fen").desc(nulls_last=True), "-signed_on", "-pk")
    if limit:
        demands, agreements = demands[:CHOICES_SHOWN["demand"]], agreements[:CHOICES_SHOWN["agreement"]]
    return ([Candidate(f"demand:{d.pk}", "demand", demand_label(d), d) for d in demands]
            + [Candidate(f"agreement:{a.pk}", "agreement", a.title, a) for a in agreements])


def demand_label(d):
    return _("%(enterprise)s: %(title)s") % {"enterprise": d.organization.name, "title": d.title}


def find(period, scope, ref):
    """The candidate `ref` names among all of the period's (not only those offered), or None."""
    kind, _sep, pk = str(ref).partition(":")
    if not pk.isdigit():
        return None
    qs = {"demand": _demands, "agreement": _agreements}.get(kind)
    record = qs(period, scope).filter(pk=int(pk)).first() if qs else None
    if record is None:
        return None
    label = demand_label(record) if kind == "demand" else record.title
    return Candidate(f"{kind}:{record.pk}", kind, label, record)


def _quoted(text):
    return Truncator(str(text).strip().rstrip("。.；;，,")).chars(QUOTED_MAX, truncate="……")


def _demand_paragraph(d):
    said = [_("on %(date)s %(enterprise)s asked for help: %(description)s") % {
        "date": month_day(localtime(d.created).date()), "enterprise": d.organization.name,
        "description": _quoted(d.description)}]
    meeting = Meeting.objects.filter(agenda__demand=d).order_by("starts_at").first()
    if meeting is not None:
        said.append(_("it was put to the joint meeting “%(meeting)s” on %(date)s") % {
            "meeting": nested(meeting.title), "date": month_day(localtime(meeting.starts_at).date())})
    how = {"department": d.lead_department.name if d.lead_department else "", "days": d.resolve_working_days,
           "resolution": _quoted(d.resolution)}
    if d.lead_department and d.resolve_working_days == 0:
        said.append(_("%(department)s led the work and resolved it the same day: %(resolution)s") % how)
    elif d.lead_department and d.resolve_working_days is not None:
        said.append(_("%(department)s led the work and resolved it in %(days)s working days: %(resolution)s") % how)
    elif d.lead_department:
        said.append(_("%(department)s led the work and resolved it: %(resolution)s") % how)
    else:
        said.append(_("it was resolved: %(resolution)s") % how)
    if d.rating:
        rated = {"rating": d.get_rating_display(), "comment": _quoted(d.rating_comment)}
        said.append(_("the enterprise rated the result “%(rating)s”: %(comment)s") % rated if d.rating_comment
                    else _("the enterprise rated the result “%(rating)s”") % rated)
    return sentences(said)


def _agreement_paragraph(a):
    what = {"date": month_day(a.signed_on), "institution": a.institution.name, "enterprise": a.enterprise.name,
            "kind": AGREEMENT_WORDS[a.kind], "activity": nested(a.activity.title) if a.activity else ""}
    signed = (_("on %(date)s, at “%(activity)s”, %(institution)s and %(enterprise)s signed %(kind)s") if a.activity
              else _("on %(date)s %(institution)s and %(enterprise)s signed %(kind)s")) % what
    if a.amount_fen:
        signed = clauses([signed, _("worth %(amount)s") % {"amount": display("fen", a.amount_fen)}])
    return sentences([signed, _quoted(a.note) if a.note else ""])


def prefilled(candidate):
    """(title, paragraph) of a case as generated from its record."""
    record = candidate.record
    if candidate.kind == "demand":
        return candidate.label, _demand_paragraph(record)
    return record.title, _agreement_paragraph(record)


def chosen(period, scope, choices):
    """The cases as published: [{ref, kind, title, text, url}] from choices [(ref, title, text)] — a blank title
    or text is the prefilled one. ValidationError on "cases" naming the case for a record not among the
    period's, one chosen twice, more than MAX_CASES or a text too long (its messages translated when shown, in
    the reader's language, though the cases are told in the bulletin's)."""
    if len(choices) > MAX_CASES:
        raise ValidationError({"cases": ValidationError(TOO_MANY, params={"max": MAX_CASES})})
    out, errors, seen = [], [], {}
    for n, (ref, title, text) in enumerate(choices, start=1):
        found = find(period, scope, ref)
        if found is None:
            errors.append(ValidationError(NOT_OF_THE_PERIOD, params={"n": n}))
            continue
        if found.ref in seen:
            errors.append(ValidationError(CHOSEN_TWICE, params={"n": n, "other": seen[found.ref]}))
            continue
        seen[found.ref] = n
        default_title, default_text = prefilled(found)
        title, text = (title or "").strip() or default_title, (text or "").strip() or default_text
        if len(text) > TEXT_MAX or len(title) > TITLE_MAX:
            errors.append(ValidationError(TOO_LONG, params={"n": n, "title": TITLE_MAX, "text": TEXT_MAX}))
            continue
        out.append({"ref": found.ref, "kind": found.kind, "title": title, "text": text,
                    "url": found.record.get_absolute_url()})
    if errors:
        raise ValidationError({"cases": errors})
    return out
