"""`GET /analytics/registers?store=&brand=&from=&to=` (staff): receipts by register × weekday (1 = Monday) × hour,
in each store's local time, zeros included; and each store's quiet hours (`analytics.summaries.load`)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from analytics.api.base import MAX_ID, AnalyticsView, BrandPeriodQuerySerializer
from analytics.summaries.load import register_load
from analytics.summaries.models import RegisterHour
from analytics.summaries.scope import scope_of

COLUMNS = ("register", "store", "code", "weekday", "hour", "receipts")


class LoadQuerySerializer(BrandPeriodQuerySerializer):
    store = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class LoadCellSerializer(serializers.Serializer):
    register = serializers.IntegerField()
    store = serializers.IntegerField()
    code = serializers.CharField()
    weekday = serializers.IntegerField(help_text=_("1 = Monday … 7 = Sunday, store-local."))
    hour = serializers.IntegerField(help_text=_("0 to 23, store-local."))
    receipts = serializers.IntegerField()


class QuietHourSerializer(serializers.Serializer):
    store = serializers.IntegerField()
    name = serializers.CharField()
    weekday = serializers.IntegerField()
    hour = serializers.IntegerField()
    receipts = serializers.IntegerField()
    share = serializers.FloatField(help_text=_("Its receipts ÷ the store's average open hour."))


class LoadSerializer(serializers.Serializer):
    from_ = serializers.DateField()
    to = serializers.DateField()
    rows = LoadCellSerializer(many=True)
    quiet_hours = QuietHourSerializer(many=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class RegisterLoadView(AnalyticsView):
    """Receipts by register × weekday × hour (store-local) of a store (or of the brand's stores)."""

    queryset = RegisterHour.objects.all()  # the permission to read it: analytics.view_registerhour

    @extend_schema(
        parameters=[LoadQuerySerializer, OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv", "xlsx"])],
        responses=LoadSerializer,
    )
    def get(self, request: Request) -> Response:
        query = self.query(LoadQuerySerializer)
        data = query.validated_data
        scope = scope_of(request.user, brand=data.get("brand"), store=data.get("store"))
        period = query.period()
        body = self.read(lambda: register_load(scope=scope, period=period))
        body["store"] = data.get("store")
        return self.answer(request, body, "registers", COLUMNS, body["rows"])
