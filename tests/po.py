"""A small reader of gettext .po files for the catalogue tests (standard library only: polib is no dependency)."""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: str | None = None
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def label(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"line {self.line}: {context}{self.msgid!r}"

    @property
    def translations(self) -> list[str]:
        return list(self.msgstr_plural.values()) if self.msgid_plural is not None else [self.msgstr or ""]


def parse_po(path: Path) -> list[Entry]:
    """Active entries of a .po file in order (header first); obsolete `#~` entries are left out."""
    entries: list[Entry] = []
    entry: Entry | None = None
    flags: set[str] = set()
    target: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal entry, flags, target
        if entry is not None:
            entries.append(entry)
        entry, flags, target = None, set(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#"):
            if entry is not None:
                finish()
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
        elif match := KEYWORD.match(line):
            keyword, index, text = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            if (
                keyword in ("msgctxt", "msgid")
                and entry is not None
                and (entry.msgstr is not None or entry.msgstr_plural)
            ):
                finish()
            if entry is None:
                entry = Entry(flags=flags, line=number)
            target = (keyword, int(index) if index is not None else None)
            if keyword == "msgstr" and index is not None:
                entry.msgstr_plural[int(index)] = text
            else:
                setattr(entry, keyword, text)
        elif line.startswith('"') and entry is not None and target is not None:
            keyword, index = target
            text = ast.literal_eval(line)
            if keyword == "msgstr" and index is not None:
                entry.msgstr_plural[index] += text
            else:
                setattr(entry, keyword, (getattr(entry, keyword) or "") + text)
        else:
            raise AssertionError(f"{path.name}:{number}: cannot parse {raw!r}")
    finish()
    return entries
