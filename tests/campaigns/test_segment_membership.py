"""Membership: the recompute (who enters, who leaves, when), hand additions beside the rules, `segment_entered`,
the schedule (the `segments` job) and the reads other apps use."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from campaigns.models import SegmentMember
from campaigns.segments.membership import segment_members_add, segment_members_remove, segment_recompute_counts
from campaigns.segments.selectors import (
    contact_segment_ids,
    in_dependency_order,
    segment_contains,
    segment_member_ids,
    segment_members,
    segments_due,
)
from campaigns.services.segments import segment_save
from common.jobs import get_job
from contacts.models import ContactEvent
from tests.campaigns.segment_support import NOW, ids, make_shop, member
from tests.factories import SegmentFactory

pytestmark = pytest.mark.django_db

MOSCOW = {"all": [{"field": "city", "op": "eq", "value": "Moscow"}]}


@pytest.fixture
def shop():
    return make_shop()


def entered_events(segment):
    return set(
        ContactEvent.objects.filter(type="segment_entered", data__segment=segment.pk).values_list("contact_id", "at")
    )


def current(segment):
    return set(segment_member_ids(segment))


def test_a_recompute_adds_the_matched_with_the_time_and_fires_segment_entered(shop):
    # given
    moscow, kazan = member(shop, city="Moscow"), member(shop, city="Kazan")
    segment = SegmentFactory(program=shop.program, rules=MOSCOW)

    # when
    result = segment_recompute_counts(segment=segment, now=NOW)

    # then
    assert (result.size, result.entered, result.left) == (1, 1, 0)
    stay = SegmentMember.objects.get(segment=segment)
    assert (stay.contact_id, stay.entered_at, stay.left_at, stay.manual) == (moscow.pk, NOW, None, False)
    assert entered_events(segment) == {(moscow.pk, NOW)}
    segment.refresh_from_db()
    assert (segment.size, segment.recomputed_at) == (1, NOW)
    assert kazan.pk not in current(segment)


def test_who_no_longer_matches_leaves_and_history_stays(shop):
    # given
    mover = member(shop, city="Moscow")
    segment = SegmentFactory(program=shop.program, rules=MOSCOW)
    segment_recompute_counts(segment=segment, now=NOW)
    mover.city = "Kazan"
    mover.save()

    # when
    later = NOW + timedelta(hours=1)
    result = segment_recompute_counts(segment=segment, now=later)

    # then
    assert (result.size, result.entered, result.left) == (0, 0, 1)
    assert list(SegmentMember.objects.filter(segment=segment).values_list("entered_at", "left_at")) == [(NOW, later)]

    # and when they come back, a new stay begins and a new event fires
    mover.city = "Moscow"
    mover.save()
    again = NOW + timedelta(hours=2)
    assert segment_recompute_counts(segment=segment, now=again).entered == 1
    assert SegmentMember.objects.filter(segment=segment).count() == 2
    assert entered_events(segment) == {(mover.pk, NOW), (mover.pk, again)}


def test_recomputing_twice_for_one_moment_changes_nothing_more(shop):
    # given
    member(shop, city="Moscow")
    segment = SegmentFactory(program=shop.program, rules=MOSCOW)
    segment_recompute_counts(segment=segment, now=NOW)
    before = list(SegmentMember.objects.values_list("pk", "entered_at", "left_at"))

    # when
    result = segment_recompute_counts(segment=segment, now=NOW)

    # then
    assert (result.entered, result.left) == (0, 0)
    assert list(SegmentMember.objects.values_list("pk", "entered_at", "left_at")) == before
    assert ContactEvent.objects.filter(type="segment_entered").count() == 1


def test_hand_additions_stay_whatever_the_rules_say_until_removed_by_hand(shop):
    # given
    kazan = member(shop, city="Kazan")
    moscow = member(shop, city="Moscow")
    segment = SegmentFactory(program=shop.program, rules=MOSCOW)

    # when
    added = segment_members_add(segment=segment, contacts=[kazan], now=NOW)
    segment_recompute_counts(segment=segment, now=NOW + timedelta(minutes=1))

    # then
    assert added == {"added": 1, "size": 1}
    assert current(segment) == ids(kazan, moscow)
    assert entered_events(segment) == {(kazan.pk, NOW), (moscow.pk, NOW + timedelta(minutes=1))}

    # when removed by hand, the rules decide again: Kazan stays out, Moscow comes back
    segment_members_remove(segment=segment, contacts=[kazan, moscow], now=NOW + timedelta(minutes=2))
    assert current(segment) == set()
    segment_recompute_counts(segment=segment, now=NOW + timedelta(minutes=3))
    assert current(segment) == ids(moscow)


def test_adding_a_rules_member_by_hand_keeps_them(shop):
    # given
    moscow = member(shop, city="Moscow")
    segment = SegmentFactory(program=shop.program, rules=MOSCOW)
    segment_recompute_counts(segment=segment, now=NOW)

    # when
    added = segment_members_add(segment=segment, contacts=[moscow], now=NOW)
    moscow.city = "Kazan"
    moscow.save()
    segment_recompute_counts(segment=segment, now=NOW + timedelta(minutes=1))

    # then
    assert added == {"added": 0, "size": 1}
    assert current(segment) == ids(moscow)
    assert SegmentMember.objects.get(segment=segment).manual is True


def test_changed_rules_make_the_segment_due(shop):
    # given
    segment = SegmentFactory(program=shop.program, rules=MOSCOW)
    segment_recompute_counts(segment=segment, now=NOW)

    # when
    segment_save(segment=segment, data={"rules": {"all": [{"field": "city", "op": "eq", "value": "Kazan"}]}})

    # then
    segment.refresh_from_db()
    assert segment.recomputed_at is None
    assert segments_due(NOW) == [segment]


def test_segments_due_by_their_schedule_in_dependency_order(shop):
    # given
    base = SegmentFactory(program=shop.program, rules=MOSCOW, recompute_minutes=60)
    reader = SegmentFactory(
        program=shop.program, rules={"all": [{"field": "in_segment", "op": "eq", "value": base.pk}]}
    )
    on_demand = SegmentFactory(program=shop.program, rules=MOSCOW, recompute_minutes=0)
    for segment in (reader, base, on_demand):
        segment.recomputed_at = NOW
        segment.save()

    # then
    assert segments_due(NOW + timedelta(minutes=59)) == []
    assert segments_due(NOW + timedelta(minutes=60)) == [base, reader]
    assert [segment.pk for segment in in_dependency_order([reader, base])] == [base.pk, reader.pk]
    assert on_demand not in segments_due(NOW + timedelta(days=365))


def test_the_segments_job_recomputes_what_is_due_once_for_a_time(shop):
    # given
    moscow = member(shop, city="Moscow")
    segment = SegmentFactory(program=shop.program, rules=MOSCOW)
    reader = SegmentFactory(
        program=shop.program, rules={"all": [{"field": "in_segment", "op": "eq", "value": segment.pk}]}
    )
    run = get_job("segments").run

    # when
    first = run(NOW)
    second = run(NOW)

    # then: the reader saw the members of the segment it reads, recomputed just before it
    assert first == "2 segments recomputed: 2 contacts entered, 0 left"
    assert second == "0 segments recomputed: 0 contacts entered, 0 left"
    assert current(segment) == current(reader) == ids(moscow)


def test_run_job_segments_for_a_given_time(shop, capsys):
    # given
    moscow = member(shop, city="Moscow")
    segment = SegmentFactory(program=shop.program, rules=MOSCOW)

    # when
    call_command("run_job", "segments", "--at", NOW.isoformat())

    # then
    assert "1 segments recomputed: 1 contacts entered, 0 left" in capsys.readouterr().out
    assert SegmentMember.objects.get(segment=segment, contact=moscow).entered_at == NOW


def test_reads_for_audiences(shop):
    # given
    inside, outside = member(shop, city="Moscow"), member(shop, city="Kazan")
    segment = SegmentFactory(program=shop.program, rules=MOSCOW)
    segment_recompute_counts(segment=segment, now=NOW)

    # then
    assert segment_contains(segment, inside.pk) is True
    assert segment_contains(segment.pk, outside.pk) is False
    assert set(segment_member_ids(segment)) == ids(inside)
    assert contact_segment_ids(inside.pk) == frozenset({segment.pk})
    assert [(contact.pk, contact.entered_at) for contact in segment_members(segment)] == [(inside.pk, NOW)]
