from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaigns.surveys.choices import QuestionKind
from campaigns.surveys.models import Survey
from campaigns.surveys.selectors import survey_figures
from common.api.viewsets import ScopedModelSerializer


class QuestionSerializer(serializers.Serializer):
    """A question as the contract spells it (documentation; the service checks the list, see `questions_check`)."""

    text = serializers.CharField(max_length=500)
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    options = serializers.ListField(child=serializers.CharField(max_length=200), required=False)


@extend_schema_field(QuestionSerializer(many=True))
class QuestionsField(serializers.JSONField):
    """The questions in order; checked as a whole by the service (kinds, options, at least one)."""


class SurveySerializer(ScopedModelSerializer):
    questions = QuestionsField()
    invited = serializers.SerializerMethodField()
    responses = serializers.SerializerMethodField()

    class Meta:
        model = Survey
        fields = ["id", *Survey.EDITABLE_FIELDS, "questions", "invited", "responses", "created_at", "updated_at"]

    def _figure(self, instance: Survey, name: str) -> int:
        """Annotated by the view's queryset (`invited_count`, `responses_count`); counted for a survey just saved."""
        value = getattr(instance, f"{name}_count", None)
        return survey_figures(instance)[name] if value is None else value

    @extend_schema_field(serializers.IntegerField())
    def get_invited(self, instance: Survey) -> int:
        return self._figure(instance, "invited")

    @extend_schema_field(serializers.IntegerField())
    def get_responses(self, instance: Survey) -> int:
        return self._figure(instance, "responses")

    def to_representation(self, instance: Survey) -> dict[str, Any]:
        data = super().to_representation(instance)
        # The prefetched rows (ordered by place) when the view prefetched them, else one query.
        data["questions"] = [question.spec().as_dict() for question in instance.questions.all()]
        return data


class InvitedSerializer(serializers.Serializer):
    invited = serializers.IntegerField()


class LinkSerializer(serializers.Serializer):
    contact = serializers.IntegerField()
    url = serializers.URLField()


class AnswerInputSerializer(serializers.Serializer):
    question = serializers.IntegerField(help_text="The question's index, 0 first.")
    value = serializers.JSONField(
        help_text="single: an option index; multiple: a list of them; text: a string; rating: 1–5; nps: 0–10."
    )


class ResponseInputSerializer(serializers.Serializer):
    answers = AnswerInputSerializer(many=True)


class ResponseCreatedSerializer(serializers.Serializer):
    response = serializers.IntegerField()
    survey = serializers.IntegerField()
    contact = serializers.IntegerField()
    answered_at = serializers.DateTimeField()
    reward_points = serializers.DecimalField(max_digits=14, decimal_places=2)


class SurveyPageSerializer(serializers.Serializer):
    survey = serializers.IntegerField()
    name = serializers.CharField()
    questions = QuestionSerializer(many=True)
    reward_points = serializers.DecimalField(max_digits=14, decimal_places=2)
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)
    open = serializers.BooleanField()
    answered = serializers.BooleanField()
