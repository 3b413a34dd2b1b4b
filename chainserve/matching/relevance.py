"""Which catalogue items answer a demand: BM25 over jieba-segmented, simplified text, weighed with whether the
demand's enterprise meets the item's eligibility rule. Each suggestion carries its reasons."""

import logging
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from chainserve.core.text import normalize
from chainserve.resources.models import CATALOGUE_MODELS

from . import profiles, rules
from .services import versions_in_force

DICTIONARY = Path(__file__).parent / "data" / "dict.txt"
STOPWORDS = frozenset("的 了 和 与 及 或 在 对 并 等 为 是 有 希望 需要 公司 企业 我们 进行 相关 工作 情况 问题".split())
_WORD = re.compile(r"[\w]", re.UNICODE)
K1, B = 1.5, 0.75
ELIGIBLE_BOOST, NEAR_MISS_BOOST, INELIGIBLE_FACTOR = 1.5, 1.15, 0.5


@lru_cache(maxsize=1)
def _tokenizer():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(str(DICTIONARY))
    return tokenizer


def terms(text):
    """Search terms of a text: simplified and lower-cased (OpenCC, via core.text), segmented by jieba with the
    domain dictionary (data/dict.txt) in search mode, without stop words, punctuation and single characters."""
    words = _tokenizer().lcut_for_search(normalize(text))
    return [w for w in words if len(w) > 1 and _WORD.search(w) and w not in STOPWORDS]


@dataclass
class Suggestion:
    item: object
    score: float
    words: list
    eligibility: str = ""  # rules.MET / NOT_MET / UNKNOWN, or "" when the item has no rule
    missing: list = field(default_factory=list)

    @property
    def kind(self):
        return self.item._meta.model_name

    @property
    def kind_label(self):
        return self.item._meta.verbose_name

    @property
    def reasons(self):
        found = [_("Shares the words: %(words)s") % {"words": "、".join(self.words)}] if self.words else []
        if self.eligibility == rules.MET:
            found.append(_("The enterprise meets its conditions."))
        elif self.missing:
            found.append(_("The enterprise does not yet meet: %(missing)s")
                         % {"missing": _("; ").join(c.text for c in self.missing)})
        return found


def as_written(term, text):
    """The term as text writes it (GMP, not the search term gmp); the term itself when text spells it otherwise
    (in traditional characters)."""
    match = re.search(re.escape(term), text, re.IGNORECASE)
    return match.group() if match else term


def bm25(query_terms, documents):
    """Okapi BM25 score of each document (a list of terms) for the query terms, each query term counted as
    often as it occurs in the query (a demand that says 贷款 twice is about loans)."""
    n = len(documents)
    if not n or not query_terms:
        return [0.0] * n
    average = sum(len(d) for d in documents) / n or 1
    frequency = Counter(t for d in documents for t in set(d))
    wanted = Counter(query_terms)
    scores = []
    for doc in documents:
        counts = Counter(t for t in doc if t in wanted)
        score = 0.0
        for term, tf in counts.items():
            idf = math.log(1 + (n - frequency[term] + 0.5) / (frequency[term] + 0.5))
            score += wanted[term] * idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * len(doc) / average))
        scores.append(score)
    return scores


def catalogue(user):
    """The published catalogue items user may see, with their tags and rules."""
    items = []
    for model in CATALOGUE_MODELS:
        qs = model.objects.restrict(user, "view").published().prefetch_related("tags")
        if model._meta.model_name in ("policy", "financialproduct"):
            qs = qs.select_related("eligibility_rule")
        items.extend(qs)
    return items


def suggest(demand, user, limit=8):
    """The catalogue items most relevant to demand, best first, each with its reasons."""
    items = catalogue(user)
    text = f"{demand.title}\n{demand.description}\n{demand.category}"
    query = terms(text)
    scores = bm25(query, [terms(item.relevance_text()) for item in items])
    ruled = {getattr(item, "eligibility_rule", None) for item in items} - {None}
    versions = versions_in_force(only=[r.pk for r in ruled]) if ruled else {}
    profile = profiles.profile_of(demand.organization) if versions else None
    today = timezone.localdate()
    names = profiles.display_names() if versions else {}
    ordered = list(dict.fromkeys(query))  # the demand's words in the order it says them
    found = []
    for item, score in zip(items, scores, strict=True):
        if score <= 0:
            continue
        own = set(terms(item.relevance_text()))
        suggestion = Suggestion(item, score, [as_written(w, text) for w in ordered if w in own])
        rule = getattr(item, "eligibility_rule", None)
        version = versions.get(rule.pk) if rule is not None else None
        if version is not None:
            verdict = rules.explain(version.expression, profile, today, names, version.period)
            suggestion.eligibility = verdict.status
            suggestion.missing = verdict.missing
            suggestion.score *= (ELIGIBLE_BOOST if verdict.qualifies else NEAR_MISS_BOOST if verdict.near_miss
                                 else INELIGIBLE_FACTOR)
        found.append(suggestion)
    found.sort(key=lambda s: (-s.score, s.item.title))
    return found[:limit]
