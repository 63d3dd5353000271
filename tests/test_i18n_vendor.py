"""The vendor catalogue for django-unfold's own strings (unfold ships no translations): complete, compiled, used.

locale_vendor/ru/LC_MESSAGES holds django.po (unfold's templates and Python) and djangojs.po (unfold's copy of the
admin's actions.js). The .po files are read with a small standard-library parser; the .mo files with `gettext`.
"""

import gettext
import re
from pathlib import Path

import pytest
import unfold
from django.conf import settings
from django.utils import translation

from tests.po import Entry, parse_po

BASE_DIR = Path(__file__).resolve().parents[1]
LC_MESSAGES = BASE_DIR / "locale_vendor" / "ru" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")
UNFOLD_DIR = Path(unfold.__file__).resolve().parent

# Django's Russian Plural-Forms (django/contrib/admin/locale/ru/LC_MESSAGES/django.po), unwrapped.
DJANGO_RU_PLURAL_FORMS = (
    "Plural-Forms: nplurals=4; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<12 || n%100>14) ? 1 "
    ": n%10==0 || (n%10>=5 && n%10<=9) || (n%100>=11 && n%100<=14)? 2 : 3);\n"
)
# printf-style, named str.format-style and positional "{}" placeholders.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w*\}")


def split(domain: str) -> tuple[Entry, list[Entry]]:
    entries = parse_po(LC_MESSAGES / f"{domain}.po")
    assert entries, "the catalogue is empty"
    assert entries[0].msgid == "", "the header comes first"
    assert entries[0].msgctxt is None, "the header comes first"
    return entries[0], entries[1:]


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_header_is_russian_with_djangos_plural_forms(domain: str) -> None:
    header, _messages = split(domain)
    assert "fuzzy" not in header.flags
    assert "Language: ru\n" in (header.msgstr or "")
    assert DJANGO_RU_PLURAL_FORMS in (header.msgstr or "")


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_message_is_translated_and_none_is_fuzzy(domain: str) -> None:
    _header, messages = split(domain)
    assert len(messages) >= (200 if domain == "django" else 4)  # the parser read the whole file
    assert [entry.label for entry in messages if "fuzzy" in entry.flags] == []
    empty = [
        entry.label
        for entry in messages
        if (entry.msgid_plural is None and not entry.msgstr)
        or (entry.msgid_plural is not None and sorted(entry.msgstr_plural) != [0, 1, 2, 3])
        or not all(entry.translations)
    ]
    assert empty == []


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_translation_keeps_the_placeholders(domain: str) -> None:
    _header, messages = split(domain)
    broken = []
    for entry in messages:
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        broken += [(entry.label, text) for text in entry.translations if sorted(PLACEHOLDER.findall(text)) != expected]
    assert broken == []


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_compiled_catalogue_holds_every_translation(domain: str) -> None:
    mo_file = LC_MESSAGES / f"{domain}.mo"
    assert mo_file.exists(), f"{mo_file} is missing: msgfmt -o {domain}.mo {domain}.po"
    with mo_file.open("rb") as fp:
        catalog = gettext.GNUTranslations(fp)._catalog  # type: ignore[attr-defined]
    _header, messages = split(domain)
    stale = []
    for entry in messages:
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid
        if entry.msgid_plural is None:
            stale += [entry.label] if catalog.get(key) != entry.msgstr else []
        elif any(catalog.get((key, index)) != text for index, text in entry.msgstr_plural.items()):
            stale.append(entry.label)
    assert stale == [], f"{domain}.mo is stale: run msgfmt again"


def test_the_vendor_catalogue_comes_after_the_projects_own() -> None:
    assert [Path(path) for path in settings.LOCALE_PATHS] == [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]


@pytest.mark.parametrize(
    ("msgid", "expected"),
    [
        ("Apply Filters", "Применить фильтры"),
        ("Select action", "Выберите действие"),
        ("All applications", "Все приложения"),
        ("No results found", "Ничего не найдено"),
        ("Previous", "Предыдущая"),
        ("Next", "Следующая"),
        ("Dark", "Тёмная"),
        ("Toggle sidebar", "Переключить боковую панель"),
    ],
)
def test_unfolds_strings_come_out_in_russian(msgid: str, expected: str) -> None:
    # Strings unfold really uses: a template or module of the installed package says `msgid`.
    quoted = (f'"{msgid}"', f"'{msgid}'")
    assert any(
        any(text in path.read_text(encoding="utf-8") for text in quoted)
        for path in UNFOLD_DIR.rglob("*")
        if path.suffix in (".html", ".py")
    ), f"unfold no longer uses {msgid!r}"
    with translation.override("ru"):
        assert translation.gettext(msgid) == expected
    with translation.override("en"):
        assert translation.gettext(msgid) == msgid


def test_strings_django_already_translates_keep_djangos_wording() -> None:
    with translation.override("ru"):
        assert translation.gettext("Home") == "Начало"
        assert translation.gettext("Delete") == "Удалить"
        assert translation.gettext("Clear all filters") == "Сбросить все фильтры"
        assert translation.ngettext("%(counter)s result", "%(counter)s results", 5) == "%(counter)s результатов"
