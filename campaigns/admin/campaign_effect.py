"""The campaign page's "Effect" panel: what the campaign touched and cost, and the uplift over its control group.

The page itself runs none of it: the panel is a placeholder the page's script fills from `effect/` (the figures of
`campaigns.effect.campaign_effect`, a fixed number of queries, but over the whole audience of a large program they
take a moment), so the page opens as fast with a million contacts behind the campaign as with none.
"""

from typing import Any

from django.contrib.admin.utils import unquote
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from campaigns.effect import REASONS, CampaignEffect, campaign_effect
from campaigns.effect.interval import CONFIDENCE
from campaigns.models import Campaign


def effect_context(effect: CampaignEffect) -> dict[str, Any]:
    """The panel's figures, the uplift and its interval in percent (or why there is none)."""
    uplift = effect.uplift

    def percent(value: float | None) -> float | None:
        return None if value is None else value * 100

    touched = [
        {"label": _("receipts"), "value": effect.receipts, "key": "receipts"},
        {"label": _("their revenue"), "value": effect.revenue, "amount": True, "key": "revenue"},
        {"label": _("discount given"), "value": effect.discount, "amount": True, "key": "discount"},
        {"label": _("points given"), "value": effect.points, "amount": True, "key": "points"},
    ]
    groups = [
        {"key": "target", "label": _("target (got the campaign)"), "group": effect.target},
        {"key": "control", "label": _("control (held out)"), "group": effect.control},
    ]
    return {
        "effect": effect,
        "touched": touched,
        "groups": groups,
        "uplift": percent(uplift.value),
        "uplift_low": percent(uplift.low),
        "uplift_high": percent(uplift.high),
        "confidence": round(CONFIDENCE * 100),
        "reason": REASONS[uplift.reason] if uplift.reason else None,
    }


class CampaignEffectMixin:
    """For `CampaignAdmin`: the `effect` read-only field (a placeholder) and the view that fills it."""

    admin_site: Any
    get_object: Any
    has_view_or_change_permission: Any

    def get_urls(self) -> list[URLPattern]:
        effect = path(
            "<path:object_id>/effect/",
            self.admin_site.admin_view(self.effect_view),
            name="campaigns_campaign_effect",
        )
        return [effect, *super().get_urls()]  # type: ignore[misc]

    def effect_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The panel's content, for the page's script (a campaign the user may not see is not found)."""
        campaign = self.get_object(request, unquote(object_id))
        if campaign is None or not self.has_view_or_change_permission(request, campaign):
            raise Http404
        found = campaign_effect(campaign, now=timezone.now())
        return TemplateResponse(request, "admin/campaigns/campaign/effect_panel.html", effect_context(found))

    @display(description=_("effect"), wrapper_class="max-w-none min-w-0 grow")
    def effect(self, obj: Campaign) -> str:
        if obj.pk is None:
            return "—"
        url = reverse("admin:campaigns_campaign_effect", args=[obj.pk])
        return render_to_string("admin/campaigns/campaign/effect_placeholder.html", {"url": url})
