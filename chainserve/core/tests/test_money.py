"""Amounts kept exactly and shown as each language reads them: 万元 and 亿元 in Chinese, millions in English."""

import pytest
from django.utils import translation

from chainserve.core.money import counts_in_myriads, format_amount, format_yuan

AMOUNTS = [  # fen, Chinese, English
    (None, "", ""),
    (0, "0万元", "CNY 0"),
    (12_345_67, "1.2346万元", "CNY 12,346"),
    (5_000_000_00, "500万元", "CNY 5 million"),
    (3_000_500_000, "3000.5万元", "CNY 30.005 million"),
    (350_000_000_00, "3.5亿元", "CNY 350 million"),
    (682_000_000_000, "68.2亿元", "CNY 6.82 billion"),
    (-682_000_000_000, "-68.2亿元", "CNY -6.82 billion"),
]


@pytest.mark.parametrize(("fen", "chinese", "english"), AMOUNTS)
def test_amounts_read_in_wan_and_yi_in_chinese_and_in_millions_in_english(fen, chinese, english):
    with translation.override("zh-hans"):
        assert format_amount(fen) == chinese
    assert format_amount(fen) == english


@pytest.mark.parametrize(("fen", "chinese", "english"), [
    (0, "0亿元", "CNY 0"),
    (35_000_000_00, "0.35亿元", "CNY 35 million"),
    (682_000_000_000, "68.2亿元", "CNY 6.82 billion"),
    (682_460_000_000, "68.25亿元", "CNY 6.825 billion"),  # two decimals of 亿元, rounded half up
    (66_000_000_000_000, "6600亿元", "CNY 660 billion"),
])
def test_a_bulletin_amount_is_in_yi_to_two_decimals(fen, chinese, english):
    with translation.override("zh-hans"):
        assert format_amount(fen, in_yi=True) == chinese
    assert format_amount(fen, in_yi=True) == english


def test_amounts_in_yuan_read_the_same():
    assert format_yuan(None) == ""
    assert (format_yuan(0), format_yuan(30_000_000), format_yuan(250_000_000)) == \
        ("CNY 0", "CNY 30 million", "CNY 250 million")
    with translation.override("zh-hans"):
        assert (format_yuan(0), format_yuan(30_000_000), format_yuan(250_000_000)) == ("0万元", "3000万元", "2.5亿元")


def test_only_chinese_japanese_and_korean_count_in_myriads():
    assert [counts_in_myriads(lang) for lang in ("zh-hans", "zh-hant", "ja", "ko", "en", "fr")] == \
        [True, True, True, True, False, False]
