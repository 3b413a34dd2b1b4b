"""Upload limits that every importer and file form shares: workbook size, unzipped size, rows, columns, cells, files."""

import os
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import load_workbook

# An entry this small may compress as well as it likes: the ratio is judged only past it.
RATIO_FLOOR_BYTES = 1 << 20


class WorkbookError(Exception):
    """The file cannot be read as a workbook at all, or it is past a limit."""


@dataclass(frozen=True)
class WorkbookLimits:
    """How much of a workbook one import may read."""

    max_rows: int  # data rows, the header row not counted
    max_columns: int
    max_cell_chars: int
    max_unzipped_bytes: int
    max_ratio: int
    # How to import a larger file instead ("chainserve import organizations FILE.xlsx"); None: no such command.
    command: str | None = None


def request_limits(command=None):
    """What one web request may import: a gunicorn worker has 30 s, and two of them serve everyone."""
    return WorkbookLimits(settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_COLUMNS, settings.IMPORT_MAX_CELL_CHARS,
                          settings.IMPORT_MAX_UNZIPPED_BYTES, settings.IMPORT_MAX_ZIP_RATIO, command)


def command_limits():
    """What the `chainserve import` commands may read: an operator's file, with no request timeout."""
    return WorkbookLimits(settings.IMPORT_COMMAND_MAX_ROWS, settings.IMPORT_MAX_COLUMNS,
                          settings.IMPORT_MAX_CELL_CHARS, settings.IMPORT_COMMAND_MAX_UNZIPPED_BYTES,
                          settings.IMPORT_MAX_ZIP_RATIO)


def _mb(n):
    return f"{n / (1 << 20):g}"


def check_zip(file, limits):
    """Refuse, from the zip's directory alone, a workbook that would unpack past the limit or that is a zip bomb."""
    try:
        with zipfile.ZipFile(file) as z:
            entries = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise _unreadable(e) from e
    finally:
        if hasattr(file, "seek"):
            file.seek(0)
    if sum(e.file_size for e in entries) > limits.max_unzipped_bytes:
        values = {"mb": _mb(limits.max_unzipped_bytes), "command": limits.command}
        if limits.command:
            raise WorkbookError(_("The workbook unpacks to more than %(mb)s MB; split it and import the parts, or "
                                  "have an administrator import it with the command: %(command)s") % values)
        raise WorkbookError(_("The workbook unpacks to more than %(mb)s MB; split it and import the parts.") % values)
    for e in entries:
        if e.file_size > RATIO_FLOOR_BYTES and e.file_size > limits.max_ratio * max(e.compress_size, 1):
            raise WorkbookError(_("The workbook is compressed %(ratio)d times over (at most %(max)d): it is refused "
                                  "as a zip bomb.") % {"ratio": e.file_size // max(e.compress_size, 1),
                                                       "max": limits.max_ratio})


def _unreadable(e):
    return WorkbookError(_("This file cannot be read as an Excel workbook (%(e)s).") % {"e": type(e).__name__})


def _too_many_rows(limits):
    if limits.command:
        return WorkbookError(
            _("The workbook has more than %(n)s rows; split it and import the parts, or have an administrator "
              "import it with the command: %(command)s") % {"n": f"{limits.max_rows:,}", "command": limits.command})
    return WorkbookError(_("The workbook has more than %(n)s rows; split it and import the parts.")
                         % {"n": f"{limits.max_rows:,}"})


def read_rows(file, limits=None, sheet=None):
    """Yield (row number, values) of the first sheet, the header row first, stopping at the first limit passed;
    sheet(title) → bool chooses another: the first sheet it accepts, nothing when it accepts none.

    The zip's directory is checked before openpyxl opens anything, the sheet's stated size before a row is read,
    and each row as it comes (a sheet's stated size may lie either way)."""
    limits = limits or request_limits()
    check_zip(file, limits)
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
        ws = next((ws for ws in wb.worksheets if sheet is None or sheet(ws.title)), None)
    except Exception as e:  # openpyxl raises many kinds for a broken or foreign file
        raise _unreadable(e) from e
    if ws is None:
        wb.close()
        return
    try:
        if (ws.max_row or 0) - 1 > limits.max_rows:
            raise _too_many_rows(limits)
        # Without the stated size openpyxl pads no row to it: each row is as wide as its last cell.
        ws.reset_dimensions()
        rows = enumerate(ws.iter_rows(values_only=True), start=1)
        while True:
            try:
                number, values = next(rows)
            except StopIteration:
                break
            except Exception as e:  # a sheet's XML broken further down: a cell that is not what it says
                raise _unreadable(e) from e
            if number - 1 > limits.max_rows:
                raise _too_many_rows(limits)
            if len(values) > limits.max_columns:
                raise WorkbookError(_("Row %(row)d has more than %(n)d columns.")
                                    % {"row": number, "n": limits.max_columns})
            for v in values:
                if isinstance(v, str) and len(v) > limits.max_cell_chars:
                    raise WorkbookError(_("A cell of row %(row)d holds more than %(n)s characters.")
                                        % {"row": number, "n": f"{limits.max_cell_chars:,}"})
            yield number, values
    finally:
        wb.close()


def check_workbook_upload(f, command=None):
    """The checks of an uploaded workbook before anything reads it: name, size, and its zip directory.
    command: how to import a larger file instead, if there is a way."""
    if not f.name.lower().endswith(".xlsx"):
        raise ValidationError(_("Only .xlsx workbooks can be imported."))
    if f.size > settings.IMPORT_MAX_BYTES:
        raise ValidationError(_("The workbook is larger than %(mb)d MB.") % {"mb": settings.IMPORT_MAX_BYTES >> 20})
    try:
        check_zip(f, request_limits(command))
    except WorkbookError as e:
        raise ValidationError(str(e)) from None
    return f


def check_files(files):
    """Refuse more files, or more bytes in all, than one form may send."""
    if len(files) > settings.UPLOAD_MAX_FILES:
        raise ValidationError(_("At most %(n)d files can be sent at once.") % {"n": settings.UPLOAD_MAX_FILES})
    if sum(f.size for f in files) > settings.UPLOAD_MAX_TOTAL_BYTES:
        raise ValidationError(_("The files sent at once may total at most %(mb)s MB.")
                              % {"mb": _mb(settings.UPLOAD_MAX_TOTAL_BYTES)})
    return files


# Files people attach (a demand's, a policy application's documents): what is accepted, by name and by content.
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {  # extension: the bytes such a file starts with
    "pdf": [b"%PDF-"], "png": [b"\x89PNG\r\n\x1a\n"], "jpg": [b"\xff\xd8\xff"], "jpeg": [b"\xff\xd8\xff"],
    "docx": [b"PK\x03\x04"], "xlsx": [b"PK\x03\x04"], "doc": [b"\xd0\xcf\x11\xe0"], "xls": [b"\xd0\xcf\x11\xe0"],
    "txt": [b""],
}


def check_attachment(f):
    """Refuse a file over the size limit or whose type (by name and by content) is not allowed."""
    ext = f.name.rsplit(".", 1)[-1].lower() if "." in f.name else ""
    if ext not in ATTACHMENT_TYPES:
        raise ValidationError({"files": _("%(name)s: only PDF, images, Word, Excel and text files are accepted.")
                               % {"name": f.name}})
    if f.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"files": _("%(name)s is larger than 10 MB.") % {"name": f.name}})
    head = f.read(8)
    f.seek(0)
    if not any(head.startswith(sig) for sig in ATTACHMENT_TYPES[ext]):
        raise ValidationError({"files": _("%(name)s is not really a .%(ext)s file.") % {"name": f.name, "ext": ext}})


def check_attachments(files):
    """Refuse the step before anything is written if any of its files is refused (check_attachment)."""
    for f in files:
        check_attachment(f)


SHOWN_NAME_CHARS = 200  # a file's name as people see it (Attachment.name, ItemUpdate.evidence_name)
# The file on disk gets a shorter name: 60 Chinese characters are 180 bytes, within a file system's 255.
STORED_NAME_CHARS = 60


def short_name(name, limit):
    """name cut to limit characters, keeping its extension: 「很长的名字…….pdf」."""
    if len(name) <= limit:
        return name
    stem, ext = os.path.splitext(name)
    if len(ext) >= limit // 2:  # no real extension is that long
        stem, ext = name, ""
    return stem[:limit - len(ext) - 1] + "…" + ext


class RequestSizeMiddleware:
    """Refuses (413) a request whose body is past settings.UPLOAD_MAX_REQUEST_BYTES before any of it is read.

    Django bounds the form fields it keeps in memory, not the files it spools to disk."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.UPLOAD_MAX_REQUEST_BYTES:
            return HttpResponse(_("The request is larger than %(mb)s MB.") % {"mb": _mb(settings.UPLOAD_MAX_REQUEST_BYTES)},
                                status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
