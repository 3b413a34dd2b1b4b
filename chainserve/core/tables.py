"""Declarative list columns: what a list page shows, sorts by and exports."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass
class Column:
    name: str
    label: Any
    accessor: Callable | None = None  # obj -> display value; default getattr(name) / get_X_display
    order_by: str | None = None  # field path to sort by; None = not sortable
    link: bool = False  # link to obj.get_absolute_url()
    nowrap: bool = False  # a short value that must not break across lines (2026年第2期, a date and time)

    def value(self, obj):
        if self.accessor is not None:
            return self.accessor(obj)
        display = getattr(obj, f"get_{self.name}_display", None)
        value = display() if display else getattr(obj, self.name, "")
        return "" if value is None else value


class Table:
    """A list's columns; subclasses set `columns` and `default_sort`."""

    columns: list[Column] = []
    default_sort = "name"
    export_name = "export"
    title = _("List")

    def sort_field(self, key: str) -> str:
        """The ORM ordering for a `sort` parameter like '-name', or the default if not allowed."""
        desc = key.startswith("-")
        for col in self.columns:
            if col.order_by and col.name == key.lstrip("-"):
                return ("-" if desc else "") + col.order_by
        return self.default_sort

    def export_rows(self, queryset):
        for obj in queryset.iterator(chunk_size=2000):
            yield [str(v) if not isinstance(v, (int, float, str)) and v != "" else v
                   for v in (col.value(obj) for col in self.columns)]
