"""How a bulletin joins its words, in the active language: clauses (，), groups of clauses (；), an enumeration
(、), sentences (。), and a day of the month (3月10日)."""

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import pgettext


def _chinese(language):
    return (language or translation.get_language() or "").startswith("zh")


def clauses(parts):
    return pgettext("list separator", ", ").join(str(p) for p in parts if p)


def groups(parts):
    return pgettext("list separator", "; ").join(str(p) for p in parts if p)


def enumeration(parts):
    return pgettext("enumeration", ", ").join(str(p) for p in parts if p)


SENTENCE_ENDS = "。！？….!?"


def sentence(text):
    """text as a sentence: capitalised (in English) and ended (。 in Chinese), unless it ends already (an enterprise's
    comment quoted as it wrote it: 「感谢！」, never 「感谢！。」)."""
    text = str(text)
    if not text:
        return ""
    text = text[:1].upper() + text[1:]
    return text if text[-1] in SENTENCE_ENDS else text + pgettext("sentence end", ".")


def sentences(texts):
    """Sentences one after the other: a space between them in English, nothing in Chinese."""
    gap = "" if _chinese(None) else " "
    return gap.join(sentence(t) for t in texts if t)


def nested(title):
    """A title to be put in double quotes: its own double quotes become single ones, as quotes inside quotes are
    written (“‘金融助企’政银企对接会”, never ““金融助企”政银企对接会”)."""
    return str(title).replace("“", "‘").replace("”", "’")


def month_day(day):
    return date_format(day, pgettext("month and day", "j M"))


CHINESE_NUMERALS = "〇一二三四五六七八九十"


def heading_number(n):
    """The number before a section's heading: 一、 in Chinese (n up to ten), 1. in English."""
    return f"{CHINESE_NUMERALS[n]}、" if _chinese(None) and n <= 10 else f"{n}. "


def sub_number(n):
    """The number before a sub-heading: （一） in Chinese, (1) in English."""
    return f"（{CHINESE_NUMERALS[n]}）" if _chinese(None) and n <= 10 else f"({n}) "
