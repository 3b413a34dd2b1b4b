"""Chain analysis (segment strength, the map tree, gaps), placing organisations on segments, and targeted
investment attraction: candidates, leads and their stage changes, the candidate import."""

import re
from collections import Counter
from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainserve.core.importing import Importer, choice_lookup
from chainserve.core.models import can_change_any
from chainserve.core.services import save_record
from chainserve.registry.choices import OrgSize
from chainserve.registry.validators import clean_uscc

from .choices import LEAD_TRANSITIONS, OPEN_LEAD_STAGES, ROLE_WEIGHT, LeadStage, PlacementRole, Stage
from .models import Candidate, Chain, Lead, LeadEvent, Placement, Segment


@dataclass
class SegmentStats:
    count: int = 0
    owners: int = 0
    backbone: int = 0
    listed: int = 0
    strength: int = 0  # sum of role weights: a rough index of how strong the segment's firms are
    only: str = ""  # the name of the single enterprise, when there is exactly one


def segment_stats(chain) -> dict[int, SegmentStats]:
    """Counts per segment of chain, in one aggregate query (plus one for single-enterprise names)."""
    weight = Case(*[When(role=r, then=Value(w)) for r, w in ROLE_WEIGHT.items()], default=Value(1),
                  output_field=IntegerField())
    rows = (
        Placement.objects.filter(chain=chain).values("segment_id")
        .annotate(
            count=Count("id"),
            owners=Count("id", filter=Q(role=PlacementRole.CHAIN_OWNER)),
            backbone=Count("id", filter=Q(role=PlacementRole.BACKBONE)),
            strength=Sum(weight),
        )
        .order_by()
    )
    stats = {r.pop("segment_id"): SegmentStats(**r) for r in rows}
    # Apart, so that the join to organisations touches only the listed ones (10× faster at 50,000 placements).
    listed = (Placement.objects.filter(chain=chain, organization__listing_status="listed")
              .values("segment_id").annotate(n=Count("id")).order_by())
    for row in listed:
        stats[row["segment_id"]].listed = row["n"]
    singles = [sid for sid, s in stats.items() if s.count == 1]
    for sid, name in Placement.objects.filter(segment_id__in=singles).values_list("segment_id", "organization__name"):
        stats[sid].only = name
    return stats


def segment_tree(chain, stats=None):
    """The chain's segments as nested nodes [(segment, stats, subtree_count, children)], grouped by stage
    (stats: segment_stats(chain) unless given)."""
    segments = list(Segment.objects.filter(chain=chain).order_by("position", "pk"))
    stats = segment_stats(chain) if stats is None else stats
    children = {}
    for seg in segments:
        children.setdefault(seg.parent_id, []).append(seg)

    def build(seg):
        kids = [build(c) for c in children.get(seg.pk, [])]
        own = stats.get(seg.pk, SegmentStats())
        return {"segment": seg, "stats": own, "total": own.count + sum(k["total"] for k in kids), "children": kids}

    roots = [build(s) for s in children.get(None, [])]
    return [(stage, [r for r in roots if r["segment"].stage == stage]) for stage in Stage]


def _strength_level(stats: SegmentStats) -> int:
    """0 gap, 1 weak, 2 present, 3 strong — the colour of a node on the map."""
    if stats.count == 0:
        return 0
    if stats.count == 1 or stats.strength < 4:
        return 1
    return 3 if stats.owners or stats.strength >= 15 else 2


# ---------------------------------------------------------------- the chains below (a province's cities' chains)

@dataclass
class BelowColumn:
    """A chain below, as a column of the breakdown: its placements per segment of the chain above."""

    chain: Chain
    total: int = 0
    unmatched: int = 0  # placed on segments that match none of the chain above


def segment_matcher(segments):
    """A function giving, for a segment of a chain below, the pk of the segment of `segments` (the chain above's)
    it counts in: the one of the same name; else the one with its GB/T 4754 code, where only one has that code;
    else what its parent segment counts in (a city's sub-segment rolls up to the province's heading); else None.
    Chains below are set up on their own, not copied from a template, so the name and the code are what they
    share."""
    by_name = {s.name: s.pk for s in segments}
    codes = Counter(s.gbt_code for s in segments if s.gbt_code)
    by_code = {s.gbt_code: s.pk for s in segments if s.gbt_code and codes[s.gbt_code] == 1}

    def match(seg, others):
        found = by_name.get(seg.name) or by_code.get(seg.gbt_code)
        if found is None and seg.parent_id in others:
            return match(others[seg.parent_id], others)
        return found

    return match


@dataclass
class Below:
    """The placements on the chains below a chain that a user may see (below_stats)."""

    columns: list  # [BelowColumn], one per chain below, by region
    cells: dict  # {(segment pk of the chain above, chain below pk): SegmentStats}
    extra: dict  # {segment pk of the chain above: SegmentStats} of the enterprises not placed on it already
    hidden: int = 0  # chains below that the user may not see, counted nowhere


def below_stats(chain, user):
    """The placements on the chains below chain that user may see (Placement.restrict), counted per segment of
    chain they match (segment_matcher): per chain below (the breakdown), and over them all without the
    enterprises chain places itself (what its map adds: a district's firms are mostly on its city's chain too).
    Five queries, whatever the number of chains below."""
    below = list(chain.district_chains.restrict(user).select_related("region").order_by("region__path", "name"))
    out = Below([BelowColumn(c) for c in below], {}, {})
    out.hidden = chain.district_chains.count() - len(below)
    if not below:
        return out
    match = segment_matcher(list(Segment.objects.filter(chain=chain).only("name", "gbt_code")))
    others = {s.pk: s for s in Segment.objects.filter(chain__in=below).only("chain_id", "parent_id", "name",
                                                                            "gbt_code")}
    target = {pk: match(seg, others) for pk, seg in others.items()}
    weight = Case(*[When(role=r, then=Value(w)) for r, w in ROLE_WEIGHT.items()], default=Value(1),
                  output_field=IntegerField())
    placed_above = Exists(Placement.objects.filter(chain=chain, organization=OuterRef("organization")))
    rows = (Placement.objects.restrict(user, "view").filter(chain__in=below).annotate(placed_above=placed_above)
            .values("chain_id", "segment_id", "placed_above")
            .annotate(count=Count("id"), owners=Count("id", filter=Q(role=PlacementRole.CHAIN_OWNER)),
                      backbone=Count("id", filter=Q(role=PlacementRole.BACKBONE)),
                      listed=Count("id", filter=Q(organization__listing_status="listed")), strength=Sum(weight))
            .order_by())
    columns = {c.chain.pk: c for c in out.columns}
    for row in rows:
        column, own = columns[row.pop("chain_id")], target.get(row.pop("segment_id"))
        column.total += row["count"]
        if own is None:
            column.unmatched += row["count"]
            continue
        _add_to(out.cells.setdefault((own, column.chain.pk), SegmentStats()), row)
        if not row["placed_above"]:
            _add_to(out.extra.setdefault(own, SegmentStats()), row)
    return out


STAT_FIELDS = ("count", "owners", "backbone", "listed", "strength")


def _add_to(stats, more):
    """stats with more (a SegmentStats or a row of counts) added to it."""
    for name in STAT_FIELDS:
        setattr(stats, name, getattr(stats, name) + (more[name] if isinstance(more, dict) else getattr(more, name)))
    stats.only = ""  # the single enterprise's name holds only for the chain's own
    return stats


def below_breakdown(chain, below):
    """The chain map's table of the chains below (below: below_stats): {"columns": [BelowColumn], "rows":
    [{"segment", "depth", "counts": [n per column, its subtree's included], "cells": [(column, n)], "total"}] in the
    tree's order, "unmatched": [n per column], "unmatched_total", "total"}; None when there is no chain below that
    the user may see."""
    if not below.columns:
        return None
    rows = []

    def walk(node, depth):
        at = len(rows)
        rows.append(None)
        counts = [below.cells.get((node["segment"].pk, c.chain.pk), SegmentStats()).count for c in below.columns]
        for child in node["children"]:
            counts = [a + b for a, b in zip(counts, walk(child, depth + 1), strict=True)]
        rows[at] = {"segment": node["segment"], "depth": depth, "counts": counts, "total": sum(counts),
                    "cells": list(zip(below.columns, counts, strict=True))}
        return counts

    for _stage, roots in segment_tree(chain, {}):
        for root in roots:
            walk(root, 0)
    unmatched = [c.unmatched for c in below.columns]
    return {"columns": below.columns, "rows": rows, "unmatched": unmatched, "unmatched_total": sum(unmatched),
            "total": sum(c.total for c in below.columns)}


def map_data(chain, below=None):
    """The ECharts tree for the chain map: chain → stage → segments, each with its counts and open leads — and,
    given below (below_stats), the enterprises of the chains below counted in with the segments they match: a
    province's map shows its cities' enterprises."""
    leads = lead_counts_by_segment(chain)
    stats = segment_stats(chain)
    for seg, more in (below.extra.items() if below else ()):
        stats[seg] = _add_to(stats.get(seg, SegmentStats()), more)

    def node(n):
        s = n["stats"]
        seg = n["segment"]
        return {
            "name": seg.name,
            "value": n["total"],
            "id": seg.pk,
            "count": s.count,
            "owners": s.owners,
            "listed": s.listed,
            "strength": s.strength,
            "level": _strength_level(s) if not n["children"] else max(
                [_strength_level(s)] + [_strength_level(k["stats"]) for k in n["children"]]),
            "importDependent": seg.import_dependent,
            "leads": leads.get(seg.pk, 0),
            "children": [node(k) for k in n["children"]],
        }

    stages = []
    for stage, roots in segment_tree(chain, stats):
        kids = [node(r) for r in roots]
        stages.append({"name": stage.label, "value": sum(k["value"] for k in kids), "stage": stage.value,
                       "children": kids})
    return {"name": chain.name, "value": sum(s["value"] for s in stages), "children": stages}


def gaps(chain):
    """Segments with no enterprise or a single one, and those flagged as import-dependent (leaves first)."""
    stats = segment_stats(chain)
    has_children = set(Segment.objects.filter(chain=chain, parent__isnull=False).values_list("parent_id", flat=True))
    rows = []
    # Upstream → midstream → downstream, as on the map (not the alphabetical order of the stage values).
    stage_order = Case(*[When(stage=stage, then=Value(i)) for i, stage in enumerate(Stage)],
                       output_field=IntegerField())
    segments = Segment.objects.filter(chain=chain).select_related("parent")
    for seg in segments.order_by(stage_order, "position", "pk"):
        s = stats.get(seg.pk, SegmentStats())
        if seg.pk in has_children and not seg.import_dependent:
            continue  # a parent is a heading; its leaves carry the enterprises
        reasons = []
        if s.count == 0:
            reasons.append(_("no enterprise"))
        elif s.count == 1:
            reasons.append(_("a single enterprise"))
        if seg.import_dependent:
            reasons.append(_("import-dependent"))
        if reasons:
            rows.append({"segment": seg, "stats": s, "reasons": reasons})
    return rows


def place(user, placement):
    """Place an organisation on a segment (validated; refused outside the user's chains)."""
    placement.full_clean(exclude=["chain"])
    return save_record(user, placement)


# ---------------------------------------------------------------- targeted investment attraction (靶向招商)

class LeadConflict(Exception):
    """The lead changed since the user loaded it: someone else moved it first."""


def save_candidate(user, candidate, segments):
    """Create or change a candidate with the segments it would fill (all of its own chain)."""
    if any(s.chain_id != candidate.chain_id for s in segments):
        raise ValidationError({"segments": _("Every segment must belong to the candidate's chain.")})
    candidate.full_clean(exclude=["segments"])
    return save_record(user, candidate, lambda: candidate.segments.set(segments))


def _event(lead, user, from_stage, note=""):
    LeadEvent.objects.create(lead=lead, chain_id=lead.chain_id, from_stage=from_stage, to_stage=lead.stage,
                             amount=lead.amount, note=note, by=user)


def start_lead(user, candidate, segment, note="", owner=None):
    """Open a lead (stage found) to bring candidate to segment, followed by owner (else user); its first
    event says so."""
    lead = Lead(candidate=candidate, segment=segment, owner=owner or user, note=note, stage=LeadStage.FOUND,
                stage_changed_at=timezone.now())
    lead.full_clean()
    with transaction.atomic():
        save_record(user, lead)
        _event(lead, user, "", note)
    return lead


def move_lead(lead, user, to_stage, version, amount=None, note=""):
    """Move lead to to_stage as user, if it is still at `version` (else LeadConflict) and the move is
    allowed from its stage (else ValidationError). A signed intention and a landing need the amount.
    Writes a LeadEvent; the lead is untouched when refused."""
    if to_stage not in LeadStage.values:
        raise ValidationError({"stage": _("There is no stage %(v)s.") % {"v": to_stage}})
    to_stage = LeadStage(to_stage)
    if to_stage in (LeadStage.SIGNED, LeadStage.LANDED) and amount is None:
        raise ValidationError({"amount": _("Give the investment amount in yuan.")})
    if amount is not None and amount < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})
    with transaction.atomic():
        current = Lead.objects.restrict(user, "change").select_for_update().filter(pk=lead.pk).first()
        if current is None:
            raise PermissionDenied
        if current.version != version:
            raise LeadConflict(_("Someone else changed this lead meanwhile (now: %(stage)s). Reload it and try "
                                 "again.") % {"stage": current.get_stage_display()})
        if to_stage not in LEAD_TRANSITIONS[LeadStage(current.stage)]:
            raise ValidationError({"stage": _("A lead that is %(from)s cannot move to %(to)s.") % {
                "from": current.get_stage_display().lower(),
                "to": to_stage.label.lower()}})
        changes = {"stage": to_stage, "version": F("version") + 1, "stage_changed_at": timezone.now(),
                   "updated": timezone.now()}
        if amount is not None:
            changes["amount"] = amount
        # The version in the WHERE makes the change conditional on both backends (SQLite has no row lock).
        if not Lead.objects.filter(pk=lead.pk, version=version).update(**changes):
            raise LeadConflict(_("Someone else changed this lead meanwhile. Reload it and try again."))
        from_stage = current.stage
        current.refresh_from_db()
        _event(current, user, from_stage, note)
    return current


def gap_candidates(chain, per_gap=20):
    """The gaps of chain (see gaps()), each with the number of candidates that would fill it, the first
    per_gap of them by name (each with its lead for the gap, if any) and the gap's open leads."""
    rows = gaps(chain)
    ids = [g["segment"].pk for g in rows]
    through = Candidate.segments.through
    counts = dict(through.objects.filter(segment_id__in=ids).values("segment_id").annotate(n=Count("id"))
                  .order_by().values_list("segment_id", "n"))
    shown = {seg: list(Candidate.objects.filter(segments=seg).order_by("name", "pk")[:per_gap]) for seg in ids
             if counts.get(seg)}
    leads = {(lead.candidate_id, lead.segment_id): lead for lead in Lead.objects.filter(
        segment__in=ids, candidate__in={c.pk for cs in shown.values() for c in cs})}
    open_leads = lead_counts_by_segment(chain)
    for g in rows:
        seg = g["segment"].pk
        g["candidates"] = [(c, leads.get((c.pk, seg))) for c in shown.get(seg, [])]
        g["candidate_count"] = counts.get(seg, 0)
        g["leads"] = open_leads.get(seg, 0)
    return rows


def lead_counts_by_segment(chain):
    """Open leads (not landed, not dropped) per segment of chain."""
    rows = (Lead.objects.filter(chain=chain, stage__in=OPEN_LEAD_STAGES).values("segment_id")
            .annotate(n=Count("id")).order_by())
    return {r["segment_id"]: r["n"] for r in rows}


def lead_counts(chain=None, start=None, end=None):
    """Intentions signed and projects landed between start and end (dates, both included; None for open),
    counted by the day of the stage change: {"signed": n, "signed_amount": 元, "landed": n,
    "landed_amount": 元}. A lead counts once per stage reached (the amount is the one given then)."""
    events = LeadEvent.objects.filter(to_stage__in=[LeadStage.SIGNED, LeadStage.LANDED])
    if chain is not None:
        events = events.filter(chain=chain)
    if start is not None:
        events = events.filter(at__date__gte=start)
    if end is not None:
        events = events.filter(at__date__lte=end)
    out = {"signed": 0, "signed_amount": 0, "landed": 0, "landed_amount": 0}
    for row in events.values("to_stage").annotate(n=Count("lead_id", distinct=True), total=Sum("amount")).order_by():
        out[row["to_stage"]] = row["n"]
        out[f"{row['to_stage']}_amount"] = row["total"] or 0
    return out


CANDIDATE_HEADERS = {
    "name": ["企业名称", "名称", "name"],
    "region": ["所在地区", "地区", "region"],
    "uscc": ["统一社会信用代码", "信用代码", "uscc"],
    "chain": ["产业链", "chain"],
    "segments": ["环节", "目标环节", "segments"],
    "products": ["主要产品", "产品", "products"],
    "size": ["规模", "企业规模", "size"],
    "revenue": ["年营收(元)", "年营收", "revenue"],
    "note": ["备注", "note"],
}


class CandidateRowForm(forms.Form):
    name = forms.CharField(max_length=200)
    region = forms.CharField(max_length=100)
    uscc = forms.CharField(required=False)
    chain = forms.CharField()
    segments = forms.CharField()
    products = forms.CharField(required=False)
    size = forms.CharField(required=False)
    revenue = forms.IntegerField(required=False, min_value=0)
    note = forms.CharField(required=False)

    def __init__(self, data, refs):
        super().__init__(data)
        self.refs = refs

    def clean_uscc(self):
        value = (self.cleaned_data.get("uscc") or "").strip()
        return clean_uscc(value) if value else ""

    def clean_size(self):
        value = (self.cleaned_data.get("size") or "").strip().lower()
        if value and value not in self.refs["sizes"]:
            raise ValidationError(_("'%(v)s' is not a known value.") % {"v": value})
        return self.refs["sizes"].get(value, "")

    def clean_chain(self):
        name = self.cleaned_data["chain"].strip()
        if name not in self.refs["chains"]:
            raise ValidationError(_("You keep no chain called %(v)s.") % {"v": name})
        return self.refs["chains"][name]

    def clean(self):
        data = super().clean()
        chain = data.get("chain")
        if chain is None or "segments" not in data:
            return data
        names = split_names(data["segments"])
        known = self.refs["segments"].get(chain.pk, {})
        unknown = [n for n in names if n not in known]
        if unknown:
            self.add_error("segments", _("The chain has no segment %(v)s.") % {"v": "、".join(unknown)})
        else:
            data["segments"] = [known[n] for n in names]
        return data


def split_names(text):
    return [n.strip() for n in re.split(r"[,,、;;]", text or "") if n.strip()]


class CandidateImporter(Importer):
    """Investment candidates: created, or updated when one of the same name is on the same chain."""

    kind = "candidates"
    label = gettext_lazy("investment candidates")
    columns = CANDIDATE_HEADERS
    row_form = CandidateRowForm
    command = "chainserve import_catalogue candidates FILE.xlsx"
    success_url = "chains:candidates"

    @classmethod
    def allowed(cls, user):
        return can_change_any(Candidate, user)

    def refs(self, rows):
        chains = Chain.objects.all() if self.user is None else Chain.objects.restrict(self.user, "change")
        chains = {c.name: c for c in chains}
        segments = {}
        for seg in Segment.objects.filter(chain__in=chains.values()):
            segments.setdefault(seg.chain_id, {})[seg.name] = seg
        return {"chains": chains, "segments": segments, "sizes": choice_lookup(OrgSize.choices)}

    def key(self, data):
        return data["chain"].pk, data["name"]

    def write(self, rows, result):
        existing = {(c.chain_id, c.name): c for c in Candidate.objects.filter(
            chain__in={d["chain"] for d in rows}, name__in={d["name"] for d in rows})}
        for data in rows:
            candidate = existing.get((data["chain"].pk, data["name"]))
            result.updated += candidate is not None
            result.created += candidate is None
            candidate = candidate or Candidate(chain=data["chain"], name=data["name"])
            for name in ("region", "uscc", "products", "size", "revenue", "note"):
                setattr(candidate, name, data[name])
            candidate._history_user = self.user
            candidate.save()
            candidate.segments.set(data["segments"])


def import_candidates(file, user, *, commit=True, progress=None, limits=None):
    """Validate every row of a candidates workbook; if all are good (and commit), create candidates and
    update those with the same name on the same chain. Nothing is written when any row is bad."""
    return CandidateImporter(user).run(file, commit=commit, progress=progress, limits=limits)
