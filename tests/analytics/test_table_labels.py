"""The metric tables as the admin shows them: coded values as labels, amounts and figures written as the UI language
writes numbers (thousands separators, its decimal mark), ids and empty cells left as they are."""

from django.utils import translation

from analytics.metrics.table_labels import shown_rows

COLUMNS = ["contact", "monetary", "share", "segment", "units", "cv"]
ROW = {
    "contact": 19952,
    "monetary": "218399.85",
    "share": 0.0174123,
    "segment": "champions",
    "units": 12000,
    "cv": None,
}


def test_amounts_and_figures_read_as_each_language_writes_numbers():
    with translation.override("ru"):
        assert shown_rows(COLUMNS, [ROW]) == [[19952, "218\xa0399,85", "0,0174", "Чемпионы", "12\xa0000", None]]
    with translation.override("en"):
        assert shown_rows(COLUMNS, [ROW]) == [[19952, "218,399.85", "0.0174", "Champions", "12,000", None]]


def test_a_value_that_is_no_number_is_shown_as_it_is():
    with translation.override("ru"):
        assert shown_rows(["revenue", "units"], [{"revenue": "—", "units": True}]) == [["—", True]]
