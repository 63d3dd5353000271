"""The admin's home page (unfold's `DASHBOARD_CALLBACK`): the marketer's overview of their brands over the last 30
days against the 30 before (the same figures as `GET /analytics/overview`), revenue by day, the running campaigns
with the receipts they touched and what they cost, and the way into each dashboard. Staff who may not read the
analytics get the plain list of what they may open."""

from datetime import timedelta
from typing import Any

from django.db.models import Q, Sum
from django.http import HttpRequest
from django.utils import timezone

from analytics.dashboards.pages import figure_cards, revenue_chart
from analytics.dashboards.views import PERMISSION, dashboard_links
from analytics.router import analytics_reads
from analytics.summaries.freshness import summaries_catch_up
from analytics.summaries.models import CampaignDay
from analytics.summaries.overview import answer_of, money, page_sums
from analytics.summaries.scope import Period, Scope, scope_of
from campaigns.choices import CampaignStatus
from campaigns.models import Campaign

HOME_DAYS = 30
CAMPAIGNS_SHOWN = 10


def running_campaigns(user: Any, scope: Scope) -> list[dict[str, Any]]:
    """The user's active campaigns running now, latest started first, each with what its counted receipts got from
    it since it started: `receipts`, `discount`, `points` and `cost` (discount + points × point value)."""
    now = timezone.now()
    campaigns = Campaign.objects.for_user(user).filter(status=CampaignStatus.ACTIVE, starts_at__lte=now)
    campaigns = campaigns.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
    if scope.brands is not None:
        campaigns = campaigns.filter(brand_id__in=scope.brands)
    shown = list(campaigns.select_related("brand").order_by("-starts_at", "-pk")[:CAMPAIGNS_SHOWN])
    totals = {
        row["campaign_id"]: row
        for row in CampaignDay.objects.filter(campaign_id__in=[campaign.pk for campaign in shown])
        .order_by()
        .values("campaign_id")
        .annotate(receipts=Sum("receipts"), discount=Sum("discount"), points=Sum("points"), cost=Sum("value"))
    }
    return [
        {
            "campaign": campaign,
            "receipts": int(totals.get(campaign.pk, {}).get("receipts") or 0),
            "discount": money(totals.get(campaign.pk, {}).get("discount")),
            "points": money(totals.get(campaign.pk, {}).get("points")),
            "cost": money(totals.get(campaign.pk, {}).get("cost")),
        }
        for campaign in shown
    ]


def home_overview(user: Any) -> dict[str, Any]:
    """Everything the home page shows, for the user's brands."""
    today = timezone.localdate()
    period = Period(first=today - timedelta(days=HOME_DAYS - 1), last=today)
    scope = scope_of(user, brand_required=False)
    freshness = summaries_catch_up(("days",))
    with analytics_reads():
        page = page_sums(scope, period, ("day",), counted=())
        answer = answer_of(page, period)
        chart = revenue_chart(scope, period, page.groups["day"])
        campaigns = running_campaigns(user, scope)
    return {
        "period": period,
        "previous": period.previous(),
        "brands": scope.brands,
        "cards": figure_cards(answer),
        "chart": chart,
        "campaigns": campaigns,
        "freshness": freshness,
    }


def dashboard_callback(request: HttpRequest, context: dict[str, Any]) -> dict[str, Any]:
    user = request.user
    if user.has_perm(PERMISSION):
        from analytics.finders import PLOTLY_JS

        context.update(home=home_overview(user), dashboards=dashboard_links(), plotly_js=PLOTLY_JS)
    return context
