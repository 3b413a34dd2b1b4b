"""The enterprise as an eligibility rule reads it, from the database: its profile (the values `rules.evaluate`
and `rules.explain` take) and a rule compiled to a Q over registry Organization (the same answer, in SQL);
the names explanations show for codes."""

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, TextField
from django.db.models.functions import Cast
from django.db.models.lookups import Contains

from chainserve.chains.models import Placement
from chainserve.core.models import Region
from chainserve.registry.models import Label, Organization, Product

from .rules import FIELDS, FLIPPED, LOOKUP, PRODUCT_FIELDS, When, comparison

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
    if "product" in node:
        # True: some product of the firm is certainly true; false: none of them is other than certainly false.
        own = Product.objects.filter(organization_id=OuterRef("pk"))
        if truth:
            return Q(Exists(own.filter(_q(node["product"], True, when, PRODUCT_FIELDS))))
        return ~Q(Exists(own.exclude(_q(node["product"], False, when, PRODUCT_FIELDS))))
    return comparison(node, fields, when,
                      lambda spec, positive, op, value: _leaf_q(spec, op, value, truth == positive),
                      lambda combined: _q(combined, truth, when, fields))


def _present(spec):
    if spec.choices:
        return Q(**{f"{spec.path}__in": list(spec.choices)})
    return Q(**{f"{spec.present or spec.path}__isnull": False})


def _leaf_q(spec, op, value, truth):
    """Q of the enterprises for which `field op value` is certainly `truth` (never unknown)."""
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


PRODUCT_SCALARS = ("kind", "drug_class", "phase", "approval_type", "approved_on")


def product_values(queryset):
    """(organisation id, profile of the product) of each product in queryset, by organisation and name: the
    values a product condition reads, None where unfilled (a code outside its choices counts as unfilled),
    the expedited programmes as a set. Shared by `profiles` and the full recompute's columns."""
    known = {name: set(PRODUCT_FIELDS[name].choices) for name in PRODUCT_SCALARS if PRODUCT_FIELDS[name].choices}
    programmes = set(PRODUCT_FIELDS["expedited"].choices)
    for org_id, name, expedited, *values in queryset.order_by("organization_id", "name", "pk").values_list(
            "organization_id", "name", "expedited", *PRODUCT_SCALARS):
        product = {"name": name, "expedited": {p for p in expedited or () if p in programmes}}
        for field, value in zip(PRODUCT_SCALARS, values, strict=True):
            product[field] = None if value is None or (field in known and value not in known[field]) else value
        yield org_id, product


def profiles(org_ids):
    """{organisation id: profile} — the values rules read, in the form `evaluate` takes, in five queries;
    `products` is the list of the enterprise's products, each as a product condition reads it."""
    org_ids = list(org_ids)
    result = {}
    for pk, *values in scalar_values(Organization.objects.filter(pk__in=org_ids)):
        result[pk] = dict(zip(SCALARS, values, strict=True), labels=set(), segment=set(), phase=set(),
                          drug_class=set(), products=[])
    for pk, slug in Organization.labels.through.objects.filter(organization_id__in=org_ids).values_list(
            "organization_id", "label__slug"):
        result[pk]["labels"].add(slug)
    for pk, name, parent in Placement.objects.filter(organization_id__in=org_ids).values_list(
            "organization_id", "segment__name", "segment__parent__name"):
        result[pk]["segment"].update(n for n in (name, parent) if n)
    for pk, product in product_values(Product.objects.filter(organization_id__in=org_ids)):
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
