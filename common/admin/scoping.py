"""Brand scoping in the admin: every admin of ours limits what it lists, offers, opens and changes through the
models' `for_user` (common.scoping), and shared objects are changed only by unlimited staff.

`BrandScopedAdminMixin` is the base of every `ModelAdmin` of the project (the system check `common.E003` refuses
an admin without it) and `BrandScopedInlineMixin` of every inline: change lists, change pages, actions, exports
and autocompletes all start from `get_queryset`, and every choice of a related object from `for_user`.
"""

from typing import Any

from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, Model, QuerySet
from django.http import HttpRequest
from unfold.contrib.filters.admin import AutocompleteSelectFilter, RelatedDropdownFilter
from unfold.contrib.filters.forms import AutocompleteDropdownForm

from common.scoping import Action, ScopedQuerySet, can_change, declaration_of


def is_brand_scoped(model: type[Model] | None) -> bool:
    declaration = None if model is None else declaration_of(model)
    return declaration is not None and declaration.kind == "brand"


def scoped(queryset: Any, request: HttpRequest, action: Action = "view") -> Any:
    """The queryset limited to the request's user, when its model is one of ours (framework models pass)."""
    return queryset.for_user(request.user, action) if isinstance(queryset, ScopedQuerySet) else queryset


class ScopedRelatedDropdownFilter(RelatedDropdownFilter):
    """A related-field filter that offers only the objects of the user's brands."""

    def field_choices(self, field: Field, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        related_model = field.related_model
        assert related_model is not None
        queryset = scoped(related_model._default_manager.all(), request)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in queryset]


class ScopedAutocompleteDropdownForm(AutocompleteDropdownForm):
    """The autocomplete filter's form: the chosen object is looked up (and its name shown) among the user's only."""

    def __init__(self, request: HttpRequest, name: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, name, *args, **kwargs)
        field = self.fields[name]
        field.queryset = scoped(field.queryset.all(), request)  # type: ignore[attr-defined]


class ScopedAutocompleteSelectFilter(AutocompleteSelectFilter):
    form_class = ScopedAutocompleteDropdownForm


class BrandScopedFormfieldsMixin:
    """Choices of related objects (select boxes, autocompletes) limited to what the user may see."""

    def _scoped_choices(self, db_field: Field, request: HttpRequest, kwargs: dict[str, Any]) -> None:
        related_model = db_field.related_model
        if related_model is None:
            return
        queryset = kwargs.get("queryset")
        if queryset is None:
            queryset = self.get_field_queryset(None, db_field, request)  # type: ignore[attr-defined]
        if queryset is None:
            queryset = related_model._default_manager.all()
        kwargs["queryset"] = scoped(queryset, request)

    def formfield_for_foreignkey(self, db_field: Field, request: HttpRequest, **kwargs: Any) -> Any:
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Field, request: HttpRequest, **kwargs: Any) -> Any:
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


class _ObjectScopeMixin:
    """Whether the user may see or change one object (read once per request and object)."""

    def object_in_scope(self, request: HttpRequest, obj: Model | None, action: Action = "view") -> bool:
        if obj is None or obj.pk is None:
            return True
        cache: dict[tuple[str, Any, str], bool] = request.__dict__.setdefault("_brand_scope_objects", {})
        key = (obj._meta.label, obj.pk, action)
        if key not in cache:
            queryset = type(obj)._default_manager.filter(pk=obj.pk)
            cache[key] = not isinstance(queryset, ScopedQuerySet) or queryset.for_user(request.user, action).exists()
        return cache[key]

    def may_write(self, request: HttpRequest) -> bool:
        model = self.model  # type: ignore[attr-defined]
        return declaration_of(model) is None or can_change(request.user, model)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_view_permission(request, obj) and self.object_in_scope(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return super().has_add_permission(request, *args) and self.may_write(request)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        allowed = super().has_change_permission(request, obj)  # type: ignore[misc]
        return allowed and self.may_write(request) and self.object_in_scope(request, obj, "change")

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        allowed = super().has_delete_permission(request, obj)  # type: ignore[misc]
        return allowed and self.may_write(request) and self.object_in_scope(request, obj, "delete")


class BrandScopedInlineMixin(_ObjectScopeMixin, BrandScopedFormfieldsMixin):
    """For inlines: rows and choices limited to the user's brands (the parent admin checks the parent)."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return scoped(super().get_queryset(request), request)  # type: ignore[misc]


class BrandScopedAdminMixin(_ObjectScopeMixin, BrandScopedFormfieldsMixin):
    """A staff user limited to some brands sees, picks and changes only objects of those brands; a limited user with
    no brand sees none; objects shared by all brands are seen by all staff and changed by unlimited staff only.

    An object outside the user's brands is missing from the change list, and its pages answer as for an unknown
    object.
    """

    list_filter_submit = True

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return scoped(super().get_queryset(request), request)  # type: ignore[misc]

    def get_list_filter(self, request: HttpRequest) -> Any:
        result = []
        for item in super().get_list_filter(request):  # type: ignore[misc]
            if isinstance(item, str) and self._filters_scoped_relation(item):
                result.append((item, ScopedRelatedDropdownFilter))
            elif isinstance(item, tuple) and item[1] is AutocompleteSelectFilter:
                result.append((item[0], ScopedAutocompleteSelectFilter))
            else:
                result.append(item)
        return result

    def _filters_scoped_relation(self, path: str) -> bool:
        try:
            field = get_fields_from_path(self.model, path)[-1]  # type: ignore[attr-defined]
        except (FieldDoesNotExist, NotRelationField):
            return False
        return bool(getattr(field, "is_relation", False)) and is_brand_scoped(field.related_model)
