"""The promo-pools API: CRUD with the pool's rules (errors under the field to change), brand scoping, generation
(within the request, or as a background job), the codes by status, CSV export and import, deletion, and bad input
that never makes a 500."""

import csv
import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from loyalty.models import Brand, Purchase
from promocodes.codes import ALPHABET
from promocodes.models import CodeUse, GenerationJob, PromoCode, PromoPool
from tests.conftest import grant_app_permissions, token_client
from tests.factories import BrandFactory, CampaignFactory, UserFactory
from tests.helpers import assert_error, assert_timestamps, ids, page, url
from tests.loyalty.pos_support import Till, confirm, line, make_till, ok
from tests.promocodes.promo_support import coded_campaign, multi_pool, single_pool
from tests.test_api_fuzz import json_values

pytestmark = pytest.mark.django_db

POOLS = "promo-pools"
NOT_IN_ALPHABET = set("01OIL")
EMPTY_TOTALS = {"generated": 0, "used": 0, "remaining": 0, "expired": 0}


def pool_body(campaign: Any, **fields: Any) -> dict[str, Any]:
    return {
        "name": "Spring flyers",
        "brand": campaign.brand_id,
        "campaign": campaign.pk,
        "kind": "single_use",
        **fields,
    }


def action(pool: PromoPool | int, name: str) -> str:
    return url(POOLS, pool.pk if isinstance(pool, PromoPool) else pool, action=name)


def generate(client: APIClient, pool: PromoPool, count: Any) -> Any:
    return client.post(action(pool, "generate"), {"count": count}, format="json")


def codes_listed(client: APIClient, pool: PromoPool, **query: str) -> list[dict[str, Any]]:
    return page(client.get(action(pool, "codes"), {"page_size": "500", **query}))["results"]


def sell(till: Till, code: str, number: str) -> dict[str, Any]:
    """An anonymous receipt confirmed with the code."""
    body = {"lines": [line("A", 1, "1000.00")], "promo_codes": [code], "receipt_number": number}
    return ok(confirm(till.client, body, key=f"key-{number}"), 201)


@pytest.fixture
def shop() -> Till:
    """A register of a brand whose campaign needs a code."""
    return make_till()


@pytest.fixture
def campaign(shop):
    return coded_campaign(shop.brand)


@pytest.fixture
def promo_manager_brand() -> Brand:
    return BrandFactory.create(name="Promo brand")


@pytest.fixture
def promo_manager_client(promo_manager_brand) -> APIClient:
    """A staff user with every permission of promo codes, campaigns and loyalty, limited to one brand."""
    user = UserFactory.create(username="promo-manager", is_staff=True)
    grant_app_permissions(user, ("promocodes", "campaigns", "loyalty"))
    promo_manager_brand.managers.add(user)
    return token_client(user)


# --- create, read, change ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slash", [False, True], ids=["no-slash", "slash"])
def test_create_a_single_use_pool_with_the_required_fields_takes_the_defaults(superuser_client, campaign, slash):
    # when
    response = superuser_client.post(url(POOLS, slash=slash), pool_body(campaign), format="json")

    # then
    assert response.status_code == 201, response.content
    created = response.json()
    assert assert_timestamps(created) == {
        "id": created["id"],
        "name": "Spring flyers",
        "brand": campaign.brand_id,
        "campaign": campaign.pk,
        "kind": "single_use",
        "code": "",
        "prefix": "",
        "length": 8,
        "valid_from": None,
        "valid_to": None,
        "max_uses": None,
        "max_uses_per_contact": 1,
        "release_on_refund": False,
        "total": 0,
        "totals": EMPTY_TOTALS,
    }
    assert superuser_client.get(url(POOLS, created["id"], slash=slash)).json() == created
    assert PromoCode.objects.count() == 0


@pytest.mark.parametrize("missing", ["name", "brand", "campaign", "kind"])
def test_each_required_field_is_required(superuser_client, campaign, missing):
    # given
    body = pool_body(campaign)
    del body[missing]

    # when
    response = superuser_client.post(url(POOLS), body, format="json")

    # then
    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == [missing]
    assert PromoPool.objects.count() == 0


def test_an_empty_body_names_every_required_field(superuser_client):
    error = assert_error(superuser_client.post(url(POOLS), {}, format="json"), 400, "invalid")
    assert {"name", "brand", "campaign"} <= set(error["fields"])


def test_a_campaign_that_does_not_require_a_code_is_refused(superuser_client, shop):
    # given: a campaign anyone gets, without a code
    plain = CampaignFactory.create(brand=shop.brand, status="active", requires_code=False)

    # when
    response = superuser_client.post(url(POOLS), pool_body(plain), format="json")

    # then
    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["campaign"]
    assert PromoPool.objects.count() == 0


def test_a_campaign_of_another_brand_is_refused(superuser_client, campaign):
    # given: the pool's brand is not the campaign's
    other = BrandFactory.create()

    # when
    response = superuser_client.post(url(POOLS), {**pool_body(campaign), "brand": other.pk}, format="json")

    # then
    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["campaign"]
    assert PromoPool.objects.count() == 0


def test_a_multi_use_pool_keeps_its_given_code_upper_case(superuser_client, campaign):
    # when
    response = superuser_client.post(
        url(POOLS), pool_body(campaign, kind="multi_use", code="  welcome-10 ", max_uses=100), format="json"
    )

    # then
    created = ok(response, 201)
    assert (created["code"], created["total"], created["max_uses"]) == ("WELCOME-10", 1, 100)
    assert created["totals"] == {"generated": 1, "used": 0, "remaining": 100, "expired": 0}
    assert list(PromoCode.objects.values_list("code", "pool_id", "status")) == [("WELCOME-10", created["id"], "active")]


def test_a_multi_use_pool_without_a_code_gets_one_from_prefix_and_length(superuser_client, campaign):
    # when
    response = superuser_client.post(
        url(POOLS), pool_body(campaign, kind="multi_use", prefix="vip-", length=6), format="json"
    )

    # then
    created = ok(response, 201)
    code = created["code"]
    assert code.startswith("VIP-")
    assert len(code) == 10
    assert set(code[4:]) <= set(ALPHABET)
    assert list(PromoCode.objects.values_list("code", flat=True)) == [code]


@pytest.mark.parametrize("taken_by", ["multi_use", "single_use"])
def test_a_multi_use_code_already_in_another_pool_is_refused(superuser_client, campaign, taken_by):
    # given: the code exists in another pool (codes are unique across the system)
    if taken_by == "multi_use":
        multi_pool(campaign, code="TAKEN-1")
    else:
        single_pool(campaign, codes=["TAKEN-1"])

    # when
    response = superuser_client.post(url(POOLS), pool_body(campaign, kind="multi_use", code="taken-1"), format="json")

    # then: no pool half-made
    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["code"]
    assert PromoPool.objects.count() == 1
    assert PromoCode.objects.count() == 1


def test_a_single_use_pool_refuses_a_code(superuser_client, campaign):
    response = superuser_client.post(url(POOLS), pool_body(campaign, code="ONE"), format="json")

    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["code"]
    assert PromoPool.objects.count() == 0


@pytest.mark.parametrize("hours", [-1, 0], ids=["before", "equal"])
def test_the_end_of_validity_must_be_after_its_start(superuser_client, campaign, hours):
    start = timezone.now().replace(microsecond=0)
    body = pool_body(campaign, valid_from=start.isoformat(), valid_to=(start + timedelta(hours=hours)).isoformat())

    response = superuser_client.post(url(POOLS), body, format="json")

    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["valid_to"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("length", 3),
        ("length", 25),
        ("length", "eight"),
        ("prefix", "спринг"),
        ("prefix", "A" * 17),
        ("max_uses_per_contact", 0),
        ("max_uses", 0),
        ("kind", "forever"),
        ("code", "X" * 41),
        ("release_on_refund", "sometimes"),
        ("valid_from", "yesterday"),
    ],
)
def test_a_bad_field_is_named(superuser_client, campaign, field, value):
    body = pool_body(campaign, kind="multi_use") if field in ("code", "max_uses") else pool_body(campaign)

    response = superuser_client.post(url(POOLS), {**body, field: value}, format="json")

    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == [field]


def test_a_multi_use_code_must_be_well_formed(superuser_client, campaign):
    response = superuser_client.post(url(POOLS), pool_body(campaign, kind="multi_use", code="-NO PE-"), format="json")

    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["code"]


def test_a_pool_with_codes_keeps_its_kind(superuser_client, campaign):
    # given
    pool = single_pool(campaign, generate=3)

    # when
    response = superuser_client.patch(url(POOLS, pool.pk), {"kind": "multi_use", "code": "NEW-1"}, format="json")

    # then
    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["kind"]
    pool.refresh_from_db()
    assert (pool.kind, pool.total_codes) == ("single_use", 3)


def test_a_pool_without_codes_may_change_its_kind(superuser_client, campaign):
    pool = single_pool(campaign)

    response = superuser_client.patch(url(POOLS, pool.pk), {"kind": "multi_use", "code": "new-1"}, format="json")

    changed = ok(response)
    assert (changed["kind"], changed["code"], changed["total"]) == ("multi_use", "NEW-1", 1)
    assert list(PromoCode.objects.filter(pool=pool).values_list("code", flat=True)) == ["NEW-1"]


def test_patch_changes_the_fields_and_keeps_the_codes(superuser_client, campaign):
    # given
    pool = single_pool(campaign, generate=5)
    ends = (timezone.now() + timedelta(days=10)).replace(microsecond=0)

    # when
    response = superuser_client.patch(
        url(POOLS, pool.pk),
        {"name": "Autumn", "valid_to": ends.isoformat(), "max_uses_per_contact": None, "release_on_refund": True},
        format="json",
    )

    # then
    changed = ok(response)
    assert (changed["name"], changed["max_uses_per_contact"], changed["release_on_refund"], changed["total"]) == (
        "Autumn",
        None,
        True,
        5,
    )
    assert changed["valid_to"] is not None
    pool.refresh_from_db()
    assert (pool.valid_to, PromoCode.objects.filter(pool=pool).count()) == (ends, 5)


def test_list_and_filters(superuser_client, campaign):
    # given
    flyers = single_pool(campaign, name="Flyers")
    welcome = multi_pool(campaign, name="Welcome")
    elsewhere = single_pool(coded_campaign(BrandFactory.create()), name="Elsewhere")

    # then
    assert ids(superuser_client.get(url(POOLS))) == [flyers.pk, welcome.pk, elsewhere.pk]
    assert ids(superuser_client.get(url(POOLS), {"kind": "multi_use"})) == [welcome.pk]
    assert ids(superuser_client.get(url(POOLS), {"brand": campaign.brand_id})) == [flyers.pk, welcome.pk]
    assert ids(superuser_client.get(url(POOLS), {"name": "fly"})) == [flyers.pk]


# --- brand scoping -------------------------------------------------------------------------------------------------


def test_a_brand_manager_sees_and_changes_only_pools_of_their_brand(promo_manager_client, promo_manager_brand):
    # given: a pool of the manager's brand and one of another brand
    mine = single_pool(coded_campaign(promo_manager_brand), codes=["MINE-0001"])
    theirs = single_pool(coded_campaign(BrandFactory.create()), codes=["THEIRS-01"])
    client = promo_manager_client

    # when
    listed = ids(client.get(url(POOLS)))
    answers = {
        "get": client.get(url(POOLS, theirs.pk)),
        "patch": client.patch(url(POOLS, theirs.pk), {"name": "Mine now"}, format="json"),
        "delete": client.delete(url(POOLS, theirs.pk)),
        "generate": generate(client, theirs, 5),
        "codes": client.get(action(theirs, "codes")),
        "export": client.get(action(theirs, "export")),
        "import": client.post(action(theirs, "import"), {"content": "NEW-0001"}, format="json"),
        "jobs": client.get(action(theirs, "jobs")),
    }

    # then
    assert listed == [mine.pk]
    for name, response in answers.items():
        assert response.status_code == 404, (name, response.content)
    theirs.refresh_from_db()
    assert (theirs.name, theirs.total_codes) == ("Flyers", 1)
    assert ok(client.get(url(POOLS, mine.pk)))["id"] == mine.pk
    assert ok(generate(client, mine, 2))["total"] == 3


def test_a_brand_manager_cannot_reference_another_brands_campaign_or_brand(promo_manager_client, promo_manager_brand):
    # given
    mine = coded_campaign(promo_manager_brand)
    theirs = coded_campaign(BrandFactory.create())

    # when
    their_campaign = promo_manager_client.post(url(POOLS), {**pool_body(mine), "campaign": theirs.pk}, format="json")
    their_brand = promo_manager_client.post(url(POOLS), pool_body(theirs), format="json")
    own = promo_manager_client.post(url(POOLS), pool_body(mine), format="json")

    # then
    assert "campaign" in assert_error(their_campaign, 400, "invalid")["fields"]
    assert "brand" in assert_error(their_brand, 400, "invalid")["fields"]
    assert ok(own, 201)["brand"] == promo_manager_brand.pk
    assert list(PromoPool.objects.values_list("brand_id", flat=True)) == [promo_manager_brand.pk]


def test_staff_without_promo_code_permissions_is_refused(campaign):
    # given: a staff user with the loyalty permissions only
    user = UserFactory.create(username="loyalty-only", is_staff=True)
    grant_app_permissions(user)
    client = token_client(user)
    pool = single_pool(campaign)

    # then
    assert_error(client.get(url(POOLS)), 403, "permission_denied")
    assert_error(client.post(url(POOLS), pool_body(campaign), format="json"), 403, "permission_denied")
    assert_error(generate(client, pool, 5), 403, "permission_denied")
    assert PromoCode.objects.count() == 0


def test_a_viewer_cannot_generate_or_import(campaign):
    # given: a staff user who may only view pools
    user = UserFactory.create(username="viewer", is_staff=True, all_brands=True)
    user.user_permissions.add(Permission.objects.get(codename="view_promopool"))
    client = token_client(user)
    pool = single_pool(campaign)

    # when
    generated = generate(client, pool, 5)
    imported = client.post(action(pool, "import"), {"content": "NEW-0001"}, format="json")

    # then
    assert ok(client.get(url(POOLS, pool.pk)))["id"] == pool.pk
    assert_error(generated, 403, "permission_denied")
    assert_error(imported, 403, "permission_denied")
    assert PromoCode.objects.count() == 0


# --- generate ------------------------------------------------------------------------------------------------------


def test_generate_adds_unique_codes_of_the_alphabet_with_the_prefix(superuser_client, campaign):
    # given
    pool = single_pool(campaign, prefix="spr-", length=6)

    # when
    first = generate(superuser_client, pool, 300)
    second = generate(superuser_client, pool, 200)

    # then
    assert (ok(first), ok(second)) == ({"generated": 300, "total": 300}, {"generated": 200, "total": 500})
    codes = list(PromoCode.objects.filter(pool=pool).values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 500
    assert all(code.startswith("SPR-") and len(code) == 10 for code in codes)
    assert all(set(code[4:]) <= set(ALPHABET) for code in codes)
    assert not any(NOT_IN_ALPHABET & set(code[4:]) for code in codes)
    assert ok(superuser_client.get(url(POOLS, pool.pk)))["totals"] == {
        "generated": 500,
        "used": 0,
        "remaining": 500,
        "expired": 0,
    }


def test_generated_codes_are_unique_across_pools(superuser_client, campaign):
    # given: two pools of the shortest codes, no prefix
    first, second = single_pool(campaign, length=4), single_pool(campaign, length=4)

    # when
    ok(generate(superuser_client, first, 2000))
    ok(generate(superuser_client, second, 2000))

    # then
    assert PromoCode.objects.count() == len(set(PromoCode.objects.values_list("code", flat=True))) == 4000


def test_generate_while_the_campaign_runs_and_a_generated_code_applies_at_once(superuser_client, shop, campaign):
    # given
    pool = single_pool(campaign)

    # when
    ok(generate(superuser_client, pool, 3))
    code = PromoCode.objects.filter(pool=pool).first()
    assert code is not None
    answer = sell(shop, code.code.lower(), "R-1")

    # then
    assert answer["promo_codes"] == [{"code": code.code, "status": "applied"}]


@pytest.mark.parametrize("count", [0, -1, -(10**6), 10**7 + 1, 10**12, "many", None, "", 1.5, [5], {"n": 5}])
def test_generate_refuses_a_bad_count(superuser_client, campaign, count):
    pool = single_pool(campaign)

    response = generate(superuser_client, pool, count)

    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["count"]
    assert (PromoCode.objects.count(), GenerationJob.objects.count()) == (0, 0)


def test_generate_without_a_count_is_refused(superuser_client, campaign):
    pool = single_pool(campaign)

    response = superuser_client.post(action(pool, "generate"), {}, format="json")

    assert list(assert_error(response, 400, "invalid")["fields"]) == ["count"]


def test_generate_into_a_multi_use_pool_is_refused(superuser_client, campaign):
    pool = multi_pool(campaign)

    response = generate(superuser_client, pool, 5)

    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["count"]
    assert PromoCode.objects.filter(pool=pool).count() == 1


@pytest.mark.parametrize("count", [5_000, 500_000], ids=["in-the-request", "as-a-job"])
def test_generate_refuses_more_codes_than_the_length_can_hold(superuser_client, campaign, settings, count):
    # given: 4 characters give 31**4 = 923,521 codes, kept at most half full; 460,000 taken already (faked)
    settings.PROMO_GENERATE_SYNC_LIMIT = 10_000
    pool = single_pool(campaign, length=4)
    PromoPool.objects.filter(pk=pool.pk).update(total_codes=460_000)

    # when
    response = generate(superuser_client, pool, count)

    # then
    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["count"]
    assert (PromoCode.objects.count(), GenerationJob.objects.count()) == (0, 0)


def test_generate_above_the_sync_limit_queues_a_job_answered_202(
    superuser_client, campaign, settings, django_capture_on_commit_callbacks
):
    # given: at most 10 codes within the request
    settings.PROMO_GENERATE_SYNC_LIMIT = 10
    pool = single_pool(campaign)

    # when: the job is queued when the request's transaction commits, and runs after the answer
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = generate(superuser_client, pool, 25)
        queued = GenerationJob.objects.get()
        assert (queued.status, queued.generated) == ("queued", 0)

    # then
    answer = ok(response, 202)
    assert answer == {"generated": 0, "total": 0, "job_id": queued.pk, "status": "queued"}
    assert len(callbacks) == 1
    job = GenerationJob.objects.get()
    assert (job.status, job.requested, job.generated) == ("done", 25, 25)
    assert job.finished_at is not None
    assert ok(superuser_client.get(url(POOLS, pool.pk)))["total"] == 25
    jobs = page(superuser_client.get(action(pool, "jobs")))["results"]
    assert [(item["id"], item["requested"], item["generated"], item["status"]) for item in jobs] == [
        (job.pk, 25, 25, "done")
    ]


@pytest.mark.django_db(transaction=True)
def test_generate_above_the_sync_limit_with_eager_celery_answers_200_once_done(superuser, settings):
    # given: eager Celery (no broker) and a transaction per statement, so the job runs before the answer
    settings.PROMO_GENERATE_SYNC_LIMIT = 10
    client = token_client(superuser)
    pool = single_pool(coded_campaign(BrandFactory.create()))

    # when
    response = generate(client, pool, 40)

    # then
    job = GenerationJob.objects.get()
    assert ok(response) == {"generated": 40, "total": 40, "job_id": job.pk, "status": "done"}
    assert (job.status, job.generated, job.created_by_id) == ("done", 40, superuser.pk)
    assert ok(client.get(url(POOLS, pool.pk)))["total"] == 40
    assert PromoCode.objects.filter(pool=pool).count() == 40


# --- codes by status -----------------------------------------------------------------------------------------------


def test_codes_by_status(superuser_client, shop, campaign):
    # given: three codes, one burned by a receipt
    pool = single_pool(campaign, codes=["LIST-0001", "LIST-0002", "LIST-0003"])
    bought = sell(shop, "LIST-0002", "R-1")

    # when
    every = codes_listed(superuser_client, pool)
    active = codes_listed(superuser_client, pool, status="active")
    used = codes_listed(superuser_client, pool, status="used")
    expired = codes_listed(superuser_client, pool, status="expired")
    one = codes_listed(superuser_client, pool, code=" list-0002 ")

    # then
    assert [(item["code"], item["status"]) for item in every] == [
        ("LIST-0001", "active"),
        ("LIST-0002", "used"),
        ("LIST-0003", "active"),
    ]
    assert [item["code"] for item in active] == ["LIST-0001", "LIST-0003"]
    assert [item["code"] for item in used] == ["LIST-0002"]
    assert expired == []
    assert len(one) == 1
    assert (one[0]["code"], one[0]["status"], one[0]["uses"], one[0]["purchase_id"]) == (
        "LIST-0002",
        "used",
        1,
        bought["purchase_id"],
    )
    assert one[0]["used_at"] is not None


def test_codes_of_a_pool_whose_validity_ended_are_expired_unless_used(superuser_client, shop, campaign):
    # given: a pool whose codes were valid until an hour ago; one was used before that
    pool = single_pool(campaign, codes=["OLD-0001", "OLD-0002"])
    sell(shop, "OLD-0001", "R-1")
    PromoPool.objects.filter(pk=pool.pk).update(valid_to=timezone.now() - timedelta(hours=1))

    # when
    every = codes_listed(superuser_client, pool)
    active = codes_listed(superuser_client, pool, status="active")
    expired = codes_listed(superuser_client, pool, status="expired")
    used = codes_listed(superuser_client, pool, status="used")

    # then
    assert [(item["code"], item["status"]) for item in every] == [("OLD-0001", "used"), ("OLD-0002", "expired")]
    assert (active, [item["code"] for item in expired], [item["code"] for item in used]) == (
        [],
        ["OLD-0002"],
        ["OLD-0001"],
    )
    assert ok(superuser_client.get(url(POOLS, pool.pk)))["totals"] == {
        "generated": 2,
        "used": 1,
        "remaining": 0,
        "expired": 1,
    }


@pytest.mark.parametrize("status", ["burned", "ACTIVE", "0", "expired,used"])
def test_codes_with_an_unknown_status_is_refused(superuser_client, campaign, status):
    pool = single_pool(campaign, generate=2)

    response = superuser_client.get(action(pool, "codes"), {"status": status})

    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["status"]


def test_the_uses_of_a_multi_use_code(superuser_client, shop, campaign):
    # given: an unlimited multi-use code used on two receipts
    pool = multi_pool(campaign, code="MANY-1", max_uses=None)
    sell(shop, "MANY-1", "R-1")
    sell(shop, "MANY-1", "R-2")

    # when
    listed = codes_listed(superuser_client, pool)
    detail = ok(superuser_client.get(url(POOLS, pool.pk)))

    # then
    assert [(item["code"], item["status"], item["uses"]) for item in listed] == [("MANY-1", "active", 2)]
    # remaining: null, unlimited (was 1, the one code counted, while the admin said "unlimited"; `pool_remaining`)
    assert detail["totals"] == {"generated": 1, "used": 2, "remaining": None, "expired": 0}


# --- export --------------------------------------------------------------------------------------------------------


def exported(client: APIClient, pool: PromoPool) -> tuple[Any, list[dict[str, str]]]:
    response = client.get(action(pool, "export"))
    assert response.status_code == 200
    text = response.getvalue().decode()
    return response, list(csv.DictReader(io.StringIO(text)))


def test_export_is_a_csv_with_where_and_when_each_code_was_used(superuser_client, shop, campaign):
    # given
    pool = single_pool(campaign, name="Spring flyers", codes=["EXP-0001", "EXP-0002"])
    bought = sell(shop, "EXP-0002", "R-77")
    purchase = Purchase.objects.get(pk=bought["purchase_id"])

    # when
    response, rows = exported(superuser_client, pool)

    # then
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="spring-flyers-codes.csv"'
    assert list(rows[0]) == ["code", "status", "uses", "used_at", "store", "register", "purchase_id", "receipt_number"]
    assert rows == [
        {
            "code": "EXP-0001",
            "status": "active",
            "uses": "0",
            "used_at": "",
            "store": "",
            "register": "",
            "purchase_id": "",
            "receipt_number": "",
        },
        {
            "code": "EXP-0002",
            "status": "used",
            "uses": "1",
            "used_at": purchase.at.isoformat(),
            "store": shop.store.name,
            "register": shop.register.code,
            "purchase_id": str(purchase.pk),
            "receipt_number": "R-77",
        },
    ]


def test_export_shows_unused_codes_of_an_ended_pool_as_expired(superuser_client, campaign):
    pool = single_pool(campaign, codes=["OLD-0001"], valid_to=timezone.now() - timedelta(minutes=5))

    _response, rows = exported(superuser_client, pool)

    assert [(row["code"], row["status"]) for row in rows] == [("OLD-0001", "expired")]


def test_export_of_an_empty_pool_is_the_header_only(superuser_client, campaign):
    pool = single_pool(campaign)

    response = superuser_client.get(action(pool, "export"))

    assert response.getvalue().decode().splitlines() == [
        "code,status,uses,used_at,store,register,purchase_id,receipt_number"
    ]


# --- import --------------------------------------------------------------------------------------------------------


def test_import_adds_the_good_rows_and_reports_the_bad_ones_by_row(superuser_client, campaign):
    # given: a code already in another pool, and a file with a header
    single_pool(campaign, codes=["ELSEWHERE-1"])
    pool = single_pool(campaign)
    content = "code\nimp-0001\nbad code!\n IMP-0001 \n\nelsewhere-1\nIMP-0002\n-DASH\n"

    # when
    response = superuser_client.post(action(pool, "import"), {"content": content}, format="json")

    # then: row numbers count the header and the blank line
    assert ok(response) == {
        "imported": 2,
        "total": 2,
        "error_count": 4,
        "errors": [
            {"row": 3, "code": "bad code!", "error": "malformed"},
            {"row": 4, "code": "IMP-0001", "error": "duplicate_in_file"},
            {"row": 6, "code": "ELSEWHERE-1", "error": "duplicate"},
            {"row": 8, "code": "-DASH", "error": "malformed"},
        ],
    }
    assert sorted(PromoCode.objects.filter(pool=pool).values_list("code", flat=True)) == ["IMP-0001", "IMP-0002"]
    pool.refresh_from_db()
    assert pool.total_codes == 2


def test_import_a_multipart_file_with_the_code_in_a_named_column(superuser_client, campaign):
    # given
    pool = single_pool(campaign)
    upload = SimpleUploadedFile(
        "codes.csv", "номер,code\n1,file-0001\n2,FILE-0002\n".encode("cp1251"), content_type="text/csv"
    )

    # when
    response = superuser_client.post(action(pool, "import"), {"file": upload}, format="multipart")

    # then
    assert ok(response) == {"imported": 2, "total": 2, "error_count": 0, "errors": []}
    assert sorted(PromoCode.objects.filter(pool=pool).values_list("code", flat=True)) == ["FILE-0001", "FILE-0002"]


def test_import_without_a_header_reads_the_first_column(superuser_client, campaign):
    pool = single_pool(campaign)

    response = superuser_client.post(action(pool, "import"), {"content": "AAA-1,x\nbbb-2,y\n"}, format="json")

    assert ok(response)["imported"] == 2
    assert sorted(PromoCode.objects.values_list("code", flat=True)) == ["AAA-1", "BBB-2"]


def test_importing_the_same_file_twice_reports_every_row_as_duplicate(superuser_client, campaign):
    pool = single_pool(campaign)
    body = {"content": "ONE-1\nTWO-2\n"}
    ok(superuser_client.post(action(pool, "import"), body, format="json"))

    again = ok(superuser_client.post(action(pool, "import"), body, format="json"))

    assert again == {
        "imported": 0,
        "total": 2,
        "error_count": 2,
        "errors": [
            {"row": 1, "code": "ONE-1", "error": "duplicate"},
            {"row": 2, "code": "TWO-2", "error": "duplicate"},
        ],
    }


def test_import_into_a_multi_use_pool_is_refused(superuser_client, campaign):
    pool = multi_pool(campaign)

    response = superuser_client.post(action(pool, "import"), {"content": "NEW-0001"}, format="json")

    assert_error(response, 400, "invalid")
    assert list(PromoCode.objects.values_list("code", flat=True)) == ["WELCOME10"]


@pytest.mark.parametrize(
    ("body", "fmt"),
    [
        ({"file": "NEW-0001"}, "multipart"),
        ({}, "json"),
        ({"content": ""}, "json"),
        ({"content": ["NEW-0001"]}, "json"),
        ({"file": "NEW-0001"}, "json"),
    ],
    ids=["file-not-a-file", "nothing", "empty-content", "content-a-list", "file-in-json"],
)
def test_import_of_something_that_is_not_a_file_is_refused(superuser_client, campaign, body, fmt):
    pool = single_pool(campaign)

    response = superuser_client.post(action(pool, "import"), body, format=fmt)

    assert_error(response, 400, "invalid")
    assert PromoCode.objects.count() == 0


def test_import_of_a_binary_file_is_refused(superuser_client, campaign):
    pool = single_pool(campaign)
    upload = SimpleUploadedFile("codes.csv", b"\x98\x00\xff\x98\x98", content_type="application/octet-stream")

    response = superuser_client.post(action(pool, "import"), {"file": upload}, format="multipart")

    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["file"]
    assert PromoCode.objects.count() == 0


def test_import_of_a_file_and_content_together_is_refused(superuser_client, campaign):
    pool = single_pool(campaign)
    upload = SimpleUploadedFile("codes.csv", b"ONE-1\n", content_type="text/csv")

    response = superuser_client.post(action(pool, "import"), {"file": upload, "content": "TWO-2"}, format="multipart")

    assert_error(response, 400, "invalid")
    assert PromoCode.objects.count() == 0


# --- delete --------------------------------------------------------------------------------------------------------


def test_a_pool_whose_codes_are_on_receipts_cannot_be_deleted(superuser_client, shop, campaign):
    # given
    pool = single_pool(campaign, codes=["DEL-0001", "DEL-0002"])
    sell(shop, "DEL-0001", "R-1")

    # when
    response = superuser_client.delete(url(POOLS, pool.pk))

    # then
    assert_error(response, 409, "pool_in_use")
    assert PromoPool.objects.filter(pk=pool.pk).exists()
    assert PromoCode.objects.filter(pool=pool).count() == 2
    assert CodeUse.objects.count() == 1


@pytest.mark.parametrize("kind", ["single_use", "multi_use"])
def test_deleting_an_unused_pool_removes_its_codes(superuser_client, campaign, kind):
    # given: another pool's codes stay
    keep = single_pool(campaign, codes=["KEEP-0001"])
    pool = single_pool(campaign, generate=20) if kind == "single_use" else multi_pool(campaign, code="GONE-1")

    # when
    response = superuser_client.delete(url(POOLS, pool.pk))

    # then
    assert response.status_code == 204, response.content
    assert not PromoPool.objects.filter(pk=pool.pk).exists()
    assert list(PromoCode.objects.values_list("code", flat=True)) == ["KEEP-0001"]
    assert superuser_client.get(url(POOLS, pool.pk)).status_code == 404
    assert keep.pk in ids(superuser_client.get(url(POOLS)))


def test_a_deleted_pools_code_may_be_used_by_a_new_pool(superuser_client, campaign):
    pool = multi_pool(campaign, code="AGAIN-1")
    assert superuser_client.delete(url(POOLS, pool.pk)).status_code == 204

    response = superuser_client.post(url(POOLS), pool_body(campaign, kind="multi_use", code="AGAIN-1"), format="json")

    assert ok(response, 201)["code"] == "AGAIN-1"


# --- bad input never 500 -------------------------------------------------------------------------------------------

FIELDS = [
    "name",
    "brand",
    "campaign",
    "kind",
    "code",
    "prefix",
    "length",
    "valid_from",
    "valid_to",
    "max_uses",
    "max_uses_per_contact",
    "release_on_refund",
    "total",
    "totals",
]
field_values = st.one_of(
    json_values,
    st.sampled_from(["single_use", "multi_use", "WELCOME10", "welcome 10", "", "-", "A" * 41, "2020-01-01T00:00:00Z"]),
    st.integers(min_value=-2, max_value=30),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_pool_bodies_never_cause_a_500(superuser_client, data):
    # given: references that exist, another brand's, and ones that do not
    campaign = coded_campaign(BrandFactory.create())
    plain = CampaignFactory.create(brand=campaign.brand)
    references = st.sampled_from([campaign.pk, plain.pk, campaign.brand_id, 0, -1, 2**63, "x", None])
    keys = st.one_of(st.sampled_from(FIELDS), st.text(max_size=8))
    overrides = data.draw(st.dictionaries(keys, st.one_of(field_values, references), max_size=6), label="overrides")
    base = data.draw(st.sampled_from([{}, pool_body(campaign), pool_body(campaign, kind="multi_use")]), label="base")
    body = json.dumps({**base, **overrides})

    # when
    created = superuser_client.post(url(POOLS), data=body, content_type="application/json")
    patched = superuser_client.patch(
        url(POOLS, single_pool(campaign, generate=1).pk), data=body, content_type="application/json"
    )

    # then
    assert created.status_code in {201, 400}, (body, created.content)
    assert patched.status_code in {200, 400}, (body, patched.content)
    for response in (created, patched):
        if response.status_code == 400:
            assert set(response.json()["error"]) == {"code", "message", "fields"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(["single_use", "multi_use"]),
    body=st.one_of(
        json_values, st.fixed_dictionaries({"count": json_values}), st.fixed_dictionaries({"content": json_values})
    ),
    name=st.sampled_from(["generate", "import"]),
)
def test_random_generate_and_import_bodies_never_cause_a_500(superuser_client, kind, body, name):
    # given
    campaign = coded_campaign(BrandFactory.create())
    pool = single_pool(campaign, length=4) if kind == "single_use" else multi_pool(campaign, code="")
    raw = json.dumps(body)

    # when
    response = superuser_client.post(action(pool, name), data=raw, content_type="application/json")

    # then: big counts go to a job (eager here), which may be refused but never crash
    assert response.status_code in {200, 202, 400}, (raw, response.content)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    content=st.one_of(
        st.text(max_size=200),
        st.lists(st.text(alphabet='abcXYZ019-, "\n\r\t;', max_size=12), max_size=20).map("\n".join),
        st.binary(max_size=100),
    )
)
def test_random_files_never_cause_a_500(superuser_client, content):
    # given
    pool = single_pool(coded_campaign(BrandFactory.create()))
    data = content if isinstance(content, bytes) else content.encode()
    upload = SimpleUploadedFile("codes.csv", data, content_type="text/csv")

    # when
    response = superuser_client.post(action(pool, "import"), {"file": upload}, format="multipart")

    # then
    assert response.status_code in {200, 400}, (content, response.content)
    if response.status_code == 200:
        report = response.json()
        pool.refresh_from_db()
        assert report["total"] == pool.total_codes == PromoCode.objects.filter(pool=pool).count()
        assert all(code == code.strip().upper() for code in PromoCode.objects.values_list("code", flat=True))


@pytest.mark.parametrize("pk", ["abc", "0", "-1", "99999999999999999999", "1.5"])
def test_unknown_pool_ids_are_404(superuser_client, pk):
    assert superuser_client.get(f"/api/v1/{POOLS}/{pk}").status_code == 404
    assert superuser_client.post(f"/api/v1/{POOLS}/{pk}/generate", {"count": 1}, format="json").status_code == 404


def test_raising_the_limit_of_a_spent_multi_use_code_makes_it_active_again(superuser_client, shop, campaign):
    # given: a code for two uses, both spent
    pool = multi_pool(campaign, code="TWICE-1", max_uses=2)
    sell(shop, "TWICE-1", "R-1")
    sell(shop, "TWICE-1", "R-2")
    assert [item["status"] for item in codes_listed(superuser_client, pool)] == ["used"]

    # when: the pool allows five
    changed = ok(superuser_client.patch(url(POOLS, pool.pk), {"max_uses": 5}, format="json"))

    # then: three uses left, and the code is listed as active
    assert changed["totals"] == {"generated": 1, "used": 2, "remaining": 3, "expired": 0}
    assert [(item["code"], item["uses"]) for item in codes_listed(superuser_client, pool, status="active")] == [
        ("TWICE-1", 2)
    ]
    assert codes_listed(superuser_client, pool, status="used") == []


def test_export_of_a_multi_use_code_shows_its_uses_and_its_last_receipt(superuser_client, shop, campaign):
    # given: an unlimited multi-use code used on two receipts
    pool = multi_pool(campaign, code="MANY-1", max_uses=None)
    sell(shop, "MANY-1", "R-1")
    last = Purchase.objects.get(pk=sell(shop, "MANY-1", "R-2")["purchase_id"])

    # when
    _response, rows = exported(superuser_client, pool)

    # then
    assert rows == [
        {
            "code": "MANY-1",
            "status": "active",
            "uses": "2",
            "used_at": last.at.isoformat(),
            "store": shop.store.name,
            "register": shop.register.code,
            "purchase_id": str(last.pk),
            "receipt_number": "R-2",
        }
    ]


def test_changing_a_multi_use_code_to_one_already_taken_is_refused(superuser_client, campaign):
    single_pool(campaign, codes=["TAKEN-1"])
    pool = multi_pool(campaign, code="MINE-1")

    response = superuser_client.patch(url(POOLS, pool.pk), {"code": "taken-1"}, format="json")

    assert list(assert_error(response, 400, "invalid")["fields"]) == ["code"]
    pool.refresh_from_db()
    assert pool.code == "MINE-1"
    assert list(PromoCode.objects.filter(pool=pool).values_list("code", flat=True)) == ["MINE-1"]
