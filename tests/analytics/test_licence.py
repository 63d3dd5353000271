"""Licence use over hand-made data: who is active (a purchase or an event of their own in the window; the product's
own scheduled events do not count), `GET /analytics/licence` for unlimited and brand-limited staff, the daily
`licence` job (the day's counts, idempotent) and its e-mail to superusers at 90 % (once, again after a fall)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import F
from django.test import override_settings
from django.utils import timezone

from analytics.models import LicenceUsage
from analytics.selectors import licence_counts
from contacts.services.events import event_record
from tests.conftest import token_client
from tests.factories import BrandFactory, ContactFactory, EnrollmentFactory, ProgramFactory, UserFactory
from tests.loyalty.pos_support import confirm, line, make_shopper, make_till, ok

pytestmark = pytest.mark.django_db

LICENCE = "/api/v1/analytics/licence"


def buyer(till, number: str):
    shopper = make_shopper(till)
    body = {"customer": {"card": shopper.card.number}, "lines": [line("A", 1, "100")], "receipt_number": number}
    ok(confirm(till.client, body, key=number), 201)
    return shopper.contact


def enrolled(program, **fields):
    contact = ContactFactory(**fields)
    EnrollmentFactory(contact=contact, program=program)
    return contact


@pytest.fixture
def world():
    """Brand A (program P) with a buyer, a viewer and a contact with only the product's own events; brand B (another
    program) with a buyer; A2 shares P with A; one contact enrolled nowhere who viewed a product."""
    now = timezone.now()
    till_a = make_till()
    a2 = BrandFactory(program=till_a.program, name="A2")
    till_b = make_till()
    a_buyer, b_buyer = buyer(till_a, "A-1"), buyer(till_b, "B-1")
    viewer, passive = enrolled(till_a.program), enrolled(till_a.program)
    event_record(contact_id=viewer.pk, type="product_viewed", at=now - timedelta(days=300), brand_id=till_a.brand.pk)
    for kind in (
        "birthday",
        "points_expiring",
        "segment_entered",
        "tier_changed",
        "survey_invited",
        "contact_registered",
    ):
        event_record(contact_id=passive.pk, type=kind, at=now - timedelta(days=1))
    loner = ContactFactory()
    event_record(contact_id=loner.pk, type="page_viewed", at=now - timedelta(days=2))
    enrolled(till_b.program)  # did nothing
    return {"a": till_a.brand, "a2": a2, "b": till_b.brand, "a_buyer": a_buyer, "b_buyer": b_buyer}


def test_who_is_active(world):
    counts = licence_counts(now=timezone.now())

    # the two buyers, the viewer and the loner; per brand, the active contacts enrolled in its program
    assert counts.active == 4
    assert [(brand.brand, brand.active) for brand in counts.by_brand] == [
        (world["a"].pk, 2),
        (world["a2"].pk, 2),
        (world["b"].pk, 1),
    ]


def test_activity_older_than_the_window_does_not_count(world):
    counts = licence_counts(now=timezone.now() + timedelta(days=400))

    assert counts.active == 0


@override_settings(ACTIVE_CONTACT_DAYS=30)
def test_the_window_is_a_setting(world):
    assert licence_counts(now=timezone.now()).active == 3  # the viewer's product view was 300 days ago


def test_the_api_answers_the_contract_for_a_superuser(world, superuser_client):
    body = superuser_client.get(LICENCE).json()

    assert body == {
        "licensed": 0,
        "active": 4,
        "share": 0.0,
        "by_brand": [
            {"brand": world["a"].pk, "active": 2},
            {"brand": world["a2"].pk, "active": 2},
            {"brand": world["b"].pk, "active": 1},
        ],
    }
    assert superuser_client.get(LICENCE + "/").status_code == 200


@override_settings(LICENSED_ACTIVE_CONTACTS=5)
def test_the_share_is_active_over_licensed(world, superuser_client):
    body = superuser_client.get(LICENCE).json()

    assert (body["licensed"], body["active"], body["share"]) == (5, 4, 0.8)


@override_settings(LICENSED_ACTIVE_CONTACTS=10)
def test_a_brand_manager_gets_their_brands_and_their_active_contacts(world):
    # given: a manager of brand A with the analyst's view permission
    manager = UserFactory(username="a-manager", is_staff=True)
    manager.user_permissions.add(*_view_licence())
    world["a"].managers.add(manager)

    body = token_client(manager).get(LICENCE).json()

    # then: A only (not A2, which shares the program, nor B); the active contacts A's staff see
    assert body == {"licensed": 10, "active": 2, "share": 0.2, "by_brand": [{"brand": world["a"].pk, "active": 2}]}


def test_a_manager_of_no_brand_sees_nothing_and_staff_without_the_permission_are_refused(world, api_client):
    nobody = UserFactory(username="nobody", is_staff=True)
    nobody.user_permissions.add(*_view_licence())
    plain = UserFactory(username="plain", is_staff=True)

    assert token_client(nobody).get(LICENCE).json() == {"licensed": 0, "active": 0, "share": 0.0, "by_brand": []}
    assert token_client(plain).get(LICENCE).status_code == 403
    assert api_client.get(LICENCE).status_code == 401


def _view_licence():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="analytics", codename="view_licenceusage")


# --- the daily job -----------------------------------------------------------------------------------------------


def rows():
    ordered = LicenceUsage.objects.order_by("day", F("brand_id").asc(nulls_first=True))
    return list(ordered.values_list("day", "brand_id", "active", "alerted"))


def test_the_licence_job_stores_the_days_counts_once(world):
    at = timezone.now()
    today = timezone.localdate(at)

    call_command("run_job", "licence", "--at", at.isoformat())
    call_command("run_job", "licence", "--at", at.isoformat())

    assert rows() == [
        (today, None, 4, False),
        (today, world["a"].pk, 2, False),
        (today, world["a2"].pk, 2, False),
        (today, world["b"].pk, 1, False),
    ]


def _run(at, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_job", "licence", "--at", at.isoformat())
    return len(mailoutbox)


def test_superusers_are_told_once_at_90_percent_and_again_after_a_fall(
    mailoutbox, django_capture_on_commit_callbacks, settings
):
    # given: a licence of 10, two superusers (one without an address), a limited manager
    UserFactory(username="root", is_staff=True, is_superuser=True, email="root@example.com")
    UserFactory(username="root2", is_staff=True, is_superuser=True, email="")
    UserFactory(username="manager", is_staff=True, email="manager@example.com")
    settings.LICENSED_ACTIVE_CONTACTS = 10
    program = ProgramFactory()
    BrandFactory(program=program)
    now = timezone.now()
    contacts = [enrolled(program) for _ in range(10)]

    def active(n: int, day: int) -> None:
        for contact in contacts[:n]:
            event_record(contact_id=contact.pk, type="page_viewed", at=now + timedelta(days=day, seconds=1))

    # when: 8 of 10 on day 0, 9 on day 1 and day 2 (and day 1 run twice), then 5 on day 30 (the day-0 and day-1
    # activity still counts: all within 365 days; so the fall is made by the licence growing), 9 again on day 31
    active(8, 0)
    sent = [_run(now + timedelta(days=0, seconds=2), mailoutbox, django_capture_on_commit_callbacks)]
    active(9, 1)
    sent.append(_run(now + timedelta(days=1, seconds=2), mailoutbox, django_capture_on_commit_callbacks))
    sent.append(_run(now + timedelta(days=1, seconds=2), mailoutbox, django_capture_on_commit_callbacks))
    sent.append(_run(now + timedelta(days=2, seconds=2), mailoutbox, django_capture_on_commit_callbacks))
    settings.LICENSED_ACTIVE_CONTACTS = 20
    sent.append(_run(now + timedelta(days=30), mailoutbox, django_capture_on_commit_callbacks))
    settings.LICENSED_ACTIVE_CONTACTS = 10
    sent.append(_run(now + timedelta(days=31), mailoutbox, django_capture_on_commit_callbacks))

    # then: told on day 1 (90 %), not again on its re-run nor on day 2, again on day 31 after the fall on day 30
    assert sent == [0, 1, 1, 1, 1, 2]
    assert [message.to for message in mailoutbox] == [["root@example.com"], ["root@example.com"]]
    assert "90" in mailoutbox[0].subject
    assert "9 contacts" in mailoutbox[0].body
    assert "allows 10" in mailoutbox[0].body
    totals = LicenceUsage.objects.filter(brand__isnull=True).order_by("day").values_list("active", "alerted")
    assert list(totals) == [(8, False), (9, True), (9, True), (9, False), (9, True)]


def test_an_unlimited_licence_never_mails(world, mailoutbox, django_capture_on_commit_callbacks):
    UserFactory(username="root", is_staff=True, is_superuser=True)

    _run(timezone.now(), mailoutbox, django_capture_on_commit_callbacks)

    assert mailoutbox == []
