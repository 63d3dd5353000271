"""The roles: groups made by migrate with the permissions of each role."""

import pytest
from django.contrib.auth.models import Group

from access.roles import ROLE_NAMES, sync_roles

pytestmark = pytest.mark.django_db


def perms(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_every_role_is_a_group():
    assert set(Group.objects.filter(name__in=ROLE_NAMES).values_list("name", flat=True)) == set(ROLE_NAMES)


def test_a_marketer_runs_campaigns_codes_and_the_catalogue_and_reads_contacts():
    granted = perms("marketer")
    assert {
        "campaigns.add_campaign",
        "promocodes.change_promopool",
        "loyalty.add_product",
        "loyalty.change_category",
    } <= granted
    assert "contacts.view_contact" in granted
    assert not {"contacts.change_contact", "loyalty.change_program", "auth.add_user"} & granted


def test_a_marketer_runs_triggers_and_reads_the_outbox():
    granted = perms("marketer")
    assert {"messaging.add_trigger", "messaging.change_trigger", "messaging.view_message"} <= granted
    assert not {"messaging.change_message", "messaging.delete_message"} & granted
    assert "messaging.view_message" in perms("analyst")


def test_an_analyst_only_reads():
    granted = perms("analyst")
    assert "loyalty.view_purchase" in granted
    assert all(codename.split(".")[1].startswith("view_") for codename in granted)


def test_support_edits_contacts_and_the_blacklist_and_blocks_cards():
    granted = perms("support")
    assert {"contacts.change_contact", "contacts.add_blacklistentry", "loyalty.change_card"} <= granted
    assert not {"campaigns.add_campaign", "contacts.delete_contact"} & granted


def test_syncing_again_changes_nothing_and_keeps_hand_given_permissions():
    # given
    group = Group.objects.get(name="analyst")
    extra = Group.objects.get(name="marketer").permissions.get(codename="add_campaign")
    group.permissions.add(extra)
    before = perms("analyst")

    # when
    sync_roles()

    # then
    assert perms("analyst") == before
