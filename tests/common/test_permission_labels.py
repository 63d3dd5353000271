"""Permissions on the group and user pages are named in the reader's language, not as Django stored them."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import translation

from common.admin.permissions import permission_label

pytestmark = pytest.mark.django_db


def _view_contact() -> Permission:
    return Permission.objects.get(codename="view_contact", content_type__app_label="contacts")


def test_a_model_permission_is_named_from_the_model_s_translated_name():
    # given
    permission = _view_contact()
    # when
    with translation.override("ru"):
        russian = permission_label(permission)
    with translation.override("en"):
        english = permission_label(permission)
    # then
    assert russian.endswith("| Может просматривать: контакт")
    assert "Can" not in russian
    assert english.endswith("| Can view contact")


def test_the_group_page_lists_permissions_in_russian(admin_client):
    # given
    group = Group.objects.create(name="readers")
    group.permissions.add(_view_contact())
    # when
    page = admin_client.get(
        reverse("admin:auth_group_change", args=[group.pk]), HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()
    # then
    assert "Может просматривать: контакт" in page
    assert "Can view contact" not in page


def test_the_user_page_lists_permissions_in_russian(admin_client, admin_user):
    # when
    page = admin_client.get(
        reverse("admin:auth_user_change", args=[admin_user.pk]), HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()
    # then
    assert "Может изменять: контакт" in page
    assert "Can change" not in page
