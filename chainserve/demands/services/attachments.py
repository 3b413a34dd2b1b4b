"""Files given with a demand or a step of it: what is accepted (type by name and content, size), and keeping them."""

import mimetypes

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from chainserve.core.uploads import SHOWN_NAME_CHARS, STORED_NAME_CHARS, short_name

from ..models import Attachment

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


def attach(demand, event, f, user):
    """Keep f as an attachment; its name shown is cut to fit, keeping the extension."""
    attachment = Attachment(demand=demand, event=event, name=short_name(f.name, SHOWN_NAME_CHARS), size=f.size,
                            content_type=mimetypes.guess_type(f.name)[0] or "application/octet-stream",
                            uploaded_by=user)
    attachment.file.save(short_name(f.name, STORED_NAME_CHARS), f, save=False)
    attachment.save()
    return attachment


def check_attachments(files):
    """Refuse the step before anything is written if any of its files is refused (check_attachment)."""
    for f in files:
        check_attachment(f)


def attach_all(demand, event, files, user):
    """Keep each of files as an attachment of demand and its step's event."""
    return [attach(demand, event, f, user) for f in files]
