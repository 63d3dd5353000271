"""Management API views of campaigns, product segments and customer segments.

Every write goes through a service: `campaign_save` (validation that names the field, snapshot bump so the next POS
request sees the change), `campaign_pause`/`campaign_resume`, `product_segment_save`, `segment_save` and the
membership services. `POST /campaigns/{id}/simulate` lives with the POS views (it is a checkout calculation).
"""

from typing import Any, cast

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from campaigns import filtersets
from campaigns.api import serializers as s
from campaigns.api.effect import CampaignEffectSerializer, EffectQuerySerializer, effect_answer
from campaigns.effect import campaign_effect
from campaigns.models import Campaign, ProductSegment, Segment
from campaigns.segments.selectors import segment_members, segment_preview
from campaigns.services.campaigns import (
    campaign_delete,
    campaign_duplicate,
    campaign_pause,
    campaign_resume,
    campaign_save,
    product_segment_preview,
    product_segment_save,
)
from campaigns.services.segments import (
    segment_delete,
    segment_members_add,
    segment_members_remove,
    segment_recompute,
    segment_save,
)
from common.api.permissions import IsStaff
from common.api.viewsets import ScopedModelViewSet
from contacts.models import Contact


class PermissionMixin:
    def require(self, request: Request, permission: str) -> None:
        """Extra actions check the model permission they need (a POST is not always an "add")."""
        if not request.user.has_perm(permission):
            self.permission_denied(request)  # type: ignore[attr-defined]


class CampaignViewSet(PermissionMixin, ScopedModelViewSet):
    """Campaigns of the user's brands; a change applies to the very next POS request."""

    queryset = Campaign.objects.all()
    serializer_class = s.CampaignSerializer
    filterset_class = filtersets.CampaignFilter
    ordering_fields = ["id", "name", "priority", "starts_at", "ends_at", "created_at"]

    def perform_create(self, serializer: BaseSerializer[Campaign]) -> None:
        data = dict(serializer.validated_data)
        data.setdefault("starts_at", timezone.now())
        serializer.instance = campaign_save(campaign=Campaign(**data), user=self.request.user)

    def perform_update(self, serializer: BaseSerializer[Campaign]) -> None:
        campaign = serializer.instance
        assert campaign is not None
        for key, value in serializer.validated_data.items():
            setattr(campaign, key, value)
        serializer.instance = campaign_save(campaign=campaign, user=self.request.user)

    def perform_destroy(self, instance: Campaign) -> None:
        campaign_delete(campaign=instance)

    def _answer(self, campaign: Campaign, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(campaign).data, status=code)

    @extend_schema(request=None, responses={201: s.CampaignSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsStaff])
    def duplicate(self, request: Request, pk: str | None = None) -> Response:
        """A draft copy of the campaign (same rules and product segment), owned by the caller."""
        self.require(request, "campaigns.add_campaign")
        campaign = cast(Campaign, self.get_object())
        return self._answer(campaign_duplicate(campaign=campaign, user=request.user), status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.CampaignSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsStaff])
    def pause(self, request: Request, pk: str | None = None) -> Response:
        """Active → paused (409 `invalid_status` from any other status)."""
        self.require(request, "campaigns.change_campaign")
        return self._answer(campaign_pause(campaign=cast(Campaign, self.get_object())))

    @extend_schema(request=None, responses=s.CampaignSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsStaff])
    def resume(self, request: Request, pk: str | None = None) -> Response:
        """Paused → active (409 `invalid_status` from any other status)."""
        self.require(request, "campaigns.change_campaign")
        return self._answer(campaign_resume(campaign=cast(Campaign, self.get_object())))

    @extend_schema(parameters=[EffectQuerySerializer], responses=CampaignEffectSerializer)
    @action(detail=True, methods=["get"], filterset_class=None)
    def effect(self, request: Request, pk: str | None = None) -> Response:
        """What the campaign touched and cost, and its audience's revenue per contact against the control group
        held out: `uplift` with its 95 % interval, or null and a `reason` (`campaigns.effect`)."""
        campaign = cast(Campaign, self.get_object())
        query = EffectQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = campaign_effect(
            campaign, now=timezone.now(), start=query.validated_data.get("from"), end=query.validated_data.get("to")
        )
        return Response(CampaignEffectSerializer(effect_answer(found)).data)


class ProductSegmentViewSet(PermissionMixin, ScopedModelViewSet):
    """Sets of a brand's products: SKUs, whole categories (descendants included), minus exclusions."""

    queryset = ProductSegment.objects.prefetch_related("categories")
    serializer_class = s.ProductSegmentSerializer
    filterset_class = filtersets.ProductSegmentFilter
    ordering_fields = ["id", "name", "created_at"]

    def _save(self, segment: ProductSegment, serializer: BaseSerializer[ProductSegment]) -> None:
        data = dict(serializer.validated_data)
        categories = data.pop("categories", None)
        saved = product_segment_save(segment=segment, data=data, categories=categories)
        serializer.instance = self.get_queryset().get(pk=saved.pk)

    def perform_create(self, serializer: BaseSerializer[ProductSegment]) -> None:
        self._save(ProductSegment(), serializer)

    def perform_update(self, serializer: BaseSerializer[ProductSegment]) -> None:
        assert serializer.instance is not None
        self._save(serializer.instance, serializer)

    @extend_schema(responses=s.ProductSegmentPreviewSerializer)
    @action(detail=True, methods=["get"])
    def preview(self, request: Request, pk: str | None = None) -> Response:
        """How many products the segment matches, and the first 20 by SKU."""
        segment = cast(ProductSegment, self.get_object())
        preview = product_segment_preview(segment)
        return Response(s.ProductSegmentPreviewSerializer(preview, context=self.get_serializer_context()).data)


class SegmentViewSet(PermissionMixin, ScopedModelViewSet):
    """Customer segments of a program: rules and the members as last recomputed (or added by hand)."""

    queryset = Segment.objects.all()
    serializer_class = s.SegmentSerializer
    filterset_class = filtersets.SegmentFilter
    ordering_fields = ["id", "name", "size", "recomputed_at", "created_at"]

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "preview":
            return s.SegmentPreviewRequestSerializer
        if self.action == "members":
            return s.SegmentMemberSerializer if self.request.method == "GET" else s.SegmentContactsSerializer
        if self.action == "remove_members":
            return s.SegmentContactsSerializer
        return super().get_serializer_class()

    def perform_create(self, serializer: BaseSerializer[Segment]) -> None:
        serializer.instance = segment_save(segment=Segment(), data=dict(serializer.validated_data))

    def perform_update(self, serializer: BaseSerializer[Segment]) -> None:
        assert serializer.instance is not None
        serializer.instance = segment_save(segment=serializer.instance, data=dict(serializer.validated_data))

    def perform_destroy(self, instance: Segment) -> None:
        segment_delete(segment=instance)

    def _contacts(self, request: Request) -> list[Contact]:
        body = s.SegmentContactsSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        return cast(list[Contact], body.validated_data["contacts"])

    @extend_schema(methods=["GET"], responses=s.SegmentMemberSerializer(many=True))
    @extend_schema(methods=["POST"], request=s.SegmentContactsSerializer, responses=s.SegmentAddedSerializer)
    @action(detail=True, methods=["get", "post"], permission_classes=[IsStaff], filterset_class=None)
    def members(self, request: Request, pk: str | None = None) -> Response:
        """GET: the members (paginated; needs the contacts' view permission too). POST `{"contacts": [ids]}`: add
        them; those already in stay as they are."""
        if request.method == "GET":
            self.require(request, "campaigns.view_segment")
            self.require(request, "contacts.view_contact")  # the answer is contacts' names, phones and e-mails
        else:
            self.require(request, "campaigns.change_segment")
        segment = cast(Segment, self.get_object())
        if request.method == "POST":
            return Response(segment_members_add(segment=segment, contacts=self._contacts(request)))
        page = self.paginate_queryset(segment_members(segment))
        return self.get_paginated_response(s.SegmentMemberSerializer(page, many=True).data)

    @extend_schema(request=s.SegmentContactsSerializer, responses=s.SegmentRemovedSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="members/remove",
        permission_classes=[IsStaff],
        filterset_class=None,
    )
    def remove_members(self, request: Request, pk: str | None = None) -> Response:
        """`{"contacts": [ids]}`: take them out of the segment; contacts not in it are ignored."""
        self.require(request, "campaigns.change_segment")
        segment = cast(Segment, self.get_object())
        return Response(segment_members_remove(segment=segment, contacts=self._contacts(request)))

    @extend_schema(request=None, responses=s.SegmentSizeSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsStaff])
    def recompute(self, request: Request, pk: str | None = None) -> Response:
        """Recompute the membership from the rules and stamp `recomputed_at` → `{"size": N}`."""
        self.require(request, "campaigns.change_segment")
        segment = cast(Segment, self.get_object())
        return Response({"size": segment_recompute(segment=segment)})

    @extend_schema(request=s.SegmentPreviewRequestSerializer, responses=s.SegmentPreviewSerializer)
    @action(detail=False, methods=["post"], permission_classes=[IsStaff], filterset_class=None)
    def preview(self, request: Request) -> Response:
        """`{"program", "rules"}` → how many of the program's contacts the rules match now, and the first 20 (by
        id); nothing is saved. Invalid rules are 400 on `rules`, saying where (as on save)."""
        self.require(request, "campaigns.view_segment")
        self.require(request, "contacts.view_contact")  # the sample is contacts
        body = s.SegmentPreviewRequestSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        found = segment_preview(program=body.validated_data["program"], rules=body.validated_data["rules"])
        return Response(s.SegmentPreviewSerializer(found, context=self.get_serializer_context()).data)
