"""`GET /analytics/overview?brand=&from=&to=&group_by=store|register|day` (staff): the overview of a brand (every
brand, for unlimited staff who name none) and the same for the period of equal length just before; with
`group_by`, the same keys per store, register or day. See `analytics.summaries.overview` for each figure."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from analytics.api.base import AnalyticsView, BrandPeriodQuerySerializer
from analytics.summaries.models import BrandDay
from analytics.summaries.overview import GROUPS, KEYS, overview
from analytics.summaries.scope import scope_of
from common.api.fields import MoneyField

GROUP_COLUMNS = {"store": ("store", "name"), "register": ("register", "store", "code"), "day": ("day",)}


class OverviewQuerySerializer(BrandPeriodQuerySerializer):
    group_by = serializers.ChoiceField(choices=GROUPS, required=False)


class FiguresSerializer(serializers.Serializer):
    revenue = MoneyField(help_text=_("Paid, less every refund of those purchases."))
    receipts = serializers.IntegerField(help_text=_("Purchases not refunded in full."))
    average_receipt = MoneyField()
    identified_share = serializers.FloatField(help_text=_("Receipts with a customer ÷ receipts (four places)."))
    active_contacts = serializers.IntegerField(help_text=_("Distinct customers with a receipt in the period."))
    new_contacts = serializers.IntegerField(help_text=_("Customers whose first receipt at the brand is in it."))
    points_accrued = MoneyField()
    points_redeemed = MoneyField()
    discount = MoneyField()


class OverviewRowSerializer(FiguresSerializer):
    day = serializers.DateField(required=False)
    store = serializers.IntegerField(required=False)
    register = serializers.IntegerField(required=False)
    name = serializers.CharField(required=False)
    code = serializers.CharField(required=False)


class OverviewSerializer(FiguresSerializer):
    previous = FiguresSerializer()
    rows = OverviewRowSerializer(many=True, required=False)
    from_ = serializers.DateField()
    to = serializers.DateField()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class OverviewView(AnalyticsView):
    """The overview: revenue, receipts, average receipt, identified share, active and new contacts, points accrued
    and redeemed, discount; `previous` for the period just before; `rows` per group with `group_by`."""

    queryset = BrandDay.objects.all()  # the permission to read it: analytics.view_brandday

    @extend_schema(
        parameters=[
            OverviewQuerySerializer,
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv", "xlsx"]),
        ],
        responses=OverviewSerializer,
    )
    def get(self, request: Request) -> Response:
        query = self.query(OverviewQuerySerializer)
        scope = scope_of(request.user, brand=query.validated_data.get("brand"))
        period = query.period()
        group_by = query.validated_data.get("group_by")
        body = self.read(lambda: overview(scope=scope, period=period, group_by=group_by))
        if group_by:
            columns: tuple[str, ...] = (*GROUP_COLUMNS[group_by], *KEYS)
            rows: list[dict[str, Any]] = body["rows"]
        else:
            columns = ("from", "to", *KEYS, *(f"previous_{key}" for key in KEYS))
            rows = [{**body, **{f"previous_{key}": value for key, value in body["previous"].items()}}]
        return self.answer(request, body, "overview", columns, rows)
