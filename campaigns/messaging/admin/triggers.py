"""Triggers in the admin: saved through the service (a template that does not render is refused on the form), their
figures on the page, and a preview of the message for a chosen contact. The event is picked by its label among the
known types, or typed as a custom type ("other…"); the API takes and returns the code either way."""

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import display
from unfold.widgets import UnfoldAdminSelectWidget, UnfoldAdminTextInputWidget

from campaigns.messaging.dispatcher import render_trigger
from campaigns.messaging.models import Trigger
from campaigns.messaging.selectors import trigger_figures
from campaigns.messaging.services.triggers import EDITABLE_FIELDS, EVENT_PATTERN, trigger_clean, trigger_save
from campaigns.segments.fields import EVENT_TYPES
from common.admin import BrandScopedAdminMixin, DomainErrorMessageMixin, add_domain_error, copy_saved_fields
from common.errors import DomainError
from contacts.models import Contact, ContactEvent

FIGURES_TEMPLATE = "admin/messaging/trigger/figures.html"
PREVIEW_TEMPLATE = "admin/messaging/trigger/preview.html"
# The known event types (the product's own and the web's) with their labels in the user's language.
EVENT_LABELS = dict(EVENT_TYPES)
EVENT_TYPE_HELP = _("An event type: a-z, 0-9, _ and ., up to 64.")


def event_label(code: str) -> str:
    """A known event type's label; a custom type as it is."""
    label = EVENT_LABELS.get(code)
    return str(label) if label is not None else code


class EventTypeWidget(forms.MultiWidget):
    """The known event types by their labels in a select, with "other…" for a custom type typed in the text input
    under it (shown only then, by static/messaging/trigger_admin.css). Posted as `event` (the select) and
    `event_other`; the value is the code either way, and a code posted as `event` alone is taken as it is."""

    OTHER = "__other__"
    use_fieldset = False

    class Media:
        css = {"all": ("messaging/trigger_admin.css",)}

    def __init__(self) -> None:
        choices = [("", "---------"), *EVENT_TYPES, (self.OTHER, _("other…"))]
        select = UnfoldAdminSelectWidget(attrs={"data-event-type": ""}, choices=choices)
        other = UnfoldAdminTextInputWidget(
            attrs={
                "data-event-other": "",
                "maxlength": 64,
                "placeholder": EVENT_TYPE_HELP,
                "aria-label": EVENT_TYPE_HELP,
            }
        )
        super().__init__({"": select, "other": other})

    def decompress(self, value: Any) -> list[str]:
        if not value:
            return ["", ""]
        return [value, ""] if value in EVENT_LABELS else [self.OTHER, value]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        # one code, not MultiWidget's list of the parts: the form's field is a plain CharField
        choice = data.get(name) or ""
        if choice == self.OTHER:
            return (data.get(f"{name}_other") or "").strip()
        return choice

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0" if id_ else id_

    def use_required_attribute(self, initial: Any) -> bool:
        return False  # the hidden text input must not block the browser's submit; the form says what is missing


class TriggerAdminForm(forms.ModelForm):
    event = forms.CharField(
        label=capfirst(Trigger._meta.get_field("event").verbose_name),
        help_text=Trigger._meta.get_field("event").help_text,
        max_length=64,
        validators=[RegexValidator(EVENT_PATTERN, EVENT_TYPE_HELP)],
        widget=EventTypeWidget,
    )

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


class EventFilter(admin.SimpleListFilter):
    """The event types the user's triggers have, by their labels."""

    title = _("event")
    parameter_name = "event"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes = model_admin.get_queryset(request).order_by().values_list("event", flat=True).distinct()
        return sorted(((code, event_label(code)) for code in codes), key=lambda item: item[1].lower())

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        return queryset.filter(event=value) if value else queryset


@admin.register(Trigger)
class TriggerAdmin(BrandScopedAdminMixin, DomainErrorMessageMixin, ModelAdmin):
    form = TriggerAdminForm
    list_display = ("name", "brand", "event_name", "channel", "active", "delay_minutes", "messages_link")
    list_filter = ("active", "channel", EventFilter, "brand")
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

    @display(description=_("event"), ordering="event")
    def event_name(self, obj: Trigger) -> str:
        return event_label(obj.event)

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
