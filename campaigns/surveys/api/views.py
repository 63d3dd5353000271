"""The surveys API: `surveys` (CRUD with the questions; `/invite`, `/links`, `/results` with `?format=csv|xlsx`) for
staff, and `survey-responses/<token>` for whoever holds a personal link (no other credentials)."""

from typing import Any, cast

from django.db.models import IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from campaigns.surveys import exports
from campaigns.surveys.api import serializers as s
from campaigns.surveys.filtersets import SurveyFilter
from campaigns.surveys.models import Invitation, Survey, Tally
from campaigns.surveys.models import Response as SurveyResponse
from campaigns.surveys.selectors import survey_links, survey_results
from campaigns.surveys.services import survey_delete, survey_invite, survey_respond, survey_save
from campaigns.surveys.services.invitations import survey_is_open
from campaigns.surveys.services.responses import invitation_by_token
from common.api.permissions import IsStaff
from common.api.viewsets import ScopedModelViewSet
from common.errors import InvalidInput

MAX_ID = 2**63 - 1


def _count(key: tuple[int, int]) -> Coalesce:
    """A survey's invitations or responses, from its tally (one row, by the unique index)."""
    rows = Tally.objects.filter(survey=OuterRef("pk"), question=key[0], choice=key[1]).values("count")[:1]
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


class PassThroughRenderer(BaseRenderer):
    """Lets `?format=csv|xlsx` through content negotiation; the view answers the file itself."""

    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> Any:
        return data


class CSVRenderer(PassThroughRenderer):
    media_type = "text/csv"
    format = "csv"


class XLSXRenderer(PassThroughRenderer):
    media_type = exports.XLSX_TYPE
    format = "xlsx"


class SurveyViewSet(ScopedModelViewSet):
    """Surveys of the user's brands, with their questions in order; a change goes through `survey_save`."""

    queryset = Survey.objects.all()
    serializer_class = s.SurveySerializer
    filterset_class = SurveyFilter
    ordering_fields = ["id", "name", "starts_at", "ends_at", "created_at"]

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .prefetch_related("questions")
            .annotate(invited_count=_count(Tally.INVITED), responses_count=_count(Tally.RESPONSES))
        )

    def _data(self, serializer: BaseSerializer[Survey]) -> tuple[dict[str, Any], Any]:
        data = dict(serializer.validated_data)
        return {key: value for key, value in data.items() if key in Survey.EDITABLE_FIELDS}, data.get("questions")

    def perform_create(self, serializer: BaseSerializer[Survey]) -> None:
        data, questions = self._data(serializer)
        serializer.instance = survey_save(survey=Survey(), data=data, questions=questions)

    def perform_update(self, serializer: BaseSerializer[Survey]) -> None:
        assert serializer.instance is not None
        data, questions = self._data(serializer)
        serializer.instance = survey_save(survey=serializer.instance, data=data, questions=questions)

    def perform_destroy(self, instance: Survey) -> None:
        survey_delete(survey=instance)

    def handle_exception(self, exc: Exception) -> Response:
        """An error asked for as a file (`?format=csv|xlsx`) still answers in the contract's JSON shape."""
        response = super().handle_exception(exc)
        if isinstance(getattr(self.request, "accepted_renderer", None), PassThroughRenderer):
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return response

    def require(self, request: Request, permission: str) -> None:
        if not request.user.has_perm(permission):
            self.permission_denied(request)

    def _base(self, request: Request) -> str:
        return request.build_absolute_uri("/").rstrip("/")

    @extend_schema(request=None, responses={200: s.InvitedSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsStaff])
    def invite(self, request: Request, pk: str | None = None) -> Response:
        """A personal link for every member of the audience not yet invited, each with a `survey_invited` event
        (`data.url`) for a trigger to send; 409 `survey_closed` once the survey has ended."""
        self.require(request, "surveys.change_survey")
        survey = cast(Survey, self.get_object())
        invited = survey_invite(survey=survey, base=self._base(request), now=timezone.now())
        return Response({"invited": invited})

    @extend_schema(
        parameters=[OpenApiParameter("contact", int, description="Only this contact's link (empty if not invited).")],
        responses={200: s.LinkSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], permission_classes=[IsStaff], filterset_class=None, pagination_class=None)
    def links(self, request: Request, pk: str | None = None) -> Response:
        """`[{"contact", "url"}]`: the personal links of the invited contacts, or of one (`?contact=`)."""
        self.require(request, "surveys.view_survey")
        survey = cast(Survey, self.get_object())
        raw = request.query_params.get("contact")
        contact_id = None
        if raw not in (None, ""):
            if not str(raw).isdigit() or int(raw) > MAX_ID:
                raise InvalidInput("contact: a contact id.", fields={"contact": ["A contact id."]})
            contact_id = int(raw)
        return Response(survey_links(survey, base=self._base(request), contact_id=contact_id))

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["json", "csv", "xlsx"])],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="Per question the counts, text answers, NPS score"),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The results as CSV"),
            (200, exports.XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The results as XLSX"),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        permission_classes=[IsStaff],
        filterset_class=None,
        renderer_classes=[JSONRenderer, CSVRenderer, XLSXRenderer],
    )
    def results(self, request: Request, pk: str | None = None) -> Any:
        """Per question: the counts per option or value, the text answers, for `nps` the score (% promoters 9–10 −
        % detractors 0–6), for `rating` the average; `?format=csv|xlsx` for a file."""
        self.require(request, "surveys.view_survey")
        survey = cast(Survey, self.get_object())
        results = survey_results(survey)
        wanted = request.query_params.get("format", "json")
        if wanted == "csv":
            content, kind, extension = exports.results_csv(results), exports.CSV_TYPE, "csv"
        elif wanted == "xlsx":
            content, kind, extension = exports.results_xlsx(results), exports.XLSX_TYPE, "xlsx"
        else:
            return Response(results)
        response = HttpResponse(content, content_type=kind)
        response["Content-Disposition"] = f'attachment; filename="{exports.export_name(results, extension)}"'
        return response


class SurveyResponseView(APIView):
    """`POST /survey-responses/<token>` `{"answers": [{"question", "value"}]}`: the link's contact answers (201);
    `GET` the survey the link opens. No credentials but the signed link."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    # For the walk over the API (a token of another brand's invitation is as unknown as any).
    queryset = Invitation.objects.none()

    @extend_schema(responses={200: s.SurveyPageSerializer})
    def get(self, request: Request, token: str) -> Response:
        invited = invitation_by_token(token)
        survey = invited.survey
        body = {
            "survey": survey.pk,
            "name": survey.name,
            "questions": [question.spec().as_dict() for question in survey.questions.all()],
            "reward_points": survey.reward_points,
            "starts_at": survey.starts_at,
            "ends_at": survey.ends_at,
            "open": survey_is_open(survey, timezone.now()),
            "answered": SurveyResponse.objects.filter(survey=survey, contact_id=invited.invitation.contact_id).exists(),
        }
        return Response(s.SurveyPageSerializer(body).data)

    @extend_schema(request=s.ResponseInputSerializer, responses={201: s.ResponseCreatedSerializer})
    def post(self, request: Request, token: str) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        if not isinstance(request.data, dict) or "answers" not in data:
            message = 'answers: the answers are a list of {"question": index, "value": ...}.'
            raise InvalidInput(message, fields={"answers": ["This field is required."]})
        response = survey_respond(token=token, answers=data["answers"])
        body = {
            "response": response.pk,
            "survey": response.survey_id,
            "contact": response.contact_id,
            "answered_at": response.answered_at,
            "reward_points": response.survey.reward_points,
        }
        return Response(s.ResponseCreatedSerializer(body).data, status=status.HTTP_201_CREATED)
