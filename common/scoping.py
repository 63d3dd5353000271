"""Brand scoping: a staff user assigned to some brands sees and changes only objects of those brands.

Each scoped model names, in `BRAND_SCOPE`, the lookups from itself to `loyalty.Brand` (any one of them
matching makes the object visible). Models without `BRAND_SCOPE` are shared by every brand (the category
tree, the blacklist). Superusers and staff with no brand assigned are not limited.
"""

from typing import Any

from django.apps import apps
from django.db.models import Model, Q, QuerySet

_CACHE_ATTR = "_allowed_brand_ids"


def allowed_brand_ids(user: Any) -> frozenset[int] | None:
    """The brands a user is limited to, or None when the user is not limited."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    if user.is_superuser:
        return None
    if hasattr(user, _CACHE_ATTR):
        cached: frozenset[int] | None = getattr(user, _CACHE_ATTR)
        return cached
    brand_model = apps.get_model("loyalty", "Brand")
    ids = frozenset(brand_model.objects.filter(managers=user).values_list("pk", flat=True))
    result = ids or None
    setattr(user, _CACHE_ATTR, result)
    return result


def brand_filter(model: type[Model], brand_ids: frozenset[int]) -> Q | None:
    lookups: tuple[str, ...] = getattr(model, "BRAND_SCOPE", ())
    if not lookups:
        return None
    condition = Q()
    for lookup in lookups:
        condition |= Q(**{f"{lookup}__in": brand_ids})
    return condition


def scope_queryset[M: Model](queryset: QuerySet[M], user: Any) -> QuerySet[M]:
    """Limit a queryset to the user's brands (no change for unlimited users and unscoped models)."""
    brand_ids = allowed_brand_ids(user)
    if brand_ids is None:
        return queryset
    condition = brand_filter(queryset.model, brand_ids)
    if condition is None:
        return queryset
    if getattr(queryset.model, "BRAND_SCOPE_MULTI", False):
        inner = queryset.model._default_manager.filter(condition).values("pk")
        return queryset.filter(pk__in=inner)
    return queryset.filter(condition)
