"""The segment's admin page: members with their entered and left times (bounded), the recompute action, members
added by hand through the inline."""

from datetime import timedelta

import pytest
from django.urls import reverse

from campaigns.admin.segments import HISTORY_LIMIT
from campaigns.models import SegmentMember
from campaigns.segments.membership import segment_members_remove, segment_recompute_counts
from tests.campaigns.segment_support import NOW, make_shop, member
from tests.factories import SegmentFactory

pytestmark = pytest.mark.django_db

MOSCOW = {"all": [{"field": "city", "op": "eq", "value": "Moscow"}]}


def test_the_page_shows_who_entered_and_left_and_when(admin_client):
    # given
    shop = make_shop()
    member(shop, city="Moscow", first_name="Stays")
    goes = member(shop, city="Moscow", first_name="Goes")
    segment = SegmentFactory(program=shop.program, rules=MOSCOW)
    segment_recompute_counts(segment=segment, now=NOW)
    segment_members_remove(segment=segment, contacts=[goes], now=NOW + timedelta(hours=2))

    # when
    html = admin_client.get(reverse("admin:campaigns_segment_change", args=[segment.pk])).content.decode()

    # then
    assert "Stays" in html
    assert "Goes" in html
    assert html.count("by the rules") == 2
    assert "recompute_minutes" in html


def test_the_history_is_bounded(admin_client):
    # given
    shop = make_shop()
    segment = SegmentFactory(program=shop.program, rules=MOSCOW)
    for _ in range(HISTORY_LIMIT + 5):
        member(shop, city="Moscow")
    segment_recompute_counts(segment=segment, now=NOW)

    # when
    response = admin_client.get(reverse("admin:campaigns_segment_change", args=[segment.pk]))

    # then
    assert response.content.decode().count("by the rules") == HISTORY_LIMIT


def test_the_recompute_action(admin_client):
    # given
    shop = make_shop()
    moscow = member(shop, city="Moscow")
    segment = SegmentFactory(program=shop.program, rules=MOSCOW)

    # when
    response = admin_client.post(
        reverse("admin:campaigns_segment_changelist"),
        {"action": "recompute_segments", "_selected_action": [segment.pk]},
        follow=True,
    )

    # then
    assert response.status_code == 200
    assert list(SegmentMember.objects.filter(segment=segment).values_list("contact_id", "manual")) == [
        (moscow.pk, False)
    ]
