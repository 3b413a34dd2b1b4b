"""Amounts kept exactly and shown in 万元 or 亿元."""

from chainserve.core.money import format_amount, format_yuan


def test_amounts_shown_in_wan_and_yi():
    assert format_amount(None) == ""
    assert format_amount(5_000_000_00) == "500 ten thousand yuan"
    assert format_amount(682_000_000_000) == "68.2 hundred million yuan"
    assert format_amount(12_345_67) == "1.2346 ten thousand yuan"


def test_amounts_in_yuan_shown_in_wan_and_yi():
    assert format_yuan(None) == ""
    assert format_yuan(0) == "0 ten thousand yuan"
    assert format_yuan(30_000_000) == "3000 ten thousand yuan"
    assert format_yuan(250_000_000) == "2.5 hundred million yuan"
