"""`GET /analytics/program?program=&brand=&from=&to=` (staff): points accrued, redeemed, expired and revoked in the
period and the outstanding liability at its end, in all and `by_partner` (`analytics.summaries.program`). The
program may be named by one of its brands, or left out when the user sees only one."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from analytics.api.base import MAX_ID, AnalyticsView, BrandPeriodQuerySerializer
from analytics.summaries.models import LedgerDay
from analytics.summaries.program import FLOWS, program_report
from analytics.summaries.scope import not_found
from common.api.fields import MoneyField
from common.errors import InvalidInput
from loyalty.models import Brand, Program

COLUMNS = ("partner", "name", *FLOWS, "liability_points", "liability")


class ProgramQuerySerializer(BrandPeriodQuerySerializer):
    program = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class ProgramFiguresSerializer(serializers.Serializer):
    accrued = MoneyField(help_text=gettext_lazy("Points earned at the till and from campaigns."))
    redeemed = MoneyField(help_text=gettext_lazy("Points redeemed, less those refunds gave back."))
    expired = MoneyField()
    revoked = MoneyField()
    adjusted = MoneyField(help_text=gettext_lazy("Manual corrections, signed."))
    liability_points = MoneyField(help_text=gettext_lazy("Active and pending points at the period's end."))
    liability = MoneyField(help_text=gettext_lazy("liability_points × point_value."))


class PartnerFiguresSerializer(ProgramFiguresSerializer):
    partner = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()


class ProgramReportSerializer(ProgramFiguresSerializer):
    program = serializers.IntegerField()
    point_value = MoneyField()
    from_ = serializers.DateField()
    to = serializers.DateField()
    as_of = serializers.DateTimeField()
    by_partner = PartnerFiguresSerializer(many=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


def program_asked(user: Any, program_id: int | None, brand_id: int | None) -> Program:
    """The program named (404 unless the user sees it), the program of the brand named, or the only one seen."""
    programs = Program.objects.for_user(user)
    if brand_id is not None:
        brand = Brand.objects.for_user(user).filter(pk=brand_id).first()
        if brand is None:
            raise not_found(_("Unknown brand."))
        if program_id is not None and program_id != brand.program_id:
            message = _("The brand is not in this program.")
            raise InvalidInput(message, fields={"brand": [message]})
        program_id = brand.program_id
    if program_id is not None:
        program = programs.filter(pk=program_id).first()
        if program is None:
            raise not_found(_("Unknown program."))
        return program
    visible = list(programs.order_by("pk")[:2])
    if len(visible) != 1:
        message = _("Choose the program.")
        raise InvalidInput(message, code="program_required", fields={"program": [message]})
    return visible[0]


class ProgramReportView(AnalyticsView):
    """The program's points and liability, in all and per partner."""

    queryset = LedgerDay.objects.all()  # the permission to read it: analytics.view_ledgerday
    streams = ("ledger",)

    @extend_schema(
        parameters=[ProgramQuerySerializer, OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv", "xlsx"])],
        responses=ProgramReportSerializer,
    )
    def get(self, request: Request) -> Response:
        query = self.query(ProgramQuerySerializer)
        data = query.validated_data
        program = program_asked(request.user, data.get("program"), data.get("brand"))
        period = query.period()
        body = self.read(lambda: program_report(program=program, period=period, user=request.user))
        total = {"partner": None, "name": _("All partners"), **{key: body[key] for key in COLUMNS[2:]}}
        return self.answer(request, body, "program", COLUMNS, [total, *body["by_partner"]])
