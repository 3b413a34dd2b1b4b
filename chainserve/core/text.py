"""Chinese text for search: traditional → simplified, full-width → half-width, pinyin and initials."""

import re
import unicodedata
from functools import lru_cache

import opencc
from pypinyin import Style, lazy_pinyin

_t2s = opencc.OpenCC("t2s")
_SPACE = re.compile(r"\s+")
# CJK ideographs: Extension A and the basic block, and Extensions B–H beyond the BMP, where
# traditional → simplified puts some characters (嵼 → 𡶴).
_HAN = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f]")


def normalize(text: str) -> str:
    """Fold a string to the form the search index holds: simplified, half-width, lower case."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    text = _t2s.convert(text).lower()
    return _SPACE.sub(" ", text).strip()


@lru_cache(maxsize=4096)
def pinyin_forms(text: str) -> tuple[str, str]:
    """Full pinyin and pinyin initials of the Chinese characters in text: 武汉 → ('wuhan', 'wh')."""
    han = "".join(_HAN.findall(normalize(text)))
    if not han:
        return "", ""
    # A character with no known reading is left out, not copied in: the letters around it stay adjacent.
    full = "".join(lazy_pinyin(han, errors="ignore"))
    initials = "".join(lazy_pinyin(han, style=Style.FIRST_LETTER, errors="ignore"))
    return full, initials


def search_document(*parts: str) -> str:
    """The text a record is found by: each part normalised, with its pinyin and initials after it."""
    words = []
    for part in parts:
        norm = normalize(part)
        if not norm:
            continue
        words.append(norm)
        full, initials = pinyin_forms(norm)
        if full:
            words.extend([full, initials])
    return " ".join(words)


def query_terms(q: str) -> list[str]:
    """Split a search box entry into normalised terms that must all match."""
    return [t for t in normalize(q).split(" ") if t]
