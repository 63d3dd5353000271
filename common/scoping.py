"""Brand scoping: the one rule that decides which objects a staff user may see and change.

A staff user is a superuser, `all_brands` staff, or limited to the brands they manage; a limited user who manages
no brand sees nothing scoped (deleting a manager's last brand never widens what they see). Everyone else (an
anonymous caller, a register's key, a customer) sees nothing through this door at all.

Every model of the project declares how it reaches a brand (`brand_scoped`), or that it is `shared` by all brands
(seen by every staff user, changed only by unlimited staff), or `internal` (bookkeeping only unlimited staff may
see). Its manager is a `ScopedManager`, whose `for_user(user, action)` is the only way a view, an admin page, an
export or a selector that serves a user reaches its objects (NetBox's `RestrictedQuerySet.restrict()` is the
model). The system check `common.E001` refuses to start when a model of ours lacks either, so a new model cannot
be forgotten.

This module knows no app: who manages which brand is told by the app that knows it (`register_scope_source`), and
a model whose way to a brand goes through a higher app (a contact is seen through its enrollments) is declared by
that app (`declare`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Self

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Manager, Model, Q, QuerySet

Action = Literal["view", "add", "change", "delete"]


@dataclass(frozen=True)
class UserScope:
    """The brands a user may work with: `None` for every brand, else these (possibly none); `staff` is false for
    everyone who is not an active staff user (they see nothing, not even what all brands share)."""

    brand_ids: frozenset[int] | None
    staff: bool = True

    @property
    def unlimited(self) -> bool:
        return self.brand_ids is None

    def allows(self, brand_id: int | None) -> bool:
        return self.brand_ids is None or brand_id in self.brand_ids


UNLIMITED = UserScope(None)
NOTHING = UserScope(frozenset(), staff=False)

_CACHE_ATTR = "_brand_scope"
_scope_source: Callable[[Any], UserScope] | None = None


def register_scope_source(source: Callable[[Any], UserScope]) -> None:
    """Set how an active, non-superuser staff user's scope is read (the staff app does, when Django is ready)."""
    global _scope_source
    _scope_source = source


def user_scope(user: Any) -> UserScope:
    """The scope of whoever makes a request; read once per user object (that is, once per request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return NOTHING
    if not (getattr(user, "is_staff", False) and getattr(user, "is_active", False)):
        return NOTHING
    if getattr(user, "is_superuser", False):
        return UNLIMITED
    cached: UserScope | None = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    scope = _scope_source(user) if _scope_source is not None else NOTHING
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user: Any) -> None:
    """Drop the scope read earlier for this user object (after their brands changed within one request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def allowed_brand_ids(user: Any) -> frozenset[int] | None:
    """The brands a user is limited to, or None when the user is not limited."""
    return user_scope(user).brand_ids


# --- declarations ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Declaration:
    """How a model's objects belong to brands: `lookups` to a brand's pk, or shared, or internal."""

    kind: Literal["brand", "shared", "internal"]
    lookups: tuple[str, ...] = ()


_DECLARATIONS: dict[type[Model], Declaration] = {}


def declare(model: type[Model], *lookups: str) -> None:
    """`model` belongs to the brands reached by any of `lookups` (paths ending at a brand, e.g. `store__brand`)."""
    if not lookups:
        raise ImproperlyConfigured(f"{model.__name__}: give at least one lookup to a brand.")
    _DECLARATIONS[model] = Declaration("brand", tuple(lookups))


def brand_scoped[M: type[Model]](*lookups: str) -> Callable[[M], M]:
    """Class decorator form of `declare` for a model that knows its own way to a brand."""

    def decorate(model: M) -> M:
        declare(model, *lookups)
        return model

    return decorate


def shared[M: type[Model]](model: M) -> M:
    """Shared by every brand (the category tree, the blacklist): seen by all staff, changed by unlimited staff."""
    _DECLARATIONS[model] = Declaration("shared")
    return model


def internal[M: type[Model]](model: M) -> M:
    """Bookkeeping that belongs to no brand a manager works in: only unlimited staff see it."""
    _DECLARATIONS[model] = Declaration("internal")
    return model


def declaration_of(model: type[Model]) -> Declaration | None:
    model = model._meta.concrete_model or model
    return _DECLARATIONS.get(model)


def is_shared(model: type[Model]) -> bool:
    declaration = declaration_of(model)
    return declaration is not None and declaration.kind == "shared"


def _lookup_condition(model: type[Model], lookup: str, brand_ids: frozenset[int]) -> Q:
    """One lookup's filter, as `IN (subquery)` steps rather than joins: a path through a to-many relation reads the
    relation's foreign key (a contact: `id IN (SELECT contact_id FROM enrollment WHERE program_id IN (SELECT
    program_id FROM brand WHERE id IN …))`), so rows never repeat and a big table is never joined to itself."""
    parts = lookup.split("__")
    opts = model._meta
    prefix: list[str] = []
    for index, part in enumerate(parts):
        if part == "pk":
            break
        field = opts.get_field(part)
        if field.one_to_many or field.many_to_many:
            rest = parts[index + 1 :]
            target = field.related_model
            assert target is not None
            owner = "__".join([*prefix, "pk"])
            if field.one_to_many:  # a reverse foreign key: the subquery reads the foreign key's column
                found = _lookup_condition(target, "__".join(rest), brand_ids) if rest else Q(pk__in=brand_ids)
                inner = target._base_manager.filter(found)
                return Q(**{f"{owner}__in": inner.values(field.field.attname)})  # type: ignore[union-attr]
            inner = opts.model._base_manager.filter(**{"__".join([*parts[index:], "in"]): brand_ids})
            return Q(**{f"{owner}__in": inner.values("pk")})
        if not field.is_relation or field.related_model is None:
            break
        if field.many_to_one and index < len(parts) - 1:
            # Through a foreign key: `pool_id IN (SELECT id FROM pool WHERE …)`, which the foreign key's index
            # serves on a big table, rather than a join.
            target = field.related_model
            inner = target._base_manager.filter(_lookup_condition(target, "__".join(parts[index + 1 :]), brand_ids))
            return Q(**{"__".join([*prefix, part, "in"]): inner.values("pk")})
        prefix.append(part)
        opts = field.related_model._meta
    return Q(**{f"{lookup}__in": brand_ids})


def brand_condition(model: type[Model], brand_ids: frozenset[int]) -> Q:
    """The filter that keeps the objects of `model` belonging to any of the brands."""
    declaration = declaration_of(model)
    if declaration is None:
        raise ImproperlyConfigured(f"{model._meta.label} declares no brand scope (common.scoping).")
    if declaration.kind != "brand":
        raise ImproperlyConfigured(f"{model._meta.label} is {declaration.kind}, not scoped by brand.")
    condition = Q()
    for lookup in declaration.lookups:
        condition |= _lookup_condition(model, lookup, brand_ids)
    return condition


# --- the queryset ------------------------------------------------------------------------------------------------


class ScopedQuerySet(QuerySet):
    """A queryset that can be limited to what a user may see or change."""

    def for_user(self, user: Any, action: Action = "view") -> Self:
        scope = user_scope(user)
        declaration = declaration_of(self.model)
        if declaration is None:
            raise ImproperlyConfigured(f"{self.model._meta.label} declares no brand scope (common.scoping).")
        if scope.brand_ids is None:
            return self
        if declaration.kind == "shared":
            return self if action == "view" and scope.staff else self.none()
        if declaration.kind == "internal" or not scope.brand_ids:
            return self.none()
        return self.filter(brand_condition(self.model, scope.brand_ids))


class ScopedManager(Manager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    """The manager of every model of ours: `Model.objects.for_user(user)`."""


def can_change(user: Any, model: type[Model]) -> bool:
    """Whether the user may write objects of this model at all (shared and internal ones need unlimited staff)."""
    scope = user_scope(user)
    declaration = declaration_of(model)
    if declaration is None:
        return False
    if declaration.kind == "brand":
        return scope.unlimited or bool(scope.brand_ids)
    return scope.unlimited


def scope_queryset[M: Model](queryset: QuerySet[M], user: Any) -> QuerySet[M]:
    """`queryset.for_user(user)` for querysets of any model (kept for callers that take a plain queryset)."""
    if not isinstance(queryset, ScopedQuerySet):
        raise ImproperlyConfigured(f"{queryset.model._meta.label}'s manager is not a ScopedManager.")
    return queryset.for_user(user)
