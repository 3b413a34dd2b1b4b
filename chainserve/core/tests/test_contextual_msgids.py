"""One English word, two meanings, two Chinese words: a file's size is 大小, an organisation's size is 规模."""

from django.utils import translation

from chainserve.chains.models import Candidate
from chainserve.demands.models import Attachment
from chainserve.matching.rules import FIELDS
from chainserve.registry.models import Organization


def labels():
    return (str(Attachment._meta.get_field("size").verbose_name), str(Organization._meta.get_field("size").verbose_name),
            str(Candidate._meta.get_field("size").verbose_name), str(FIELDS["size"].label))


def test_a_file_s_size_and_an_organisation_s_size_read_as_two_words_in_chinese():
    with translation.override("zh-hans"):
        assert labels() == ("大小", "规模", "规模", "规模")
    assert labels() == ("size", "size", "size", "size")


def test_a_record_s_dates_and_a_custom_period_read_as_two_words_in_chinese():
    from chainserve.coordination.tables import InstructorTable
    from chainserve.reports.forms import PERIOD_KINDS

    with translation.override("zh-hans"):
        assert str(next(c.label for c in InstructorTable.columns if c.name == "dates")) == "起止日期"
        assert "自定义日期" in [str(label) for _value, label in PERIOD_KINDS]
