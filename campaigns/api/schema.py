"""The OpenAPI description of a campaign's `mechanic`, drawn from the mechanics' declared parameters when the
schema is generated: one object per registered type (`oneOf`), with its parameters' kinds, bounds and defaults."""

from decimal import Decimal
from typing import Any

from campaigns.engine.mechanics import MECHANICS
from campaigns.engine.params import CHOICE, DECIMAL, INTEGER, Param


def _number(value: Decimal | int) -> int | float:
    return int(value) if value == int(value) else float(value)


def _bounded(schema: dict[str, Any], param: Param) -> dict[str, Any]:
    minimum, maximum = param.bounds()
    if param.positive and (minimum is None or minimum <= 0):
        schema.update(minimum=0, exclusiveMinimum=True)
    elif minimum is not None:
        schema["minimum"] = _number(minimum)
    if maximum is not None:
        schema["maximum"] = _number(maximum)
    return schema


def param_schema(param: Param) -> dict[str, Any]:
    """One parameter: a decimal is a number or a decimal string; a steps parameter a list of objects."""
    if param.kind == DECIMAL:
        number = _bounded({"type": "number"}, param)
        schema: dict[str, Any] = {"oneOf": [number, {"type": "string", "format": "decimal"}]}
    elif param.kind == INTEGER:
        schema = _bounded({"type": "integer"}, param)
    elif param.kind == CHOICE:
        schema = {"type": "string", "enum": [value for value, _label in param.choices]}
    else:
        schema = {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {field.name: param_schema(field) for field in param.fields},
                "required": [field.name for field in param.fields if field.required],
            },
        }
    schema["description"] = str(param.label)
    if not param.required:
        schema["default"] = _number(param.default) if isinstance(param.default, Decimal) else param.default
        if param.default is None:
            schema["nullable"] = True
    return schema


def mechanic_schema() -> dict[str, Any]:
    """`{"type": ..., params}`, one branch per registered mechanic type."""
    branches = []
    for mechanic in MECHANICS.values():
        params = mechanic.declared()
        branches.append(
            {
                "type": "object",
                "title": mechanic.type,
                "description": f"{mechanic.kind}: {mechanic.label}",
                "properties": {
                    "type": {"type": "string", "enum": [mechanic.type]},
                    **{param.name: param_schema(param) for param in params},
                },
                "required": ["type", *(param.name for param in params if param.required)],
            }
        )
    return {"oneOf": branches}
