"""Finds English left on a Russian page: a visible text node that equals an English msgid which the catalogues
(the project's, `locale_vendor`'s, Django's and every installed app's) translate into Russian. Such a text was not
passed through gettext, or its template lacks {% translate %}. Data (names, SKUs, e-mails) is not in the catalogues,
so it is not flagged; <script>, <style>, <code>, <textarea> and input values are not read."""

import re
from collections.abc import Iterable
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings

from tests.po import parse_po

LATIN = re.compile(r"[A-Za-z]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
# Text nodes that are the same in both languages (codes, units), though some catalogue translates them.
# The language switcher names each language in itself.
SAME_IN_BOTH = {"ok", "id", "api", "sku", "csv", "xlsx", "json", "url", "e-mail", "email", "sms", "push", "english"}
# Icons are ligatures of English words ("search", "history"): not text.
ICON_CLASS = "material-symbols"
SKIPPED_TAGS = {"script", "style", "code", "textarea", "noscript", "template", "svg"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _normal(text: str) -> str:
    return " ".join(text.split()).strip(" :*").casefold()


def catalogue_files() -> list[Path]:
    """Every Russian django.po and djangojs.po in force: the project's first, then Django's and the apps'."""
    roots = [Path(path) for path in settings.LOCALE_PATHS]
    roots.append(Path(django.__file__).parent / "conf" / "locale")
    roots += [Path(config.path) / "locale" for config in apps.get_app_configs()]
    files = []
    for root in roots:
        for name in ("django.po", "djangojs.po"):
            path = root / "ru" / "LC_MESSAGES" / name
            if path.exists() and path not in files:
                files.append(path)
    return files


@cache
def english_msgids() -> tuple[frozenset[str], tuple[tuple[re.Pattern[str], str], ...]]:
    """The catalogues' English texts that have a different Russian one: plain ones (normalised) and, for those with
    placeholders, a pattern each (a placeholder stands for any text)."""
    plain: set[str] = set()
    patterns: dict[str, re.Pattern[str]] = {}
    for path in catalogue_files():
        for entry in parse_po(path):
            if not entry.msgid or "fuzzy" in entry.flags:
                continue
            translations = [text for text in entry.translations if text]
            if not translations or all(_normal(text) == _normal(entry.msgid) for text in translations):
                continue
            for english in filter(None, (entry.msgid, entry.msgid_plural)):
                normal = _normal(english)
                if not LATIN.search(normal) or normal in SAME_IN_BOTH:
                    continue
                if PLACEHOLDER.search(english):
                    literal = PLACEHOLDER.sub(" ", english)
                    if len(re.findall(r"[A-Za-z]{2,}", literal)) < 2:
                        continue  # "%(count)s codes": too loose to tell from data
                    parts = [re.escape(_normal(part)) for part in PLACEHOLDER.split(english)]
                    patterns.setdefault(normal, re.compile(r"\s*(.+?)\s*".join(parts) + r"\Z"))
                else:
                    plain.add(normal)
    return frozenset(plain), tuple((pattern, text) for text, pattern in patterns.items())


class _Texts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skipping: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_TAGS:
            return
        icon = ICON_CLASS in (dict(attrs).get("class") or "")
        if tag in SKIPPED_TAGS or icon or self.skipping:
            self.skipping.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and tag in self.skipping:
            while self.skipping and self.skipping.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.texts.append(data)


def text_nodes(html: str) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    parser.close()
    return parser.texts


def untranslated(texts: Iterable[str]) -> list[str]:
    """The texts (text nodes of a page shown in Russian) that are English msgids of the catalogues."""
    plain, patterns = english_msgids()
    found = []
    for text in texts:
        normal = _normal(text)
        if len(normal) < 2 or not LATIN.search(normal):
            continue
        if normal in plain or any(pattern.match(normal) for pattern, _english in patterns):
            found.append(" ".join(text.split()))
    return sorted(set(found))


# For a real browser: the page's visible text nodes (what its scripts inserted included) and its options' texts.
VISIBLE_TEXTS_JS = """() => {
    const skipped = "SCRIPT,STYLE,CODE,TEXTAREA,NOSCRIPT,TEMPLATE,SVG";
    const texts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!node.textContent.trim() || !parent || parent.closest(".material-symbols-outlined")) continue;
        if (skipped.split(",").some((tag) => parent.closest(tag))) continue;
        if (parent.tagName === "OPTION" || parent.checkVisibility({visibilityProperty: true})) {
            texts.push(node.textContent);
        }
    }
    return texts;
}"""


def untranslated_on(page) -> list[str]:
    """`untranslated` over a Playwright page's visible texts."""
    return untranslated(page.evaluate(VISIBLE_TEXTS_JS))
