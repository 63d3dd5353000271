"""A pool's figures and its deletion, decided once (`pool_remaining`, `pool_delete_refusal`): the API, the pool's
admin page and the pool list give the same answer."""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from promocodes.models import PromoCode, PromoPool
from promocodes.selectors import pool_totals
from tests.helpers import assert_error, url
from tests.loyalty.pos_support import Till, confirm, line, make_till, ok
from tests.promocodes.promo_support import coded_campaign, multi_pool, single_pool

pytestmark = pytest.mark.django_db

POOLS = "promo-pools"
IN_USE = "Receipts carry codes of this pool: it cannot be deleted. Set its validity to end instead."


def sell(till: Till, code: str, number: str) -> None:
    """An anonymous receipt confirmed with the code."""
    body = {"lines": [line("A", 1, "1000.00")], "promo_codes": [code], "receipt_number": number}
    ok(confirm(till.client, body, key=f"key-{number}"), 201)


def admin_page_remaining(client, pool: PromoPool) -> str:
    html = client.get(reverse("admin:promocodes_promopool_change", args=[pool.pk])).content.decode()
    return html.split('data-total="remaining">', 1)[1].split("<", 1)[0]


def admin_list_remaining(client, pool: PromoPool) -> str:
    changelist = client.get(reverse("admin:promocodes_promopool_changelist")).context["cl"]
    listed = next(obj for obj in changelist.result_list if obj.pk == pool.pk)
    return changelist.model_admin.codes_remaining(listed)


def limited(till: Till) -> PromoPool:
    pool = multi_pool(coded_campaign(till.brand), code="TEN-USES", max_uses=10)
    sell(till, "TEN-USES", "R-1")
    sell(till, "TEN-USES", "R-2")
    return pool


def unlimited(till: Till) -> PromoPool:
    pool = multi_pool(coded_campaign(till.brand), code="FOR-ALL", max_uses=None)
    sell(till, "FOR-ALL", "R-1")
    sell(till, "FOR-ALL", "R-2")
    return pool


def single(till: Till) -> PromoPool:
    pool = single_pool(coded_campaign(till.brand), generate=5)
    for number, code in enumerate(PromoCode.objects.filter(pool=pool).order_by("pk")[:2]):
        sell(till, code.code, f"R-{number}")
    return pool


def ended(till: Till) -> PromoPool:
    now = timezone.now()
    window = {"valid_from": now - timedelta(days=10), "valid_to": now - timedelta(days=1)}
    return single_pool(coded_campaign(till.brand), generate=3, **window)


@pytest.mark.parametrize(
    ("make", "remaining", "shown"),
    [(single, 3, "3"), (limited, 8, "8"), (unlimited, None, "unlimited"), (ended, 0, "0")],
    ids=["single-use", "multi-use-limited", "multi-use-unlimited", "window-closed"],
)
def test_remaining_is_the_same_in_the_api_the_pool_page_and_the_pool_list(
    admin_client, superuser_client, make: Any, remaining: int | None, shown: str
):
    # given
    pool = make(make_till())

    # when
    api = ok(superuser_client.get(url(POOLS, pool.pk)))["totals"]["remaining"]
    page = admin_page_remaining(admin_client, pool)
    listed = admin_list_remaining(admin_client, pool)

    # then: the selector decides, the API answers it, the admin formats it
    assert pool_totals(pool)["remaining"] == api == remaining
    assert page == listed == shown


def test_a_pool_receipts_used_is_refused_alike_before_the_admins_confirmation_and_in_the_api(
    admin_client, superuser_client
):
    # given: two pools whose codes receipts carry
    till = make_till()
    in_admin, in_api = unlimited(till), multi_pool(coded_campaign(till.brand), code="OTHER", max_uses=None)
    sell(till, "OTHER", "R-3")

    # when: the admin's delete page is opened; the API deletes
    page = admin_client.get(reverse("admin:promocodes_promopool_delete", args=[in_admin.pk]), follow=True)
    answer = superuser_client.delete(url(POOLS, in_api.pk))

    # then: the same message, said before any confirmation
    error = assert_error(answer, 409, "pool_in_use")
    assert page.redirect_chain == [(reverse("admin:promocodes_promopool_change", args=[in_admin.pk]), 302)]
    assert [str(message) for message in page.context["messages"]] == [error["message"]]
    assert error["message"] == IN_USE
    assert PromoPool.objects.count() == 2
