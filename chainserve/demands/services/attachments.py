"""Files given with a demand or a step of it: keeping them (what is accepted is core.uploads' check_attachment)."""

import mimetypes

from chainserve.core.uploads import SHOWN_NAME_CHARS, STORED_NAME_CHARS, check_attachment, check_attachments, short_name

from ..models import Attachment

# The checks are core's (a policy application's documents pass the same); the demand services import them from here.
__all__ = ["attach", "attach_all", "check_attachment", "check_attachments"]


def attach(demand, event, f, user):
    """Keep f as an attachment; its name shown is cut to fit, keeping the extension."""
    attachment = Attachment(demand=demand, event=event, name=short_name(f.name, SHOWN_NAME_CHARS), size=f.size,
                            content_type=mimetypes.guess_type(f.name)[0] or "application/octet-stream",
                            uploaded_by=user)
    attachment.file.save(short_name(f.name, STORED_NAME_CHARS), f, save=False)
    attachment.save()
    return attachment


def attach_all(demand, event, files, user):
    """Keep each of files as an attachment of demand and its step's event."""
    return [attach(demand, event, f, user) for f in files]
