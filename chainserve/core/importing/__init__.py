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
from chainserve.core.uploads import WorkbookError, read_rows, request_limits, sheet_titles

__all__ = ["Importer", "ImportResult", "RowError", "SheetsImporter", "WorkbookError", "cell_text", "choice_lookup", "column_message",
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
    sheet: str = ""  # the sheet's title, in a workbook of several sheets (SheetsImporter)


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

    @property
    def ok(self):
        return not self.errors


def header_key(header):
    """A column name as matched: full-width and half-width forms alike (投资额（元） is 投资额(元)), no case,
    no spaces around it — staff write headers either way."""
    return unicodedata.normalize("NFKC", str(header)).strip().lower()


def read_workbook(file, aliases, limits=None, required="name", sheet=None):
    """Yield (row number, {field: value}) from the first sheet (or the one titled as one of `sheet`); the first
    row names the columns.

    aliases: {field: [header, …]}, the first header being the one shown. limits (core.uploads) bound what is
    read: those of a web request unless the caller gives others."""
    rows = read_rows(file, limits, sheet)
    _number, header = next(rows, (None, None))
    if not header:
        raise WorkbookError(_("The workbook is empty."))
    by_alias = {header_key(a): f for f, names in aliases.items() for a in names}
    columns = [by_alias.get(header_key(h)) if h is not None else None for h in header]
    if required not in columns:
        raise WorkbookError(_("The first row must name the columns; a '%(col)s' column is required.")
                            % {"col": aliases[required][0]})
    for number, values in rows:
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        yield number, {c: v for c, v in zip(columns, values, strict=False) if c is not None}


def count_rows(file, limits):
    """The data rows of a workbook (blank rows included), read within limits: whether a page checks it at once
    or hands it to a task."""
    return max(sum(1 for _row in read_rows(file, limits)) - 1, 0)


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


class Importer:
    """One kind of workbook. A subclass declares what it reads and writes; `run` does the rest.

    Declared: `kind` (unique: the command's KIND and the page's choice), `label`, `columns` ({field: header
    aliases}), `row_form` (a form taking (data, refs)), `command` (how an operator imports a file too large
    for the web), `success_url` (the list a page shows afterwards). Overridden as needed: `allowed` (or
    `authorize`, for a check of the records the options name), `refs`,
    `key`, `check`, and `write`, which runs inside the import's transaction; `on_committed` runs after it.
    `sheet` (the titles the sheet may have; None: the first sheet) for a part of a SheetsImporter."""

    kind = ""
    label = ""
    columns = {}
    required = "name"
    sheet = None
    row_form = None
    command = None
    success_url = None
    refusal = None  # the message of a refused user; None: a bare PermissionDenied

    registry = {}  # kind → importer class, for the task that runs a large import

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("kind"):  # a subclass that declares a kind of its own
            Importer.registry[cls.kind] = cls

    def __init__(self, user, **options):
        self.user = user  # None: the operator at the command line
        self.options = options  # what the importer needs besides the file (the annual list's id …)

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
        cleaned = self.checked_rows(file, result, progress, limits or request_limits(self.command))
        if result.errors or not commit:
            return result
        with transaction.atomic():
            self.write(cleaned, result)
        self.on_committed(result)
        return result

    def checked_rows(self, file, result, progress, limits):
        """Every row of the sheet checked, on its own and across rows: the good rows' cleaned data; the bad ones
        go to result.errors, in row order."""
        rows = list(read_workbook(file, self.columns, limits, self.required, self.sheet))
        cleaned = self._validate(rows, self.refs(rows), result, progress)
        self.check(cleaned, result)
        result.errors.sort(key=lambda e: e.row)
        return cleaned

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


class SheetsImporter(Importer):
    """A workbook of several sheets, each read by its part (an Importer whose `sheet` names it): every sheet
    present is checked, every bad row is listed with its sheet, and all parts are written in one transaction,
    in the order of `parts` (a later part may refer to what an earlier one wrote), or nothing is."""

    parts = ()

    def run(self, file, *, commit=True, progress=None, limits=None):
        self.authorize()
        limits = limits or request_limits(self.command)
        titles = {header_key(t): t for t in sheet_titles(file, limits)}
        present = []  # (the part's importer, its sheet's title as the workbook writes it)
        for part in self.parts:
            title = next((titles[header_key(n)] for n in part.sheet if header_key(n) in titles), None)
            if title is not None:
                present.append((part(self.user, **self.options), title))
        if not present:
            raise WorkbookError(_("The workbook has none of the sheets %(names)s.")
                                % {"names": "、".join(part.sheet[0] for part in self.parts)})
        result, checked = ImportResult(kind=self.kind), []
        for importer, title in present:
            part_result = ImportResult(kind=self.kind)
            checked.append((importer, importer.checked_rows(file, part_result, progress, limits), part_result))
            result.total += part_result.total
            result.errors += [RowError(e.row, e.messages, title) for e in part_result.errors]
        if result.errors or not commit:
            return result
        with transaction.atomic():
            for importer, rows, part_result in checked:
                importer.write(rows, part_result)
                result.created += part_result.created
                result.updated += part_result.updated
                result.touched |= part_result.touched
        self.on_committed(result)
        return result
