"""The schema class every API view uses (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]) and the postprocessing hook that
orders the document: a tag and a summary on every operation, its error responses, decimals with a plausible
example."""

from decimal import Decimal, InvalidOperation
from typing import Any

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, get_view_model
from rest_framework.permissions import AllowAny

from common.api.openapi import errors
from common.api.openapi.summaries import SUMMARIES, crud_summary
from common.api.openapi.tags import POS, TAG_NAMES, TAGS, tag_for

ERROR_COMPONENT = "Error"

# The POS calls in the order a register makes them (the rest of a tag keeps the paths' alphabetical order).
POS_PATHS = (
    "/api/v1/pos/customer/",
    "/api/v1/pos/calculate/",
    "/api/v1/pos/purchases/",
    "/api/v1/pos/purchases/{purchase_id}/refund/",
)


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's, with the tag of the URL's area, a summary, and the operation's error responses."""

    def get_tags(self) -> list[str]:
        tag = tag_for(self.path)
        return [tag] if tag else super().get_tags()

    def get_summary(self) -> str | None:
        explicit = SUMMARIES.get(self.get_operation_id())
        if explicit:
            return explicit
        action = getattr(self.view, "action", None)
        if action is None:
            return None
        return crud_summary(action, get_view_model(self.view, emit_warnings=False))

    def get_operation(
        self, path: str, path_regex: str, path_prefix: str, method: str, registry: Any
    ) -> dict[str, Any] | None:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        codes = errors.merged(self._general_codes(operation), errors.SPECIFIC.get(operation["operationId"], {}))
        ref = self._error_ref()
        for status, listed in codes.items():
            operation["responses"][str(status)] = errors.response(status, listed, ref)
        return operation

    def _general_codes(self, operation: dict[str, Any]) -> errors.Codes:
        public = all(
            isinstance(permission, type) and issubclass(permission, AllowAny)
            for permission in self.view.permission_classes
        )
        has_query = any(parameter.get("in") == "query" for parameter in operation.get("parameters", []))
        return errors.general_codes(
            method=self.method,
            path=self.path,
            has_input="requestBody" in operation or has_query,
            authenticated=not public,
            # A customer token reaches only its own contact: anything else is 404, never 403.
            customer_only=operation.get("tags") == ["Personal account"],
            action=getattr(self.view, "action", None),
        )

    def _error_ref(self) -> dict[str, str]:
        component = ResolvedComponent(
            name=ERROR_COMPONENT, type=ResolvedComponent.SCHEMA, object=ERROR_COMPONENT, schema=errors.ERROR_SCHEMA
        )
        self.registry.register_on_missing(component)
        return component.ref


def _decimal_example(field: Any) -> str | None:
    """A value the field accepts that reads as money ("1250.00") or a quantity ("1.500"), not a random pattern match."""
    places = field.decimal_places
    if places is None:
        return None
    candidates = ("1250", "10", "1") if places <= 2 else ("1.5", "1")
    for candidate in candidates:
        value = Decimal(candidate).quantize(Decimal(1).scaleb(-places))
        too_many_digits = field.max_whole_digits is not None and len(str(int(value))) > field.max_whole_digits
        if too_many_digits or (field.max_value is not None and value > Decimal(str(field.max_value))):
            continue
        if field.min_value is not None and value < Decimal(str(field.min_value)):
            continue
        return str(value)
    try:
        return str(Decimal(str(field.min_value)).quantize(Decimal(1).scaleb(-places))) if field.min_value else None
    except InvalidOperation:
        return None


class DecimalFieldExtension(OpenApiSerializerFieldExtension):
    """Every decimal (money, points, quantities): an example Swagger shows instead of one generated from the
    pattern ("-04416"), and no minus sign in the pattern when the field refuses negatives."""

    target_class = "rest_framework.fields.DecimalField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        schema: dict[str, Any] = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        field = self.target
        if schema.get("type") != "string":
            return schema
        pattern = schema.get("pattern")
        if pattern and pattern.startswith("^-?") and field.min_value is not None and field.min_value >= 0:
            schema["pattern"] = "^" + pattern[len("^-?") :]
        example = _decimal_example(field)
        if example is not None:
            schema.setdefault("example", example)
        return schema


def _path_key(item: tuple[str, dict[str, Any]]) -> tuple[int, int, str]:
    path, operations = item
    tags = next((operation.get("tags") or [] for operation in operations.values() if isinstance(operation, dict)), [])
    tag = tags[0] if tags else None
    rank = TAG_NAMES.index(tag) if tag in TAG_NAMES else len(TAG_NAMES)
    within = POS_PATHS.index(path) if tag == POS and path in POS_PATHS else len(POS_PATHS)
    return rank, within, path


def tags_in_order(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the declared tags, POS first (Swagger UI keeps their order), and the
    paths grouped by tag in that order."""
    result["tags"] = [{"name": name, "description": description} for name, description in TAGS]
    result["paths"] = dict(sorted(result.get("paths", {}).items(), key=_path_key))
    return result
