"""Surveys: the questions, the invitations (personal signed links), the responses and their answers.

A response is one per contact and survey (a unique constraint decides, so two at once with one link make one); its
answers are rows (one per chosen option, value or text), and the results are counted as they come (Tally).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.surveys.choices import QuestionKind
from campaigns.surveys.questions import QuestionSpec
from common.models import MoneyField, TimeStampedModel
from common.scoping import ScopedManager, brand_scoped


@brand_scoped("brand")
class Survey(TimeStampedModel):
    """A brand's survey: questions in order, an audience (a segment, else everyone enrolled in the brand's
    program), a window when it may be answered and the points a completed response earns."""

    # What the API's serializer and the admin's form both write (the questions apart: rows, see Question).
    EDITABLE_FIELDS = ("name", "brand", "segment", "reward_points", "starts_at", "ends_at")

    name = models.CharField(_("name"), max_length=200)
    brand = models.ForeignKey("loyalty.Brand", verbose_name=_("brand"), on_delete=models.PROTECT, related_name="+")
    segment = models.ForeignKey(
        "campaigns.Segment",
        verbose_name=_("audience"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surveys",
        help_text=_("The segment invited; empty: everyone enrolled in the brand's program."),
    )
    reward_points = MoneyField(
        _("reward, points"), default=0, help_text=_("Accrued once for a completed response; 0 = no reward.")
    )
    starts_at = models.DateTimeField(_("open from"), null=True, blank=True, help_text=_("Empty: at once."))
    ends_at = models.DateTimeField(_("open until"), null=True, blank=True, help_text=_("Empty: no end."))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reward_points__gte=0),
                name="%(app_label)s_%(class)s_reward_not_negative",
                violation_error_message=_("The reward cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message=_("The survey must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


@brand_scoped("survey__brand")
class Question(TimeStampedModel):
    """A question of a survey at its place (0 first); answers refer to it by that place."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("question"), max_length=500)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    options = models.JSONField(_("options"), default=list, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "position"],
                name="%(app_label)s_%(class)s_one_per_place",
                violation_error_message=_("Two questions cannot share a place."),
            ),
        ]

    def __str__(self) -> str:
        return f"{(self.position or 0) + 1}. {self.text}"

    def spec(self) -> QuestionSpec:
        return QuestionSpec(text=self.text, kind=self.kind, options=tuple(self.options or ()))


@brand_scoped("survey__brand")
class Invitation(TimeStampedModel):
    """A contact invited to a survey (once): `created_at` is when; the personal link is signed from the survey and
    the contact (`campaigns.surveys.tokens`), so it is not stored."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="invitations")
    contact = models.ForeignKey(
        "contacts.Contact", verbose_name=_("contact"), on_delete=models.CASCADE, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "contact"],
                name="%(app_label)s_%(class)s_one_per_contact",
                violation_error_message=_("The contact is already invited."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} → {self.contact}"


@brand_scoped("survey__brand")
class Response(TimeStampedModel):
    """A contact's completed response: one per contact and survey (the constraint decides between two at once);
    `reward` is the ledger entry that paid it, if the survey gives points."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="responses")
    contact = models.ForeignKey(
        "contacts.Contact", verbose_name=_("contact"), on_delete=models.CASCADE, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"))
    reward = models.ForeignKey(
        "loyalty.LedgerEntry",
        verbose_name=_("reward entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "contact"],
                name="%(app_label)s_%(class)s_one_per_contact",
                violation_error_message=_("The contact has already answered."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} ← {self.contact}"


@brand_scoped("survey__brand")
class Answer(models.Model):
    """One part of a response to one question: a chosen option (one row per option of a multiple choice), a rating
    or NPS value, or a text. No time stamps of its own: it is written once, with its response."""

    response = models.ForeignKey(Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers")
    # The survey again, so that the results group one survey's answers by an index alone.
    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="+")
    question = models.PositiveSmallIntegerField(_("question"))
    choice = models.SmallIntegerField(_("option or value"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["response", "question", "choice"]
        indexes = [
            # The results' latest text answers of a question (counts are kept in Tally).
            models.Index(
                fields=["survey", "question", "-id"], condition=Q(choice__isnull=True), name="surveys_answer_texts"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question + 1}: {self.text or self.choice}"


@brand_scoped("survey__brand")
class Tally(models.Model):
    """A running count of a survey, so that its results read a few dozen rows however many answered: per question
    and option or value the answers (`choice` -1: a text question's answers), and the survey's responses
    (`question` -1) and invitations (`question` -2). Made with the questions at zero, raised with `F()` in the
    transaction of the response or the invitation that counts."""

    RESPONSES = (-1, 0)
    INVITED = (-2, 0)
    TEXT = -1

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="tallies")
    question = models.SmallIntegerField(_("question"))
    choice = models.SmallIntegerField(_("option or value"))
    count = models.PositiveIntegerField(_("count"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")
        ordering = ["survey", "question", "choice"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "question", "choice"],
                name="%(app_label)s_%(class)s_one_per_value",
                violation_error_message=_("A survey counts each option or value once."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.question}:{self.choice} = {self.count}"
