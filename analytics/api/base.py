"""What every analytics endpoint shares: the query (`brand`, `from`, `to`, `window_days`), the catch-up of the
summaries before reading them on the replica, and the answer as JSON or, with `?format=csv|xlsx`, as the same table
in a file (`analytics.exports`)."""

from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from analytics.exports import CSVRenderer, Table, XLSXRenderer
from analytics.router import analytics_reads
from analytics.summaries.freshness import summaries_catch_up
from analytics.summaries.scope import MAX_WINDOW_DAYS, Period
from loyalty.api.ledger_views import MomentField

MAX_ID = 2**63 - 1
T = TypeVar("T")


class PeriodQuerySerializer(serializers.Serializer):
    """`from`, `to` (dates or date-times) and `window_days` (365: the days up to today when `from` is left out)."""

    from_ = MomentField(required=False)
    to = MomentField(required=False, end=True)
    window_days = serializers.IntegerField(required=False, min_value=1, max_value=MAX_WINDOW_DAYS)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields

    def period(self) -> Period:
        data = self.validated_data
        return Period.of(start=data.get("from"), end=data.get("to"), window_days=data.get("window_days"))


class BrandPeriodQuerySerializer(PeriodQuerySerializer):
    brand = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


def jsonable(value: Any) -> Any:
    """Decimals as the contract's strings with two places, days and moments in ISO 8601, the rest as it is."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    return value


class AnalyticsView(GenericAPIView):
    """An analytics answer: JSON, or its table as CSV or XLSX (`?format=`)."""

    pagination_class = None
    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer]
    streams: tuple[str, ...] = ("days",)

    def query(self, serializer_class: type[serializers.Serializer]) -> Any:
        serializer = serializer_class(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return serializer

    def read(self, reader: Callable[[], T]) -> T:
        """The summaries brought up to date when cheap (on the primary), then read (on the replica, if any)."""
        summaries_catch_up(self.streams)
        with analytics_reads():
            return reader()

    def answer(self, request: Request, body: dict[str, Any], name: str, columns: Sequence[str], rows: Any) -> Response:
        if getattr(request.accepted_renderer, "format", "json") in ("csv", "xlsx"):
            return Response(Table(name=name, columns=columns, rows=rows))
        return Response(jsonable(body))
