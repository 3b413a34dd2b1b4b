"""Money as the platform shows it: amounts kept exactly (integer fen, or yuan) shown in 万元 or 亿元."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

FEN_PER_YI = 10_000_000_000  # 1 亿元 in fen
FEN_PER_WAN = 1_000_000  # 1 万元 in fen


def format_amount(fen):
    """An amount kept in fen, shown in 亿元 from one hundred million yuan up, else in 万元 (exact, no float)."""
    if fen is None:
        return ""
    if abs(fen) >= FEN_PER_YI:
        value, unit = Decimal(fen) / FEN_PER_YI, _("hundred million yuan")
    else:
        value, unit = Decimal(fen) / FEN_PER_WAN, _("ten thousand yuan")
    text = f"{value.quantize(Decimal('0.0001')):f}".rstrip("0").rstrip(".")
    return f"{text} {unit}"


def format_yuan(yuan):
    """An amount kept in 元, shown in 万元 or 亿元."""
    return "" if yuan is None else format_amount(yuan * 100)
