from rest_framework import serializers

from contacts.models import BlacklistEntry, SubscriptionChange


class BlacklistEntrySerializer(serializers.ModelSerializer):
    phone = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=64)
    email = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=254)

    class Meta:
        model = BlacklistEntry
        fields = ["id", "phone", "email", "reason", "created_at", "updated_at"]


class SubscriptionChangeSerializer(serializers.ModelSerializer):
    user: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = SubscriptionChange
        fields = ["channel", "subscribed", "at", "user", "source"]
