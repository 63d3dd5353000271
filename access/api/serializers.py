"""`staff-users`: username, write-only password, brands, `all_brands`, roles."""

from typing import Any

from django.contrib.auth import get_user_model
from rest_framework import serializers

from access.models import StaffProfile
from access.roles import ROLE_NAMES
from loyalty.models import Brand


class StaffUserSerializer(serializers.ModelSerializer):
    password = serializers.CharField(write_only=True, required=False, trim_whitespace=False, max_length=128)
    brands = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Brand.objects.all(), source="managed_brands"
    )
    all_brands = serializers.BooleanField(required=False, default=False)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=ROLE_NAMES), required=False)

    class Meta:
        model = get_user_model()
        fields = [
            "id",
            "username",
            "password",
            "first_name",
            "last_name",
            "email",
            "is_active",
            "brands",
            "all_brands",
            "roles",
            "last_login",
            "date_joined",
        ]
        read_only_fields = ["last_login", "date_joined"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is None and not attrs.get("password"):
            raise serializers.ValidationError({"password": [serializers.Field.default_error_messages["required"]]})
        if "managed_brands" in attrs:
            attrs["brands"] = attrs.pop("managed_brands")
        return attrs

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        profile = StaffProfile.objects.filter(user=instance).first()
        data["all_brands"] = bool(profile and profile.all_brands)
        data["roles"] = sorted(group.name for group in instance.groups.all() if group.name in ROLE_NAMES)
        return data
