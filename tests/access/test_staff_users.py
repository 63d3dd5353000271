"""`staff-users`: superusers and `all_brands` staff manage staff, their brands and roles; nobody else does."""

import pytest
from django.contrib.auth import get_user_model

from access.models import StaffProfile
from tests.conftest import token_client
from tests.factories import PASSWORD, BrandFactory, StoreFactory, UserFactory
from tests.helpers import assert_error, ids, url

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_a_superuser_makes_a_brand_limited_marketer_who_then_sees_only_that_brand(superuser_client, api_client):
    # given
    brand = BrandFactory(name="Mine")
    StoreFactory(brand=brand, name="Own store")
    StoreFactory(name="Theirs")

    # when
    created = superuser_client.post(
        url("staff-users"),
        {"username": "marina", "password": "a-long-pass-phrase-7", "brands": [brand.pk], "roles": ["marketer"]},
        format="json",
    )

    # then
    assert created.status_code == 201, created.content
    body = created.json()
    assert {key: body[key] for key in ("username", "brands", "all_brands", "roles")} == {
        "username": "marina",
        "brands": [brand.pk],
        "all_brands": False,
        "roles": ["marketer"],
    }
    assert "password" not in body
    token = api_client.post(
        url("auth/token"), {"username": "marina", "password": "a-long-pass-phrase-7"}, format="json"
    )
    client = token_client(User.objects.get(username="marina"))
    assert token.status_code == 200
    stores = client.get(url("stores")).json()["results"]
    assert [store["name"] for store in stores] == ["Own store"]


def test_roles_give_their_permissions(superuser_client):
    # when
    superuser_client.post(
        url("staff-users"),
        {"username": "anna", "password": "a-long-pass-phrase-7", "roles": ["analyst"], "all_brands": True},
        format="json",
    )

    # then
    user = User.objects.get(username="anna")
    assert user.is_staff
    assert not user.is_superuser
    assert user.has_perm("contacts.view_contact")
    assert not user.has_perm("contacts.change_contact")
    assert StaffProfile.objects.get(user=user).all_brands is True


def test_a_weak_password_is_refused_with_djangos_validators(superuser_client):
    # when
    response = superuser_client.post(url("staff-users"), {"username": "bob", "password": "123"}, format="json")

    # then
    assert_error(response, 400, "invalid")
    assert "password" in response.json()["error"]["fields"]
    assert not User.objects.filter(username="bob").exists()


def test_an_unknown_role_is_refused(superuser_client):
    # when
    response = superuser_client.post(
        url("staff-users"), {"username": "bob", "password": "a-long-pass-phrase-7", "roles": ["boss"]}, format="json"
    )

    # then
    assert_error(response, 400, "invalid")
    assert not User.objects.filter(username="bob").exists()


def test_brands_and_roles_are_replaced_on_patch(superuser_client):
    # given
    first, second = BrandFactory(), BrandFactory()
    user = superuser_client.post(
        url("staff-users"),
        {"username": "s", "password": "a-long-pass-phrase-7", "brands": [first.pk], "roles": ["support"]},
        format="json",
    ).json()

    # when
    response = superuser_client.patch(
        url("staff-users", user["id"]), {"brands": [second.pk], "roles": ["marketer", "analyst"]}, format="json"
    )

    # then
    assert response.status_code == 200, response.content
    assert response.json()["brands"] == [second.pk]
    assert response.json()["roles"] == ["analyst", "marketer"]


def test_a_brand_manager_cannot_manage_staff(manager_client, manager_brand):
    # when
    listed = manager_client.get(url("staff-users"))
    created = manager_client.post(
        url("staff-users"), {"username": "x", "password": "a-long-pass-phrase-7", "all_brands": True}, format="json"
    )

    # then
    assert_error(listed, 403, "permission_denied")
    assert_error(created, 403, "permission_denied")
    assert not User.objects.filter(username="x").exists()


def test_all_brands_staff_manage_staff_but_never_see_superusers(all_brands_user, superuser):
    # given
    from tests.conftest import grant_app_permissions

    grant_app_permissions(all_brands_user, ("auth",))
    other = UserFactory(username="clerk", is_staff=True)
    client = token_client(all_brands_user)

    # when
    listed = client.get(url("staff-users"))
    superuser_page = client.patch(url("staff-users", superuser.pk), {"password": "taken-over-1234"}, format="json")

    # then
    assert ids(listed) == sorted([all_brands_user.pk, other.pk])
    assert superuser_page.status_code == 404
    superuser.refresh_from_db()
    assert superuser.check_password(PASSWORD)
