"""Chinese text folding for search: normalize, pinyin_forms, search_document, query_terms."""

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from chainserve.core.text import normalize, pinyin_forms, query_terms, search_document

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
# The first call loads OpenCC's and pypinyin's dictionaries: no per-example deadline on a busy machine.
relaxed = settings(deadline=None)


@pytest.mark.parametrize(
    ("given_text", "expected"),
    [
        ("武漢紐福斯生物科技", "武汉纽福斯生物科技"),  # traditional → simplified
        ("溫州康寧醫藥", "温州康宁医药"),
        ("ＡＢＣ１２３", "abc123"),  # full-width → half-width, lower case
        ("ＡＢＣ　１２３", "abc 123"),  # full-width space
        ("  Hello \t  World\n", "hello world"),  # runs of space collapse, ends trimmed
        ("BioTech 生物", "biotech 生物"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_folds_script_width_case_and_space(given_text, expected):
    assert normalize(given_text) == expected


def test_normalize_leaves_simplified_text_alone():
    assert normalize("武汉纽福斯") == "武汉纽福斯"


@pytest.mark.parametrize(
    ("given_text", "expected"),
    [
        ("武汉", ("wuhan", "wh")),
        ("武漢紐福斯", ("wuhanniufusi", "whnfs")),  # traditional gives the same pinyin as simplified
        ("温州", ("wenzhou", "wz")),
        ("ABC 公司 123", ("gongsi", "gs")),  # only the Chinese characters are spelled out
        ("嵼", ("chan", "c")),  # simplified to 𡶴, beyond the BMP
        ("武嵼汉", ("wuchanhan", "wch")),
        ("武兙汉", ("wuhan", "wh")),  # a character without a known reading is left out
        ("abc", ("", "")),
        ("", ("", "")),
    ],
)
def test_pinyin_forms_spell_out_the_chinese_characters(given_text, expected):
    assert pinyin_forms(given_text) == expected


def test_search_document_holds_each_part_with_its_pinyin_and_initials():
    # given the parts an organisation is found by: name, short name, credit code
    parts = ("武漢紐福斯生物", "纽福斯", "91420100MA00000012")

    # when
    document = search_document(*parts)

    # then
    assert document == ("武汉纽福斯生物 wuhanniufusishengwu whnfssw 纽福斯 niufusi nfs 91420100ma00000012")


def test_search_document_skips_empty_parts():
    assert search_document("", "温州", None, "  ") == "温州 wenzhou wz"


def test_query_terms_are_normalised_and_split_on_space():
    assert query_terms("  WHNFS   紐福斯 ") == ["whnfs", "纽福斯"]
    assert query_terms("") == []


@relaxed
@given(st.text())
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once


@relaxed
@given(st.text(alphabet=HAN, min_size=1, max_size=12))
def test_normalize_is_idempotent_on_chinese(text):
    once = normalize(text)
    assert normalize(once) == once


@relaxed
@given(st.text(alphabet=HAN, min_size=1, max_size=12), st.text(alphabet="abcXYZ 0123", max_size=6))
@example(han="嵼", latin="")  # found by this test: its simplified form lay outside the characters spelled out
def test_search_document_contains_the_normalised_name_and_its_initials(han, latin):
    name = han + latin
    document = search_document(name)
    full, initials = pinyin_forms(name)
    assert normalize(name) in document
    assert initials in document
    assert full in document
    assert len(initials) <= len(han)  # at most one letter a character


@relaxed
@given(st.text(alphabet="武汉纽福斯温州康宁医药生物科技有限公司", min_size=1, max_size=12))
def test_common_characters_each_give_one_initial(name):
    assert len(pinyin_forms(name)[1]) == len(name)
