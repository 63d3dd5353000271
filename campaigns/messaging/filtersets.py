import django_filters

from campaigns.messaging.choices import Channel, MessageStatus
from campaigns.messaging.models import Message, Trigger


class TriggerFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Trigger
        fields = ["brand", "event", "channel", "active", "segment", "name"]


class MessageFilter(django_filters.FilterSet):
    contact = django_filters.NumberFilter(field_name="contact_id")
    trigger = django_filters.NumberFilter(field_name="trigger_id")
    status = django_filters.ChoiceFilter(choices=MessageStatus.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    event = django_filters.CharFilter()
    reason = django_filters.CharFilter()

    class Meta:
        model = Message
        fields = ["contact", "trigger", "status", "channel", "event", "reason"]
