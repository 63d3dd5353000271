"""Bases for the management API: brand scoping of querysets and of the objects a request may reference."""

from typing import Any

from django.db.models import Model, QuerySet
from rest_framework import serializers, viewsets

from common.scoping import scope_queryset


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
                if queryset is not None:
                    target.queryset = scope_queryset(queryset.all(), user)  # type: ignore[misc,arg-type]
        return fields


class ScopedModelSerializer(ScopedRelatedFieldsMixin, serializers.ModelSerializer):
    """A model serializer whose references are limited to the user's brands."""


class ScopedModelViewSet(viewsets.ModelViewSet):
    """CRUD over a model, limited to the requesting user's brands (404 for the others)."""

    ordering_fields = ["id", "created_at"]
    ordering = ["id"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset()
        return scope_queryset(queryset, self.request.user)

    def scoped(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return scope_queryset(queryset, self.request.user)

    def get_object(self) -> Model:
        lookup = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        if lookup is not None and not str(lookup).isdigit():
            from django.http import Http404

            raise Http404
        return super().get_object()
