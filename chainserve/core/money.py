"""Money as the platform shows it: amounts kept exactly (integer fen, or yuan), in 万元 / 亿元 or in millions."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import translation
from django.utils.translation import gettext

FEN_PER_YI = 10_000_000_000  # 1 亿元 in fen
FEN_PER_WAN = 1_000_000  # 1 万元 in fen
FEN_PER_YUAN = 100
# Languages that count large amounts in 万 and 亿 (ten thousands, hundred millions); English and the others count in
# thousands: 3.5亿元 is "CNY 350 million", not "3.5 hundred million yuan".
MYRIAD_LANGUAGES = ("zh", "ja", "ko")


def counts_in_myriads(language=None):
    """Whether amounts read in 万 and 亿 in `language` (default: the active one)."""
    return (language or translation.get_language() or "").lower().startswith(MYRIAD_LANGUAGES)


def _number(value):
    """A Decimal without exponent or trailing zeros: 68.2, 3000, 1.2346."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_amount(fen, *, in_yi=False):
    """An amount kept in fen, shown exactly enough and without float.

    In Chinese: from 1亿元 up in 亿元 to four decimals (68.2亿元), below in 万元 to four decimals (3000.5万元, so to
    the yuan). In English, rounded to the same precision and read in thousands: CNY 6.82 billion, CNY 350 million,
    CNY 12,346. `in_yi`: as a bulletin prints it, always in 亿元 to two decimals (0.35亿元), in English rounded to
    the same million yuan."""
    if fen is None:
        return ""
    if in_yi:
        quantum = FEN_PER_YI // 100
    else:
        quantum = FEN_PER_WAN if abs(fen) >= FEN_PER_YI else FEN_PER_YUAN
    rounded = (Decimal(fen) / quantum).quantize(Decimal(1), rounding=ROUND_HALF_UP) * quantum
    if counts_in_myriads():
        if in_yi or abs(fen) >= FEN_PER_YI:
            return gettext("%(value)s hundred million yuan") % {"value": _number(rounded / FEN_PER_YI)}
        return gettext("%(value)s ten thousand yuan") % {"value": _number(rounded / FEN_PER_WAN)}
    yuan = rounded / FEN_PER_YUAN
    if abs(yuan) >= 1_000_000_000:
        return gettext("CNY %(value)s billion") % {"value": _number(yuan / 1_000_000_000)}
    if abs(yuan) >= 1_000_000:
        return gettext("CNY %(value)s million") % {"value": _number(yuan / 1_000_000)}
    return gettext("CNY %(value)s") % {"value": f"{yuan:,.0f}"}


def format_yuan(yuan):
    """An amount kept in 元, shown as format_amount shows fen."""
    return "" if yuan is None else format_amount(yuan * 100)
