"""`staff-users`: superusers and `all_brands` staff manage the staff, their brands and roles."""

from typing import Any

from django.db.models import QuerySet
from rest_framework import viewsets
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.serializers import BaseSerializer

from access.api.serializers import StaffUserSerializer
from access.services import staff_user_create, staff_user_update, staff_users_visible_to
from common.api.permissions import StaffModelPermissions
from common.scoping import user_scope


class UnlimitedStaffOnly(BasePermission):
    """Only superusers and `all_brands` staff manage staff: a brand-limited user gets 403."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return user_scope(request.user).unlimited


class StaffUserViewSet(viewsets.ModelViewSet):
    """Staff users: only superusers and `all_brands` staff see any (with Django's user permissions)."""

    serializer_class = StaffUserSerializer
    permission_classes = [StaffModelPermissions, UnlimitedStaffOnly]
    ordering_fields = ["id", "username", "date_joined"]
    ordering = ["id"]
    filterset_fields = ["is_active", "username"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Any]:
        return staff_users_visible_to(self.request.user).prefetch_related("groups", "managed_brands")

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        serializer.instance = staff_user_create(data=dict(serializer.validated_data))

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        assert serializer.instance is not None
        serializer.instance = staff_user_update(user=serializer.instance, data=dict(serializer.validated_data))
