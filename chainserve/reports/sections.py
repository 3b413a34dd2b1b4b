"""The sections of a bulletin generated from its records and figures, in the active language: 工作动态 (the
meetings, activities and visits of the period), 主要成效 (results with 同比 and 环比), the regions below the
bulletin's (各区（县）诉求办理情况) and the proposals (建议提案办理情况). The lead paragraph is figures.lead.

Each piece of text carries `links`: [{"key": figure key, "text": the words that state it}], so that a page can
link those words to the records behind the figure (sections.linked) while the text itself stays plain."""

from dataclasses import replace

from django.db.models import Count, Q, Sum
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy, pgettext, pgettext_lazy

from chainserve.coordination.choices import ActivityKind
from chainserve.coordination.models import Agreement, Registration, Visit
from chainserve.core.models import RegionLevel

from . import rollup
from .comparisons import compare
from .figures import FIGURES, activities, display, meetings, phrase, records_url, visits
from .figures import proposals as proposal_figures
from .wording import clauses, enumeration, groups, month_day, nested, sentence

# 主要成效: (key, heading, figures), each figure with its 同比 and 环比.
RESULTS = [
    ("demands", pgettext_lazy("bulletin section", "Demand handling"),
     ["demands_resolved", "response_rate", "resolution_rate", "satisfaction_rate"]),
    ("agreements", pgettext_lazy("bulletin section", "Finance and cooperation"),
     ["agreements_credit_n", "agreements_credit_fen", "agreements_cooperation_n", "agreements_investment_n",
      "agreements_investment_fen"]),
    ("party", pgettext_lazy("bulletin section", "Party-building pairings"), ["pairings"]),
    ("investment", pgettext_lazy("bulletin section", "Investment attraction"), ["leads_landed", "leads_landed_amount"]),
]
RESULT_KEYS = {key for _k, _h, keys in RESULTS for key in keys}
NOTABLE = 3  # meetings and activities named in 工作动态


# ---------------------------------------------------------------- 工作动态

def _meetings(period, scope):
    rows = list(meetings(period, scope).annotate(
        topics=Count("agenda", distinct=True), decisions_n=Count("decisions", distinct=True),
        solved=Count("agenda", filter=Q(agenda__resolved=True, agenda__demand__isnull=False), distinct=True),
    ).order_by("starts_at", "pk"))
    if not rows:
        return None
    held = ngettext_lazy("held %(value)s joint meeting", "held %(value)s joint meetings", "count") % {
        "value": len(rows), "count": len(rows)}
    text = clauses([held, *_meeting_work(sum(m.topics for m in rows), sum(m.decisions_n for m in rows), 0)])
    notable = sorted(rows, key=lambda m: (-m.solved, -m.decisions_n, -m.topics, m.starts_at))[:NOTABLE]
    items = [_item(localtime(m.starts_at).date(), m.title, clauses(_meeting_work(m.topics, m.decisions_n, m.solved)),
                   m.get_absolute_url()) for m in sorted(notable, key=lambda m: m.starts_at)]
    return _entry("meetings", pgettext("bulletin section", "Joint meetings"), text, "meetings_held", held, items)


def _meeting_work(topics, decisions, solved):
    """What meetings did, the parts with nothing left out."""
    return [topics and ngettext_lazy("discussed %(count)s topic", "discussed %(count)s topics", "count") % {
                "count": topics},
            decisions and ngettext_lazy("took %(count)s decision", "took %(count)s decisions", "count") % {
                "count": decisions},
            solved and ngettext_lazy("%(count)s demand resolved", "%(count)s demands resolved", "count") % {
                "count": solved}]


def _activities(period, scope):
    qs = activities(period, scope)
    rows = list(qs.order_by("starts_at", "pk"))
    if not rows:
        return None
    counts = {}
    for a in rows:
        counts[a.kind] = counts.get(a.kind, 0) + 1
    kinds = enumeration(_("%(kind)s %(count)s") % {"kind": label, "count": counts[kind]}
                        for kind, label in ActivityKind.choices if kind in counts)
    held = ngettext_lazy("held %(value)s joint activity", "held %(value)s joint activities", "count") % {
        "value": len(rows), "count": len(rows)}
    text = _("%(held)s, of which %(kinds)s") % {"held": held, "kinds": kinds}
    ids = [a.pk for a in rows]
    signed = {r["activity"]: r for r in Agreement.objects.confirmed().filter(activity__in=ids).order_by().values("activity")
              .annotate(n=Count("id"), fen=Sum("amount_fen"))}
    signups = dict(Registration.objects.filter(activity__in=ids).order_by().values_list("activity")
                   .annotate(n=Count("id")))

    def score(a):
        return ((signed.get(a.pk) or {}).get("n", 0), a.leads_found + a.demands_raised, signups.get(a.pk, 0))

    notable = sorted((a for a in rows if any(score(a))), key=lambda a: (tuple(-x for x in score(a)), a.starts_at))
    items = []
    for a in sorted(notable[:NOTABLE], key=lambda a: a.starts_at):
        n, fen = (signed.get(a.pk) or {}).get("n", 0), (signed.get(a.pk) or {}).get("fen")
        detail = []
        if n:
            detail.append(ngettext_lazy("%(count)s agreement signed", "%(count)s agreements signed", "count") % {
                "count": n})
            if fen:
                detail.append(_("worth %(amount)s") % {"amount": display("fen", fen)})
        if a.leads_found:
            detail.append(ngettext_lazy("%(count)s investment lead found", "%(count)s investment leads found",
                                        "count") % {"count": a.leads_found})
        if a.demands_raised:
            detail.append(ngettext_lazy("%(count)s demand raised", "%(count)s demands raised", "count") % {
                "count": a.demands_raised})
        if signups.get(a.pk):
            detail.append(ngettext_lazy("%(count)s enterprise signed up", "%(count)s enterprises signed up",
                                        "count") % {"count": signups[a.pk]})
        items.append(_item(localtime(a.starts_at).date(), a.title, clauses(detail), a.get_absolute_url()))
    return _entry("activities", pgettext("bulletin section", "Joint activities"), text, "activities_held", held,
                  items)


def _visits(period, scope):
    qs = visits(period, scope)
    totals = qs.aggregate(n=Count("id", distinct=True), firms=Count("organization", distinct=True))
    if not totals["n"]:
        return None
    raised = Visit.demands.through.objects.filter(visit__in=qs.values("pk")).count()
    made = ngettext_lazy("made %(value)s visit to enterprises", "made %(value)s visits to enterprises", "count") % {
        "value": totals["n"], "count": totals["n"]}
    text = clauses([made, ngettext_lazy("reaching %(count)s enterprise", "reaching %(count)s enterprises",
                                        "count") % {"count": totals["firms"]},
                    raised and ngettext_lazy("recording %(count)s demand", "recording %(count)s demands", "count") % {
                        "count": raised}])
    return _entry("visits", pgettext("bulletin section", "Visits to enterprises"), text, "visits", made, [])


def _item(day, title, detail, url):
    """A notable meeting or activity: {text, links} — its date, title (linked to it) and what came of it."""
    title = nested(title)
    text = _("%(date)s, “%(title)s”") % {"date": month_day(day), "title": title}
    if detail:
        text = _("%(what)s: %(detail)s") % {"what": text, "detail": detail}
    return {"text": str(text), "links": [{"url": url, "text": title}]}


def _entry(key, heading, text, figure_key, figure_text, items):
    return {"key": key, "heading": str(heading), "text": sentence(text),
            "links": [{"key": figure_key, "text": str(figure_text)}], "items": items}


def activity(period, scope):
    """工作动态: [{key, heading, text, links, items: [{text, links}]}] of the meetings, activities and visits of
    the period, each entry naming its notable records."""
    return [e for e in (_meetings(period, scope), _activities(period, scope), _visits(period, scope)) if e]


# ---------------------------------------------------------------- 主要成效

def results(report):
    """主要成效: [{key, heading, text, links}], each figure stated with its 同比 and 环比 where they exist; a
    figure of zero with nothing to compare is left out, and a group with nothing to say."""
    values = {v.figure.key: v for v in report.values}
    changes = compare(report, RESULT_KEYS & set(values))
    out = []
    for key, heading, keys in RESULTS:
        statements, links = [], []
        for k in keys:
            if k not in values or (not values[k].value and not changes.get(k)):
                continue
            stated = phrase(values[k])
            statements.append(clauses([stated, *(c.text for c in changes.get(k, []))]))
            links.append({"key": k, "text": stated})
        if statements:
            out.append({"key": key, "heading": str(heading), "links": links,
                        "text": sentence(groups(statements))})
    return out


# ---------------------------------------------------------------- 下级地区

# The section of the regions below, by their level: (heading, the head of the table's first column).
CHILD_SECTIONS = {
    RegionLevel.PROVINCE: (pgettext_lazy("bulletin section", "Demands handled in each province"),
                           pgettext_lazy("bulletin table", "Province")),
    RegionLevel.CITY: (pgettext_lazy("bulletin section", "Demands handled in each city (prefecture)"),
                       pgettext_lazy("bulletin table", "City (prefecture)")),
    RegionLevel.DISTRICT: (pgettext_lazy("bulletin section", "Demands handled in each district (county)"),
                           pgettext_lazy("bulletin table", "District (county)")),
    RegionLevel.TOWN: (pgettext_lazy("bulletin section", "Demands handled in each town (street)"),
                       pgettext_lazy("bulletin table", "Town (street)")),
}


def children(period, scope, report):
    """各区（县）诉求办理情况: {heading, column, rows: [{region, name, figures}], total} — each region directly below
    the bulletin's (rollup.children: each over its whole subtree, its rates over the union of its records) with
    the figures rollup.CHILD_FIGURES, and the bulletin's own figures (`report`) as the total; None for a region
    with none below it (no empty section). A bulletin of the whole platform lists the top regions, or, when there
    is one, the regions below it (a table of one row that is the whole says nothing)."""
    found = rollup.children(period, scope)
    whole = rollup.node_of(scope) is None
    while whole and len(found) == 1:  # the whole platform, of one province: its cities
        scope = replace(scope, district=found[0][0], cache={})
        found = rollup.children(period, scope)
    if not found:
        return None
    heading, column = CHILD_SECTIONS[found[0][0].level]
    own = {v.figure.key: v.value for v in report.values}
    return {"heading": str(heading), "column": str(column),
            "rows": [{"region": child.pk, "name": child.name,
                      "figures": {v.figure.key: v.value for v in figures.values}} for child, figures in found],
            "total": {key: own.get(key) for key in rollup.CHILD_FIGURES}}


# ---------------------------------------------------------------- 建议提案

def proposals(period, scope):
    """建议提案办理情况: {heading, text, channels, units, total} — the proposal figures of the period
    (figures.proposals, each line as Line.as_dict) and the sentence that states them; None when the period has
    no proposal."""
    figures = proposal_figures.compute(period, scope)
    if not figures.total.received:
        return None
    return {"heading": str(pgettext("bulletin section", "Proposals handled")), "text": figures.summary,
            "channels": [line.as_dict() for line in figures.channels],
            "units": [line.as_dict() for line in figures.units], "total": figures.total.as_dict()}


# ---------------------------------------------------------------- links in the text

def linked(text, links, period, params):
    """text as HTML, each link's words (the first place they appear, after the one before) made a link — to the
    records behind its figure ("key"), or to a record ("url"); words the text no longer has (an edited lead)
    stay plain."""
    html, rest = SafeString(""), str(text)
    for link in links:
        if "url" in link:
            url, key = link["url"], ""
        elif link["key"] in FIGURES:
            url, key = records_url(link["key"], period, params), link["key"]
        else:
            continue
        words = link["text"]
        at = rest.find(words)
        if at < 0:  # the words that begin a sentence are capitalised there
            words = words[:1].upper() + words[1:]
            at = rest.find(words)
        if at < 0:
            continue
        html = format_html('{}{}<a class="figure-link" data-figure-text="{}" href="{}">{}</a>', html, rest[:at], key,
                           url, words)
        rest = rest[at + len(words):]
    return format_html("{}{}", html, rest)
