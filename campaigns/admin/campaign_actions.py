"""The campaign's actions: pause, resume and duplicate, on the list (selected campaigns) and on the page (dialogs);
the warning about other active campaigns on the same products, on save and on activation."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.decorators import action
from unfold.forms import BaseDialogForm

from campaigns.choices import CampaignStatus
from campaigns.models import Campaign
from campaigns.services.campaigns import campaign_duplicate, campaign_pause, campaign_resume
from campaigns.services.overlaps import CampaignOverlap, campaign_overlaps
from common.admin import change_url, redirect_after_dialog
from common.errors import DomainError


class CampaignActionsMixin:
    """For `CampaignAdmin`: status changes and copies go through the services, refusals are reported as messages."""

    message_user: Any
    get_queryset: Any
    has_change_permission: Any
    has_add_permission: Any

    def has_status_permission(self, request: HttpRequest, object_id: Any = None) -> bool:
        if not self.has_change_permission(request):
            return False
        return object_id is None or self.get_queryset(request).filter(pk=object_id).exists()

    def get_actions_detail(self, request: HttpRequest, object_id: Any) -> list[Any]:
        """The page's buttons: Pause only on an active campaign, Resume only on a paused one. Posting either to a
        campaign in another status still reaches the service, which says why it refuses (a page left open)."""
        actions = super().get_actions_detail(request, object_id)  # type: ignore[misc]
        status = self.get_queryset(request).filter(pk=object_id).values_list("status", flat=True).first()
        hidden = {
            "campaigns_campaign_pause_detail": status != CampaignStatus.ACTIVE,
            "campaigns_campaign_resume_detail": status != CampaignStatus.PAUSED,
        }
        return [action for action in actions if not hidden.get(action.action_name, False)]

    def warn_overlaps(self, request: HttpRequest, campaign: Campaign) -> None:
        """One warning per other active campaign of the brand on some of the same products, with what the two give
        together on a sample basket against this campaign alone (`campaign_overlaps`)."""
        for overlap in campaign_overlaps(campaign=campaign, user=request.user, now=timezone.now()):
            self.message_user(request, overlap_message(overlap), messages.WARNING)

    def _status_change(
        self, request: HttpRequest, queryset: QuerySet, change: Callable[..., Campaign], done: Any
    ) -> None:
        changed = 0
        for campaign in queryset.order_by("pk"):
            try:
                changed_campaign = change(campaign=campaign)
            except DomainError as exc:
                self.message_user(request, f"“{campaign}”: {exc.message}", messages.WARNING)
            else:
                changed += 1
                if change is campaign_resume:
                    self.warn_overlaps(request, changed_campaign)
        if changed:
            self.message_user(request, done(changed) % {"count": changed}, messages.SUCCESS)

    @admin.action(description=_("Pause selected campaigns"), permissions=["change"])
    def pause_campaigns(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._status_change(
            request,
            queryset,
            campaign_pause,
            lambda count: ngettext("%(count)d campaign paused.", "%(count)d campaigns paused.", count),
        )

    @admin.action(description=_("Resume selected campaigns"), permissions=["change"])
    def resume_campaigns(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._status_change(
            request,
            queryset,
            campaign_resume,
            lambda count: ngettext("%(count)d campaign resumed.", "%(count)d campaigns resumed.", count),
        )

    @admin.action(description=_("Duplicate selected campaigns"), permissions=["add"])
    def duplicate_campaigns(self, request: HttpRequest, queryset: QuerySet) -> None:
        for campaign in queryset.order_by("pk"):
            copy = campaign_duplicate(campaign=campaign, user=request.user)
            self._report_copy(request, campaign, copy)

    def _report_copy(self, request: HttpRequest, campaign: Campaign, copy: Campaign) -> None:
        self.message_user(
            request,
            format_html(
                str(_('“{campaign}” duplicated as a draft: <a class="underline" href="{url}">{copy}</a>.')),
                campaign=campaign,
                url=change_url(copy),
                copy=copy,
            ),
            messages.SUCCESS,
        )

    def _detail_status(self, request: HttpRequest, object_id: str, change: Callable[..., Campaign], done: Any) -> Any:
        campaign = get_object_or_404(self.get_queryset(request), pk=object_id)
        try:
            changed = change(campaign=campaign)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.WARNING)
        else:
            self.message_user(request, done, messages.SUCCESS)
            if change is campaign_resume:
                self.warn_overlaps(request, changed)
        return redirect_after_dialog(request, change_url(campaign))

    @action(
        description=_("Pause"),
        url_path="pause",
        permissions=["status"],
        icon="pause",
        dialog={
            "title": _("Pause the campaign?"),
            "description": _("It stops applying from the next receipt; resume it at any time."),
            "form_class": BaseDialogForm,
            "form_submit_text": _("Pause"),
        },
    )
    def pause_detail(self, request: HttpRequest, form: BaseDialogForm, object_id: str) -> HttpResponse:
        return self._detail_status(request, object_id, campaign_pause, _("The campaign is paused."))

    @action(
        description=_("Resume"),
        url_path="resume",
        permissions=["status"],
        icon="play_arrow",
        dialog={
            "title": _("Resume the campaign?"),
            "description": _("It applies again from the next receipt."),
            "form_class": BaseDialogForm,
            "form_submit_text": _("Resume"),
        },
    )
    def resume_detail(self, request: HttpRequest, form: BaseDialogForm, object_id: str) -> HttpResponse:
        return self._detail_status(request, object_id, campaign_resume, _("The campaign is active again."))

    @action(
        description=_("Duplicate"),
        url_path="duplicate",
        permissions=["duplicate"],
        icon="content_copy",
        dialog={
            "title": _("Duplicate the campaign?"),
            "description": _("The copy is a draft with the same rules and product segment."),
            "form_class": BaseDialogForm,
            "form_submit_text": _("Duplicate"),
        },
    )
    def duplicate_detail(self, request: HttpRequest, form: BaseDialogForm, object_id: str) -> HttpResponse:
        campaign = get_object_or_404(self.get_queryset(request), pk=object_id)
        copy = campaign_duplicate(campaign=campaign, user=request.user)
        self._report_copy(request, campaign, copy)
        return redirect_after_dialog(request, change_url(copy))

    def has_duplicate_permission(self, request: HttpRequest, object_id: Any = None) -> bool:
        return self.has_add_permission(request) and self.has_status_permission(request, object_id)


def _amount(value: Any) -> str:
    return number_format(value, decimal_pos=2, force_grouping=True)


def overlap_message(overlap: CampaignOverlap) -> str:
    """The warning's text: the other campaign linked, the products in common, and the sample basket's figures."""
    other = format_html('<a class="underline" href="{}">“{}”</a>', change_url(overlap.campaign), overlap.campaign)
    if not overlap.skus:
        return format_html(
            str(
                _(
                    "{other} is also active on {count} of the same products; none of them has a list price to show "
                    "what the two give together."
                )
            ),
            other=other,
            count=overlap.shared,
        )
    text = format_html(
        str(
            _(
                "{other} is also active on {count} of the same products. On a sample basket ({skus}, one of each at "
                "list price: {base}) the two together give a discount of {together}, against {alone} for this "
                "campaign alone."
            )
        ),
        other=other,
        count=overlap.shared,
        skus=", ".join(overlap.skus),
        base=_amount(overlap.base),
        together=_amount(overlap.together.discount),
        alone=_amount(overlap.alone.discount),
    )
    if overlap.together.points or overlap.alone.points:
        text += format_html(
            " " + str(_("Points: {together} together, {alone} for this campaign alone.")),
            together=_amount(overlap.together.points),
            alone=_amount(overlap.alone.points),
        )
    return text
