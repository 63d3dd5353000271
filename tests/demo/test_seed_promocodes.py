"""`manage.py seed_demo` seeds the demo promo codes: a flyer pool of generated single-use codes and a welcome code
per brand, receipts that carried some of them through the checkout, the codes printed, a second run that
changes nothing, and a printed flyer code applied at the till."""

import pytest

from demo.promocodes import FLYER_CODES, FLYER_POOL, WELCOME_POOL
from loyalty.models import Brand, Purchase
from promocodes.choices import CodeStatus, PoolKind
from promocodes.codes import ALPHABET
from promocodes.models import CodeUse, PromoCode, PromoPool
from tests.demo.seeding import seed
from tests.factories import RegisterFactory
from tests.loyalty.pos_support import calculate, ok, pos_client

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_a_flyer_pool_and_a_welcome_code_per_brand_and_uses_some():
    # when
    output = seed()

    # then: two pools per brand, each unlocking a campaign that needs a code
    brands = list(Brand.objects.order_by("pk"))
    for brand in brands:
        flyer = PromoPool.objects.get(brand=brand, name=FLYER_POOL.ru)
        welcome = PromoPool.objects.get(brand=brand, name=WELCOME_POOL.ru)
        assert (flyer.kind, flyer.total_codes) == (PoolKind.SINGLE_USE, FLYER_CODES)
        assert (welcome.kind, welcome.max_uses_per_contact) == (PoolKind.MULTI_USE, 1)
        assert flyer.campaign.requires_code
        assert welcome.campaign.requires_code
        assert all(set(code[1:]) <= set(ALPHABET) for code in flyer.codes.values_list("code", flat=True))
    # some codes were burned by receipts confirmed through the checkout, each use tied to its purchase
    used = PromoCode.objects.filter(status=CodeStatus.USED, pool__name=FLYER_POOL.ru)
    assert used.count() > 0
    assert CodeUse.objects.filter(pool__name=FLYER_POOL.ru).count() == used.count()
    assert not Purchase.objects.filter(code_uses__isnull=False, discount=0).exists()
    assert f"promo pools: 6, promo codes: {3 * (FLYER_CODES + 1)}, promo codes used: {used.count()}" in output
    assert output.count("Promo codes of brand") == 3


def test_a_second_seed_changes_no_promo_code():
    # given
    seed()
    before = (PromoPool.objects.count(), PromoCode.objects.count(), CodeUse.objects.count())

    # when
    output = seed()

    # then
    assert (PromoPool.objects.count(), PromoCode.objects.count(), CodeUse.objects.count()) == before
    present = output.split("Already present, left as they were: ")[1].splitlines()[0].rstrip(".").split(", ")
    assert "promo codes" in present


def test_a_printed_flyer_code_takes_500_off_a_receipt_of_2000_at_the_till():
    # given: the seeded data and one of the flyer codes the seed printed
    output = seed()
    brand = Brand.objects.order_by("pk").first()
    assert brand is not None
    line = next(text for text in output.splitlines() if text.startswith(f"Promo codes of brand {brand.pk}:"))
    flyer_code = line.split("flyer ")[1].split()[0]
    client = pos_client(RegisterFactory(store=brand.stores.order_by("pk").first()))
    body = {"lines": [{"sku": "NOT-IN-CATALOGUE", "quantity": "1", "price": "2500.00"}]}

    # when
    answer = ok(calculate(client, {**body, "promo_codes": [flyer_code.lower()]}))
    without = ok(calculate(client, body))

    # then
    assert answer["promo_codes"] == [{"code": flyer_code, "status": "applied"}]
    assert answer["totals"]["discount"] == "500.00"
    assert without["totals"]["discount"] == "0.00"
