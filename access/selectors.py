"""Reads about staff users: their brand scope."""

from typing import Any

from django.contrib.auth import get_user_model

from common.scoping import UNLIMITED, UserScope


def staff_scope(user: Any) -> UserScope:
    """An active non-superuser staff user's scope, in one query: every brand with `all_brands`, else the brands
    they manage (none when they manage none)."""
    rows = get_user_model().objects.filter(pk=user.pk).values_list("staff_profile__all_brands", "managed_brands")
    brand_ids: set[int] = set()
    for all_brands, brand_id in rows:
        if all_brands:
            return UNLIMITED
        if brand_id is not None:
            brand_ids.add(brand_id)
    return UserScope(frozenset(brand_ids))
