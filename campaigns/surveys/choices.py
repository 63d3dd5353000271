from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class QuestionKind(models.TextChoices):
    """What a question asks for (`campaigns.surveys.questions` says what each kind's answer is)."""

    SINGLE = "single", _("one option")
    MULTIPLE = "multiple", _("several options")
    TEXT = "text", pgettext_lazy("question kind", "text")
    RATING = "rating", _("rating 1–5")
    NPS = "nps", _("NPS 0–10")
