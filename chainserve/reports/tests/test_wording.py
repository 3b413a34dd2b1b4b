"""The bulletin's sentences: ended once, in the language of the document."""

from django.utils import translation

from chainserve.reports.wording import nested, sentences


def test_a_sentence_that_ends_already_gets_no_second_end():
    with translation.override("zh-hans"):
        assert sentences(["企业评价为“满意”：联席会议协调后解决了问题，感谢！", "已办结", "是否还需要……"]) == (
            "企业评价为“满意”：联席会议协调后解决了问题，感谢！已办结。是否还需要……")
    assert sentences(["it was resolved", "thanks!"]) == "It was resolved. Thanks!"


def test_a_quoted_title_keeps_its_own_quotes_as_single_ones():
    assert nested("“金融助企”政银企对接会（第3期）") == "‘金融助企’政银企对接会（第3期）"
    assert nested("大健康产业链2026年第十次联席会议") == "大健康产业链2026年第十次联席会议"
