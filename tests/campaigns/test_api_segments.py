"""The customer segments API: rules checked for their shape, members by hand, the recount, scoping, and a
segment audience at the till."""

from datetime import datetime
from typing import Any

import pytest
from django.contrib.auth.models import Permission

from campaigns.models import Segment, SegmentMember
from tests.conftest import grant_app_permissions, token_client
from tests.factories import (
    CampaignFactory,
    ContactFactory,
    EnrollmentFactory,
    ProgramFactory,
    SegmentFactory,
    UserFactory,
)
from tests.helpers import assert_error, assert_timestamps, ids, page, url
from tests.loyalty.pos_support import calculate, line, make_shopper, make_till, ok

pytestmark = pytest.mark.django_db

RULES = {
    "all": [
        {"field": "purchases_count", "op": "gte", "value": 3, "window_days": 90},
        {
            "any": [
                {"field": "city", "op": "in", "value": ["Moscow", "Kazan"]},
                {"field": "age", "op": "lt", "value": 30},
            ]
        },
    ]
}


def test_create_a_segment(superuser_client):
    # given
    program = ProgramFactory()

    # when
    response = superuser_client.post(
        url("segments"), {"name": "Regulars", "program": program.pk, "rules": RULES}, format="json"
    )

    # then
    assert response.status_code == 201, response.content
    created = response.json()
    assert assert_timestamps(created) == {
        "id": created["id"],
        "name": "Regulars",
        "program": program.pk,
        "rules": RULES,
        "recompute_minutes": 60,
        "size": 0,
        "recomputed_at": None,
    }
    assert superuser_client.get(url("segments", created["id"])).json() == created


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ([], 'Rules are {"all": [...]}, {"any": [...]} or {"not": {...}}.'),
        ({}, 'Rules are {"all": [...]}, {"any": [...]} or {"not": {...}}.'),
        ({"field": "age", "op": "gt", "value": 30}, 'Rules are {"all": [...]}, {"any": [...]} or {"not": {...}}.'),
        ({"all": {"field": "age"}}, "all: A list of conditions and groups."),
        ({"all": [], "any": []}, 'A group has exactly one key, "all", "any" or "not".'),
        (
            {"all": [{"field": "age", "op": "like", "value": 30}]},
            "all[0]: 'op' is one of eq, ne, gt, gte, lt, lte, in.",
        ),
        ({"all": [{"field": "age", "op": "gt"}]}, "all[0]: 'value' is required."),
        ({"all": [{"field": "age", "op": "gt", "value": "old"}]}, "all[0]: 'age' is compared with a number."),
        ({"all": [{"field": "age", "op": "in", "value": 30}]}, "all[0]: 'in' takes a list of 1 to 1000 values."),
        ({"all": [{"field": "age", "op": "eq", "value": [30]}]}, "all[0]: 'eq' takes one value."),
        ({"all": [{"field": "has_email", "op": "gt", "value": True}]}, "all[0]: 'op' is one of eq, ne."),
        ({"all": [{"field": "has_email", "op": "eq", "value": "yes"}]}, "all[0]: 'has_email' is true or false."),
        (
            {"all": [{"field": "total_spent", "op": "gt", "value": 1, "window_days": 0}]},
            "all[0]: 'window_days' is a whole number of days from 1 to 36500.",
        ),
        ({"all": [{"field": "age", "op": "gt", "value": 1, "colour": "red"}]}, "all[0]: Unknown keys: colour."),
        (
            {"any": [{"all": ["age"]}]},
            'any[0].all[0]: A condition {"field", "op", "value"} or a group {"all"|"any": [...]}.',
        ),
        (
            {"all": [{"all": [{"all": [{"all": [{"all": [{"all": [{"all": []}]}]}]}]}]}]},
            "all[0].all[0].all[0].all[0].all[0].all[0]: Groups nest at most 6 deep.",
        ),
    ],
    ids=[
        "list",
        "empty",
        "bare-leaf",
        "group-not-list",
        "two-keys",
        "unknown-op",
        "no-value",
        "number-field",
        "in-not-list",
        "eq-list",
        "flag-op",
        "flag-value",
        "window",
        "unknown-key",
        "leaf-not-object",
        "too-deep",
    ],
)
def test_invalid_rules_are_400_saying_where(superuser_client, rules, message):
    # given
    program = ProgramFactory()

    # when
    response = superuser_client.post(
        url("segments"), {"name": "S", "program": program.pk, "rules": rules}, format="json"
    )

    # then
    error = assert_error(response, 400, "invalid", fields={"rules": [message]})
    assert error["message"] == message
    assert not Segment.objects.exists()


def test_unknown_field_is_400_listing_the_fields(superuser_client):
    # given
    program = ProgramFactory()

    # when
    response = superuser_client.post(
        url("segments"),
        {"name": "S", "program": program.pk, "rules": {"all": [{"field": "shoe_size", "op": "eq", "value": 42}]}},
        format="json",
    )

    # then
    error = assert_error(response, 400, "invalid")
    assert error["fields"]["rules"][0].startswith("all[0]: 'field' is one of age, birthday_in_days, bought_category,")


def test_rules_are_required(superuser_client):
    # when
    response = superuser_client.post(url("segments"), {"name": "S", "program": ProgramFactory().pk}, format="json")

    # then
    assert_error(response, 400, "invalid", fields={"rules": ["This field is required."]})


def test_size_and_recomputed_at_are_read_only(superuser_client):
    # given
    segment = SegmentFactory()

    # when
    response = superuser_client.patch(
        url("segments", segment.pk), {"size": 99, "recomputed_at": "2026-01-01T00:00:00Z"}, format="json"
    )

    # then
    assert response.status_code == 200
    assert (response.json()["size"], response.json()["recomputed_at"]) == (0, None)


# --- members -----------------------------------------------------------------------------------------------


def test_add_list_and_remove_members(superuser_client):
    # given
    segment = SegmentFactory()
    first, second, third = ContactFactory(), ContactFactory(), ContactFactory()

    # when
    added = superuser_client.post(
        url("segments", segment.pk, action="members"), {"contacts": [first.pk, second.pk]}, format="json"
    )
    again = superuser_client.post(
        url("segments", segment.pk, action="members", slash=True), {"contacts": [second.pk, third.pk]}, format="json"
    )
    listed = superuser_client.get(url("segments", segment.pk, action="members"))
    removed = superuser_client.post(
        url("segments", segment.pk, action="members/remove"), {"contacts": [first.pk, first.pk]}, format="json"
    )
    removed_again = superuser_client.post(
        url("segments", segment.pk, action="members/remove", slash=True), {"contacts": [first.pk]}, format="json"
    )

    # then
    assert ok(added) == {"added": 2, "size": 2}
    assert ok(again) == {"added": 1, "size": 3}
    members = page(listed)["results"]
    assert [{key: value for key, value in item.items() if key != "entered_at"} for item in members] == [
        {
            "id": contact.pk,
            "phone": contact.phone,
            "email": contact.email,
            "first_name": contact.first_name,
            "last_name": contact.last_name,
        }
        for contact in (first, second, third)
    ]
    assert all(datetime.fromisoformat(item["entered_at"]).utcoffset() is not None for item in members)
    assert ok(removed) == {"removed": 1, "size": 2}
    assert ok(removed_again) == {"removed": 0, "size": 2}
    current = SegmentMember.objects.filter(left_at__isnull=True)
    assert set(current.values_list("contact_id", flat=True)) == {second.pk, third.pk}
    assert list(SegmentMember.objects.filter(left_at__isnull=False).values_list("contact_id", flat=True)) == [first.pk]
    assert superuser_client.get(url("segments", segment.pk)).json()["size"] == 2


def test_members_are_paginated(superuser_client):
    # given
    contacts = ContactFactory.create_batch(3)
    segment = SegmentFactory(members=contacts)

    # when
    body = page(superuser_client.get(url("segments", segment.pk, action="members"), {"page_size": 2}))

    # then
    assert body["count"] == 3
    assert [item["id"] for item in body["results"]] == [contacts[0].pk, contacts[1].pk]
    assert body["next"] is not None


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"contacts": ["This field is required."]}),
        ({"contacts": []}, {"contacts": ["This list may not be empty."]}),
        ({"contacts": [999999]}, {"contacts": ["Unknown ids: 999999."]}),
        ({"contacts": ["x"]}, {"contacts": {"0": ["A valid integer is required."]}}),
        ({"contacts": 5}, {"contacts": ['Expected a list of items but got type "int".']}),
    ],
    ids=["missing", "empty", "unknown", "not-id", "not-list"],
)
def test_invalid_member_lists_are_400(superuser_client, body, fields):
    # given
    segment = SegmentFactory()

    # when
    added = superuser_client.post(url("segments", segment.pk, action="members"), body, format="json")
    removed = superuser_client.post(url("segments", segment.pk, action="members/remove"), body, format="json")

    # then
    assert_error(added, 400, "invalid", fields=fields)
    assert_error(removed, 400, "invalid", fields=fields)
    assert not SegmentMember.objects.exists()


def test_recompute_keeps_the_members_added_by_hand_and_stamps_the_time(superuser_client):
    # given: rules nobody matches (no purchases anywhere)
    segment = SegmentFactory(members=ContactFactory.create_batch(2))
    SegmentMember.objects.create(segment=segment, contact=ContactFactory())  # not by hand: the rules decide

    # when
    response = superuser_client.post(url("segments", segment.pk, action="recompute"))

    # then
    assert ok(response) == {"size": 2}
    body = superuser_client.get(url("segments", segment.pk)).json()
    assert body["size"] == 2
    assert datetime.fromisoformat(body["recomputed_at"]).utcoffset() is not None


def test_filters(superuser_client):
    # given
    program = ProgramFactory()
    contact = ContactFactory()
    regulars = SegmentFactory(program=program, name="Regulars", members=[contact])
    sleepers = SegmentFactory(program=program, name="Sleepers")
    other = SegmentFactory(name="Regulars elsewhere")

    def found(**params: Any) -> list[int]:
        return ids(superuser_client.get(url("segments"), params))

    # then
    assert found(program=program.pk) == [regulars.pk, sleepers.pk]
    assert found(name="regulars") == [regulars.pk, other.pk]
    assert found(member=contact.pk) == [regulars.pk]


def test_a_segment_targeted_by_a_campaign_cannot_be_deleted_nor_leave_its_program(superuser_client):
    # given
    till = make_till()
    segment = SegmentFactory(program=till.program)
    CampaignFactory(brand=till.brand, name="Birthday", audience={"type": "segment", "segment": segment.pk})

    # when
    deleted = superuser_client.delete(url("segments", segment.pk))
    moved = superuser_client.patch(url("segments", segment.pk), {"program": ProgramFactory().pk}, format="json")

    # then
    assert_error(deleted, 409, "protected")
    assert_error(
        moved,
        400,
        "invalid",
        fields={"program": ["Campaigns target this segment (Birthday): its program cannot change."]},
    )
    assert Segment.objects.filter(pk=segment.pk, program=till.program).exists()


def test_an_untargeted_segment_is_deleted_with_its_members(superuser_client):
    # given
    segment = SegmentFactory(members=[ContactFactory()])

    # when
    response = superuser_client.delete(url("segments", segment.pk))

    # then
    assert response.status_code == 204
    assert not SegmentMember.objects.exists()


# --- at the till -------------------------------------------------------------------------------------------


def test_a_member_added_through_the_api_gets_the_segment_campaign_at_the_next_calculate(superuser_client):
    # given: 15 % for the segment's members
    till = make_till()
    shopper = make_shopper(till)
    segment = SegmentFactory(program=till.program)
    CampaignFactory(
        brand=till.brand,
        status="active",
        audience={"type": "segment", "segment": segment.pk},
        mechanic={"type": "percent_discount", "percent": 15},
    )
    body = {"customer": {"card": shopper.card.number}, "lines": [line("A", 1, "1000.00")]}
    assert ok(calculate(till.client, body))["totals"]["discount"] == "0.00"

    # when
    superuser_client.post(
        url("segments", segment.pk, action="members"), {"contacts": [shopper.contact.pk]}, format="json"
    )

    # then
    assert ok(calculate(till.client, body))["totals"]["discount"] == "150.00"
    superuser_client.post(
        url("segments", segment.pk, action="members/remove"), {"contacts": [shopper.contact.pk]}, format="json"
    )
    assert ok(calculate(till.client, body))["totals"]["discount"] == "0.00"


# --- scoping -----------------------------------------------------------------------------------------------


@pytest.fixture
def segment_manager_client(manager):
    grant_app_permissions(manager, ("campaigns",))
    return token_client(manager)


def test_manager_sees_only_segments_of_their_programs(segment_manager_client, manager_brand):
    # given
    mine = SegmentFactory(program=manager_brand.program)
    theirs = SegmentFactory()

    # then
    assert ids(segment_manager_client.get(url("segments"))) == [mine.pk]
    for response in (
        segment_manager_client.get(url("segments", theirs.pk)),
        segment_manager_client.get(url("segments", theirs.pk, action="members")),
        segment_manager_client.post(url("segments", theirs.pk, action="recompute")),
        segment_manager_client.post(
            url("segments", theirs.pk, action="members"), {"contacts": [ContactFactory().pk]}, format="json"
        ),
        segment_manager_client.delete(url("segments", theirs.pk)),
    ):
        assert_error(response, 404, "not_found")
    assert Segment.objects.filter(pk=theirs.pk).exists()


def test_manager_cannot_use_another_program_or_its_contacts(segment_manager_client, manager_brand):
    # given
    mine = SegmentFactory(program=manager_brand.program)
    my_contact = EnrollmentFactory(program=manager_brand.program).contact
    their_contact = EnrollmentFactory().contact
    other_program = ProgramFactory()

    # when
    created = segment_manager_client.post(
        url("segments"), {"name": "S", "program": other_program.pk, "rules": RULES}, format="json"
    )
    added = segment_manager_client.post(
        url("segments", mine.pk, action="members"), {"contacts": [my_contact.pk, their_contact.pk]}, format="json"
    )

    # then
    assert_error(
        created, 400, "invalid", fields={"program": [f'Invalid pk "{other_program.pk}" - object does not exist.']}
    )
    assert_error(added, 400, "invalid", fields={"contacts": [f"Unknown ids: {their_contact.pk}."]})
    assert not SegmentMember.objects.exists()


def test_view_permission_alone_cannot_change_members_or_recompute(manager_brand):
    # given
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_segment"))
    manager_brand.managers.add(user)
    client = token_client(user)
    segment = SegmentFactory(program=manager_brand.program)

    # then: the members are contacts, shown only with the contacts' view permission
    assert client.get(url("segments", segment.pk)).status_code == 200
    assert_error(client.get(url("segments", segment.pk, action="members")), 403, "permission_denied")
    user.user_permissions.add(Permission.objects.get(codename="view_contact"))
    assert client.get(url("segments", segment.pk, action="members")).status_code == 200
    assert_error(client.post(url("segments", segment.pk, action="recompute")), 403, "permission_denied")
    assert_error(
        client.post(url("segments", segment.pk, action="members"), {"contacts": [1]}, format="json"),
        403,
        "permission_denied",
    )
