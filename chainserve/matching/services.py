"""Every change in matching: saving rule versions, recomputing matches, the enterprise's choices, attaching
resources to demands. Recomputes are idempotent: run twice, they change nothing the second time and never
notify twice (one notification key per rule and enterprise)."""

from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainserve.core.choices import Role
from chainserve.core.models import Notification, User
from chainserve.core.services import notify
from chainserve.core.tasks import enqueue_after_commit
from chainserve.demands import services as demand_services
from chainserve.registry.choices import OrgKind
from chainserve.registry.models import Organization, RegistryStamp
from chainserve.resources.choices import ItemStatus

from . import benefits as benefit_rules
from . import rules
from .choices import UNTOUCHED_STATES, MatchState
from .models import ENTERPRISE_INDEX, ITEM_FIELDS, DeclaredInput, DemandResource, Match, Rule, RuleVersion
from .profiles import compile_rule, profile_of
from .profiles import profiles as profiles_of
from .tasks import recompute_all_task, recompute_enterprises_task, recompute_rule_task


@dataclass
class Recomputed:
    created: int = 0
    deleted: int = 0
    notified: int = 0

    def __add__(self, other):
        return Recomputed(self.created + other.created, self.deleted + other.deleted, self.notified + other.notified)


# ---------------------------------------------------------------- rules

def save_rule(user, item, expression, effective_from=None, effective_to=None, note="", benefits=(),
              benefit_cap=None):
    """Give item (a policy or financial product) a new version of its rule, with its benefits (matching.benefits)
    and their cap per enterprise and year in fen; the matches follow in the background.

    The expression and the benefits are checked first: a malformed one is refused with the path of the wrong
    part. Benefits do not change who qualifies."""
    model = type(item)
    if not model.objects.restrict(user, "change").filter(pk=item.pk).exists():
        raise PermissionDenied(_("You may not change the rules of this item."))
    try:
        rules.validate(expression)
    except rules.RuleError as e:
        raise ValidationError({"expression": str(e)}) from None
    benefits = list(benefits or ())
    try:
        benefit_rules.validate(benefits)
    except rules.RuleError as e:
        raise ValidationError({"benefits": str(e)}) from None
    if benefit_cap is not None and not 0 <= benefit_cap <= benefit_rules.MAX_DECLARED_FEN:
        raise ValidationError({"benefit_cap": _("Give the cap per enterprise and year as an amount of 0 or more.")})
    if effective_from and effective_to and effective_to < effective_from:
        raise ValidationError({"effective_to": _("A version cannot end before it takes effect.")})
    key = "policy" if model._meta.model_name == "policy" else "product"
    with transaction.atomic():
        rule, _created = Rule.objects.select_for_update().get_or_create(**{key: item})
        last = rule.versions.order_by("-number").values_list("number", flat=True).first() or 0
        version = RuleVersion.objects.create(rule=rule, number=last + 1, expression=expression,
                                             effective_from=effective_from, effective_to=effective_to,
                                             note=note.strip(), created_by=user, benefits=benefits,
                                             benefit_cap=benefit_cap)
        rule.save(update_fields=["updated"])
        schedule_rule(rule)
    return version


def live_rules(day=None):
    """Active rules whose item enterprises can see now: a published policy in effect, a published product."""
    day = day or timezone.localdate()
    policy_live = (Q(policy__status=ItemStatus.PUBLISHED)
                   & (Q(policy__effective_from__isnull=True) | Q(policy__effective_from__lte=day))
                   & (Q(policy__effective_to__isnull=True) | Q(policy__effective_to__gte=day)))
    return Rule.objects.filter(policy_live | Q(product__status=ItemStatus.PUBLISHED), active=True)


def versions_in_force(day=None, only=None):
    """{rule id: version} for every live rule (or the live ones among `only`) with a version in force on day."""
    day = day or timezone.localdate()
    found = {}
    live = live_rules(day) if only is None else live_rules(day).filter(pk__in=only)
    in_force = RuleVersion.objects.filter(
        Q(effective_from__isnull=True) | Q(effective_from__lte=day),
        Q(effective_to__isnull=True) | Q(effective_to__gte=day),
        rule__in=live).only("id", "rule_id", "number", "expression", "effective_from", "effective_to").order_by("rule_id", "-number")
    for version in in_force:
        found.setdefault(version.rule_id, version)
    return found


def enterprises():
    return Organization.objects.filter(kind=OrgKind.ENTERPRISE)


# ---------------------------------------------------------------- recomputing

def recompute_rule(rule, day=None):
    """Bring the matches of one rule up to date: a compiled query, the set difference with the matches
    there are (one DELETE and one UPDATE for those that stopped qualifying or moved version), and one
    INSERT … SELECT … WHERE NOT EXISTS for the new ones. A rule without matches yet (the first run, a full
    recompute from scratch) costs a single pass over the enterprises."""
    day = day or timezone.localdate()
    version = versions_in_force(day, only=[rule.pk]).get(rule.pk)
    qualifying = (enterprises().filter(compile_rule(version.expression, day, version.period)) if version
                  else Organization.objects.none())
    ids = qualifying.order_by().values("pk")
    now = timezone.now()
    existing = Match.objects.filter(rule=rule)
    deleted = 0
    with transaction.atomic():
        if existing.exists():
            stale = existing.exclude(enterprise_id__in=ids)
            deleted, _counts = stale.filter(state__in=UNTOUCHED_STATES).delete()
            stale.filter(qualifies=True).update(qualifies=False, updated=now)
            if version is not None:
                existing.filter(Q(qualifies=False) | ~Q(version=version), enterprise_id__in=ids).update(
                    qualifies=True, version=version, updated=now)
        if version is None:
            return Recomputed(deleted=deleted)
        fresh = qualifying.exclude(Exists(Match.objects.filter(rule=rule, enterprise_id=OuterRef("pk"))))
        created = _insert_matches(fresh, rule, version, now)
        notified = _notify_new(rule, now) if created else 0
    return Recomputed(created, deleted, notified)


def _insert_matches(queryset, rule, version, now):
    """INSERT … SELECT: the database adds the matches of every enterprise in queryset without sending a
    row through Python (tens of thousands of rows for a broad policy). Plain SQL on both backends."""
    sql, params = queryset.order_by().annotate(match_org=F("pk")).values_list("match_org").query.sql_with_params()
    table = Match._meta.db_table
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (enterprise_id, rule_id, version_id, state, qualifies, created, updated) "  # nosec B608  # the model's table; the subquery is the ORM's with its parameters
            f"SELECT sub.match_org, %s, %s, %s, %s, %s, %s FROM ({sql}) sub",
            [rule.pk, version.pk, MatchState.NEW.value, True, stamp, stamp, *params])
        return cursor.rowcount


def _notify_new(rule, now):
    """Notify the enterprises of the rule's matches made at `now` — driven from the few enterprise users,
    not from the (many) new matches."""
    return _notify_matched(rule, _users_by_org(organization__matches__rule=rule, organization__matches__created=now))


def _users_by_org(**filters):
    """{organisation id: [active enterprise users]} of the enterprise users matching filters."""
    found = {}
    for user in User.objects.filter(role=Role.ENTERPRISE, is_active=True, organization__isnull=False, **filters):
        found.setdefault(user.organization_id, []).append(user)
    return found


def _notify_matched(rule, users_by_org):
    """Tell the users of each newly matched enterprise; returns how many messages were new."""
    if not users_by_org:
        return 0
    item = rule.item
    url = reverse("matching:mine")
    # One key per rule and enterprise: a later recompute, or a new version, never notifies again.
    keys = {org_id: f"match:{rule.pk}:{org_id}" for org_id in users_by_org}
    sent = Notification.objects.filter(user__in=[u for users in users_by_org.values() for u in users],
                                       key__in=keys.values())
    before = sent.count()
    with translation.override(settings.LANGUAGE_CODE):
        title = _("New for you: %(item)s") % {"item": item.title}
        body = _("Your enterprise meets the conditions of “%(item)s”. See why on the matched-for-you page.") % {
            "item": item.title}
    for org_id, users in users_by_org.items():
        notify(users, keys[org_id], title, body, url)
    return sent.count() - before


def recompute_enterprise(org, day=None):
    """Bring one enterprise's matches up to date: every rule in force evaluated in Python on its profile."""
    day = day or timezone.localdate()
    versions = versions_in_force(day) if org.kind == OrgKind.ENTERPRISE else {}  # only enterprises match
    profile = profile_of(org)
    fits = {rule_id: v for rule_id, v in versions.items() if rules.evaluate(v.expression, profile, day, v.period) is True}
    now = timezone.now()
    with transaction.atomic():
        existing = {m.rule_id: m for m in Match.objects.select_for_update().filter(enterprise=org)}
        stale = [m for rule_id, m in existing.items() if rule_id not in fits]
        deleted, _counts = Match.objects.filter(pk__in=[m.pk for m in stale if m.state in UNTOUCHED_STATES]).delete()
        Match.objects.filter(pk__in=[m.pk for m in stale if m.state not in UNTOUCHED_STATES and m.qualifies]) \
            .update(qualifies=False, updated=now)
        for rule_id, version in fits.items():
            m = existing.get(rule_id)
            if m is not None and (not m.qualifies or m.version_id != version.pk):
                Match.objects.filter(pk=m.pk).update(qualifies=True, version=version, updated=now)
        new = [rule_id for rule_id in fits if rule_id not in existing]
        Match.objects.bulk_create([Match(enterprise=org, rule_id=rule_id, version=fits[rule_id], created=now,
                                         updated=now) for rule_id in new])
        users = _users_by_org(organization=org).get(org.pk, [])
        notified = sum(_notify_matched(rule, {org.pk: users}) for rule in
                       Rule.objects.filter(pk__in=new).select_related("policy", "product")) if users else 0
    return Recomputed(len(new), deleted, notified)


RULES_PER_TRANSACTION = 25
WRITERS = 2  # connections writing a full recompute's groups at once on PostgreSQL
CHUNK = 10_000  # enterprise ids per DELETE / UPDATE statement
BULK_CHUNK = 200_000  # enterprise ids per INSERT of new matches
SQLITE_CACHE_KIB = 1_048_576  # page cache (at most 1 GiB) of the full recompute on SQLite


def recompute_all(day=None):
    """Every rule's matches (live or not: a withdrawn item's untouched matches go). The enterprises' profiles
    are read once and every rule in force evaluated on all of them at once (`vectors`); each rule's matches
    are then brought to that result: bulk-inserted new ones, stale ones deleted or marked, kept ones moved
    to the version in force. Rules are committed in groups of RULES_PER_TRANSACTION: a commit per rule cost
    a quarter of the time, one for all would hold the write lock for minutes. A profile changed during the
    run (a minute at most) may be judged on the profile read at its start until its next change or the
    next night."""
    from . import vectors

    day = day or timezone.localdate()
    profiles = vectors.Profiles(enterprises(), day)
    versions = versions_in_force(day)
    rule_list = list(Rule.objects.select_related("policy", "product").order_by("pk"))
    groups = [rule_list[start:start + RULES_PER_TRANSACTION] for start in range(0, len(rule_list), RULES_PER_TRANSACTION)]
    with _bulk_cache(), _enterprise_index_last(first_build=not Match.objects.exists()):
        return sum(_map_groups(groups, versions, profiles), Recomputed())


def _map_groups(groups, versions, profiles):
    """_bring_group of each group: on PostgreSQL, outside a transaction, WRITERS threads with a connection
    each take the groups in turn, since one backend writes on one core and the insert is most of a first
    build; otherwise (SQLite has one writer) one after the other."""
    if connection.vendor != "postgresql" or connection.in_atomic_block or WRITERS < 2:
        return [_bring_group(group, versions, profiles) for group in groups]

    def in_own_connection(group):
        try:
            return _bring_group(group, versions, profiles)
        finally:
            connection.close()  # the thread's own

    with ThreadPoolExecutor(WRITERS) as pool:
        return list(pool.map(in_own_connection, groups))


def _bring_group(group, versions, profiles):
    """The rules of group brought to `profiles` in one transaction. A match that a concurrent recompute (of
    one rule or one enterprise) commits between this one's read and its insert makes the insert fail on
    the unique index: the group is then done again, once, from what is there now."""
    import numpy as np

    def bring():
        total = Recomputed()
        with transaction.atomic():
            for rule in group:
                version = versions.get(rule.pk)
                total += _bring_to(rule, version, profiles.qualifying(version.expression, version.period) if version
                                   else np.empty(0, np.int64))
        return total

    try:
        return bring()
    except IntegrityError:
        return bring()


@contextmanager
def _enterprise_index_last(first_build):
    """A first build (no match at all yet: a new installation, the first night after an import) writes every
    match new, rule after rule: the table, its primary key and the unique (rule, enterprise) index grow at
    their end, but the enterprise index would take each of tens of millions of inserts at a random place.
    So it is dropped and made again at the end from the finished table (22 million matches on PostgreSQL:
    7.5 s). Dropped and made in their own short transactions, so that the build's commits stay small;
    enterprises' pages scan the table until it is back. An index missing at the start (a build killed
    half-way) is made."""
    index = next(i for i in Match._meta.indexes if i.name == ENTERPRISE_INDEX)
    editor = connection.schema_editor()  # only for its SQL: on SQLite, entering it is refused inside a transaction
    with connection.cursor() as cursor:
        present = index.name in connection.introspection.get_constraints(cursor, Match._meta.db_table)
        if present and first_build:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(index.name)}")
            present = False
    try:
        yield
    finally:
        if not present:
            with connection.cursor() as cursor:
                cursor.execute(str(index.create_sql(Match, editor)))
                if first_build and connection.vendor == "postgresql":
                    # statistics of the whole new table, not of the part autovacuum saw mid-build: a broad rule
                    # then looked like a narrow one, and its qualifying list was sorted in full (2.4 s)
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(Match._meta.db_table)}")


def _bring_to(rule, version, qualifying):
    """Make the rule's matches those of the enterprise ids `qualifying` (ascending), for its version (None:
    no version in force, no enterprise qualifies)."""
    import numpy as np

    now = timezone.now()
    existing = Match.objects.filter(rule=rule)
    with connection.cursor() as cursor:  # up to a million ids for a broad rule: straight into an array
        cursor.execute(f"SELECT enterprise_id FROM {Match._meta.db_table} WHERE rule_id = %s", [rule.pk])  # nosec B608  # the model's table
        have = np.sort(np.array(cursor.fetchall(), dtype=np.int64).reshape(-1))
    stale = np.setdiff1d(have, qualifying, assume_unique=True).tolist()
    deleted = 0
    for ids in _chunks(stale):
        deleted += existing.filter(enterprise_id__in=ids, state__in=UNTOUCHED_STATES).delete()[0]
        existing.filter(enterprise_id__in=ids, qualifies=True).update(qualifies=False, updated=now)
    if version is None:
        return Recomputed(deleted=deleted)
    moved = existing.filter(Q(qualifies=False) | ~Q(version=version)).values_list("enterprise_id", flat=True)
    for ids in _chunks(np.intersect1d(np.fromiter(moved, dtype=np.int64), qualifying).tolist()):
        existing.filter(enterprise_id__in=ids).update(qualifies=True, version=version, updated=now)
    fresh = np.setdiff1d(qualifying, have, assume_unique=True).tolist()
    _bulk_insert(rule, version, fresh, now)
    notified = _notify_new(rule, now) if fresh else 0
    return Recomputed(len(fresh), deleted, notified)


def _chunks(ids, size=CHUNK):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _bulk_insert(rule, version, enterprise_ids, now):
    """New matches in one statement per BULK_CHUNK ids, sent as one text array (PostgreSQL) or one JSON list
    (SQLite) that the database unpacks: no row goes through Python or a model instance. (A text array is
    read twice as fast as a list that psycopg adapts item by item.)"""
    postgres = connection.vendor == "postgresql"
    ids, listed = ("unnest(%s::text::bigint[]) AS ids(value)", "{%s}") if postgres else ("json_each(%s) AS ids", "[%s]")
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        for chunk in _chunks(enterprise_ids, BULK_CHUNK):
            cursor.execute(
                f"INSERT INTO {Match._meta.db_table} (enterprise_id, rule_id, version_id, state, qualifies, created, "  # nosec B608  # the model's table, values as parameters
                f"updated) SELECT ids.value, %s, %s, %s, %s, %s, %s FROM {ids}",
                [rule.pk, version.pk, MatchState.NEW.value, True, stamp, stamp, listed % ",".join(map(str, chunk))])


@contextmanager
def _bulk_cache():
    """On SQLite, a larger page cache while the full recompute writes (then the connection's own again)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def schedule_rule(rule):
    enqueue_after_commit(recompute_rule_task, rule.pk)


def item_changed(item):
    """A catalogue item was saved, published or withdrawn (core.profiles.catalogue_changed): recompute its
    rule in the background. Only policies and financial products have rules."""
    field = {"policy": "policy", "financialproduct": "product"}.get(type(item)._meta.model_name)
    rule = Rule.objects.filter(**{field: item}).first() if field else None
    if rule is not None:
        schedule_rule(rule)


ONE_BY_ONE = 100  # organisations whose matches one task recomputes one by one; more: the full recompute


def profiles_changed(org_ids):
    """Organisations' profiles changed (core.profiles.profiles_changed): one background task recomputes their
    matches — one by one for a few, every match at once for more (an import: recompute_all reads every profile
    once). Any kind of organisation: one that stopped being an enterprise loses its untouched matches."""
    if len(org_ids) <= ONE_BY_ONE:
        enqueue_after_commit(recompute_enterprises_task, list(org_ids))
    else:
        enqueue_after_commit(recompute_all_task)


# ---------------------------------------------------------------- the enterprise's choices

STATE_ACTIONS = {"open": MatchState.OPENED, "save": MatchState.SAVED, "dismiss": MatchState.DISMISSED,
                 "apply": MatchState.APPLIED, "restore": MatchState.OPENED}


ONLY_THE_ENTERPRISE = gettext_lazy("Only the enterprise itself may do this.")


def may_set_state(match, user):
    return user.role == Role.ENTERPRISE and user.organization_id == match.enterprise_id


def set_state(match, user, action):
    """The enterprise opens, saves, dismisses, marks as applied or restores one of its matches.

    Opening only moves a new match (it never undoes a save or a dismissal)."""
    if not may_set_state(match, user):
        raise PermissionDenied(ONLY_THE_ENTERPRISE)
    if action not in STATE_ACTIONS:
        raise ValidationError({"action": _("Unknown action.")})
    now = timezone.now()
    with transaction.atomic():
        m = Match.objects.select_for_update().get(pk=match.pk)
        if action == "open" and m.state != MatchState.NEW:
            return m
        m.state = STATE_ACTIONS[action]
        m.opened_at = m.opened_at or now
        if m.state == MatchState.APPLIED:
            m.applied_at = m.applied_at or now
        m.updated = now
        m.save(update_fields=["state", "opened_at", "applied_at", "updated"])
    return m


# ---------------------------------------------------------------- benefits: what a firm may get

def benefit_year(version, today=None):
    """The year a firm declares its bases for: that of the first day of the version's policy year."""
    return rules.policy_year(today or timezone.localdate(), version.period)[0].year


def declared_inputs(rule_id, enterprise_ids, year):
    """{enterprise id: {base: amount}} declared for the rule's benefits in year."""
    found = {}
    for org_id, kind, amount in DeclaredInput.objects.filter(rule_id=rule_id, enterprise_id__in=list(enterprise_ids),
                                                            year=year).values_list("enterprise_id", "kind", "amount"):
        found.setdefault(org_id, {})[kind] = amount
    return found


def declared_for_enterprise(enterprise_id, rule_ids):
    """{(rule id, year): {base: amount}} the enterprise declared for these rules — one query for a page."""
    found = {}
    for rule_id, year, kind, amount in DeclaredInput.objects.filter(
            enterprise_id=enterprise_id, rule_id__in=list(rule_ids)).values_list("rule_id", "year", "kind", "amount"):
        found.setdefault((rule_id, year), {})[kind] = amount
    return found


def amount_of(match, profile=None, today=None, names=None, inputs=None):
    """What the enterprise of match may get from its matched version's benefits (benefits.Amount), or None
    when the version has none. inputs: {base: amount} declared for the policy year, read here if not given."""
    version = match.version
    if not version.benefits:
        return None
    today = today or timezone.localdate()
    profile = profile if profile is not None else profile_of(match.enterprise)
    if inputs is None:
        inputs = declared_inputs(match.rule_id, [match.enterprise_id], benefit_year(version, today)).get(
            match.enterprise_id, {})
    return benefit_rules.calculate(version.benefits, profile, inputs, version.benefit_cap, today, version.period,
                                   names)


PRICED_CHUNK = 2000  # matches priced at a time: their profiles and declared inputs read in bulk


def amounts_of_rule(rule, matches, today=None):
    """{enterprise id: benefits.Amount} for the qualifying matches given (a queryset of one rule's, with their
    versions), each by the version it matched; {} at once when no version of the rule has benefits. Read in
    chunks: profiles in bulk and the declared inputs once per chunk."""
    if not any(rule.versions.values_list("benefits", flat=True)):
        return {}
    today = today or timezone.localdate()
    found = {}
    rows = matches.select_related("version").iterator(chunk_size=PRICED_CHUNK)
    while chunk := list(islice(rows, PRICED_CHUNK)):
        priced = [m for m in chunk if m.version.benefits]
        profiles_by_org = profiles_of([m.enterprise_id for m in priced])
        years = {benefit_year(m.version, today) for m in priced}
        inputs = {year: declared_inputs(rule.pk, [m.enterprise_id for m in priced], year) for year in years}
        for m in priced:
            found[m.enterprise_id] = benefit_rules.calculate(
                m.version.benefits, profiles_by_org[m.enterprise_id],
                inputs[benefit_year(m.version, today)].get(m.enterprise_id, {}), m.version.benefit_cap, today,
                m.version.period)
    return found


COST_CACHED_FOR = 3600  # seconds; any change the cost depends on ends it sooner (see rule_cost)


@dataclass(frozen=True)
class Priced:
    """What one qualifying firm may get, as the qualifying list shows it: the total (fen) and whether every base
    its benefits need is declared."""

    total: int
    complete: bool


def rule_cost(rule, today=None):
    """{enterprise id: Priced} for every firm qualifying for rule — the qualifying list's amounts and what the
    policy would cost the city — kept in Django's cache under everything they depend on: the registry's stamp
    (profiles), the rule's newest version, the newest change and number of its declared inputs and of its
    qualifying matches, and the day (policy years, dates in tiers). Pricing a city's firms takes seconds; a view
    of the list with nothing changed reads four small aggregates instead."""
    today = today or timezone.localdate()
    matches = Match.objects.filter(rule=rule, qualifies=True)

    def price():
        return {org: Priced(a.total, a.complete) for org, a in amounts_of_rule(rule, matches, today).items()}

    stamp = RegistryStamp.current()
    versions = rule.versions.aggregate(newest=Max("pk"))
    declared = DeclaredInput.objects.filter(rule=rule).aggregate(at=Max("at"), n=Count("pk"))
    matched = matches.aggregate(at=Max("updated"), n=Count("pk"))
    def moment(at):  # microseconds since the epoch: a key without spaces
        return "" if at is None else str(int(at.timestamp() * 1_000_000))

    key = ":".join(str(part) for part in (
        "matching", "rule-cost", rule.pk, versions["newest"], stamp, moment(declared["at"]), declared["n"],
        moment(matched["at"]), matched["n"], today.isoformat()))
    return cache.get_or_set(key, price, COST_CACHED_FOR)


def declare_inputs(match, user, values, year=None):
    """The enterprise declares bases its match's benefits need — {base: amount}, fen (persons for headcount) —
    for the policy year (or the one before); declaring again replaces an amount. Only the enterprise itself,
    only bases the benefits take; all or nothing."""
    if not may_set_state(match, user):
        raise PermissionDenied(ONLY_THE_ENTERPRISE)
    needed = benefit_rules.bases_needed(match.version.benefits)
    if not values:
        raise ValidationError({"amount": _("Give at least one amount.")})
    for kind, amount in values.items():
        if kind not in needed:
            raise ValidationError({"kind": _("This policy's benefits do not take this base.")})
        limit = benefit_rules.MAX_HEADCOUNT if kind == benefit_rules.HEADCOUNT else benefit_rules.MAX_DECLARED_FEN
        if isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= limit:
            raise ValidationError({"amount": _("Give an amount from 0 to %(n)d.") % {"n": limit}})
    this_year = benefit_year(match.version)
    year = this_year if year is None else year
    if year not in (this_year - 1, this_year):
        raise ValidationError({"year": _("Declare for this policy year or the one before.")})
    now = timezone.now()
    with transaction.atomic():
        return [DeclaredInput.objects.update_or_create(
            enterprise_id=match.enterprise_id, rule_id=match.rule_id, kind=kind, year=year,
            defaults={"amount": amount, "declared_by": user, "at": now})[0] for kind, amount in values.items()]


# ---------------------------------------------------------------- resources on demands

def attach_resource(demand, user, item, reasons=()):
    """A handler working on the demand attaches a catalogue item to it; the demand's history says so."""
    name = type(item)._meta.model_name
    if name not in ITEM_FIELDS:
        raise ValidationError({"item": _("This is not a catalogue item.")})
    if not (user.role in (Role.ADMIN, Role.OFFICE) or user.is_superuser
            or (user.role == Role.HANDLER and demand.assignments.filter(department_id=user.organization_id,
                                                                         active=True).exists())):
        raise PermissionDenied(_("Only the departments handling the demand may attach resources."))
    if not type(item).objects.restrict(user, "view").published().filter(pk=item.pk).exists():
        raise ValidationError({"item": _("Only published catalogue items can be attached.")})
    with transaction.atomic():
        attached, created = DemandResource.objects.get_or_create(
            demand=demand, **{name: item}, defaults={"reasons": list(reasons), "attached_by": user})
        if created:
            demand_services.recommend(demand, user, item)
    return attached
