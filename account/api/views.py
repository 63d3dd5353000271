"""The personal account's API: logging in by an SMS code, then, with `Authorization: Customer <token>`, the
customer's own account. Every view reaches the contact through the token; ids and numbers in a request only
ever select among the customer's own objects (anything else is 404)."""

from typing import Any, cast

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from account.api import serializers as s
from account.api.authentication import CustomerTokenAuthentication, CustomerUser, IsCustomer
from account.selectors.history import KINDS, AccountHistory
from account.selectors.overview import account_overview
from account.services.login import CODE_LIFETIME, customer_login, login_code_send
from account.services.profile import account_card_block, account_profile_update
from account.services.tokens import customer_token_revoke
from account.wallet.apple import CONTENT_TYPE, pkpass, require_apple_config
from account.wallet.cards import own_card
from account.wallet.google import google_configured, google_save_url
from account.wallet.state import not_configured
from common.errors import InvalidInput
from common.login_throttle import client_ip
from contacts.models import Contact


class PublicView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]


class OtpView(PublicView):
    @extend_schema(request=s.OtpSerializer, responses={202: s.OtpAnswerSerializer})
    def post(self, request: Request) -> Response:
        body = s.OtpSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        login_code_send(phone=body.validated_data["phone"], ip=client_ip(request._request))
        return Response({"expires_in": int(CODE_LIFETIME.total_seconds())}, status=status.HTTP_202_ACCEPTED)


class LoginView(PublicView):
    @extend_schema(request=s.LoginSerializer, responses=s.TokenAnswerSerializer)
    def post(self, request: Request) -> Response:
        body = s.LoginSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        login = customer_login(
            phone=body.validated_data["phone"],
            code=body.validated_data["code"],
            source=body.validated_data.get("source", ""),
        )
        return Response({"token": login.key, "registered": login.registered})


class CustomerView(GenericAPIView):
    authentication_classes = [CustomerTokenAuthentication]
    permission_classes = [IsCustomer]

    @property
    def customer(self) -> CustomerUser:
        return cast(CustomerUser, self.request.user)

    @property
    def contact(self) -> Contact:
        return self.customer.contact


class LogoutView(CustomerView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        customer_token_revoke(token=self.customer.token)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(CustomerView):
    @extend_schema(responses=s.MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(s.MeSerializer(account_overview(contact=self.contact)).data)

    @extend_schema(request=s.ProfileSerializer, responses=s.MeSerializer)
    def patch(self, request: Request) -> Response:
        body = s.ProfileSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        contact = account_profile_update(contact=self.contact, data=body.validated_data)
        return Response(s.MeSerializer(account_overview(contact=contact)).data)


class HistoryView(CustomerView):
    """The customer's purchases and points entries, newest first, paginated (`AccountHistory`, not a queryset)."""

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema's generator asks for the listed model
            return Contact.objects.none()
        raise NotImplementedError("HistoryView pages AccountHistory, not a queryset")

    @extend_schema(
        parameters=[OpenApiParameter("type", str, enum=list(KINDS), description="Only purchases or only entries.")],
        responses=s.HistoryItemSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        kind = request.query_params.get("type") or None
        if kind is not None and kind not in KINDS:
            raise InvalidInput("type: purchase or entry.", fields={"type": ["purchase or entry."]})
        page = self.paginate_queryset(AccountHistory(self.contact, kind))  # type: ignore[arg-type]
        rows = s.HistoryItemSerializer(page, many=True, context={"now": timezone.now()}).data
        return self.get_paginated_response(rows)


class CardBlockView(CustomerView):
    @extend_schema(request=None, responses=s.BlockedCardSerializer)
    def post(self, request: Request, number: str) -> Response:
        return Response(s.BlockedCardSerializer(account_card_block(contact=self.contact, number=number)).data)


CARD_PARAMETER = OpenApiParameter("card", str, description="The card's number (default: the first active card).")


class WalletAppleView(CustomerView):
    @extend_schema(
        parameters=[CARD_PARAMETER],
        responses={(200, CONTENT_TYPE): OpenApiTypes.BINARY, 404: OpenApiResponse(description="not_configured")},
    )
    def get(self, request: Request) -> HttpResponse:
        require_apple_config()
        data, _state = pkpass(own_card(self.contact, request.query_params.get("card")))
        response = HttpResponse(data, content_type=CONTENT_TYPE)
        response["Content-Disposition"] = 'attachment; filename="card.pkpass"'
        return response


class WalletGoogleView(CustomerView):
    @extend_schema(
        parameters=[CARD_PARAMETER],
        responses=inline_serializer("GoogleWalletLink", {"url": serializers.URLField()}),
    )
    def get(self, request: Request) -> Response:
        if not google_configured():
            raise not_configured()
        return Response({"url": google_save_url(own_card(self.contact, request.query_params.get("card")))})
