"""The campaign page's control group and "Effect" panel: the field with its help, the panel's placeholder (the page
computes nothing of it), the panel's figures, uplift and interval or the sentence that there is no control group,
each in a number of queries that does not grow with the data; scoped to the manager's brands."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from tests.campaigns.effect_support import buy, save_campaign, shoppers_by_group
from tests.campaigns.test_admin_campaigns import form_data
from tests.factories import BrandFactory
from tests.loyalty.pos_support import make_shopper, make_till

pytestmark = pytest.mark.django_db


def change_url(campaign: Campaign) -> str:
    return reverse("admin:campaigns_campaign_change", args=[campaign.pk])


def effect_url(campaign: Campaign) -> str:
    return reverse("admin:campaigns_campaign_effect", args=[campaign.pk])


def test_the_page_offers_the_control_group_and_a_placeholder_the_script_fills(admin_client):
    campaign = save_campaign(make_till().brand, control_percent=10)

    html = admin_client.get(change_url(campaign)).content.decode()

    assert 'name="control_percent"' in html
    assert 'value="10"' in html
    assert "held out to measure the campaign" in html
    assert f'data-campaign-effect="{effect_url(campaign)}"' in html
    assert "campaigns/campaign_effect.js" in html


def queries_before_and_after_more_receipts(client, url_of) -> tuple[int, int]:
    """The queries of a GET with one buyer of a campaign with a control group, and with twelve more shoppers and
    receipts."""
    till = make_till()
    campaign = save_campaign(till.brand, control_percent=20)
    day = timezone.now() - timedelta(days=1)
    buy(till, make_shopper(till), "100.00", at=day, number="R0")
    with CaptureQueriesContext(connection) as small:
        assert client.get(url_of(campaign)).status_code == 200
    for number in range(12):
        buy(till, make_shopper(till), "100.00", at=day, number=f"R{number + 1}")
    with CaptureQueriesContext(connection) as large:
        client.get(url_of(campaign))
    return len(small), len(large)


def test_the_page_runs_no_more_queries_with_more_receipts_and_contacts(admin_client):
    small, large = queries_before_and_after_more_receipts(admin_client, change_url)

    assert large == small


def test_the_panel_runs_a_fixed_number_of_queries(admin_client):
    small, large = queries_before_and_after_more_receipts(admin_client, effect_url)

    assert large == small
    assert large <= 12


def test_the_panel_shows_what_was_touched_the_groups_and_the_uplift_with_its_interval(admin_client):
    # given: two target shoppers buying 200 (180 paid) and 100 (90 paid), two control shoppers buying 100 and 0
    till = make_till()
    campaign = save_campaign(till.brand, control_percent=50)
    (t1, t2), (c1, c2) = shoppers_by_group(till, campaign, target=2, control=2)
    till.program.enrollments.exclude(contact__in=[t1.contact, t2.contact, c1.contact, c2.contact]).delete()
    day = timezone.now() - timedelta(days=1)
    buy(till, t1, "200.00", at=day, number="T1")
    buy(till, t2, "100.00", at=day, number="T2")
    buy(till, c1, "100.00", at=day, number="C1")

    # when
    response = admin_client.get(effect_url(campaign))

    # then: 135 per target contact against 50 per control contact: +170 %
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-total="receipts">2<' in html
    assert 'data-total="revenue">270.00<' in html
    assert 'data-total="discount">30.00<' in html
    context = response.context
    assert [(row["key"], row["group"].contacts, row["group"].buyers) for row in context["groups"]] == [
        ("target", 2, 2),
        ("control", 2, 1),
    ]
    assert 'data-uplift="1.7"' in html
    assert "Uplift: +170.0 %" in html
    assert "95 % interval" in html


def test_without_a_control_group_the_panel_says_so(admin_client):
    till = make_till()
    campaign = save_campaign(till.brand)
    buy(till, make_shopper(till), "100.00", at=timezone.now() - timedelta(hours=1), number="N1")

    html = admin_client.get(effect_url(campaign)).content.decode()

    assert "No control group" in html
    assert "Uplift" not in html


def test_saving_the_control_group_in_the_form_and_a_share_above_50_explained(admin_client):
    brand = make_till().brand
    add = reverse("admin:campaigns_campaign_add")

    refused = admin_client.post(add, form_data(brand, control_percent="60"))
    saved = admin_client.post(add, form_data(brand, control_percent="25"))

    errors = refused.context["adminform"].form.errors["control_percent"]
    assert errors == ["Ensure this value is less than or equal to 50."]
    assert saved.status_code == 302
    assert Campaign.objects.get().control_percent == 25


def test_a_limited_manager_does_not_see_another_brands_effect(manager, manager_brand):
    manager.user_permissions.add(*Permission.objects.filter(content_type__app_label="campaigns"))
    own = save_campaign(make_till(brand=manager_brand).brand)
    foreign = save_campaign(make_till(brand=BrandFactory()).brand)
    client = Client()
    client.force_login(manager)

    assert client.get(effect_url(own)).status_code == 200
    assert client.get(effect_url(foreign)).status_code == 404
