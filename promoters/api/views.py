"""The promoters API: `stands` (CRUD and `/{id}/stats`) and `leads` (`POST` captures one; reading lists them)."""

from typing import Any, cast

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from common.api.errors import error_body
from common.api.viewsets import ScopedModelViewSet
from common.login_throttle import client_ip
from promoters.api import serializers as s
from promoters.filtersets import LeadFilter, StandFilter
from promoters.models import Lead, Stand
from promoters.selectors import lead_figures, leads_for_user, own_stands_only
from promoters.services import LeadInput, lead_answer, lead_capture, stand_save
from promoters.services.limits import TooManyLeads


class StandViewSet(ScopedModelViewSet):
    queryset = Stand.objects.all()
    serializer_class = s.StandSerializer
    filterset_class = StandFilter
    ordering_fields = ["id", "name", "starts_at", "created_at"]

    def get_queryset(self) -> QuerySet[Any]:
        stands = super().get_queryset()
        if own_stands_only(self.request.user):
            stands = stands.filter(promoters=self.request.user)
        return stands.prefetch_related("promoters")

    def perform_create(self, serializer: BaseSerializer[Stand]) -> None:
        serializer.instance = stand_save(stand=Stand(), data=dict(serializer.validated_data))

    def perform_update(self, serializer: BaseSerializer[Stand]) -> None:
        assert serializer.instance is not None
        serializer.instance = stand_save(stand=serializer.instance, data=dict(serializer.validated_data))

    @extend_schema(responses={200: s.StandStatsSerializer})
    @action(detail=True, methods=["get"])
    def stats(self, request: Request, pk: str | None = None) -> Response:
        """Leads, new contacts and welcome points of the stand, per promoter and per hour (server time)."""
        stand = cast(Stand, self.get_object())
        figures = lead_figures(leads_for_user(request.user).filter(stand=stand), period="hour")
        body = {
            "stand": stand.pk,
            "leads": figures.leads,
            "new_contacts": figures.new_contacts,
            "welcome_points": figures.welcome_points,
            "per_promoter": figures.per_promoter,
            "per_hour": figures.per_period,
        }
        return Response(s.StandStatsSerializer(body).data)


class LeadViewSet(ScopedModelViewSet):
    """`POST /leads` captures a lead (the promoter's session or token); `GET` lists the leads the user may see."""

    queryset = Lead.objects.all()
    serializer_class = s.LeadSerializer
    filterset_class = LeadFilter
    ordering_fields = ["id", "captured_at", "created_at"]
    ordering = ["-id"]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Any]:
        leads = super().get_queryset()
        if own_stands_only(self.request.user):
            leads = leads.filter(pk__in=leads_for_user(self.request.user).values("pk"))
        return leads.select_related("card")

    @extend_schema(
        request=s.LeadCreateSerializer,
        responses={201: s.LeadAnswerSerializer},
        description=(
            "Capture a lead at a stand: a new contact (or the one holding the phone) enrolled in the stand's brand's "
            "program with a card, welcome points, `lead_captured` (and `contact_registered` when new). The same `id` "
            "answers the first lead again. 400 `blacklisted`, no `consent_terms` 400, another's or a closed stand "
            "403, too many leads from a stand or an address in a minute 429 `too_many_requests`."
        ),
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = s.LeadCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        values = form.validated_data
        data = LeadInput(
            client_id=values["id"],
            stand=values["stand"],
            phone=values["phone"],
            first_name=values["first_name"] or "",
            email=values["email"] or "",
            birth_date=values["birth_date"],
            consent_terms=values["consent_terms"],
            consent_marketing=values["consent_marketing"],
            consent_version=values["consent_version"] or "",
            captured_at=values["captured_at"],
            address=client_ip(request),
        )
        try:
            lead = lead_capture(user=request.user, data=data)
        except TooManyLeads as exc:
            return Response(
                error_body(exc.code, exc.message),
                status=exc.status_code,
                headers={"Retry-After": str(exc.retry_after)},
            )
        return Response(s.LeadAnswerSerializer(lead_answer(lead)).data, status=status.HTTP_201_CREATED)
