"""Calibration (DESIGN.md §4): the weekly session in which supervisor, QA and trainer score the
same calls blind, then reveal, agree a consensus (the reference answers) and close; and the
center's calibration policy.

A session's evaluations are `Kind.CALIBRATION` evaluations tied to one of its items
(`Evaluation.calibration_item`): they never count toward an agent's performance or tier and never
reach the agent. Until the session is revealed nobody but their own evaluator sees them, and a
participant who has not yet submitted an item sees no other evaluation of its call
(`scoring.selectors.evaluations_visible_to`).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from monitoring.models import Call, LineOfBusiness

DEFAULT_TOLERANCE = Decimal("5.0")  # points on the 0–100 total (DESIGN.md §4)


class CalibrationPolicy(models.Model):
    """The center's calibration settings: one row (pk 1), edited by managers, with history."""

    tolerance = models.DecimalField(
        _("tolerance (points)"),
        max_digits=4,
        decimal_places=1,
        default=DEFAULT_TOLERANCE,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("50"))],
        help_text=_("Two scores of a call further apart than this (on the 0–100 total) disagree."),
    )
    calls_per_session = models.PositiveSmallIntegerField(
        _("calls per proposed session"),
        default=4,
        validators=[MinValueValidator(3), MaxValueValidator(5)],
        help_text=_("How many calls the weekly proposal picks per line of business (3–5)."),
    )
    weekly_proposals = models.BooleanField(
        _("propose a session every week"),
        default=True,
        help_text=_("Each Monday, propose one session per line of business from last week's calls."),
    )
    reliability_pairs = models.PositiveSmallIntegerField(
        _("double-scored pairs in the rolling figure"),
        default=50,
        validators=[MinValueValidator(5), MaxValueValidator(1000)],
    )
    dispute_review_hours = models.PositiveSmallIntegerField(
        _("hours to re-score a dispute"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
    )
    calibrated_within_days = models.PositiveSmallIntegerField(
        _("an evaluator counts as calibrated for (days)"),
        default=90,
        validators=[MinValueValidator(7), MaxValueValidator(730)],
        help_text=_("Disputes go to an evaluator who took part in a closed session this recently."),
    )
    auto_trust_reviews = models.PositiveSmallIntegerField(
        _("an automatic answer is trusted after (reviewed calls)"),
        default=20,
        validators=[MinValueValidator(5), MaxValueValidator(1000)],
        help_text=_("Calls on which a person confirmed or overrode the rule's answer."),
    )
    auto_trust_kappa = models.DecimalField(
        _("… and with agreement (Cohen's kappa) of at least"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.60"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calibration policy")
        verbose_name_plural = _("calibration policy")
        constraints = [
            models.CheckConstraint(
                condition=Q(calls_per_session__gte=3, calls_per_session__lte=5), name="calib_calls_3_5"
            ),
            models.CheckConstraint(condition=Q(tolerance__gt=0), name="calib_tolerance_positive"),
        ]

    def __str__(self) -> str:
        return str(_("Calibration policy"))

    @classmethod
    def current(cls) -> CalibrationPolicy:
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy


class SessionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    SCORING = "scoring", _("Scoring")
    REVEALED = "revealed", _("Revealed")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# A session whose answers everyone allowed may read side by side.
REVEALED_STATUSES = (SessionStatus.REVEALED, SessionStatus.CLOSED)
# A session still under way: a call in one is not proposed for another.
OPEN_STATUSES = (SessionStatus.PROPOSED, SessionStatus.SCORING, SessionStatus.REVEALED)


class CalibrationSession(models.Model):
    title = models.CharField(_("title"), max_length=160)
    line_of_business = models.ForeignKey(
        LineOfBusiness,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calibration_sessions",
        verbose_name=_("line of business"),
    )
    week_start = models.DateField(_("week of the calls"), help_text=_("Monday of the week the calls come from."))
    scheduled_at = models.DateTimeField(_("meeting"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.PROPOSED)
    tolerance = models.DecimalField(
        _("tolerance (points)"),
        max_digits=4,
        decimal_places=1,
        default=DEFAULT_TOLERANCE,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("50"))],
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="facilitated_calibrations",
        verbose_name=_("facilitator"),
    )
    proposed_automatically = models.BooleanField(_("proposed by the weekly job"), default=False)
    notes = models.TextField(_("session notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("scoring opened"), null=True, blank=True)
    revealed_at = models.DateTimeField(_("revealed"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-week_start", "-pk"]
        verbose_name = _("calibration session")
        verbose_name_plural = _("calibration sessions")
        constraints = [
            # The weekly job proposes at most one session per line and week.
            models.UniqueConstraint(
                fields=["line_of_business", "week_start"],
                condition=Q(proposed_automatically=True),
                name="calib_one_proposal_per_line_week",
            ),
            models.CheckConstraint(condition=Q(tolerance__gt=0), name="calib_session_tolerance_positive"),
        ]
        indexes = [models.Index(fields=["status", "closed_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_revealed(self) -> bool:
        return self.status in REVEALED_STATUSES


class ItemReason(models.TextChoices):
    RANDOM = "random", _("Random among the week's calls")
    DISPUTE = "dispute", _("Disputed")
    DISAGREEMENT = "disagreement", _("Double scoring disagreed")
    MANUAL = "manual", _("Chosen by hand")


class CalibrationItem(models.Model):
    """One call of a session, scored by every participant on one scorecard version; after the
    reveal the facilitator records the consensus answers (the reference)."""

    session = models.ForeignKey(CalibrationSession, on_delete=models.CASCADE, related_name="items")
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="calibration_items", verbose_name=_("call"))
    version = models.ForeignKey(
        "scoring.ScorecardVersion", on_delete=models.PROTECT, related_name="+", verbose_name=_("scorecard version")
    )
    reason = models.CharField(_("why picked"), max_length=12, choices=ItemReason.choices, default=ItemReason.MANUAL)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    consensus_total = models.DecimalField(_("consensus score"), max_digits=4, decimal_places=1, null=True, blank=True)
    consensus_critical_failed = models.BooleanField(_("consensus critical failure"), default=False)
    consensus_notes = models.TextField(_("what the session agreed"), blank=True)
    consensus_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    consensus_at = models.DateTimeField(_("consensus recorded"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["session", "position", "pk"]
        verbose_name = _("calibration call")
        verbose_name_plural = _("calibration calls")
        constraints = [
            models.UniqueConstraint(fields=["session", "call"], name="calib_item_one_per_call"),
            # Up to 100 plus the scorecard's bonus weights.
            models.CheckConstraint(
                condition=Q(consensus_total__isnull=True) | Q(consensus_total__gte=Decimal("0")),
                name="calib_consensus_total_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.call}"

    @property
    def has_consensus(self) -> bool:
        return self.consensus_at is not None


class ConsensusAnswer(models.Model):
    item = models.ForeignKey(CalibrationItem, on_delete=models.CASCADE, related_name="consensus_answers")
    criterion = models.ForeignKey("scoring.Criterion", on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(_("value"), null=True, blank=True)
    is_na = models.BooleanField(_("N/A"), default=False)
    note = models.TextField(_("guidance note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["criterion__section__position", "criterion__position", "criterion_id"]
        verbose_name = _("consensus answer")
        verbose_name_plural = _("consensus answers")
        constraints = [
            models.UniqueConstraint(fields=["item", "criterion"], name="consensus_one_per_criterion"),
            models.CheckConstraint(condition=~Q(is_na=True, value__isnull=False), name="consensus_na_has_no_value"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {'N/A' if self.is_na else self.value}"

    @property
    def formula_value(self):
        from . import formula

        return formula.NA if self.is_na else self.value


class CalibrationParticipant(models.Model):
    session = models.ForeignKey(CalibrationSession, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calibrations", verbose_name=_("participant")
    )
    role = models.CharField(_("taking part as"), max_length=16)
    invited_at = models.DateTimeField(_("invited"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["session", "pk"]
        verbose_name = _("calibration participant")
        verbose_name_plural = _("calibration participants")
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="calib_one_participation")]

    def __str__(self) -> str:
        return f"{self.user} in {self.session}"
