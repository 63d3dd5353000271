"""The metrics' staff API: `GET /analytics/rfm`, `POST /analytics/rfm/segment`, `GET /analytics/ltv`,
`GET /analytics/abc-xyz`, `GET /analytics/bcg`, `GET /analytics/fraud`.

Each takes `brand` (required for brand-limited staff; another brand's is 404) and the period (`from`, `to`, or
`window_days`), reads through the metric's selector, and answers the table as JSON (paginated per contact,
product, category or cohort; fraud a plain list, as the contract writes it) or, with `?format=csv|xlsx`, the whole
table as a file. Reading needs the permission to view purchases, which the figures are made of.
"""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from analytics.exports import FORMATS, CSVRenderer, Table, XLSXRenderer
from analytics.metrics import fraud, ltv, pages, rfm
from analytics.metrics.base import MAX_WINDOW_DAYS, Period, brands_for
from analytics.metrics.services import rfm_segment_create
from campaigns.api.serializers import SegmentSerializer
from campaigns.models import Segment
from common.api.viewsets import ScopedRelatedFieldsMixin
from loyalty.api.ledger_views import MomentField
from loyalty.models import Brand, Purchase

MAX_ID = 2**63 - 1


class MetricQuerySerializer(serializers.Serializer):
    brand = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    from_ = MomentField(required=False)
    to = MomentField(required=False, end=True)
    window_days = serializers.IntegerField(required=False, min_value=1, max_value=MAX_WINDOW_DAYS)
    months = serializers.IntegerField(required=False, min_value=1, max_value=ltv.MAX_MONTHS)
    by = serializers.ChoiceField(choices=["product", "category"], required=False)
    format = serializers.ChoiceField(choices=["json", *FORMATS], required=False)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


PERIOD_PARAMETERS = [
    OpenApiParameter("brand", OpenApiTypes.INT, description="Required for brand-limited staff."),
    OpenApiParameter("from", OpenApiTypes.DATETIME, description="at ≥ from (a date = its start)"),
    OpenApiParameter("to", OpenApiTypes.DATETIME, description="at < to (a date = its end); default now"),
    OpenApiParameter("window_days", OpenApiTypes.INT, description="Without `from`: this many days before `to` (365)."),
    OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv", "xlsx"], description="csv/xlsx: the table"),
]


class MetricView(GenericAPIView):
    """A metric's table for the user's brands. Subclasses give `name`, `columns` and `table(query) -> rows`."""

    queryset = Purchase.objects.all()  # the permission to read: loyalty.view_purchase
    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer]
    name = ""
    columns: tuple[str, ...] = ()
    paginated = True

    def query(self, request: Request) -> dict[str, Any]:
        checked = MetricQuerySerializer(data=request.query_params)
        checked.is_valid(raise_exception=True)
        values = dict(checked.validated_data)
        values["brands"] = brands_for(request.user, values.get("brand"))
        values["period"] = Period.of(
            start=values.get("from"), end=values.get("to"), window_days=values.get("window_days")
        )
        return values

    def rows(self, query: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The table's rows as JSON objects, and anything the JSON answer adds beside them."""
        raise NotImplementedError

    def file_rows(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return rows

    def get(self, request: Request) -> Response:
        query = self.query(request)
        rows, extra = self.rows(query)
        if query.get("format") in FORMATS:
            return Response(Table(self.name, self.columns, self.file_rows(rows)))
        if not self.paginated:
            return Response(rows)
        page = self.paginate_queryset(rows)  # type: ignore[arg-type]
        response = self.get_paginated_response(page)
        response.data.update(extra)
        return response

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(response, "status_code", 200) >= 400:  # an error is JSON whatever format was asked
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)


class RfmView(MetricView):
    """`GET /analytics/rfm?brand=&window_days=`: per contact who bought in the window, recency, frequency, money,
    the scores 1–5 and the segment (`analytics.metrics.rfm`); `segments` beside them: contacts and money of each."""

    name = "rfm"
    columns = ("contact", "recency_days", "frequency", "monetary", "r", "f", "m", "segment")

    @extend_schema(parameters=PERIOD_PARAMETERS, responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        return super().get(request)

    def rows(self, query: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        page = pages.rfm_page(query["brands"], query["period"])
        summary = [
            {"segment": item.segment, "contacts": item.contacts, "revenue": str(item.revenue)}
            for item in page.extra["summary"]
        ]
        return [dict(row) for row in page.table.rows], {"segments": summary}


class RfmSegmentRequestSerializer(ScopedRelatedFieldsMixin, serializers.Serializer):
    brand = serializers.PrimaryKeyRelatedField(queryset=Brand.objects.all())
    segment = serializers.ChoiceField(choices=list(rfm.SEGMENTS))


class RfmSegmentView(GenericAPIView):
    """`POST /analytics/rfm/segment {"brand", "segment"}`: a customer segment of the brand's program whose rule is
    that RFM segment, recomputed at once; answers the segment (201). Needs the permission to add segments."""

    queryset = Segment.objects.all()
    serializer_class = RfmSegmentRequestSerializer
    pagination_class = None

    @extend_schema(request=RfmSegmentRequestSerializer, responses={201: SegmentSerializer})
    def post(self, request: Request) -> Response:
        checked = RfmSegmentRequestSerializer(data=request.data, context={"request": request})
        checked.is_valid(raise_exception=True)
        made = rfm_segment_create(brand=checked.validated_data["brand"], segment=checked.validated_data["segment"])
        body = SegmentSerializer(made, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class LtvView(MetricView):
    """`GET /analytics/ltv?brand=&months=12`: per monthly cohort of first purchase, its contacts, `ltv` (cumulative
    revenue per contact by month since the first purchase) and `retention` (the share buying in each month)."""

    name = "ltv"
    columns = ("cohort", "contacts", "month", "ltv", "retention")

    @extend_schema(
        parameters=[*PERIOD_PARAMETERS, OpenApiParameter("months", OpenApiTypes.INT, description="Cohorts (12).")],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    def rows(self, query: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        cohorts = ltv.ltv_table(
            query["brands"], months=query.get("months") or ltv.DEFAULT_MONTHS, end=query["period"].end
        )
        rows = [
            {
                "cohort": cohort.cohort,
                "contacts": cohort.contacts,
                "ltv": [str(value) for value in cohort.ltv],
                "retention": cohort.retention,
            }
            for cohort in cohorts
        ]
        return rows, {}

    def file_rows(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {**row, "month": month, "ltv": value, "retention": share}
            for row in rows
            for month, (value, share) in enumerate(zip(row["ltv"], row["retention"], strict=True))
        ]


class AbcXyzView(MetricView):
    """`GET /analytics/abc-xyz?brand=&window_days=&by=product|category`: per product (or category) revenue, share,
    `abc`, units, `cv` and `xyz` (`analytics.metrics.abc_xyz`); `matrix` beside them: the nine cells."""

    name = "abc-xyz"
    columns = ("product", "sku", "name", "category", "revenue", "share", "abc", "units", "cv", "xyz")

    @extend_schema(
        parameters=[*PERIOD_PARAMETERS, OpenApiParameter("by", OpenApiTypes.STR, enum=["product", "category"])],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    def rows(self, query: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        page = pages.abc_xyz_page(query["brands"], query["period"], by=query.get("by") or "product")
        matrix = {
            abc: {xyz: {"count": cell["count"], "revenue": str(cell["revenue"])} for xyz, cell in cells.items()}
            for abc, cells in page.extra["matrix"].items()
        }
        return [dict(row) for row in page.table.rows], {"matrix": matrix}


class BcgView(MetricView):
    """`GET /analytics/bcg?brand=`: per category `growth` (the last 90 days' revenue ÷ the 90 before − 1),
    `relative_share` (÷ the largest category's) and `quadrant` (`analytics.metrics.bcg`); the end is `to` (now)."""

    name = "bcg"
    columns = ("category", "name", "revenue", "previous_revenue", "growth", "relative_share", "quadrant")

    @extend_schema(parameters=PERIOD_PARAMETERS, responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        return super().get(request)

    def rows(self, query: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        return [dict(row) for row in pages.bcg_page(query["brands"], query["period"]).table.rows], {}


class FraudView(MetricView):
    """`GET /analytics/fraud?brand=&from=&to=` → `[{"kind", "object", "score", "reason"}]`
    (`analytics.metrics.fraud`: the kinds, thresholds and what `object` holds)."""

    name = "fraud"
    columns = ("kind", "object_type", "object_id", "object", "score", "reason")
    paginated = False
    pagination_class = None

    @extend_schema(parameters=PERIOD_PARAMETERS, responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        return super().get(request)

    def rows(self, query: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        signals = fraud.fraud_signals(query["brands"], query["period"])
        return [
            {"kind": signal.kind, "object": signal.object, "score": signal.score, "reason": signal.reason}
            for signal in signals
        ], {}

    def file_rows(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                **row,
                "object_type": row["object"]["type"],
                "object_id": row["object"].get("id") or " ".join(str(pk) for pk in row["object"].get("ids", [])),
                "object": row["object"]["label"],
            }
            for row in rows
        ]
