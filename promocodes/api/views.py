"""Management API of promo-code pools: CRUD through the pool services, generation (in the request or as a
background job), the codes by status, CSV export and import."""

from typing import Any, cast

from django.http import StreamingHttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from common.api.permissions import IsStaff
from common.api.viewsets import ScopedModelViewSet
from common.errors import InvalidInput
from promocodes.api import serializers as s
from promocodes.choices import CodeStatus, JobStatus
from promocodes.codes import normalize
from promocodes.filtersets import PromoPoolFilter
from promocodes.models import GenerationJob, PromoPool
from promocodes.selectors import codes_filter
from promocodes.services.generation import codes_generate, job_start, sync_limit
from promocodes.services.pools import pool_delete, pool_fields, pool_save
from promocodes.services.transfer import codes_export, codes_import


class PromoPoolViewSet(ScopedModelViewSet):
    """Pools of the user's brands. Codes are unique across the system; generated ones avoid 0 O 1 I L."""

    queryset = PromoPool.objects.select_related("campaign")
    serializer_class = s.PromoPoolSerializer
    filterset_class = PromoPoolFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    ordering_fields = ["id", "name", "created_at"]

    def get_object(self) -> PromoPool:
        return cast(PromoPool, super().get_object())

    def require(self, request: Request, permission: str) -> None:
        if not request.user.has_perm(permission):
            self.permission_denied(request)

    def perform_create(self, serializer: BaseSerializer[PromoPool]) -> None:
        serializer.instance = pool_save(pool=PromoPool(**serializer.validated_data))

    def perform_update(self, serializer: BaseSerializer[PromoPool]) -> None:
        assert serializer.instance is not None
        serializer.instance = pool_save(pool=pool_fields(dict(serializer.validated_data), serializer.instance))

    def perform_destroy(self, instance: PromoPool) -> None:
        pool_delete(pool=instance)

    @extend_schema(
        request=s.GenerateSerializer,
        responses={200: s.GenerateAnswerSerializer, 202: s.GenerateAnswerSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[IsStaff])
    def generate(self, request: Request, pk: str | None = None) -> Response:
        """Add N new single-use codes (also while the campaign runs). Up to the sync limit (10,000 by default) in
        the request: 200 `{generated, total}`; more: 202 with `job_id`, made in the background."""
        self.require(request, "promocodes.change_promopool")
        pool = self.get_object()
        body = s.GenerateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        count = body.validated_data["count"]
        if count <= sync_limit():
            total = codes_generate(pool=pool, count=count)
            return Response({"generated": count, "total": total})
        job = job_start(pool=pool, count=count, user=request.user)
        job.refresh_from_db()  # with eager Celery (the embedded default) the job has already run
        pool.refresh_from_db(fields=["total_codes"])
        code = status.HTTP_200_OK if job.status == JobStatus.DONE else status.HTTP_202_ACCEPTED
        return Response(
            {"generated": job.generated, "total": pool.total_codes, "job_id": job.pk, "status": job.status},
            status=code,
        )

    @extend_schema(responses=s.GenerationJobSerializer(many=True))
    @action(detail=True, methods=["get"])
    def jobs(self, request: Request, pk: str | None = None) -> Response:
        """The pool's generation jobs, latest first: requested, generated so far, status."""
        pool = self.get_object()
        page = self.paginate_queryset(GenerationJob.objects.filter(pool=pool).order_by("-pk"))
        return self.get_paginated_response(s.GenerationJobSerializer(page, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=[CodeStatus.ACTIVE, CodeStatus.USED, CodeStatus.EXPIRED]),
            OpenApiParameter("code", str, description="One code (case and spaces do not matter)."),
        ],
        responses=s.PromoCodeSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def codes(self, request: Request, pk: str | None = None) -> Response:
        """The pool's codes; `status` active (usable now), used, or expired (unused when the pool's window closed)."""
        pool = self.get_object()
        wanted = request.query_params.get("status") or None
        if wanted is not None and wanted not in CodeStatus.values:
            message = _("One of active, used, expired.")
            raise InvalidInput(message, fields={"status": [message]})
        codes = codes_filter(pool, wanted)
        if request.query_params.get("code"):
            codes = codes.filter(code=normalize(request.query_params["code"]))
        page = self.paginate_queryset(codes.select_related("pool"))
        return self.get_paginated_response(s.PromoCodeSerializer(page, many=True).data)

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV of the codes")})
    @action(detail=True, methods=["get"])
    def export(self, request: Request, pk: str | None = None) -> StreamingHttpResponse:
        """The pool's codes as CSV: code, status, uses, used_at, store, register, purchase_id, receipt_number."""
        pool = self.get_object()
        response = StreamingHttpResponse(codes_export(pool), content_type="text/csv; charset=utf-8")
        name = slugify(pool.name) or f"pool-{pool.pk}"
        response["Content-Disposition"] = f'attachment; filename="{name}-codes.csv"'
        return response

    @extend_schema(request=s.ImportSerializer, responses=s.ImportAnswerSerializer)
    @action(detail=True, methods=["post"], url_path="import", permission_classes=[IsStaff])
    def import_codes(self, request: Request, pk: str | None = None) -> Response:
        """Import externally printed codes from a CSV; bad rows are reported (malformed, duplicate in the file,
        already in the system) and the good ones imported."""
        self.require(request, "promocodes.change_promopool")
        pool = self.get_object()
        body = s.ImportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload: Any = body.validated_data.get("file")
        content = upload.read() if upload is not None else body.validated_data["content"]
        return Response(codes_import(pool=pool, content=content))
