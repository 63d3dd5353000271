"""Files for spreadsheet programs: the encoding and delimiter of an upload, the delimiter and times of a download."""

from datetime import UTC, datetime

import pytest
from django.utils import translation

from common.spreadsheets import BOM, csv_bytes, csv_delimiter, file_datetime, read_csv


@pytest.mark.parametrize(
    ("content", "delimiter"),
    [
        ("телефон;имя\r\n+79161234567;Анна\r\n".encode("cp1251"), ";"),
        ("\ufeffphone,name\n+79161234567,Анна\n".encode(), ","),
        ("phone\tname\n+79161234567\tАнна\n".encode(), "\t"),
        (b"phone\n+79161234567\n", ","),
    ],
)
def test_read_csv_detects_encoding_and_delimiter(content, delimiter):
    text, found = read_csv(content)

    assert found == delimiter
    assert not text.startswith(BOM)
    assert text.splitlines()[0].split(delimiter)[0] in {"телефон", "phone"}


@pytest.mark.parametrize(("language", "delimiter"), [("ru", ";"), ("en", ",")])
def test_csv_is_utf8_with_a_bom_and_the_languages_delimiter(language, delimiter):
    with translation.override(language):
        content = csv_bytes([["имя", "когда"], ["Анна", datetime(2026, 12, 5, 11, 3, 59, tzinfo=UTC)]])

    assert content.decode("utf-8") == f"\ufeffимя{delimiter}когда\r\nАнна{delimiter}2026-12-05 14:03\r\n"


def test_file_datetime_is_in_the_servers_time_zone_to_the_minute(settings):
    settings.TIME_ZONE = "Asia/Yekaterinburg"

    assert file_datetime(datetime(2026, 12, 5, 9, 3, 30, tzinfo=UTC)) == "2026-12-05 14:03"


def test_delimiter_follows_the_active_language():
    with translation.override("ru"):
        assert csv_delimiter() == ";"
    with translation.override("en"):
        assert csv_delimiter() == ","
