"""OpenAPI post-processing: no ambiguous `oneOf` for a string that may be blank.

drf-spectacular describes a blank-allowed string with a pattern, format or minimum length as
`oneOf: [<the string>, {"type": "string", "maxLength": 0}]`. Where the first branch admits "" too (`^\\d*$`, or a
format a validator does not check), an empty value matches both branches, which `oneOf` forbids, so clients and
validators built from the schema reject a valid value. Each such field becomes one plain string schema.
"""

import re
from typing import Any

BLANK = {"type": "string", "maxLength": 0}


def _admits_blank(pattern: str) -> bool:
    try:
        return re.search(pattern, "") is not None
    except re.error:
        return False


def _plain(schema: dict[str, Any]) -> None:
    """`{oneOf: [string, BLANK], ...}` → the string's own keywords, those that hold for "" as well."""
    string = dict(schema.pop("oneOf")[0])
    # "" is no e-mail and shorter than any minimum: those keywords cannot hold for every value, so they go.
    string.pop("format", None)
    string.pop("minLength", None)
    pattern = string.get("pattern")
    if pattern is not None and not _admits_blank(pattern):
        string["pattern"] = f"^$|{pattern}"
    schema.update(string)


def _walk(node: Any) -> None:
    if isinstance(node, dict):
        branches = node.get("oneOf")
        if (
            isinstance(branches, list)
            and len(branches) == 2
            and branches[1] == BLANK
            and isinstance(branches[0], dict)
            and branches[0].get("type") == "string"
        ):
            _plain(node)
        for value in node.values():
            _walk(value)
    elif isinstance(node, list):
        for value in node:
            _walk(value)


def plain_blank_strings(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    _walk(result)
    return result
