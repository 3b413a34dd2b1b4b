"""The enterprise as an eligibility rule reads it, from the database: its profile (the values `rules.evaluate`
and `rules.explain` take) and a rule compiled to a Q over registry Organization (the same answer, in SQL);
the names explanations show for codes."""

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, TextField
from django.db.models.functions import Cast
from django.db.models.lookups import Contains

from chainserve.chains.models import Placement
from chainserve.coordination.models import Agreement
from chainserve.core.models import Region
from chainserve.registry.models import Label, Organization, Product

from .rules import FIELDS, FLIPPED, LOOKUP, PARTS, When, comparison, part_of

# ---------------------------------------------------------------- SQL

def compile_rule(rule, today=None, period=None):
    """The Q over registry Organization of the enterprises for which rule is true on today, in the policy year
    of period (see matching.rules)."""
    return _q(rule, True, When.of(today, period))


def _q(node, truth, when, fields=FIELDS):
    if "all" in node or "any" in node:
        conjunction = ("all" in node) == truth  # all→AND for truth, any→AND for falsity
        parts = [_q(p, truth, when, fields) for p in node.get("all") or node.get("any")]
        result = parts[0]
        for part in parts[1:]:
            result = (result & part) if conjunction else (result | part)
        return result
    if "not" in node:
        return _q(node["not"], not truth, when, fields)
    part = part_of(node)
    if part is not None:
        # True: some product (placement …) of the firm is certainly true; false: none is other than certainly false.
        model, owner = PART_TABLES[part.key]
        own, inner = model.objects.filter(**{owner: OuterRef("pk")}), node[part.key]
        if truth:
            return Q(Exists(own.filter(_q(inner, True, when, part.fields))))
        return ~Q(Exists(own.exclude(_q(inner, False, when, part.fields))))
    return comparison(node, fields, when,
                      lambda spec, positive, op, value: _leaf_q(spec, op, value, truth == positive),
                      lambda combined: _q(combined, truth, when, fields))


def _present(spec):
    if spec.choices:
        return Q(**{f"{spec.path}__in": list(spec.choices)})
    return Q(**{f"{spec.present or spec.path}__isnull": False})


def _leaf_q(spec, op, value, truth):
    """Q of the enterprises for which `field op value` is certainly `truth` (never unknown)."""
    if spec.kind == "set" and spec.members:  # a placement's segment: its own name or its parent's
        hit = Q(*(Q(**{f"{path}__in": value}) for path in spec.members), _connector=Q.OR)
        return hit if truth else ~hit
    if spec.kind == "set" and spec.path:  # a product's list (JSON): its text holds the value in quotes
        text = Cast(spec.path, output_field=TextField())
        hit = Q(*(Contains(text, f'"{v}"') for v in value), _connector=Q.OR)
        return hit if truth else ~hit
    if spec.kind == "set":
        # Uncorrelated IN (subquery): the database reads the small set once instead of probing per enterprise.
        hit = Q(pk__in=set_members(spec, value))
        return hit if truth else ~hit
    if op == "is_null":
        return ~_present(spec) if truth else _present(spec)
    if spec.via:
        model, key = apps.get_model(spec.via[0]), spec.via[1]
        hit = Q(**{f"{spec.present}__in": model.objects.filter(**{f"{key}__in": value if op == "in" else [value]})
                   .values("pk")})
        return hit if truth else _present(spec) & ~hit
    if not truth and op in FLIPPED:
        return Q(**{f"{spec.path}__{LOOKUP[FLIPPED[op]]}": value})
    hit = Q(**{f"{spec.path}__{LOOKUP[op]}": value})
    if truth:
        return hit
    # Present and not equal (not in): the explicit presence test makes the negation two-valued.
    return _present(spec) & ~hit


def set_members(spec, values):
    if spec.name == "labels":
        rows = Organization.labels.through.objects.filter(label__slug__in=values)
    elif spec.name == "segment":  # a segment counts for its own firms and for the firms of its children
        rows = Placement.objects.filter(Q(segment__name__in=values) | Q(segment__parent__name__in=values))
    else:
        rows = Product.objects.filter(**{f"{spec.name}__in": values})
    return rows.values("organization_id")



# ---------------------------------------------------------------- profiles

SCALARS = ("district", "park", "founded_on", "size", "employees", "listing_status")


def scalar_values(queryset):
    """(pk, district, park, founded_on, size, employees, listing_status) of each organisation in queryset —
    the scalar fields rules read, in SCALARS order, None where unfilled (a size or listing status outside its
    choices counts as unfilled). Shared by `profiles` and the full recompute's columns."""
    sizes, listings = set(FIELDS["size"].choices), set(FIELDS["listing_status"].choices)
    for pk, district, park, park_id, founded, size, employees, listing in queryset.values_list(
            "pk", "district__code", "park__name", "park_id", "founded_on", "size", "employees", "listing_status"):
        yield (pk, district, park if park_id else None, founded, size if size in sizes else None, employees,
               listing if listing in listings else None)


# The table of each Part and the column naming the enterprise it belongs to.
PART_TABLES = {"product": (Product, "organization_id"), "placement": (Placement, "organization_id"),
               "agreement": (Agreement, "enterprise_id")}
# The scalar and set fields of each Part, in the order of the full recompute's columns.
PART_SCALARS = {"product": ("kind", "drug_class", "phase", "approval_type", "approved_on"),
                "placement": ("chain", "role"), "agreement": ("kind", "status", "amount", "signed_on", "chain")}
PART_SETS = {"product": ("expedited",), "placement": ("segment",), "agreement": ()}
PRODUCT_SCALARS = PART_SCALARS["product"]


def _known(value, choices):
    """value, or None when it is unfilled or a code outside choices (then it counts as unfilled)."""
    return None if value is None or (choices and value not in choices) else value


def part_values(key, queryset):
    """(organisation id, profile of the record) of each record of Part key in queryset (of its table), by
    organisation and name: the values a condition over one record reads, None where unfilled (a code outside
    its choices counts as unfilled), set fields as sets. Shared by `profiles` and the full recompute's columns."""
    fields = PARTS[key].fields
    if key == "product":
        programmes = set(fields["expedited"].choices)
        rows = queryset.order_by("organization_id", "name", "pk").values_list(
            "organization_id", "name", *PRODUCT_SCALARS, "expedited")
        for org_id, name, *values, expedited in rows:
            product = {n: _known(v, fields[n].choices) for n, v in zip(PRODUCT_SCALARS, values, strict=True)}
            yield org_id, dict(product, name=name, expedited={p for p in expedited or () if p in programmes})
    elif key == "placement":
        rows = queryset.order_by("organization_id", "chain__name", "segment__name", "pk").values_list(
            "organization_id", "chain__name", "segment__name", "segment__parent__name", "role")
        for org_id, chain, segment, parent, role in rows:
            yield org_id, {"name": f"{chain}·{segment}", "chain": chain, "segment": {n for n in (segment, parent) if n},
                           "role": _known(role, fields["role"].choices)}
    else:
        rows = queryset.order_by("enterprise_id", "signed_on", "pk").values_list(
            "enterprise_id", "title", "kind", "status", "amount_fen", "signed_on", "chain__name")
        for org_id, title, kind, status, amount, signed_on, chain in rows:
            yield org_id, {"name": title, "kind": _known(kind, fields["kind"].choices),
                           "status": _known(status, fields["status"].choices), "amount": amount,
                           "signed_on": signed_on, "chain": chain}


def profiles(org_ids):
    """{organisation id: profile} — the values rules read, in the form `evaluate` takes, in six queries;
    `products`, `placements` and `agreements` are the enterprise's records, each as a condition over one reads it."""
    org_ids = list(org_ids)
    result = {}
    for pk, *values in scalar_values(Organization.objects.filter(pk__in=org_ids)):
        result[pk] = dict(zip(SCALARS, values, strict=True), labels=set(), segment=set(), phase=set(),
                          drug_class=set(), products=[],
                           placements=[], agreements=[])
    for pk, slug in Organization.labels.through.objects.filter(organization_id__in=org_ids).values_list(
            "organization_id", "label__slug"):
        result[pk]["labels"].add(slug)
    for pk, placement in part_values("placement", Placement.objects.filter(organization_id__in=org_ids)):
        result[pk]["placements"].append(placement)
        result[pk]["segment"].update(placement["segment"])
    for pk, agreement in part_values("agreement", Agreement.objects.filter(enterprise_id__in=org_ids)):
        result[pk]["agreements"].append(agreement)
    for pk, product in part_values("product", Product.objects.filter(organization_id__in=org_ids)):
        result[pk]["products"].append(product)
        result[pk]["phase"].update([product["phase"]] if product["phase"] else [])
        result[pk]["drug_class"].update([product["drug_class"]] if product["drug_class"] else [])
    return result


def profile_of(org):
    return profiles([org.pk])[org.pk]



def display_names():
    """Names for codes in explanations: district codes and label slugs → their names (two small queries)."""
    return {"district": dict(Region.objects.values_list("code", "name")),
            "labels": dict(Label.objects.values_list("slug", "name"))}
