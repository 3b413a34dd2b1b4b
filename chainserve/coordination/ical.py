"""An iCalendar (RFC 5545) feed of meetings and activities, written by hand: text escaped (§3.3.11), lines
folded at 75 octets without splitting a character (§3.1), CRLF line ends, times in UTC; the feed's signed key."""

import datetime
import hmac

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

DURATION = datetime.timedelta(hours=2)  # meetings and activities keep no end time; calendars need one

KEY_SALT = "chainserve.coordination.calendar-feed"
SIGNATURE_LENGTH = 32


def _signature(token, secret=None):
    return salted_hmac(KEY_SALT, token, secret=secret, algorithm="sha256").hexdigest()[:SIGNATURE_LENGTH]


def feed_key(feed):
    """The secret in a feed's address: the stored token followed by its HMAC under SECRET_KEY. The database
    (and so a backup) holds only the token, which opens nothing without the server's SECRET_KEY."""
    return feed.token + _signature(feed.token)


def token_of(key):
    """The stored token a feed address key stands for, or None when its signature is not ours (also checked
    against SECRET_KEY_FALLBACKS, so rotating SECRET_KEY that way keeps subscriptions working)."""
    token, signature = key[:-SIGNATURE_LENGTH], key[-SIGNATURE_LENGTH:]
    if not token:
        return None
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if any(hmac.compare_digest(signature, _signature(token, secret)) for secret in secrets):
        return token
    return None


def escape(text):
    """TEXT value escaping: backslash, semicolon, comma and line breaks."""
    text = str(text or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line):
    """A content line folded into pieces of at most 75 octets, each continuation starting with a space."""
    pieces, current, size, limit = [], [], 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, 74  # the leading space counts
        current.append(char)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def _utc(dt):
    return dt.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def event_lines(uid, starts_at, summary, url, location="", description="", stamp=None, cancelled=False):
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{_utc(stamp or timezone.now())}",
        f"DTSTART:{_utc(starts_at)}",
        f"DTEND:{_utc(starts_at + DURATION)}",
        f"SUMMARY:{escape(summary)}",
        f"URL:{url}",
    ]
    if location:
        lines.append(f"LOCATION:{escape(location)}")
    if description:
        lines.append(f"DESCRIPTION:{escape(description)}")
    lines.append(f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}")
    lines.append("END:VEVENT")
    return lines


def calendar(name, events):
    """The whole feed as bytes; events are lists of content lines (see event_lines)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//chainserve//coordination//ZH", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape(name)}", "X-WR-TIMEZONE:Asia/Shanghai"]
    for event in events:
        lines.extend(event)
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
