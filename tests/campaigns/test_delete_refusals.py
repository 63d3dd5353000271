"""Deleting a campaign receipts used, or a segment campaigns target: one rule in the service
(`campaign_delete_refusal`, `segment_delete_refusal`); the admin says it before its confirmation page, the API
answers 409 `protected` with the same message."""

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, CampaignUsage, Segment
from tests.factories import CampaignFactory, SegmentFactory
from tests.helpers import assert_error, url
from tests.loyalty.pos_support import make_till

pytestmark = pytest.mark.django_db

CAMPAIGN_USED = "Receipts have used this campaign: finish it instead of deleting it, to keep its history."


def admin_delete(client, obj, *, confirm: bool) -> object:
    """The object's delete page: opened (GET), or confirmed (POST), following the redirect."""
    opts = obj._meta
    target = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
    if confirm:
        return client.post(target, {"post": "yes"}, follow=True)
    return client.get(target, follow=True)


def refusal_shown(response, obj) -> list[str]:
    """The messages of a refused deletion, which sends the user back to the object's page."""
    opts = obj._meta
    assert response.redirect_chain == [
        (reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]), 302)
    ]
    return [str(message) for message in response.context["messages"]]


def used_campaign() -> Campaign:
    campaign = CampaignFactory(status="active")
    CampaignUsage.objects.create(campaign=campaign, purchase_id=1, at=timezone.now())
    return campaign


@pytest.mark.parametrize("confirm", [False, True], ids=["delete-page", "confirmation"])
def test_a_used_campaign_is_refused_with_the_same_message_in_the_admin_and_the_api(
    admin_client, superuser_client, confirm
):
    # given
    in_admin, in_api = used_campaign(), used_campaign()

    # when
    page = admin_delete(admin_client, in_admin, confirm=confirm)
    answer = superuser_client.delete(url("campaigns", in_api.pk))

    # then
    error = assert_error(answer, 409, "protected", fields={})
    assert refusal_shown(page, in_admin) == [error["message"]] == [CAMPAIGN_USED]
    assert Campaign.objects.count() == 2


def test_an_unused_campaign_is_deleted_in_the_admin_and_the_api(admin_client, superuser_client):
    # given
    in_admin, in_api = CampaignFactory(), CampaignFactory()

    # when
    page = admin_delete(admin_client, in_admin, confirm=False)
    deleted = admin_delete(admin_client, in_admin, confirm=True)
    answer = superuser_client.delete(url("campaigns", in_api.pk))

    # then: the admin asked for the confirmation first
    assert (page.status_code, page.redirect_chain) == (200, [])
    assert deleted.redirect_chain == [(reverse("admin:campaigns_campaign_changelist"), 302)]
    assert answer.status_code == 204
    assert not Campaign.objects.exists()


def test_a_targeted_segment_is_refused_with_the_same_message_in_the_admin_and_the_api(admin_client, superuser_client):
    # given: two segments a campaign targets
    till = make_till()
    in_admin, in_api = SegmentFactory(program=till.program), SegmentFactory(program=till.program)
    for segment in (in_admin, in_api):
        CampaignFactory(brand=till.brand, name="Birthday", audience={"type": "segment", "segment": segment.pk})

    # when
    page = admin_delete(admin_client, in_admin, confirm=False)
    answer = superuser_client.delete(url("segments", in_api.pk))

    # then
    error = assert_error(answer, 409, "protected", fields={})
    assert refusal_shown(page, in_admin) == [error["message"]]
    assert error["message"] == "Campaigns target this segment: Birthday. Change their audience first."
    assert Segment.objects.count() == 2
