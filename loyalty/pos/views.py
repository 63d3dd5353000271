"""The POS API: registers authenticate with `Api-Key`; every call stamps the register's `last_seen_at`."""

from typing import Any, cast

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns.models import Campaign
from common.api.permissions import IsStaff
from common.api.renderers import FastJSONRenderer
from common.errors import InvalidInput
from loyalty.authentication import RegisterKeyAuthentication
from loyalty.models import Register, Store
from loyalty.pos import answers, checkout, examples, identification, refunds, simulation
from loyalty.pos import serializers as s
from loyalty.pos.fastparse import receipt_body
from loyalty.pos.idempotency import run_idempotent

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="One key per business operation: the same key and body replay the first answer.",
    examples=[OpenApiExample("A UUID", value="4f9c2d1e-7b3a-4c5d-9e8f-0a1b2c3d4e5f")],
)
CARD_EXAMPLE = OpenApiExample("A card", value=examples.CARD)


def _validated(serializer: Any) -> dict[str, Any]:
    """What the serializer makes of a body the fast path (`fastparse`) left to it: its data or the contract's 400."""
    serializer.is_valid(raise_exception=True)
    return cast(dict[str, Any], serializer.validated_data)


class IsRegister(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return getattr(request.user, "register", None) is not None


class PosView(APIView):
    authentication_classes = [RegisterKeyAuthentication]
    permission_classes = [IsRegister]
    renderer_classes = [FastJSONRenderer]

    @property
    def register(self) -> Register:
        return cast(Register, self.request.user.register)  # type: ignore[union-attr]


class CustomerView(PosView):
    @extend_schema(
        parameters=[
            OpenApiParameter("card", str, description="The card's number.", examples=[CARD_EXAMPLE]),
            OpenApiParameter("phone", str, description="The phone the customer gave at the till."),
            OpenApiParameter("contact_id", int, description="A contact enrolled in the register's program."),
        ],
        responses=s.CustomerAnswerSerializer,
        examples=examples.CUSTOMER,
    )
    def get(self, request: Request) -> Response:
        query = s.CustomerQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        customer = identification.identify(register=self.register, query=query.validated_data, with_expiring=True)
        return Response(answers.customer_answer(customer, with_expiring=True))


class CalculateView(PosView):
    @extend_schema(request=s.CalculateSerializer, responses=s.CalculationAnswerSerializer, examples=examples.CALCULATE)
    def post(self, request: Request) -> Response:
        data = receipt_body(request.data) or _validated(s.CalculateSerializer(data=request.data))
        checkout.codes_guard(register=self.register, data=data)
        calc = checkout.calculate(register=self.register, data=data)
        return Response(answers.calculation_answer(calc))


class PurchaseView(PosView):
    @extend_schema(
        request=s.ConfirmSerializer,
        responses={201: s.PurchaseAnswerSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        examples=examples.CONFIRM,
    )
    def post(self, request: Request) -> Response:
        data = receipt_body(request.data, confirm=True) or _validated(s.ConfirmSerializer(data=request.data))
        checkout.codes_guard(register=self.register, data=data)

        def action() -> tuple[int, dict[str, Any]]:
            _purchase, answer = checkout.confirm(register=self.register, data=data, savepoint=False)
            return 201, answer

        status_code, answer = run_idempotent(
            register=self.register,
            key=request.headers.get("Idempotency-Key"),
            endpoint="purchase",
            body=request.data,
            action=action,
        )
        return Response(answer, status=status_code)


class RefundView(PosView):
    @extend_schema(
        request=s.RefundSerializer,
        responses={200: s.RefundAnswerSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        examples=examples.REFUND,
    )
    def post(self, request: Request, purchase_id: int) -> Response:
        body = s.RefundSerializer(data=request.data if request.data is not None else {})
        body.is_valid(raise_exception=True)

        def action() -> tuple[int, dict[str, Any]]:
            return 200, refunds.refund(register=self.register, purchase_id=int(purchase_id), data=body.validated_data)

        status_code, answer = run_idempotent(
            register=self.register,
            key=request.headers.get("Idempotency-Key"),
            endpoint=f"refund:{purchase_id}",
            body=request.data,
            action=action,
        )
        return Response(answer, status=status_code)


class CampaignSimulateView(APIView):
    """`POST /campaigns/{id}/simulate`: the calculation with this campaign added to the active ones (staff)."""

    permission_classes = [IsStaff]

    @extend_schema(request=s.SimulateSerializer, responses=s.CalculationAnswerSerializer)
    def post(self, request: Request, pk: int) -> Response:
        if not request.user.has_perm("campaigns.view_campaign"):
            self.permission_denied(request)
        campaign = get_object_or_404(Campaign.objects.for_user(request.user).select_related("brand"), pk=pk)
        body = s.SimulateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        store = None
        if body.validated_data.get("store"):
            store = (
                Store.objects.for_user(request.user)
                .select_related("brand__program")
                .filter(pk=body.validated_data["store"])
                .first()
            )
            if store is None:
                raise InvalidInput(_("Unknown store."), fields={"store": [_("Unknown store.")]})
        answer = simulation.simulate(campaign=campaign, data=body.validated_data, store=store, user=request.user)
        return Response(answer)
