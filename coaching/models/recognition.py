"""Recognition (DESIGN.md §5): badges and streaks for improvement and consistency, kudos on
exemplary calls, team boards ranked by improvement over each agent's own baseline. Seed 000 warns
that monitoring breeds fear: recognition praises progress, never ranks a low score in public, and
a center may switch it off (`RecognitionPolicy.enabled`).

Badges are computed by a weekly job from the agent's regular, scored evaluations
(coaching/services/recognition.py); one award per agent, badge and week (a goal met: per goal).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from monitoring.models import Agent, Call
from scoring.models import Evaluation

from .library import LibraryCall
from .plans import CoachingGoal


class RecognitionPolicy(models.Model):
    """The center's recognition settings: one row (pk 1), edited by managers, with history."""

    enabled = models.BooleanField(
        _("recognition is on"),
        default=True,
        help_text=_("Off: no recognition page, menu entry, badge job or kudos button anywhere."),
    )
    weekly_target = models.FloatField(
        _("weekly target score"),
        default=85,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
        help_text=_("A week is on target when the agent's mean score of the week is at least this."),
    )
    streak_weeks = models.PositiveSmallIntegerField(
        _("weeks on target for a streak"),
        default=4,
        validators=[MinValueValidator(2), MaxValueValidator(52)],
        help_text=_(
            "The streak badge is given at this many weeks on target in a row, and again at twice, three times as many…"
        ),
    )
    no_critical_weeks = models.PositiveSmallIntegerField(
        _("weeks without a critical failure"),
        default=4,
        validators=[MinValueValidator(2), MaxValueValidator(52)],
        help_text=_("Weeks in a row, each with at least one evaluation and no critical failure."),
    )
    min_evaluations = models.PositiveSmallIntegerField(
        _("fewest evaluations in a week"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("A week counts towards a streak on target only with at least this many evaluations."),
    )
    improvement_points = models.FloatField(
        _("improvement in points"),
        default=5,
        validators=[MinValueValidator(0.5), MaxValueValidator(50)],
        help_text=_(
            "The improvement badge: the last 4 weeks' mean at least this far above the agent's own previous "
            "8 weeks, with the difference's 95 % interval above 0."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recognition settings")
        verbose_name_plural = _("recognition settings")

    def __str__(self) -> str:
        return str(_("Recognition settings"))

    @classmethod
    def current(cls) -> RecognitionPolicy:
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy


class BadgeKind(models.TextChoices):
    ON_TARGET = "on_target", _("Weeks on target")
    IMPROVED = "improved", _("Improved on own baseline")
    GOAL_MET = "goal_met", _("Coaching goal met")
    NO_CRITICAL = "no_critical", _("No critical failure")


class BadgeAward(models.Model):
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="badges", verbose_name=_("agent"))
    kind = models.CharField(_("badge"), max_length=12, choices=BadgeKind.choices)
    # The Monday of the week the badge was earned in.
    week_start = models.DateField(_("week"))
    goal = models.ForeignKey(
        CoachingGoal,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="badges",
        verbose_name=_("coaching goal"),
    )
    # What it was given on: {"weeks": 4} for a streak; {"n_before", "n_since", "difference",
    # "low", "high"} for an improvement; the goal's label and figures for a goal met.
    evidence = models.JSONField(_("evidence"), default=dict)
    awarded_at = models.DateTimeField(_("awarded"), auto_now_add=True)
    # When the agent first saw it on their page (None: still new to them).
    seen_at = models.DateTimeField(_("seen"), null=True, blank=True)

    class Meta:
        ordering = ["-week_start", "kind", "pk"]
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "kind", "week_start"], condition=Q(goal__isnull=True), name="badge_once_per_week"
            ),
            models.UniqueConstraint(
                fields=["agent", "kind", "goal"], condition=Q(goal__isnull=False), name="badge_once_per_goal"
            ),
            models.CheckConstraint(
                condition=Q(kind="goal_met", goal__isnull=False) | (~Q(kind="goal_met") & Q(goal__isnull=True)),
                name="badge_goal_iff_goal_met",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent}: {self.get_kind_display()} ({self.week_start})"


class Kudos(models.Model):
    """Praise for one call, from a supervisor, trainer, QA auditor, manager or a peer agent."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="kudos", verbose_name=_("call"))
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="kudos", verbose_name=_("agent"))
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("evaluation")
    )
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kudos_given", verbose_name=_("from")
    )
    message = models.CharField(_("message"), max_length=280)
    library_entry = models.ForeignKey(
        LibraryCall,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="kudos",
        verbose_name=_("library entry"),
    )
    created_at = models.DateTimeField(_("given"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("kudos")
        verbose_name_plural = _("kudos")
        constraints = [models.UniqueConstraint(fields=["call", "given_by"], name="kudos_once_per_call_and_giver")]

    def __str__(self) -> str:
        return f"{self.given_by} → {self.agent}: {self.message[:40]}"
