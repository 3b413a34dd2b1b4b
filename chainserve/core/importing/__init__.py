"""The workbook import engine: every importer (organisations, people, candidates, the catalogue, annual lists)
declares its columns, its row form and how it writes; the engine reads the workbook, checks every row, lists
every bad row with its row and column, and writes all rows or none.

The pieces: `Importer` (what an importer declares), `read_workbook` and the cell helpers, the page flow
(`views.WorkbookImportView`: upload → preview → every error → confirm, a large workbook as a task with a
progress page) and the command line (`command.WorkbookImportCommand`, with a tqdm bar)."""

import datetime
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from chainserve.core.profiles import profiles_changed
from chainserve.core.uploads import WorkbookError, read_rows, request_limits

__all__ = ["Importer", "ImportResult", "RowError", "WorkbookError", "cell_text", "choice_lookup", "column_message",
           "read_workbook"]

PREVIEW_ROWS = 20  # the rows a preview shows


def choice_lookup(choices):
    """Accept a choice by its value or by its label in any of the site's languages."""
    table = {}
    for value, label in choices:
        table[str(value).lower()] = value
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                table[str(label).lower()] = value
    return table


@dataclass
class RowError:
    row: int  # the spreadsheet's row number, 2 for the first data row
    messages: list[str]
    sheet: str = ""  # a further sheet's name (Importer.sheets); "" for the workbook's main sheet

    @property
    def where(self):
        """The row as a bad-row list names it: its number, after its sheet's name on a further sheet."""
        return _("%(sheet)s, row %(row)d") % {"sheet": self.sheet, "row": self.row} if self.sheet else self.row


@dataclass
class ImportResult:
    kind: str
    total: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)
    # The organisations whose profile the import changed (ids); Importer.on_committed gets them.
    touched: set[int] = field(default_factory=set)
    # What each further sheet that had rows wrote: [label, created, updated] (Importer.sheets).
    others: list[list] = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors


def header_key(header):
    """A column name as matched: full-width and half-width forms alike (投资额（元） is 投资额(元)), no case,
    no spaces around it — staff write headers either way."""
    return unicodedata.normalize("NFKC", str(header)).strip().lower()


def read_workbook(file, aliases, limits=None, required="name", sheet=None, sheet_name=""):
    """Yield (row number, {field: value}) from the first sheet; the first row names the columns.

    aliases: {field: [header, …]}, the first header being the one shown. limits (core.uploads) bound what is
    read: those of a web request unless the caller gives others. sheet(title) → bool: read the sheet it accepts
    (core.uploads.read_rows); sheet_name: that sheet as messages name it, and the sheet may then be missing or
    empty (nothing is read)."""
    rows = read_rows(file, limits, sheet)
    _number, header = next(rows, (None, None))
    if not header:
        if sheet_name:
            return
        raise WorkbookError(_("The workbook is empty."))
    by_alias = {header_key(a): f for f, names in aliases.items() for a in names}
    columns = [by_alias.get(header_key(h)) if h is not None else None for h in header]
    if required not in columns:
        if sheet_name:
            raise WorkbookError(_("The first row of the sheet %(sheet)s must name the columns; a '%(col)s' column "
                                  "is required.") % {"sheet": sheet_name, "col": aliases[required][0]})
        raise WorkbookError(_("The first row must name the columns; a '%(col)s' column is required.")
                            % {"col": aliases[required][0]})
    for number, values in rows:
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        yield number, {c: v for c, v in zip(columns, values, strict=False) if c is not None}


def count_rows(file, limits, importer=None):
    """The data rows of a workbook (blank rows included), read within limits: whether a page checks it at once
    or hands it to a task. importer: the Importer class whose sheets count (without one, the first sheet)."""
    choices = sheet_choices(importer) if importer is not None else [(None, "")]
    return sum(max(sum(1 for _row in read_rows(file, limits, sheet)) - 1, 0) for sheet, _name in choices)


def cell_text(value):
    """A cell as the row form reads it: dates as ISO dates, whole numbers without '.0', text stripped."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def column_message(header, message):
    """A bad cell's message after its column's name, with the separator of the active language (责任单位：…)."""
    return f"{header}{_(': ')}{message}"


def _row_errors(form, headers):
    return [str(e) if name == "__all__" else column_message(headers.get(name, name), e)
            for name, errors in form.errors.items() for e in errors]


def sheet_named(names):
    """sheet(title) → bool for read_rows: a sheet called by one of names (full- or half-width, any case)."""
    keys = {header_key(n) for n in names}
    return lambda title: header_key(title) in keys


def sheet_choices(importer):
    """[(sheet(title) → bool, name)] of the sheets an Importer (class) reads: its main sheet — the one its own
    `sheet_names` call, else the first one no further sheet claims, named "" — then each of its further sheets,
    by their names."""
    claimed = [sheet_named(cls.sheet_names) for cls in importer.sheets]
    if importer.sheet_names:
        main = (sheet_named(importer.sheet_names), importer.sheet_names[0])
    else:
        main = ((lambda title: not any(c(title) for c in claimed)) if claimed else None, "")
    return [main, *((c, cls.sheet_names[0]) for c, cls in zip(claimed, importer.sheets, strict=True))]


class Importer:
    """One kind of workbook. A subclass declares what it reads and writes; `run` does the rest.

    Declared: `kind` (unique: the command's KIND and the page's choice), `label`, `columns` ({field: header
    aliases}), `row_form` (a form taking (data, refs)), `command` (how an operator imports a file too large
    for the web), `success_url` (the list a page shows afterwards). Overridden as needed: `allowed` (or
    `authorize`, for a check of the records the options name), `refs`,
    `key`, `check`, and `write`, which runs inside the import's transaction; `on_committed` runs after it.

    `sheets`: further sheets of the same workbook, each an Importer class naming its sheet by `sheet_names`
    (its rows read from that sheet, the main rows from the sheet the main importer's own `sheet_names` call, else
    from the first sheet no further one claims). A named sheet may be missing (a workbook of named sheets needs
    one with rows). All sheets are checked, their bad rows listed with the sheet's name, and written together or
    not at all, after the main sheet; a further sheet's importer finds the main one as `main` (its rows as
    `main.cleaned`)."""

    kind = ""
    label = ""
    columns = {}
    required = "name"
    row_form = None
    command = None
    success_url = None
    refusal = None  # the message of a refused user; None: a bare PermissionDenied
    sheets = ()  # further sheets' Importer classes
    sheet_names = ()  # the names its sheet is found by, the first one shown (a main sheet without: the first)

    registry = {}  # kind → importer class, for the task that runs a large import

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("kind"):  # a subclass that declares a kind of its own
            Importer.registry[cls.kind] = cls

    def __init__(self, user, **options):
        self.user = user  # None: the operator at the command line
        self.options = options  # what the importer needs besides the file (the annual list's id …)
        self.main = None  # as a further sheet: the importer of the main sheet
        self.cleaned = []  # the checked rows

    @classmethod
    def allowed(cls, user):
        """Whether user may import this kind of workbook; the command line (no user) always may."""
        return True

    def get_success_url(self):
        """The page that lists what was imported."""
        return reverse(self.success_url)

    def authorize(self):
        """Refuse (PermissionDenied) a user who may not import this workbook."""
        if self.user is not None and not self.allowed(self.user):
            raise PermissionDenied(self.refusal)

    def headers(self):
        """{field: the column's name as bad rows show it}."""
        return {f: names[0] for f, names in self.columns.items()}

    def refs(self, rows):
        """What the row form looks names up in (districts, chains …), read once; rows: [(number, values)]."""
        return {}

    def key(self, data):
        """What makes two rows the same record (the second is a bad row); None: rows are never the same."""
        return None

    def check(self, rows, result):
        """Checks across rows, after each row's own: append a RowError to result.errors for each bad one."""

    def write(self, rows, result):
        """Write the checked rows (each a form's cleaned_data with its "row") and count result.created and
        result.updated; runs inside the import's transaction."""
        raise NotImplementedError

    def on_committed(self, result):
        """Runs once the import's transaction is committed: the organisations whose profile the rows changed
        (result.touched, filled by the importers that write profiles) go down the one profile-change path, which
        queues one recompute for the whole import."""
        if result.touched:
            profiles_changed(result.touched)

    def run(self, file, *, commit=True, progress=None, limits=None):
        """Check every row of file; if all are good (and commit) write them all. Nothing is written when any row
        is bad. progress(n) is called as rows are checked."""
        self.authorize()
        result = ImportResult(kind=self.kind)
        limits = limits or request_limits(self.command)
        parts = [self]
        for cls in self.sheets:
            parts.append(cls(self.user, **self.options))
            parts[-1].main = self
        for part, (chosen, name) in zip(parts, sheet_choices(self), strict=True):
            rows = list(read_workbook(file, part.columns, limits, part.required, chosen, name))
            checked = ImportResult(kind=self.kind)
            part.cleaned = part._validate(rows, part.refs(rows), checked, progress)
            part.check(part.cleaned, checked)
            # The main sheet's bad rows first, then each further sheet's, each in the order of its rows.
            result.errors.extend(RowError(e.row, e.messages, name) for e in sorted(checked.errors, key=lambda e: e.row))
            result.total += checked.total
            result.preview = result.preview or checked.preview
        if self.sheet_names and not result.total:  # a workbook of named sheets, none of them with a row
            raise WorkbookError(_("The workbook has none of the sheets %(names)s.") % {
                "names": "、".join(name for _chosen, name in sheet_choices(self))})
        if result.errors or not commit:
            return result
        with transaction.atomic():
            self.write(self.cleaned, result)
            for part in (part for part in parts[1:] if part.cleaned):  # a further sheet with rows
                written = ImportResult(kind=self.kind)
                part.write(part.cleaned, written)
                result.touched |= written.touched
                result.others.append([str(part.label), written.created, written.updated])
        self.on_committed(result)
        return result

    def _validate(self, rows, refs, result, progress):
        cleaned, seen, headers = [], {}, self.headers()
        for number, values in rows:
            result.total += 1
            form = self.row_form({k: cell_text(v) for k, v in values.items()}, refs)
            if form.is_valid():
                data = form.cleaned_data
                k = self.key(data)
                if k is not None and k in seen:
                    result.errors.append(RowError(number, [_("Same record as row %(n)d.") % {"n": seen[k]}]))
                else:
                    seen[k] = number
                    data["row"] = number
                    cleaned.append(data)
                    if len(result.preview) < PREVIEW_ROWS:
                        result.preview.append({f: cell_text(v) for f, v in values.items()})
            else:
                result.errors.append(RowError(number, _row_errors(form, headers)))
            if progress:
                progress(1)
        return cleaned
