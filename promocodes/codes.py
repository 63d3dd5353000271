"""The shape of a code: the alphabet generated codes use, normalisation of what a cashier types, random codes."""

import re
import secrets

# No 0 O 1 I L: nothing a customer could misread off a flyer.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
MIN_LENGTH, MAX_LENGTH = 4, 24
MAX_CODE_LENGTH = 40  # the column; an imported or multi-use code may be longer than a generated one
# Codes typed by people or printed elsewhere: letters, digits and inner hyphens.
WELL_FORMED = re.compile(r"[A-Z0-9](?:[A-Z0-9-]*[A-Z0-9])?")
PREFIX_FORM = re.compile(r"[A-Z0-9-]*")

_UNBIASED = 256 - 256 % len(ALPHABET)  # bytes at or above this are dropped, so each letter is equally likely
_TABLE = bytes(ord(ALPHABET[value % len(ALPHABET)]) for value in range(256))
_DROP = bytes(range(_UNBIASED, 256))


def normalize(code: str) -> str:
    """What the system stores and compares: surrounding spaces dropped, upper case."""
    return code.strip().upper()


def well_formed(code: str) -> bool:
    return 0 < len(code) <= MAX_CODE_LENGTH and WELL_FORMED.fullmatch(code) is not None


def random_part(count: int, length: int) -> list[str]:
    """`count` random strings of `length` letters of ALPHABET, from the OS's CSPRNG (`secrets`).

    Bytes are mapped to letters by a table, dropping the few that would bias the choice; drawn in one go, not a
    call per letter, so a million codes take a fraction of a second.
    """
    needed = count * length
    letters = b""
    while len(letters) < needed:
        chunk = secrets.token_bytes(needed - len(letters) + needed // 16 + 16)
        letters += chunk.translate(_TABLE, _DROP)
    text = letters[:needed].decode("ascii")
    return [text[start : start + length] for start in range(0, needed, length)]


def space(length: int) -> int:
    """How many different random parts a length gives."""
    return int(len(ALPHABET) ** length)
