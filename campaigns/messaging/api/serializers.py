from typing import Any

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from campaigns.messaging.choices import QuietHoursZone
from campaigns.messaging.models import Message, Trigger
from campaigns.messaging.services.triggers import EDITABLE_FIELDS, EVENT_PATTERN, parse_quiet_hours
from common.api.viewsets import ScopedModelSerializer


class TriggerSerializer(ScopedModelSerializer):
    event = serializers.CharField(
        max_length=64, validators=[RegexValidator(EVENT_PATTERN, _("An event type: a-z, 0-9, _ and ., up to 64."))]
    )
    # ["22:00", "09:00"] (from, to), or null / [] for none; stored as two times
    quiet_hours = serializers.JSONField(required=False, allow_null=True, write_only=True)
    quiet_hours_zone = serializers.ChoiceField(choices=QuietHoursZone.choices, source="quiet_zone", required=False)
    conditions = serializers.JSONField(required=False)

    class Meta:
        model = Trigger
        # the service's fields, the quiet hours as the contract spells them
        fields = [
            "id",
            *(name for name in EDITABLE_FIELDS if name not in ("quiet_from", "quiet_to", "quiet_zone")),
            "quiet_hours",
            "quiet_hours_zone",
            "created_at",
            "updated_at",
        ]

    def to_representation(self, instance: Trigger) -> dict[str, Any]:
        data = super().to_representation(instance)
        if instance.quiet_from is not None and instance.quiet_to is not None:
            data["quiet_hours"] = [instance.quiet_from.strftime("%H:%M"), instance.quiet_to.strftime("%H:%M")]
        else:
            data["quiet_hours"] = []
        return data

    def to_internal_value(self, data: Any) -> Any:
        values = super().to_internal_value(data)
        if "quiet_hours" in values:
            values["quiet_from"], values["quiet_to"] = parse_quiet_hours(values.pop("quiet_hours"))
        return values


class MessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Message
        fields = ["id", *Message.SHOWN_FIELDS]
        read_only_fields = fields


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=16)


class ConfirmationSentSerializer(serializers.Serializer):
    message = serializers.IntegerField()
    status = serializers.CharField()
    expires_at = serializers.DateTimeField(required=False)
