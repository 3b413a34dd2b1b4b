"""Every rule over every enterprise at once — the full recompute's evaluator.

The enterprises' profiles are read once into columns (numpy arrays, one entry per enterprise), and each
rule becomes two boolean masks over them: certainly true and certainly false, by the same three-valued logic
as `rules.evaluate` (one enterprise, in Python, with the explanation) and `profiles.compile_rule` (one rule
over every enterprise, in SQL): an unfilled field is unknown, `not` swaps the masks, `all` ANDs the true
masks and ORs the false ones, `any` the other way round, and only certainly true qualifies. One read of the
organisation table serves a thousand rules, where the SQL evaluator scans it once per rule; a hypothesis
test shows the three evaluators agree. A condition over one product (placement, agreement) is evaluated the
same way over the products' own columns (read in one query when a rule first has one) and carried to the
enterprises: true where one of its products is certainly true, false where every one (of none) is certainly false.
"""

import numpy as np

from . import profiles, rules

MISSING = -1  # the code of an unfilled text or choice field
UNKNOWN_VALUE = -2  # the code of a value no enterprise has
COMPARE = {"eq": np.equal, "lt": np.less, "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal}


class Columns:
    """Rows as columns: one array per field (integer codes for texts and choices, ordinals for dates) and
    its presence; the masks of one comparison over all the rows."""

    fields = rules.FIELDS

    def __init__(self, rows, names):
        """rows: tuples whose first item is the row's id (or owner) and then the values of names."""
        self.size = len(rows)
        self.values, self.present, self.codes = {}, {}, {}
        for i, name in enumerate(names, start=1):
            column, kind = [r[i] for r in rows], self.fields[name].kind
            if kind == "date":
                self._number(name, [day.toordinal() if day else None for day in column])
            elif kind == "number":
                self._number(name, column)
            else:  # text and choice fields, as integer codes
                self._text(name, column)

    def _text(self, name, texts):
        codes = self.codes[name] = {}
        column = np.fromiter((MISSING if t is None else codes.setdefault(t, len(codes)) for t in texts),
                             dtype=np.int32, count=self.size)
        self.values[name], self.present[name] = column, column != MISSING

    def _number(self, name, numbers):
        present = np.fromiter((n is not None for n in numbers), dtype=bool, count=len(numbers))
        self.values[name] = np.fromiter((n or 0 for n in numbers), dtype=np.int64, count=len(numbers))
        self.present[name] = present

    def leaf(self, spec, positive, op, value):
        """(certainly true, certainly false) of one plain comparison (see rules.canonical) for every row."""
        if spec.kind == "set":  # never unknown: an empty set is known to be empty
            true = np.logical_or.reduce([self.member(spec, v) for v in value])
            false = ~true
        elif op == "is_null":
            false = self.present[spec.name]
            true = ~false
        else:
            present = self.present[spec.name]
            hit = self._compare(spec, op, value)
            true, false = present & hit, present & ~hit
        return (true, false) if positive else (false, true)

    def _compare(self, spec, op, value):
        column = self.values[spec.name]
        wanted = value if op == "in" else [value]
        if spec.name in self.codes:
            wanted = [self.codes[spec.name].get(v, UNKNOWN_VALUE) for v in wanted]
        elif spec.kind == "date":
            wanted = [day.toordinal() for day in wanted]
        return np.isin(column, wanted) if op == "in" else COMPARE[op](column, wanted[0])

    def member(self, spec, value):
        raise NotImplementedError


class Parts(Columns):
    """The products (placements, agreements) of the enterprises as columns; `owner` is the position of each
    one's enterprise; rows are (owner id, *scalars, *sets) of the Part's fields (profiles.PART_SCALARS, PART_SETS)."""

    def __init__(self, part, rows, ids):
        self.fields = part.fields
        scalars, sets = profiles.PART_SCALARS[part.key], profiles.PART_SETS[part.key]
        super().__init__(rows, scalars)
        self.owner = np.searchsorted(ids, np.fromiter((r[0] for r in rows), dtype=np.int64, count=self.size))
        self.sets = {name: [r[1 + len(scalars) + i] for r in rows] for i, name in enumerate(sets)}
        self._members = {}

    def member(self, spec, value):
        """Which records have value in their set field spec, kept."""
        key = (spec.name, value)
        if key not in self._members:
            self._members[key] = np.fromiter((value in s for s in self.sets[spec.name]), dtype=bool,
                                             count=self.size)
        return self._members[key]

    def some(self, true, false, count):
        """(certainly true, certainly false) for each of count enterprises of “some record is”: true when one
        of its records is certainly true, false when all of them (none, for a firm without) are certainly false."""
        some_true, some_open = np.zeros(count, dtype=bool), np.zeros(count, dtype=bool)
        some_true[self.owner[true]] = True
        some_open[self.owner[~false]] = True
        return some_true, ~some_open


class Profiles(Columns):
    """The profiles of the enterprises in queryset as columns, for `qualifying(rule)` on `today`."""

    def __init__(self, queryset, today):
        self.today, self.queryset = today, queryset
        rows = list(profiles.scalar_values(queryset.order_by("pk")))
        self.ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        super().__init__(rows, profiles.SCALARS)
        self._members, self._parts = {}, {}

    def qualifying(self, rule, period=None):
        """The ids of the enterprises for which rule is certainly true, ascending (period: as rules.evaluate's)."""
        return self.ids[self.masks(rule, period)[0]]

    def masks(self, node, period=None):
        """(certainly true, certainly false) of node for every enterprise."""
        return self._masks(node, rules.When.of(self.today, period), self)

    def _masks(self, node, when, table):
        if "all" in node or "any" in node:
            parts = [self._masks(p, when, table) for p in node.get("all") or node.get("any")]
            trues, falses = [t for t, _f in parts], [f for _t, f in parts]
            if "all" in node:
                return np.logical_and.reduce(trues), np.logical_or.reduce(falses)
            return np.logical_or.reduce(trues), np.logical_and.reduce(falses)
        if "not" in node:
            true, false = self._masks(node["not"], when, table)
            return false, true
        part = rules.part_of(node)
        if part is not None:
            table = self.parts(part)
            return table.some(*self._masks(node[part.key], when, table), len(self.ids))
        return rules.comparison(node, table.fields, when, table.leaf,
                                lambda combined: self._masks(combined, when, table))

    def parts(self, part):
        """The enterprises' products (placements, agreements) as columns, read in one query when a rule first
        asks about them."""
        if part.key not in self._parts:
            model, owner = profiles.PART_TABLES[part.key]
            names = profiles.PART_SCALARS[part.key] + profiles.PART_SETS[part.key]
            rows = [(org_id, *(record[name] for name in names)) for org_id, record in profiles.part_values(
                part.key, model.objects.filter(**{f"{owner}__in": self.queryset.values("pk")}))]
            self._parts[part.key] = Parts(part, rows, self.ids)
        return self._parts[part.key]

    def member(self, spec, value):
        """Which enterprises have value in the set field spec (one query per field and value, kept)."""
        key = (spec.name, value)
        if key not in self._members:
            members = np.fromiter(profiles.set_members(spec, [value]).values_list("organization_id", flat=True),
                                  dtype=np.int64)
            at = np.searchsorted(self.ids, members)
            found = at < len(self.ids)
            found[found] &= self.ids[at[found]] == members[found]
            mask = np.zeros(len(self.ids), dtype=bool)
            mask[at[found]] = True
            self._members[key] = mask
        return self._members[key]
