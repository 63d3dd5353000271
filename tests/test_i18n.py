"""The project's Russian catalogue: complete, not fuzzy, compiled, and used by Django.

The .po file is read with a small parser of our own (the standard library has none) so that no extra package is
needed; the compiled .mo is read with the standard library's `gettext`.
"""

import gettext
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import translation

from tests.po import Entry, parse_po

LC_MESSAGES = Path(__file__).resolve().parents[1] / "locale" / "ru" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

# printf-style (python-format) and str.format-style (python-brace-format) placeholders.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w*\}")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    assert PO_FILE.exists(), f"{PO_FILE} is missing: run makemessages -l ru"
    return parse_po(PO_FILE)


@pytest.fixture(scope="module")
def header(po_entries: list[Entry]) -> Entry:
    headers = [entry for entry in po_entries if entry.msgid == "" and entry.msgctxt is None]
    assert len(headers) == 1
    return headers[0]


@pytest.fixture(scope="module")
def messages(po_entries: list[Entry]) -> list[Entry]:
    return [entry for entry in po_entries if not (entry.msgid == "" and entry.msgctxt is None)]


def test_the_catalogue_has_the_russian_plural_forms(header: Entry) -> None:
    assert "fuzzy" not in header.flags
    assert "Language: ru\n" in (header.msgstr or "")
    assert "Plural-Forms: nplurals=4; plural=(n % 1 == 0 && n % 10 == 1 && n % 100 != 11 ? 0" in (header.msgstr or "")


def test_every_message_is_translated_and_none_is_fuzzy(messages: list[Entry]) -> None:
    assert len(messages) > 300  # the parser read the whole file
    fuzzy = [entry.label for entry in messages if "fuzzy" in entry.flags]
    empty = [entry.label for entry in messages if not is_translated(entry)]
    assert fuzzy == []
    assert empty == []


def is_translated(entry: Entry) -> bool:
    if entry.msgid_plural is None:
        return bool(entry.msgstr)
    # Russian has four plural forms here (one, few, many, and fractions); each needs its text.
    return sorted(entry.msgstr_plural) == [0, 1, 2, 3] and all(entry.msgstr_plural.values())


def test_every_translation_keeps_the_placeholders(messages: list[Entry]) -> None:
    broken = []
    for entry in messages:
        expected = set(PLACEHOLDER.findall(entry.msgid)) | set(PLACEHOLDER.findall(entry.msgid_plural or ""))
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural is not None else [entry.msgstr or ""]
        for text in translations:
            if set(PLACEHOLDER.findall(text)) != expected:
                broken.append((entry.label, text))
    assert broken == []


def test_the_compiled_catalogue_is_not_older_than_the_po_file(messages: list[Entry]) -> None:
    assert MO_FILE.exists(), f"{MO_FILE} is missing: run compilemessages -l ru"
    if MO_FILE.stat().st_mtime_ns >= PO_FILE.stat().st_mtime_ns:
        return
    # A fresh checkout writes the two files in an arbitrary order; then the .mo must hold exactly the .po's text.
    assert_mo_matches_po(messages)


def test_the_compiled_catalogue_holds_every_translation_of_the_po_file(messages: list[Entry]) -> None:
    assert_mo_matches_po(messages)


def assert_mo_matches_po(messages: list[Entry]) -> None:
    with MO_FILE.open("rb") as fp:
        catalog = gettext.GNUTranslations(fp)._catalog  # type: ignore[attr-defined]
    stale = []
    for entry in messages:
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid
        if entry.msgid_plural is None:
            if catalog.get(key) != entry.msgstr:
                stale.append(entry.label)
        elif any(catalog.get((key, index)) != text for index, text in entry.msgstr_plural.items()):
            stale.append(entry.label)
    assert stale == [], "django.mo is stale: run compilemessages -l ru"


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("contacts.Contact", "контакты"),
        ("loyalty.Program", "программы лояльности"),
        ("loyalty.Store", "магазины"),
        ("loyalty.Register", "кассы"),
        ("loyalty.Card", "карты"),
    ],
)
def test_the_models_plural_names_are_russian(model: str, expected: str) -> None:
    meta = apps.get_model(model)._meta
    with translation.override("ru"):
        name = str(meta.verbose_name_plural)
    assert name == expected
    assert CYRILLIC.search(name)


def test_the_menu_and_app_names_are_russian() -> None:
    with translation.override("ru"):
        assert translation.gettext("Contacts") == "Контакты"
        assert str(apps.get_app_config("contacts").verbose_name) == "Контакты"
        assert translation.ngettext("%(count)d card blocked.", "%(count)d cards blocked.", 5) % {"count": 5} == (
            "5 карт заблокировано."
        )
    with translation.override("en"):
        assert translation.gettext("Contacts") == "Contacts"
