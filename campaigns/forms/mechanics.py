"""The mechanic editor's description for the page's script: every registered mechanic with its declared parameters
(`campaigns.engine.mechanics.MECHANICS`, `Mechanic.declared()`), read when the page is drawn, so a mechanic added
to the engine is offered here with no change. Labels stay lazy: the page's JSON translates them."""

from typing import Any

from django.utils.text import capfirst

from campaigns.engine.mechanics import MECHANICS
from campaigns.engine.params import Param


def param_config(param: Param) -> dict[str, Any]:
    """A parameter as the script reads it: name, kind (decimal, integer, choice, steps), label and its rules."""
    minimum, maximum = param.bounds()
    config: dict[str, Any] = {
        "name": param.name,
        "kind": param.kind,
        "label": capfirst(param.label),  # in sentence case, as the form's other labels
        "required": param.required,
        "default": param.default,
        "min": minimum,
        "max": maximum,
        "positive": param.positive,
    }
    if param.help:
        config["help"] = param.help
    if param.choices:
        config["choices"] = [[value, label] for value, label in param.choices]
    if param.fields:
        config["fields"] = [param_config(field) for field in param.fields]
    return config


def mechanic_editor() -> list[dict[str, Any]]:
    """Per mechanic type: its kind, label and parameters (points mechanics' lifetime included)."""
    return [
        {
            "type": mechanic.type,
            "kind": mechanic.kind,
            "label": mechanic.label,
            "params": [param_config(param) for param in mechanic.declared()],
        }
        for mechanic in MECHANICS.values()
    ]
