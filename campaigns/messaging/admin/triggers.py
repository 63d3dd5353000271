"""Triggers in the admin: saved through the service (a template that does not render is refused on the form), their
figures on the page, and a preview of the message for a chosen contact."""

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import display

from campaigns.messaging.dispatcher import render_trigger
from campaigns.messaging.models import Trigger
from campaigns.messaging.selectors import trigger_figures
from campaigns.messaging.services.triggers import EDITABLE_FIELDS, trigger_clean, trigger_save
from common.admin import BrandScopedAdminMixin, DomainErrorMessageMixin, add_domain_error, copy_saved_fields
from common.errors import DomainError
from contacts.models import Contact, ContactEvent

FIGURES_TEMPLATE = "admin/messaging/trigger/figures.html"
PREVIEW_TEMPLATE = "admin/messaging/trigger/preview.html"


class TriggerAdminForm(forms.ModelForm):
    class Meta:
        model = Trigger
        fields = EDITABLE_FIELDS

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        candidate = Trigger(pk=self.instance.pk, **{key: cleaned.get(key) for key in EDITABLE_FIELDS if key in cleaned})
        try:
            trigger_clean(candidate)
        except DomainError as exc:
            add_domain_error(self, exc)
        return cleaned


@admin.register(Trigger)
class TriggerAdmin(BrandScopedAdminMixin, DomainErrorMessageMixin, ModelAdmin):
    form = TriggerAdminForm
    list_display = ("name", "brand", "event", "channel", "active", "delay_minutes", "messages_link")
    list_filter = ("active", "channel", "event", "brand")
    list_select_related = ("brand",)
    search_fields = ("name", "event")
    autocomplete_fields = ("segment",)
    readonly_fields = ("figures", "preview_link", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "brand", "event", "active")}),
        (_("Message"), {"fields": ("channel", "subject", "template", "preview_link")}),
        (
            _("Who and when"),
            {"fields": ("conditions", "segment", "delay_minutes", ("quiet_from", "quiet_to"), "quiet_zone")},
        ),
        (_("Limits"), {"fields": (("max_per_contact", "per_days"), "confirmed_only")}),
        (_("Figures"), {"fields": ("figures", "created_at", "updated_at")}),
    )
    ordering = ("pk",)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """A link may fill the add page in, `conditions` as JSON (the segment page's "message when a contact
        enters it" gives `{"segment": id}`); JSON that does not parse is left out."""
        initial = super().get_changeform_initial_data(request)
        if isinstance(initial.get("conditions"), str):
            try:
                initial["conditions"] = json.loads(initial["conditions"])
            except ValueError:
                del initial["conditions"]
        return initial

    def save_model(self, request: HttpRequest, obj: Trigger, form: forms.ModelForm, change: bool) -> None:
        target = Trigger.objects.get(pk=obj.pk) if change else Trigger()
        data = {key: form.cleaned_data.get(key) for key in EDITABLE_FIELDS if key in form.cleaned_data}
        copy_saved_fields(trigger_save(trigger=target, data=data), obj)

    @display(description=_("messages"))
    def messages_link(self, obj: Trigger) -> str:
        url = reverse("admin:messaging_message_changelist") + f"?trigger__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("messages"))

    @display(description=_("figures"), wrapper_class="max-w-none min-w-0 grow")
    def figures(self, obj: Trigger) -> str:
        if obj.pk is None:
            return "—"
        return render_to_string(FIGURES_TEMPLATE, {"figures": trigger_figures(obj), "trigger": obj})

    @display(description=_("preview"))
    def preview_link(self, obj: Trigger) -> str:
        if obj.pk is None:
            return _("Save the trigger to preview it for a contact.")
        url = reverse("admin:messaging_trigger_preview", args=[obj.pk])
        return format_html('<a class="text-primary-600" href="{}">{}</a>', url, _("Preview for a contact"))

    def get_urls(self) -> list[Any]:
        preview = self.admin_site.admin_view(self.preview_view)
        return [path("<int:object_id>/preview/", preview, name="messaging_trigger_preview"), *super().get_urls()]

    def preview_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The trigger's message rendered for a contact the user may see, with the contact's latest event of the
        trigger's type (or none)."""
        trigger = self.get_queryset(request).filter(pk=object_id).select_related("brand__program").first()
        if trigger is None or not self.has_view_permission(request, trigger):
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(object_id))
        contact_id = request.GET.get("contact", "")
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Preview: %(name)s") % {"name": trigger.name},
            "trigger": trigger,
            "contact_id": contact_id,
        }
        if contact_id.isdigit() and len(contact_id) < 19:
            contact = Contact.objects.for_user(request.user).filter(pk=int(contact_id)).first()
            if contact is None:
                context["error"] = _("No such contact among yours.")
            else:
                event = ContactEvent.objects.filter(contact=contact, type=trigger.event).order_by("-at").first()
                try:
                    context["subject"], context["body"] = render_trigger(trigger, contact, event)
                except Exception as exc:  # the preview shows what a message would fail with
                    context["error"] = str(exc)
                context["contact"], context["event"] = contact, event
        return render(request, PREVIEW_TEMPLATE, context)
