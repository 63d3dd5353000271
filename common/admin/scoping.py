"""Brand scoping in the admin: a staff user limited to some brands sees, picks and changes only their objects."""

from typing import Any

from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, Model, QuerySet
from django.http import HttpRequest
from unfold.contrib.filters.admin import RelatedDropdownFilter

from common.scoping import allowed_brand_ids, scope_queryset


def is_brand_scoped(model: type[Model] | None) -> bool:
    return bool(model is not None and getattr(model, "BRAND_SCOPE", ()))


class ScopedRelatedDropdownFilter(RelatedDropdownFilter):
    """A related-field filter that offers only the objects of the user's brands."""

    def field_choices(self, field: Field, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        related_model = field.related_model
        assert related_model is not None
        queryset = scope_queryset(related_model._default_manager.all(), request.user)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in queryset]


class BrandScopedFormfieldsMixin:
    """Choices of related objects (select boxes, autocompletes) limited to the user's brands."""

    def _scoped_choices(self, db_field: Field, request: HttpRequest, kwargs: dict[str, Any]) -> None:
        related_model = db_field.related_model
        if "queryset" in kwargs or related_model is None or not is_brand_scoped(related_model):
            return
        if allowed_brand_ids(request.user) is None:
            return
        queryset = self.get_field_queryset(None, db_field, request)  # type: ignore[attr-defined]
        if queryset is None:
            queryset = related_model._default_manager.all()
        kwargs["queryset"] = scope_queryset(queryset, request.user)

    def formfield_for_foreignkey(self, db_field: Field, request: HttpRequest, **kwargs: Any) -> Any:
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Field, request: HttpRequest, **kwargs: Any) -> Any:
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


class BrandScopedInlineMixin(BrandScopedFormfieldsMixin):
    """For inlines: rows and choices limited to the user's brands (the parent admin checks the parent)."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return scope_queryset(super().get_queryset(request), request.user)  # type: ignore[misc]


class BrandScopedAdminMixin(BrandScopedFormfieldsMixin):
    """A staff user limited to some brands sees, picks and changes only objects of those brands.

    Superusers and staff in no brand are not limited (`allowed_brand_ids` gives None). An object outside the
    user's brands is missing from the change list, and its pages answer as for an unknown object.
    """

    list_filter_submit = True

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return scope_queryset(super().get_queryset(request), request.user)  # type: ignore[misc]

    def get_list_filter(self, request: HttpRequest) -> Any:
        result = []
        for item in super().get_list_filter(request):  # type: ignore[misc]
            if isinstance(item, str) and self._filters_scoped_relation(item):
                result.append((item, ScopedRelatedDropdownFilter))
            else:
                result.append(item)
        return result

    def _filters_scoped_relation(self, path: str) -> bool:
        try:
            field = get_fields_from_path(self.model, path)[-1]  # type: ignore[attr-defined]
        except (FieldDoesNotExist, NotRelationField):
            return False
        return bool(getattr(field, "is_relation", False)) and is_brand_scoped(field.related_model)

    def object_in_scope(self, request: HttpRequest, obj: Model | None) -> bool:
        if obj is None or obj.pk is None or not is_brand_scoped(type(obj)):
            return True
        if allowed_brand_ids(request.user) is None:
            return True
        cache: dict[tuple[str, Any], bool] = request.__dict__.setdefault("_brand_scope_objects", {})
        key = (obj._meta.label, obj.pk)
        if key not in cache:
            queryset = type(obj)._default_manager.filter(pk=obj.pk)
            cache[key] = scope_queryset(queryset, request.user).exists()
        return cache[key]

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_view_permission(request, obj) and self.object_in_scope(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_change_permission(request, obj) and self.object_in_scope(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self.object_in_scope(request, obj)  # type: ignore[misc]
