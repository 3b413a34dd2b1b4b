"""The words a suggestion's reason quotes are the demand's own spelling, not the lower-cased search terms."""

from chainserve.matching.relevance import as_written, terms


def test_a_shared_word_is_quoted_as_the_demand_wrote_it():
    text = "寻找约1500平方米GMP厂房"
    assert "gmp" in terms(text)  # searched lower-cased …
    assert [as_written(t, text) for t in ("gmp", "厂房")] == ["GMP", "厂房"]  # … quoted as written
    assert as_written("gmp", "尋找GMP廠房") == "GMP"
    assert as_written("厂房", "尋找廠房") == "厂房"  # written otherwise (traditional): the term itself
