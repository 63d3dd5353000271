"""Shared fixtures: API clients for anonymous callers, superusers and a brand-limited manager."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from loyalty.models import Brand
from tests.factories import BrandFactory, UserFactory

MANAGED_APPS = ("contacts", "loyalty")


def pytest_configure(config: pytest.Config) -> None:
    # WhiteNoise serves from the finders in tests; an absent STATIC_ROOT (no collectstatic) is expected.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


def token_client(user) -> APIClient:
    """An API client that sends `Authorization: Token <token>` of the user."""
    token, _created = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def grant_app_permissions(user, apps: tuple[str, ...] = MANAGED_APPS) -> None:
    """Every model permission (view, add, change, delete) of the given apps."""
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label__in=apps))


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def staff_token_client() -> Callable[..., APIClient]:
    """`staff_token_client(user)`: a client authenticated with the user's staff token."""
    return token_client


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def superuser_client(superuser) -> APIClient:
    return token_client(superuser)


@pytest.fixture
def all_brands_user(db):
    """A staff user marked `all_brands`, with every model permission of contacts and loyalty."""
    user = UserFactory(username="everywhere", is_staff=True, all_brands=True)
    grant_app_permissions(user)
    return user


@pytest.fixture
def all_brands_client(all_brands_user) -> APIClient:
    return token_client(all_brands_user)


@pytest.fixture
def manager_brand(db) -> Brand:
    """The one brand the limited manager works for."""
    return BrandFactory(name="Managed brand")


@pytest.fixture
def manager(manager_brand):
    """A staff user with every model permission of contacts and loyalty, limited to `manager_brand`."""
    user = UserFactory(username="manager", is_staff=True)
    grant_app_permissions(user)
    manager_brand.managers.add(user)
    return user


@pytest.fixture
def manager_client(manager) -> APIClient:
    return token_client(manager)


@pytest.fixture(autouse=True)
def fresh_campaign_snapshots():
    """Each test starts with no cached brand snapshot: a rolled-back test can leave a brand id and version that the
    next test's new brand reuses (ids and versions roll back with the test), and the cache would then serve the
    old campaigns."""
    from campaigns import snapshot

    snapshot._cache.clear()
    yield
    snapshot._cache.clear()
