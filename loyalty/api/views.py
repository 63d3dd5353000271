"""Management API views: organisation, catalogue, tiers, cards, contacts, master accounts, staff tokens."""

from typing import Any, cast

from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from common.api.viewsets import ScopedModelViewSet
from common.login_throttle import TooManyLoginAttempts, lockout_message, login_refused
from common.scoping import user_scope
from contacts.models import Contact
from contacts.services import contact_update
from loyalty import filtersets
from loyalty.api import serializers as s
from loyalty.models import (
    Brand,
    Card,
    CardType,
    Category,
    Enrollment,
    MasterAccount,
    Partner,
    Product,
    Program,
    Register,
    Store,
    Tier,
)
from loyalty.services.cards import card_save
from loyalty.services.catalogue import category_save
from loyalty.services.contacts import contact_issue_card, contact_register, programs_for_user
from loyalty.services.master_accounts import master_account_create, master_account_update
from loyalty.services.registers import register_create, register_rotate_key


class AuthTokenView(APIView):
    """`POST /auth/token` with username and password → `{"token"}` for `Authorization: Token <token>`."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request: Request) -> str:
        # Without authenticators DRF would turn a wrong password into a 403; the contract says 401.
        return "Token"

    @extend_schema(request=s.TokenRequestSerializer, responses=s.TokenSerializer)
    def post(self, request: Request) -> Response:
        data = s.TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username, password = data.validated_data["username"], data.validated_data["password"]
        # Throttled (429) before the password is hashed; a failure below is counted through Django's signal.
        if login_refused(request, username):
            raise TooManyLoginAttempts(lockout_message(request))
        user = authenticate(request, username=username, password=password)
        if user is None or not user.is_active:
            raise AuthenticationFailed(_("Wrong username or password."))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class ProgramViewSet(ScopedModelViewSet):
    queryset = Program.objects.all()
    serializer_class = s.ProgramSerializer
    filterset_class = filtersets.ProgramFilter
    ordering_fields = ["id", "name", "created_at"]


class PartnerViewSet(ScopedModelViewSet):
    queryset = Partner.objects.all()
    serializer_class = s.PartnerSerializer
    filterset_class = filtersets.PartnerFilter
    ordering_fields = ["id", "name", "created_at"]


class BrandViewSet(ScopedModelViewSet):
    queryset = Brand.objects.all()
    serializer_class = s.BrandSerializer
    filterset_class = filtersets.BrandFilter
    ordering_fields = ["id", "name", "created_at"]


class StoreViewSet(ScopedModelViewSet):
    queryset = Store.objects.all()
    serializer_class = s.StoreSerializer
    filterset_class = filtersets.StoreFilter
    ordering_fields = ["id", "name", "city", "created_at"]


class RegisterViewSet(ScopedModelViewSet):
    queryset = Register.objects.select_related("store")
    serializer_class = s.RegisterSerializer
    filterset_class = filtersets.RegisterFilter
    ordering_fields = ["id", "code", "last_seen_at", "created_at"]

    @extend_schema(responses={201: s.RegisterCreatedSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        register, key = register_create(data=serializer.validated_data)
        register.api_key = key  # type: ignore[attr-defined]
        body = s.RegisterCreatedSerializer(register, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.ApiKeySerializer)
    @action(detail=True, methods=["post"], url_path="rotate-key")
    def rotate_key(self, request: Request, pk: str | None = None) -> Response:
        register = cast(Register, self.get_object())
        if not request.user.has_perm("loyalty.change_register"):
            self.permission_denied(request)
        return Response({"api_key": register_rotate_key(register=register)})


class CategoryViewSet(ScopedModelViewSet):
    queryset = Category.objects.all()
    serializer_class = s.CategorySerializer
    filterset_class = filtersets.CategoryFilter
    ordering_fields = ["id", "name", "path"]

    def perform_create(self, serializer: BaseSerializer[Category]) -> None:
        serializer.instance = category_save(category=Category(**serializer.validated_data))

    def perform_update(self, serializer: BaseSerializer[Category]) -> None:
        category = serializer.instance
        assert category is not None
        for key, value in serializer.validated_data.items():
            setattr(category, key, value)
        serializer.instance = category_save(category=category)


class ProductViewSet(ScopedModelViewSet):
    queryset = Product.objects.all()
    serializer_class = s.ProductSerializer
    filterset_class = filtersets.ProductFilter
    ordering_fields = ["id", "sku", "name", "price", "created_at"]


class TierViewSet(ScopedModelViewSet):
    queryset = Tier.objects.all()
    serializer_class = s.TierSerializer
    filterset_class = filtersets.TierFilter
    ordering_fields = ["id", "min_spend", "name"]


class CardTypeViewSet(ScopedModelViewSet):
    queryset = CardType.objects.all()
    serializer_class = s.CardTypeSerializer
    filterset_class = filtersets.CardTypeFilter


class CardViewSet(ScopedModelViewSet):
    queryset = Card.objects.select_related("card_type")
    serializer_class = s.CardSerializer
    filterset_class = filtersets.CardFilter
    ordering_fields = ["id", "number", "created_at"]

    def perform_create(self, serializer: BaseSerializer[Card]) -> None:
        serializer.instance = card_save(card=Card(), data=dict(serializer.validated_data))

    def perform_update(self, serializer: BaseSerializer[Card]) -> None:
        assert serializer.instance is not None
        serializer.instance = card_save(card=serializer.instance, data=dict(serializer.validated_data))


class ContactViewSet(ScopedModelViewSet):
    """Contacts: normalised, blacklist-checked, one per phone; `issue_card` binds a new card."""

    queryset = Contact.objects.all()
    serializer_class = s.ContactSerializer
    filterset_class = filtersets.ContactFilter
    ordering_fields = ["id", "created_at", "last_name"]

    def get_queryset(self) -> QuerySet[Contact]:
        return (
            super()
            .get_queryset()
            .prefetch_related(
                Prefetch("cards", queryset=Card.objects.select_related("card_type").order_by("pk")),
                Prefetch("enrollments", queryset=Enrollment.objects.select_related("tier").order_by("pk")),
            )
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        user = self.request.user
        unlimited = user_scope(user).unlimited
        context["program_ids"] = None if unlimited else {program.pk for program in programs_for_user(user)}
        program = self.request.query_params.get("program")
        context["program_id"] = int(program) if program and program.isdigit() else None
        return context

    def _contact_data(self, validated: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in validated.items() if key not in ("issue_card", "program")}

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        validated = dict(serializer.validated_data)
        contact = contact_register(
            data=self._contact_data(validated),
            program=validated.get("program"),
            issue_card=validated.get("issue_card", False),
            user=request.user,
            source="api",
        )
        contact = self.get_queryset().get(pk=contact.pk)
        return Response(self.get_serializer(contact).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        contact = cast(Contact, self.get_object())
        serializer = self.get_serializer(contact, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        validated = dict(serializer.validated_data)
        with transaction.atomic():
            contact_update(contact=contact, data=self._contact_data(validated), user=request.user, source="api")
            if validated.get("issue_card"):
                contact_issue_card(contact=contact, program=validated.get("program"), user=request.user)
        contact = self.get_queryset().get(pk=contact.pk)
        return Response(self.get_serializer(contact).data)


class MasterAccountViewSet(ScopedModelViewSet):
    queryset = MasterAccount.objects.prefetch_related("memberships")
    serializer_class = s.MasterAccountSerializer
    filterset_class = filtersets.MasterAccountFilter
    ordering_fields = ["id", "name", "created_at"]

    def perform_create(self, serializer: BaseSerializer[MasterAccount]) -> None:
        data = dict(serializer.validated_data)
        members = data.pop("members")
        serializer.instance = master_account_create(data=data, members=members)

    def perform_update(self, serializer: BaseSerializer[MasterAccount]) -> None:
        assert serializer.instance is not None
        data = dict(serializer.validated_data)
        members = data.pop("members", None)
        serializer.instance = master_account_update(account=serializer.instance, data=data, members=members)
