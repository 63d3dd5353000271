"""Staff API of the points ledger: a contact's balance, ledger and manual adjustments; partner settlements.

Routes (registered in `loyalty.api.urls`): `GET /contacts/{id}/balance`, `GET /contacts/{id}/ledger`,
`POST /contacts/{id}/adjustments`, `GET /settlements`. For a member of a master account, the balance, ledger
and adjustments are the pool's.
"""

from datetime import datetime, time, timedelta
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from common.api.fields import MoneyField
from common.api.permissions import StaffModelPermissions
from common.errors import InvalidInput
from contacts.models import Contact
from loyalty.choices import EntryKind
from loyalty.models import Enrollment, LedgerEntry, Program
from loyalty.selectors import account_find, balance, ledger, settlements
from loyalty.services.adjustments import points_adjust

MAX_ID = 2**63 - 1


# --- serializers -------------------------------------------------------------------------------------------------


@extend_schema_field(
    {"type": "string", "description": "An ISO 8601 date-time, or a date (its start; as an end, its end)."}
)
class MomentField(serializers.Field):
    """An ISO 8601 date-time (with or without offset; without = the server's time zone) or a plain date.

    A plain date means the start of that day; as an end (`end=True`) it means the end of it, so `to=2026-11-30`
    includes the 30th.
    """

    default_error_messages = {"invalid": _("An ISO 8601 date or date-time is expected.")}

    def __init__(self, *, end: bool = False, **kwargs: Any) -> None:
        self.end = end
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> datetime:
        text = str(data).strip()
        try:
            day = parse_date(text) if len(text) == 10 else None
            moment = None if day else parse_datetime(text)
        except ValueError:
            self.fail("invalid")
        if day is not None:
            moment = datetime.combine(day + timedelta(days=1) if self.end else day, time.min)
        if moment is None:
            self.fail("invalid")
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment

    def to_representation(self, value: datetime) -> str:
        return value.isoformat()


class _WithFromTo(serializers.Serializer):
    """`from` and `to` query parameters (`from` is a Python keyword, hence the renaming)."""

    from_ = MomentField(required=False)
    to = MomentField(required=False, end=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("from") and attrs.get("to") and attrs["from"] >= attrs["to"]:
            raise serializers.ValidationError({"to": [_("Must be after `from`.")]})
        return attrs


class ProgramQuerySerializer(serializers.Serializer):
    program = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class LedgerQuerySerializer(_WithFromTo):
    program = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    kind = serializers.ChoiceField(choices=EntryKind.choices, required=False)


class SettlementQuerySerializer(_WithFromTo):
    program = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class ExpiringSerializer(serializers.Serializer):
    date = serializers.DateField()
    points = MoneyField()


class BalanceSerializer(serializers.Serializer):
    program = serializers.IntegerField()
    active = MoneyField()
    pending = MoneyField()
    expiring = ExpiringSerializer(many=True)


class LedgerEntrySerializer(serializers.ModelSerializer):
    """An entry as the contract shows it, plus its lot, reason and author."""

    status = serializers.SerializerMethodField()
    partner_id = serializers.IntegerField(read_only=True, allow_null=True)
    lot_id = serializers.IntegerField(read_only=True, allow_null=True)
    created_by = serializers.IntegerField(source="created_by_id", read_only=True, allow_null=True)

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "at",
            "kind",
            "points",
            "status",
            "activation_at",
            "expires_at",
            "purchase_id",
            "campaign_id",
            "partner_id",
            "lot_id",
            "reason",
            "created_by",
            "created_at",
        ]

    def get_status(self, entry: LedgerEntry) -> str:
        return entry.status(self.context.get("now") or timezone.now())


class AdjustmentSerializer(serializers.Serializer):
    program = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    points = MoneyField()
    reason = serializers.CharField(max_length=1000)
    expires_in_days = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=36500)

    def validate_points(self, value: Any) -> Any:
        if value == 0:
            raise serializers.ValidationError(_("Cannot be zero."))
        return value


class AdjustmentResultSerializer(serializers.Serializer):
    entry = LedgerEntrySerializer()
    entries = LedgerEntrySerializer(many=True)
    balance = BalanceSerializer()


class SettlementSerializer(serializers.Serializer):
    debtor = serializers.IntegerField()
    creditor = serializers.IntegerField()
    amount = MoneyField()


# --- views -------------------------------------------------------------------------------------------------------


class ContactChangePermissions(StaffModelPermissions):
    """A POST that changes a contact's points needs `change_contact`, not `add_contact`."""

    perms_map = {**StaffModelPermissions.perms_map, "POST": ["%(app_label)s.change_%(model_name)s"]}


def _query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _programs(request: Request) -> Any:
    return Program.objects.for_user(request.user)


def _program_error(message: str) -> InvalidInput:
    return InvalidInput(message, fields={"program": [message]})


class ContactPointsView(GenericAPIView):
    """Base of the contact's points endpoints: the contact (brand-scoped, 404) and its program."""

    queryset = Contact.objects.all()
    program_serializer: type[serializers.Serializer] = ProgramQuerySerializer

    def get_contact(self) -> Contact:
        pk = self.kwargs["pk"]
        if len(pk) > 19 or int(pk) > MAX_ID:
            raise Http404
        contact = Contact.objects.for_user(self.request.user).filter(pk=int(pk)).first()
        if contact is None:
            raise Http404
        return contact

    def get_program(self, contact: Contact, program_id: int | None) -> Program:
        """The program asked for (one the user may see), or the contact's only program."""
        programs = _programs(self.request)
        if program_id is not None:
            program = programs.filter(pk=program_id).first()
            if program is None:
                raise _program_error(_("Unknown program."))
            return program
        enrolled = list(
            programs.filter(pk__in=Enrollment.objects.filter(contact=contact).values("program_id")).order_by("pk")
        )
        if len(enrolled) == 1:
            return enrolled[0]
        raise _program_error(_("Choose the program: the contact is in %(count)s.") % {"count": len(enrolled)})

    def balance_body(self, contact: Contact, program: Program) -> dict[str, Any]:
        account = account_find(program=program, contact=contact)
        return {"program": program.pk, **balance(account=account, now=timezone.now())}


class ContactBalanceView(ContactPointsView):
    """`GET /contacts/{id}/balance?program=`: active, pending and the coming expiries, as of now."""

    @extend_schema(
        parameters=[OpenApiParameter("program", OpenApiTypes.INT, description="May be left out: one program.")],
        responses=BalanceSerializer,
    )
    def get(self, request: Request, pk: str) -> Response:
        contact = self.get_contact()
        program = self.get_program(contact, _query(ProgramQuerySerializer, request).get("program"))
        return Response(BalanceSerializer(self.balance_body(contact, program)).data)


class ContactLedgerView(ContactPointsView):
    """`GET /contacts/{id}/ledger?program=&kind=&from=&to=`: the entries, latest first, paginated."""

    serializer_class = LedgerEntrySerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("program", OpenApiTypes.INT),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=EntryKind.values),
            OpenApiParameter("from", OpenApiTypes.DATETIME, description="at ≥ from (a date = its start)"),
            OpenApiParameter("to", OpenApiTypes.DATETIME, description="at < to (a date = its end)"),
        ],
        responses=LedgerEntrySerializer(many=True),
    )
    def get(self, request: Request, pk: str) -> Response:
        contact = self.get_contact()
        query = _query(LedgerQuerySerializer, request)
        program = self.get_program(contact, query.pop("program", None))
        account = account_find(program=program, contact=contact)
        entries = ledger(account=account, filters=query)
        page = self.paginate_queryset(entries)
        context = {**self.get_serializer_context(), "now": timezone.now()}
        return self.get_paginated_response(LedgerEntrySerializer(page, many=True, context=context).data)


class ContactAdjustmentsView(ContactPointsView):
    """`POST /contacts/{id}/adjustments`: a manual, audited correction (never below zero)."""

    permission_classes = [ContactChangePermissions]

    @extend_schema(request=AdjustmentSerializer, responses={201: AdjustmentResultSerializer})
    def post(self, request: Request, pk: str) -> Response:
        contact = self.get_contact()
        data = AdjustmentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        program = self.get_program(contact, values.get("program"))
        adjustment = points_adjust(
            program=program,
            contact=contact,
            points=values["points"],
            reason=values["reason"],
            user=request.user,
            expires_in_days=values.get("expires_in_days"),
        )
        now = timezone.now()
        context = {"now": now}
        body = {
            "entry": LedgerEntrySerializer(adjustment.entries[0], context=context).data,
            "entries": LedgerEntrySerializer(adjustment.entries, many=True, context=context).data,
            "balance": BalanceSerializer({"program": program.pk, **balance(account=adjustment.account, now=now)}).data,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class SettlementsView(GenericAPIView):
    """`GET /settlements?program=&from=&to=`: what partners owe each other, netted per pair (a plain list)."""

    queryset = LedgerEntry.objects.all()
    pagination_class = None

    @extend_schema(
        parameters=[
            OpenApiParameter("program", OpenApiTypes.INT, description="May be left out when there is one."),
            OpenApiParameter("from", OpenApiTypes.DATETIME, description="at ≥ from (a date = its start)"),
            OpenApiParameter("to", OpenApiTypes.DATETIME, description="at < to (a date = its end)"),
        ],
        responses=SettlementSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        query = _query(SettlementQuerySerializer, request)
        programs = _programs(request)
        if query.get("program") is not None:
            program = programs.filter(pk=query["program"]).first()
            if program is None:
                raise _program_error(_("Unknown program."))
        else:
            visible = list(programs.order_by("pk")[:2])
            if len(visible) != 1:
                raise _program_error(_("Choose the program."))
            program = visible[0]
        rows = settlements(program=program, start=query.get("from"), end=query.get("to"))
        return Response(SettlementSerializer(rows, many=True).data)
