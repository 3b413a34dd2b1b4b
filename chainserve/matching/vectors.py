"""Every rule over every enterprise at once — the full recompute's evaluator.

The enterprises' profiles are read once into columns (numpy arrays, one entry per enterprise), and each
rule becomes two boolean masks over them: certainly true and certainly false, by the same three-valued logic
as `rules.evaluate` (one enterprise, in Python, with the explanation) and `profiles.compile_rule` (one rule
over every enterprise, in SQL): an unfilled field is unknown, `not` swaps the masks, `all` ANDs the true
masks and ORs the false ones, `any` the other way round, and only certainly true qualifies. One read of the
organisation table serves a thousand rules, where the SQL evaluator scans it once per rule; a hypothesis
test shows the three evaluators agree.
"""

import numpy as np

from . import profiles, rules

MISSING = -1  # the code of an unfilled text or choice field
UNKNOWN_VALUE = -2  # the code of a value no enterprise has
COMPARE = {"eq": np.equal, "lt": np.less, "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal}


class Profiles:
    """The profiles of the enterprises in queryset as columns, for `qualifying(rule)` on `today`."""

    def __init__(self, queryset, today):
        self.today = today
        rows = list(profiles.scalar_values(queryset.order_by("pk")))
        self.ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        self.values, self.present, self.codes, self._members = {}, {}, {}, {}
        for i, name in enumerate(profiles.SCALARS, start=1):
            column, kind = [r[i] for r in rows], rules.FIELDS[name].kind
            if kind == "date":
                self._number(name, [day.toordinal() if day else None for day in column])
            elif kind == "number":
                self._number(name, column)
            else:  # text and choice fields, as integer codes
                self._text(name, column)

    def _text(self, name, texts):
        codes = self.codes[name] = {}
        column = np.fromiter((MISSING if t is None else codes.setdefault(t, len(codes)) for t in texts),
                             dtype=np.int32, count=len(self.ids))
        self.values[name], self.present[name] = column, column != MISSING

    def _number(self, name, numbers):
        present = np.fromiter((n is not None for n in numbers), dtype=bool, count=len(numbers))
        self.values[name] = np.fromiter((n or 0 for n in numbers), dtype=np.int64, count=len(numbers))
        self.present[name] = present

    def qualifying(self, rule):
        """The ids of the enterprises for which rule is certainly true, ascending."""
        return self.ids[self.masks(rule)[0]]

    def masks(self, node):
        """(certainly true, certainly false) of node for every enterprise."""
        if "all" in node or "any" in node:
            parts = [self.masks(p) for p in node.get("all") or node.get("any")]
            trues, falses = [t for t, _f in parts], [f for _t, f in parts]
            if "all" in node:
                return np.logical_and.reduce(trues), np.logical_or.reduce(falses)
            return np.logical_or.reduce(trues), np.logical_and.reduce(falses)
        if "not" in node:
            true, false = self.masks(node["not"])
            return false, true
        if node["op"] == "has_all":
            return self.masks(rules.split_has_all(node))
        spec = rules.FIELDS[node["field"]]
        positive, op, value = rules.canonical(node["op"], node.get("value"), spec, self.today)
        if spec.kind == "set":  # never unknown: an empty set is known to be empty
            true = np.logical_or.reduce([self._member(spec, v) for v in value])
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

    def _member(self, spec, value):
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
