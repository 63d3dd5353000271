"""The promo codes admin: pools saved and deleted through the services (their errors under the fields), the pool's
figures and usage chart, generating codes (within the request, or by a background job whose progress the page
polls), import with its bad rows, export, the codes' search and filters, brand scoping, the campaign's pools and
the Russian pages."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from loyalty.models import Purchase
from promocodes.models import AttemptBlock, CodeUse, GenerationJob, PromoCode, PromoPool
from promocodes.services.generation import codes_generate
from promocodes.services.pools import pool_save
from promocodes.services.transfer import codes_import
from tests.factories import BrandFactory, CampaignFactory, RegisterFactory, StoreFactory

pytestmark = pytest.mark.django_db

POOLS = reverse("admin:promocodes_promopool_changelist")
ADD_POOL = reverse("admin:promocodes_promopool_add")
CODES = reverse("admin:promocodes_promocode_changelist")


def pool_url(pool: PromoPool, view: str = "change") -> str:
    return reverse(f"admin:promocodes_promopool_{view}", args=[pool.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def field_errors(response, name: str) -> list[str]:
    return [str(error) for error in response.context["adminform"].form.errors.get(name, [])]


@pytest.fixture
def world():
    """A brand with a register, a campaign that requires a code and one that does not; another brand likewise."""
    brand = BrandFactory(name="Beauty")
    register = RegisterFactory(store=StoreFactory(brand=brand, name="Main street"))
    other = BrandFactory(name="Other brand")
    return {
        "brand": brand,
        "register": register,
        "coded": CampaignFactory(brand=brand, name="Spring codes", status="active", requires_code=True),
        "plain": CampaignFactory(brand=brand, name="Everyone", status="active"),
        "other": other,
        "other_coded": CampaignFactory(brand=other, name="Their codes", status="active", requires_code=True),
    }


def make_pool(campaign, **fields) -> PromoPool:
    values = {"name": "Spring", "kind": "single_use", "length": 8}
    values.update(fields)
    return pool_save(pool=PromoPool(brand=campaign.brand, campaign=campaign, **values))


def use(code: PromoCode, register, at, *, released: bool = False) -> CodeUse:
    """A confirmed receipt carried the code at `at` (a released use gave the code back)."""
    purchase = Purchase.objects.create(
        register=register,
        store=register.store,
        brand=register.store.brand,
        program=register.store.brand.program,
        receipt_number=f"R-{code.pk}-{int(at.timestamp())}",
        at=at,
        base=0,
        discount=0,
        total=0,
        redeemed_points=0,
        payable=0,
        points=0,
    )
    if not released:
        PromoCode.objects.filter(pk=code.pk).update(status="used", uses=F("uses") + 1, used_at=at, purchase=purchase)
    return CodeUse.objects.create(
        code=code,
        pool=code.pool,
        purchase=purchase,
        store=register.store,
        register=register,
        at=at,
        released_at=at if released else None,
    )


def pool_form(campaign, **overrides) -> dict:
    data = {
        "name": "Spring flyers",
        "brand": str(campaign.brand_id),
        "campaign": str(campaign.pk),
        "kind": "single_use",
        "code": "",
        "prefix": "",
        "length": "8",
        "valid_from_0": "",
        "valid_from_1": "",
        "valid_to_0": "",
        "valid_to_1": "",
        "max_uses": "",
        "max_uses_per_contact": "1",
    }
    data.update(overrides)
    return data


# Saving and deleting a pool


def test_a_pool_is_created_through_the_service(admin_client, world):
    response = admin_client.post(
        ADD_POOL, pool_form(world["coded"], kind="multi_use", code=" welcome10 ", prefix="", max_uses="100")
    )

    assert response.status_code == 302
    pool = PromoPool.objects.get()
    assert (pool.name, pool.campaign, pool.code, pool.total_codes) == ("Spring flyers", world["coded"], "WELCOME10", 1)
    assert list(PromoCode.objects.values_list("code", "pool")) == [("WELCOME10", pool.pk)]


def test_every_campaign_is_offered_and_one_that_requires_no_code_is_confirmed_first(admin_client, world):
    # when a pool is saved for a campaign that does not require a code yet, without confirming
    response = admin_client.post(ADD_POOL, pool_form(world["plain"]))

    # then it is offered, and the page says what saving would do to it; nothing changes yet
    assert response.status_code == 200
    assert field_errors(response, "campaign") == [
        "“Everyone” does not require a promo code yet: with this pool it will, and receipts without a code will no "
        "longer get it. Tick “Yes, make the campaign require a promo code” and save again."
    ]
    choices = [str(label) for value, label in response.context["adminform"].form.fields["campaign"].choices if value]
    assert choices == ["Beauty · Everyone", "Beauty · Spring codes", "Other brand · Their codes"]
    assert not PromoPool.objects.exists()
    assert Campaign.objects.get(pk=world["plain"].pk).requires_code is False


def test_a_confirmed_pool_makes_its_campaign_require_a_code_and_says_so(admin_client, world):
    response = admin_client.post(ADD_POOL, pool_form(world["plain"], make_code_only="on"), follow=True)

    assert response.status_code == 200
    pool = PromoPool.objects.get()
    assert (pool.campaign, pool.name) == (world["plain"], "Spring flyers")
    assert Campaign.objects.get(pk=world["plain"].pk).requires_code is True
    assert "“Everyone” now requires a promo code: it applies only to receipts with a code." in messages_of(response)


def test_the_confirmation_changes_nothing_for_a_campaign_that_already_requires_a_code(admin_client, world):
    response = admin_client.post(ADD_POOL, pool_form(world["coded"], make_code_only="on"), follow=True)

    assert PromoPool.objects.get().campaign == world["coded"]
    assert not any("now requires a promo code" in message for message in messages_of(response))


def test_a_single_use_pool_ignores_the_multi_use_code(admin_client, world):
    response = admin_client.post(ADD_POOL, pool_form(world["coded"], code="ONE"))

    assert response.status_code == 302
    pool = PromoPool.objects.get()
    assert (pool.kind, pool.code, pool.total_codes) == ("single_use", "", 0)
    assert not PromoCode.objects.exists()


def test_the_multi_use_code_shows_only_while_the_kind_is_multi_use(admin_client, world):
    html = admin_client.get(ADD_POOL).content.decode()

    after = html.split('x-show="kind == &#x27;multi_use&#x27;"', 1)[1]
    assert after.index('name="code"') < after.index('name="prefix"')


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"length": "3"}, "length", "From 4 to 24 characters."),
        ({"prefix": "ab_c"}, "prefix", "Letters, digits and hyphens only."),
        ({"max_uses": "5"}, "max_uses", "Each single-use code is used once; leave this empty."),
        (
            {"kind": "multi_use", "code": "BAD CODE"},
            "code",
            "Letters, digits and inner hyphens, at most 40 characters.",
        ),
    ],
)
def test_the_services_refusals_are_shown_on_their_field(admin_client, world, overrides, field, message):
    response = admin_client.post(ADD_POOL, pool_form(world["coded"], **overrides))

    assert response.status_code == 200
    assert field_errors(response, field) == [message]
    assert not PromoPool.objects.exists()


def test_a_campaign_of_another_brand_is_refused_on_the_campaign(admin_client, world):
    response = admin_client.post(ADD_POOL, pool_form(world["other_coded"], brand=str(world["brand"].pk)))

    assert field_errors(response, "campaign") == ["The campaign belongs to another brand."]


def test_a_pool_whose_campaign_no_longer_requires_a_code_is_told_so_on_the_campaign(admin_client, world):
    pool = make_pool(world["coded"])
    Campaign.objects.filter(pk=world["coded"].pk).update(requires_code=False)

    page = admin_client.get(pool_url(pool))
    response = admin_client.post(pool_url(pool), pool_form(world["coded"], name="Renamed"))

    choices = [value for value, _label in page.context["adminform"].form.fields["campaign"].choices if value]
    assert world["coded"].pk in [int(str(value)) for value in choices]
    assert field_errors(response, "campaign") == [
        "“Spring codes” does not require a promo code yet: with this pool it will, and receipts without a code will "
        "no longer get it. Tick “Yes, make the campaign require a promo code” and save again."
    ]
    pool.refresh_from_db()
    assert pool.name == "Spring"


def test_a_multi_use_code_taken_by_another_pool_is_refused_on_the_code(admin_client, world):
    make_pool(world["coded"], name="First", kind="multi_use", code="SPRING", max_uses_per_contact=None)

    response = admin_client.post(ADD_POOL, pool_form(world["coded"], kind="multi_use", code="spring"))

    assert field_errors(response, "code") == ["This code is already in use (codes are unique across all pools)."]
    assert PromoPool.objects.count() == 1


def test_a_pool_without_uses_is_deleted_with_its_codes(admin_client, world):
    pool = make_pool(world["coded"])
    codes_generate(pool=pool, count=30)

    confirm = admin_client.get(pool_url(pool, "delete"))
    response = admin_client.post(pool_url(pool, "delete"), {"post": "yes"})

    assert confirm.status_code == 200
    assert confirm.context["deleted_objects"] == ["Spring", "30 promo codes"]
    assert response.status_code == 302
    assert not PromoPool.objects.exists()
    assert not PromoCode.objects.exists()


def test_a_pool_whose_codes_receipts_carry_is_not_deleted_and_the_page_says_why(admin_client, world):
    pool = make_pool(world["coded"])
    codes_generate(pool=pool, count=3)
    use(PromoCode.objects.first(), world["register"], timezone.now())

    response = admin_client.post(pool_url(pool, "delete"), {"post": "yes"}, follow=True)

    assert response.redirect_chain[-1][0] == pool_url(pool)
    assert messages_of(response) == [
        "Receipts carry codes of this pool: it cannot be deleted. Set its validity to end instead."
    ]
    assert PromoPool.objects.filter(pk=pool.pk).exists()
    assert PromoCode.objects.filter(pool=pool).count() == 3


# The pool's page


def test_the_pool_page_shows_its_totals_and_uses_per_day(admin_client, world):
    pool = make_pool(world["coded"])
    codes_generate(pool=pool, count=6)
    first, second, third, fourth = PromoCode.objects.order_by("pk")[:4]
    now = timezone.now()
    use(first, world["register"], now)
    use(second, world["register"], now - timedelta(days=3))
    use(third, world["register"], now - timedelta(days=40))  # before the chart's 30 days
    use(fourth, world["register"], now, released=True)  # a full refund gave it back

    html = admin_client.get(pool_url(pool)).content.decode()

    totals = {key: html.split(f'data-total="{key}">', 1)[1].split("<", 1)[0] for key in ("generated", "used")}
    assert totals == {"generated": "6", "used": "3"}
    assert 'data-total="remaining">3<' in html
    assert 'data-total="expired">0<' in html
    today = timezone.localdate()
    assert html.count('class="promo-bar') == 30
    assert f'data-day="{today.isoformat()}" data-uses="1"' in html
    assert f'data-day="{(today - timedelta(days=3)).isoformat()}" data-uses="1"' in html
    assert f'data-day="{(today - timedelta(days=1)).isoformat()}" data-uses="0"' in html
    assert "2 uses in the last 30 days, at most 1 a day." in html
    assert f'{CODES}?pool={pool.pk}"' in html
    assert f'{pool_url(pool, "export")}"' in html
    assert 'id="promo-generate"' in html
    assert 'id="promo-import"' in html
    assert "promocodes/pool_admin.js" in html


def test_the_pool_list_counts_used_and_remaining_codes(admin_client, world):
    single = make_pool(world["coded"], name="Flyers")
    codes_generate(pool=single, count=5)
    use(PromoCode.objects.filter(pool=single).first(), world["register"], timezone.now())
    make_pool(world["coded"], name="Radio", kind="multi_use", code="RADIO", max_uses=10, max_uses_per_contact=None)
    use(PromoCode.objects.get(code="RADIO"), world["register"], timezone.now())

    response = admin_client.get(POOLS)

    rows = {pool.name: pool.used_count for pool in response.context["cl"].result_list}
    assert rows == {"Flyers": 1, "Radio": 1}
    html = response.content.decode()
    assert "Flyers" in html
    assert "Radio" in html


def test_the_pool_list_counts_the_uses_of_an_unlimited_multi_use_code_from_its_receipts(admin_client, world):
    # given: a code without a limit in total, used on two receipts; like the till, nothing counts on its row
    make_pool(world["coded"], name="Welcome", kind="multi_use", code="HELLO", max_uses=None, max_uses_per_contact=None)
    code = PromoCode.objects.get(code="HELLO")
    use(code, world["register"], timezone.now())
    use(code, world["register"], timezone.now() - timedelta(days=1))
    PromoCode.objects.filter(pk=code.pk).update(uses=0, status="active", used_at=None, purchase=None)

    # when
    response = admin_client.get(POOLS)

    # then
    rows = {pool.name: pool.used_count for pool in response.context["cl"].result_list}
    assert rows == {"Welcome": 2}


# Generating codes


def test_a_few_codes_are_generated_within_the_request(admin_client, world):
    pool = make_pool(world["coded"], prefix="SPR-")

    response = admin_client.post(pool_url(pool, "generate"), {"count": "25"}, follow=True)

    assert response.redirect_chain == [(pool_url(pool), 302)]
    assert messages_of(response) == ["25 codes generated; the pool has 25."]
    codes = list(PromoCode.objects.filter(pool=pool).values_list("code", flat=True))
    assert len(codes) == 25
    assert all(code.startswith("SPR-") and len(code) == 12 for code in codes)
    assert not GenerationJob.objects.exists()


def test_more_codes_than_the_sync_limit_go_to_a_job_whose_progress_is_polled(
    admin_client, world, settings, django_capture_on_commit_callbacks
):
    settings.PROMO_GENERATE_SYNC_LIMIT = 10
    pool = make_pool(world["coded"])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(pool_url(pool, "generate"), {"count": "40"})

    assert response.status_code == 302
    assert len(callbacks) == 1  # the Celery task, queued once the job is committed (eager here)
    job = GenerationJob.objects.get()
    assert (job.pool, job.requested, job.generated, job.status) == (pool, 40, 40, "done")
    assert PromoCode.objects.filter(pool=pool).count() == 40
    progress = admin_client.get(pool_url(pool, "jobs")).json()
    assert progress["running"] is False
    assert [(j["id"], j["status"], j["generated"], j["requested"], j["percent"]) for j in progress["jobs"]] == [
        (job.pk, "done", 40, 40, 100)
    ]
    assert progress["totals"] == {"generated": "40", "used": "0", "remaining": "40", "expired": "0"}


def test_a_running_job_shows_a_progress_bar_that_the_page_follows(admin_client, world):
    pool = make_pool(world["coded"])
    job = GenerationJob.objects.create(pool=pool, requested=200, generated=50, status="running")

    html = admin_client.get(pool_url(pool)).content.decode()
    progress = admin_client.get(pool_url(pool, "jobs")).json()

    assert f'data-url="{pool_url(pool, "jobs")}" data-running="1"' in html
    assert f'data-job="{job.pk}"' in html
    assert 'data-job-bar style="width: 25%"' in html
    assert progress["running"] is True
    assert progress["jobs"][0]["percent"] == 25
    assert progress["jobs"][0]["text"] == "50 of 200 (25%)"
    assert "totals" not in progress


def test_the_service_refusing_a_generation_is_shown_on_the_form(admin_client, world):
    pool = make_pool(world["coded"], kind="multi_use", code="RADIO", max_uses_per_contact=None)

    response = admin_client.post(pool_url(pool, "generate"), {"count": "5"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"count": ["Not for a multi-use pool."]}
    assert "A multi-use pool has one code" in response.content.decode()
    assert PromoCode.objects.filter(pool=pool).count() == 1


# Import and export


def test_an_import_adds_the_good_rows_and_lists_the_bad_ones(admin_client, world):
    pool = make_pool(world["coded"])
    elsewhere = make_pool(world["coded"], name="Elsewhere")
    codes_import(pool=elsewhere, content="TAKEN-1\n")
    content = "code\nabc-123\nABC-123\nnot a code!\ntaken-1\nzz-9\n"
    upload = io.BytesIO(content.encode())
    upload.name = "codes.csv"

    response = admin_client.post(pool_url(pool, "import"), {"file": upload})

    assert response.status_code == 200
    result = response.context["result"]
    assert (result["imported"], result["total"], result["error_count"]) == (2, 2, 3)
    assert [(row["row"], row["code"], row["error"]) for row in result["rows"]] == [
        (3, "ABC-123", "duplicate_in_file"),
        (4, "not a code!", "malformed"),
        (5, "TAKEN-1", "duplicate"),
    ]
    html = response.content.decode()
    assert "repeated in the file" in html
    assert "already exists (codes are unique across all pools)" in html
    assert 'data-import="imported">2<' in html
    assert sorted(PromoCode.objects.filter(pool=pool).values_list("code", flat=True)) == ["ABC-123", "ZZ-9"]


def test_an_import_into_a_multi_use_pool_is_refused_on_the_file(admin_client, world):
    pool = make_pool(world["coded"], kind="multi_use", code="RADIO", max_uses_per_contact=None)
    upload = io.BytesIO(b"X1\n")
    upload.name = "codes.csv"

    response = admin_client.post(pool_url(pool, "import"), {"file": upload})

    assert response.context["form"].errors["file"] == ["Not for a multi-use pool."]
    assert response.context["result"] is None


def test_the_export_streams_the_pools_codes_as_csv(admin_client, world):
    pool = make_pool(world["coded"], name="Spring flyers")
    codes_import(pool=pool, content="BBB-2\nAAA-1\n")
    use(PromoCode.objects.get(code="AAA-1"), world["register"], timezone.now())

    response = admin_client.get(pool_url(pool, "export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="promo-codes-{pool.pk}-spring-flyers.csv"'
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode())  # so that Excel reads the file as UTF-8
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["code", "status", "uses", "used_at", "store", "register", "purchase_id", "receipt_number"]
    assert [(row[0], row[1], row[2], row[4]) for row in rows[1:]] == [
        ("BBB-2", "active", "0", ""),
        ("AAA-1", "used", "1", "Main street"),
    ]


def test_the_export_in_russian_is_semicolon_separated_with_local_times(admin_client, world):
    pool = make_pool(world["coded"], name="Spring flyers")
    codes_import(pool=pool, content="AAA-1\n")
    use(PromoCode.objects.get(code="AAA-1"), world["register"], datetime(2026, 12, 5, 11, 3, 59, tzinfo=UTC))

    response = admin_client.get(pool_url(pool, "export"), headers={"accept-language": "ru"})

    lines = b"".join(response.streaming_content).decode("utf-8").splitlines()
    assert lines[0] == "\ufeffcode;status;uses;used_at;store;register;purchase_id;receipt_number"
    assert lines[1].split(";")[:5] == ["AAA-1", "used", "1", "2026-12-05 14:03", "Main street"]


def test_the_export_as_xlsx_has_the_same_rows_with_local_times(admin_client, world):
    from openpyxl import load_workbook

    pool = make_pool(world["coded"], name="Spring flyers")
    codes_import(pool=pool, content="BBB-2\nAAA-1\n")
    use(PromoCode.objects.get(code="AAA-1"), world["register"], datetime(2026, 12, 5, 11, 3, 59, tzinfo=UTC))

    response = admin_client.get(pool_url(pool, "export") + "?format=xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == f'attachment; filename="promo-codes-{pool.pk}-spring-flyers.xlsx"'
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("code", "status", "uses", "used_at", "store", "register", "purchase_id", "receipt_number")
    assert [row[:5] for row in rows[1:]] == [
        ("BBB-2", "active", 0, None, None),
        ("AAA-1", "used", 1, datetime(2026, 12, 5, 14, 3, 59), "Main street"),
    ]


def test_a_semicolon_file_imports_its_code_column(admin_client, world):
    pool = make_pool(world["coded"])
    upload = io.BytesIO("номер;code\r\n1;imp-1\r\n2;IMP-2\r\n".encode("cp1251"))
    upload.name = "codes.csv"

    response = admin_client.post(pool_url(pool, "import"), {"file": upload})

    assert response.context["result"]["imported"] == 2
    assert sorted(PromoCode.objects.filter(pool=pool).values_list("code", flat=True)) == ["IMP-1", "IMP-2"]


# The codes


def test_a_code_is_found_by_its_lower_case_text_or_its_beginning(admin_client, world):
    pool = make_pool(world["coded"])
    codes_import(pool=pool, content="SPRING-AB12\nSPRING-CD34\nOTHER-1\n")

    exact = admin_client.get(CODES, {"q": "  spring-ab12 "})
    beginning = admin_client.get(CODES, {"q": "spring-"})
    nothing = admin_client.get(CODES, {"q": "autumn"})
    middle = admin_client.get(CODES, {"q": "ab12"})  # not from the start: no index could answer it

    assert [code.code for code in exact.context["cl"].result_list] == ["SPRING-AB12"]
    assert sorted(code.code for code in beginning.context["cl"].result_list) == ["SPRING-AB12", "SPRING-CD34"]
    assert list(nothing.context["cl"].result_list) == []
    assert list(middle.context["cl"].result_list) == []


def test_codes_are_filtered_by_pool_and_status(admin_client, world):
    spring = make_pool(world["coded"], name="Spring")
    codes_import(pool=spring, content="S-1\nS-2\n")
    use(PromoCode.objects.get(code="S-1"), world["register"], timezone.now())
    ended = make_pool(
        world["coded"],
        name="Ended",
        valid_from=timezone.now() - timedelta(days=10),
        valid_to=timezone.now() - timedelta(days=1),
    )
    codes_import(pool=ended, content="E-1\n")

    def listed(**query) -> list[str]:
        return sorted(code.code for code in admin_client.get(CODES, query).context["cl"].result_list)

    assert listed(pool=spring.pk) == ["S-1", "S-2"]
    assert listed(status="used") == ["S-1"]
    assert listed(status="active") == ["S-2"]
    assert listed(status="expired") == ["E-1"]
    assert listed(pool=ended.pk, status="active") == []
    html = admin_client.get(CODES, {"pool": ended.pk}).content.decode()
    assert "expired" in html


def test_codes_are_read_only_and_never_counted(admin_client, world):
    pool = make_pool(world["coded"])
    codes_import(pool=pool, content="S-1\n")
    code = PromoCode.objects.get()

    assert admin_client.get(reverse("admin:promocodes_promocode_add")).status_code == 403
    page = admin_client.get(reverse("admin:promocodes_promocode_change", args=[code.pk]))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert admin_client.get(reverse("admin:promocodes_promocode_delete", args=[code.pk])).status_code == 403
    changelist = admin_client.get(CODES).context["cl"]
    assert changelist.show_full_result_count is False
    assert changelist.model_admin.paginator.__name__ == "InfinitePaginator"


@pytest.mark.parametrize("name", ["promocode", "codeuse", "generationjob", "attemptblock"])
def test_the_read_only_pages_open(admin_client, world, name):
    pool = make_pool(world["coded"])
    codes_import(pool=pool, content="S-1\n")
    code = PromoCode.objects.get()
    objects = {
        "promocode": code,
        "codeuse": use(code, world["register"], timezone.now()),
        "generationjob": GenerationJob.objects.create(pool=pool, requested=10, generated=10, status="done"),
        "attemptblock": AttemptBlock.objects.create(register=world["register"], attempts=21, codes=["X1", "X2"]),
    }

    listing = admin_client.get(reverse(f"admin:promocodes_{name}_changelist"))
    page = admin_client.get(reverse(f"admin:promocodes_{name}_change", args=[objects[name].pk]))

    assert listing.status_code == 200
    assert [row.pk for row in listing.context["cl"].result_list] == [objects[name].pk]
    assert page.status_code == 200
    assert admin_client.get(reverse(f"admin:promocodes_{name}_add")).status_code == 403


def test_code_uses_are_found_by_code(admin_client, world):
    pool = make_pool(world["coded"])
    codes_import(pool=pool, content="S-1\nS-2\n")
    first = use(PromoCode.objects.get(code="S-1"), world["register"], timezone.now())
    use(PromoCode.objects.get(code="S-2"), world["register"], timezone.now())

    found = admin_client.get(reverse("admin:promocodes_codeuse_changelist"), {"q": "s-1"}).context["cl"].result_list

    assert [row.pk for row in found] == [first.pk]


# Brand scoping


@pytest.fixture
def marketer(manager):
    """The brand-limited manager, also allowed to work with campaigns and promo codes."""
    manager.user_permissions.add(*Permission.objects.filter(content_type__app_label__in=["campaigns", "promocodes"]))
    return manager


def test_a_limited_manager_sees_only_their_brands_pools_and_codes(marketer, manager_brand, world):
    own_campaign = CampaignFactory(brand=manager_brand, name="Our codes", requires_code=True)
    CampaignFactory(brand=manager_brand, name="Our plain one")
    own = make_pool(own_campaign, name="Ours")
    codes_import(pool=own, content="OURS-1\n")
    foreign = make_pool(world["coded"], name="Theirs")
    codes_import(pool=foreign, content="THEIRS-1\n")
    GenerationJob.objects.create(pool=foreign, requested=1, generated=1, status="done")
    client = Client()
    client.force_login(marketer)

    assert [pool.name for pool in client.get(POOLS).context["cl"].result_list] == ["Ours"]
    assert client.get(pool_url(own)).status_code == 200
    assert client.get(pool_url(foreign)).status_code == 302  # "does not exist", back to the admin's index
    for view in ("export", "jobs", "generate", "import"):
        assert client.get(pool_url(foreign, view)).status_code == 404
    assert client.post(pool_url(foreign, "generate"), {"count": "5"}).status_code == 404
    assert [code.code for code in client.get(CODES).context["cl"].result_list] == ["OURS-1"]
    assert list(client.get(CODES, {"q": "theirs-1"}).context["cl"].result_list) == []
    codes_page = client.get(CODES).content.decode()
    assert "Theirs" not in codes_page
    jobs = client.get(reverse("admin:promocodes_generationjob_changelist")).context["cl"].result_list
    assert list(jobs) == []
    add = client.get(ADD_POOL)
    form = add.context["adminform"].form
    assert [str(label) for value, label in form.fields["campaign"].choices if value] == [
        "Managed brand · Our codes",
        "Managed brand · Our plain one",
    ]
    assert form.initial["brand"] == manager_brand.pk


def test_a_manager_who_may_only_view_pools_cannot_add_codes(manager, manager_brand):
    manager.user_permissions.add(Permission.objects.get(codename="view_promopool"))
    pool = make_pool(CampaignFactory(brand=manager_brand, requires_code=True))
    client = Client()
    client.force_login(manager)

    page = client.get(pool_url(pool)).content.decode()

    assert "You may look at this pool but not add codes to it." in page
    assert client.post(pool_url(pool, "generate"), {"count": "5"}).status_code == 403
    assert client.get(pool_url(pool, "export")).status_code == 200
    assert not PromoCode.objects.exists()


# The campaign's page


def test_the_campaign_page_lists_its_pools_and_offers_a_new_one(admin_client, world):
    campaign = world["coded"]
    pool = make_pool(campaign, name="Spring flyers")
    codes_generate(pool=pool, count=12)

    html = admin_client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk])).content.decode()
    add_link = f"{ADD_POOL}?campaign={campaign.pk}&amp;brand={campaign.brand_id}"
    prefilled = admin_client.get(ADD_POOL, {"campaign": campaign.pk, "brand": campaign.brand_id})

    assert f'href="{pool_url(pool)}">Spring flyers</a> · 12 codes' in html
    assert add_link in html
    initial = prefilled.context["adminform"].form.initial
    assert (initial["campaign"], initial["brand"]) == (str(campaign.pk), str(campaign.brand_id))


def test_a_campaign_without_codes_says_how_to_get_them(admin_client, world):
    html = admin_client.get(reverse("admin:campaigns_campaign_change", args=[world["plain"].pk])).content.decode()

    assert "Switch “requires a promo code” on (and save) to unlock this campaign with codes." in html
    assert ADD_POOL not in html


# Russian


def test_the_pool_pages_speak_russian(admin_client, world):
    pool = make_pool(world["coded"])
    GenerationJob.objects.create(pool=pool, requested=10, generated=5, status="running")

    page = admin_client.get(pool_url(pool), headers={"accept-language": "ru"}).content.decode()
    generate = admin_client.get(pool_url(pool, "generate"), headers={"accept-language": "ru"}).content.decode()
    progress = admin_client.get(pool_url(pool, "jobs"), headers={"accept-language": "ru"}).json()

    assert "Сгенерировать коды" in page
    assert "Импорт кодов" in page
    assert "выгрузить коды (CSV)" in page
    assert "0 применений за последние 30 дней, не больше 0 в день." in page
    assert "Пулы промокодов" in admin_client.get(POOLS, headers={"accept-language": "ru"}).content.decode()
    assert "Сгенерировать" in generate
    assert progress["jobs"][0]["status_label"] == "выполняется"
    assert progress["jobs"][0]["text"] == "5 из 10 (50%)"
