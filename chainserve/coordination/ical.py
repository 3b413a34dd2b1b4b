"""An iCalendar (RFC 5545) feed of meetings and activities, written by hand: text escaped (§3.3.11), lines
folded at 75 octets without splitting a character (§3.1), CRLF line ends, times in UTC."""

import datetime

from django.utils import timezone

DURATION = datetime.timedelta(hours=2)  # meetings and activities keep no end time; calendars need one


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
