"""Bases for the management API: every queryset and every referenced object limited to the user's brands."""

from typing import Any, cast

from django.db import models
from django.db.models import Model, QuerySet
from django.http import Http404
from rest_framework import serializers, viewsets

from common.api.fields import DecimalField
from common.scoping import Action, ScopedQuerySet

# The scoping action each HTTP method needs of the objects it reaches.
METHOD_ACTIONS: dict[str, Action] = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


def method_action(method: str) -> Action:
    return METHOD_ACTIONS.get(method.upper(), "view")


class ScopedRelatedFieldsMixin:
    """Limits every primary-key related field to the objects the requesting user may see.

    A brand-limited manager cannot point a store at another brand: the id is answered as unknown (400).
    """

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()  # type: ignore[misc]
        request = self.context.get("request")  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        if user is None:
            return fields
        for field in fields.values():
            target = field.child_relation if isinstance(field, serializers.ManyRelatedField) else field
            if isinstance(target, serializers.PrimaryKeyRelatedField):
                queryset = target.get_queryset()
                if isinstance(queryset, ScopedQuerySet):
                    target.queryset = queryset.all().for_user(user)  # type: ignore[misc,arg-type]
        return fields


class ScopedModelSerializer(ScopedRelatedFieldsMixin, serializers.ModelSerializer):
    """A model serializer whose references are limited to the user's brands, its decimals read by the API's field."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DecimalField: DecimalField,
    }


class ScopedModelViewSet(viewsets.ModelViewSet):
    """CRUD over a model, limited to the requesting user's brands (404 for the others)."""

    ordering_fields = ["id", "created_at"]
    ordering = ["id"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Any]:
        queryset = cast(ScopedQuerySet, super().get_queryset())
        return queryset.for_user(self.request.user, method_action(self.request.method or "GET"))

    def get_object(self) -> Model:
        lookup = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        if lookup is not None and not str(lookup).isdigit():
            raise Http404
        return super().get_object()
