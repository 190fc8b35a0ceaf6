"""Training needs and group training (DESIGN.md §5).

A weekly job sums the points lost on the week's scored regular evaluations by category and by
criterion, for every group of agents — shift, direction, service type, team, line of business —
and flags a problem as common to the group when both the share of the group's agents affected
and the group's loss rate pass the center's thresholds (`TrainingNeedPolicy`). A problem that
only one agent has (their own rate past the higher individual threshold while no group of
theirs is flagged for it) is an individual need: a suggested coaching plan, not a course.

Rate = points lost / points possible over the answered, non-N/A answers of that category or
criterion. An agent is affected when their own rate passes the rate threshold.

A trainer turns a flag into a `TrainingSession` (topic, date, attendees chosen from the affected
agents, materials) and takes attendance; afterwards the session page compares the group's rate
before and after it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from monitoring.models import Agent
from scoring.models import Category, Scorecard

from .plans import attachment_upload_to


class TrainingNeedPolicy(models.Model):
    """The center's thresholds for flagging training needs: one row (pk 1), edited by managers
    and trainers, with history."""

    min_share_affected = models.FloatField(
        _("share of the group's agents affected"),
        default=0.3,
        validators=[MinValueValidator(0.01), MaxValueValidator(1)],
        help_text=_("A problem is common to a group when at least this share of its agents have it (0–1)."),
    )
    min_rate = models.FloatField(
        _("loss rate"),
        default=0.25,
        validators=[MinValueValidator(0.01), MaxValueValidator(1)],
        help_text=_(
            "Points lost / points possible at or above which a group has the problem, and an agent is affected (0–1)."
        ),
    )
    min_individual_rate = models.FloatField(
        _("loss rate of one agent"),
        default=0.4,
        validators=[MinValueValidator(0.01), MaxValueValidator(1)],
        help_text=_(
            "An agent whose problem no group of theirs shares is flagged for a coaching plan at or above this "
            "rate (0–1): higher than the group's, so that a week's ordinary losses are not each a plan."
        ),
    )
    min_group_agents = models.PositiveSmallIntegerField(
        _("smallest group"),
        default=3,
        validators=[MinValueValidator(2), MaxValueValidator(500)],
        help_text=_("Groups with fewer evaluated agents are not flagged as common problems."),
    )
    min_evaluations = models.PositiveSmallIntegerField(
        _("fewest evaluations"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("An agent counts (affected or not) only with at least this many evaluations in the week."),
    )
    weekly_job = models.BooleanField(_("look for needs every week"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training-need thresholds")
        verbose_name_plural = _("training-need thresholds")

    def __str__(self) -> str:
        return str(_("Training-need thresholds"))

    @classmethod
    def current(cls) -> TrainingNeedPolicy:
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy


class GroupKind(models.TextChoices):
    SHIFT = "shift", _("Shift")
    DIRECTION = "direction", _("Direction")
    SERVICE_TYPE = "service_type", _("Service type")
    TEAM = "team", _("Team")
    LINE_OF_BUSINESS = "line_of_business", _("Line of business")
    AGENT = "agent", _("Individual agent")


class NeedDimension(models.TextChoices):
    CATEGORY = "category", _("Category")
    CRITERION = "criterion", _("Criterion")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SCHEDULED = "scheduled", _("Training scheduled")
    PLANNED = "planned", _("Coaching plan created")
    DISMISSED = "dismissed", _("Dismissed")


class TrainingNeed(models.Model):
    week_start = models.DateField(_("week"))
    group_kind = models.CharField(_("group"), max_length=20, choices=GroupKind.choices)
    # The group's key: a shift code, 'inbound'/'outbound', a service type, a team or line id,
    # or the agent's id for an individual need.
    group_key = models.CharField(_("group key"), max_length=64)
    group_label = models.CharField(_("group name"), max_length=160)
    agent = models.ForeignKey(
        Agent, on_delete=models.CASCADE, null=True, blank=True, related_name="training_needs", verbose_name=_("agent")
    )
    dimension = models.CharField(_("problem on"), max_length=10, choices=NeedDimension.choices)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    scorecard = models.ForeignKey(
        Scorecard, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("scorecard")
    )
    criterion_text = models.CharField(_("criterion"), max_length=255, blank=True)
    agents_in_group = models.PositiveIntegerField(_("agents evaluated"))
    agents_affected = models.PositiveIntegerField(_("agents affected"))
    evaluations = models.PositiveIntegerField(_("evaluations"))
    points_lost = models.FloatField(_("points lost"))
    points_possible = models.FloatField(_("points possible"))
    rate = models.FloatField(_("loss rate"))
    # {"agents": [{"id", "name", "rate", "evaluations", "lost", "possible"}...],
    #  "evaluation_ids": [...], "thresholds": {...}}: what the flag was raised on.
    evidence = models.JSONField(_("evidence"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    computed_at = models.DateTimeField(_("computed"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-week_start", "-rate", "pk"]
        verbose_name = _("training need")
        verbose_name_plural = _("training needs")
        constraints = [
            # A category need has no scorecard: 0 stands for it, so that two are not both allowed
            # (NULLs are distinct in a plain unique constraint).
            models.UniqueConstraint(
                "week_start",
                "group_kind",
                "group_key",
                "dimension",
                "category",
                Coalesce("scorecard", Value(0)),
                "criterion_text",
                name="training_need_unique_per_week_group_problem",
            ),
            models.CheckConstraint(
                condition=Q(group_kind="agent", agent__isnull=False) | (~Q(group_kind="agent") & Q(agent__isnull=True)),
                name="training_need_agent_iff_individual",
            ),
        ]
        indexes = [models.Index(fields=["status", "week_start"])]

    def __str__(self) -> str:
        return f"{self.group_label}: {self.problem_label}"

    @property
    def is_individual(self) -> bool:
        return self.group_kind == GroupKind.AGENT

    @property
    def problem_label(self) -> str:
        if self.dimension == NeedDimension.CRITERION:
            return self.criterion_text
        return str(Category(self.category).label) if self.category in Category.values else self.category


class TrainingSessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class TrainingSession(models.Model):
    """A group training course, usually made from a common need."""

    need = models.ForeignKey(
        TrainingNeed,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_sessions",
        verbose_name=_("training need"),
    )
    topic = models.CharField(_("topic"), max_length=200)
    scheduled_for = models.DateTimeField(_("date and time"))
    location = models.CharField(_("place"), max_length=120, blank=True)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_sessions", verbose_name=_("trainer")
    )
    materials = models.TextField(_("materials"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to=attachment_upload_to, blank=True, max_length=255)
    status = models.CharField(
        _("status"), max_length=10, choices=TrainingSessionStatus.choices, default=TrainingSessionStatus.PLANNED
    )
    attendees = models.ManyToManyField(
        Agent, through="TrainingAttendance", related_name="training_sessions", verbose_name=_("attendees")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    held_at = models.DateTimeField(_("attendance taken"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-scheduled_for", "pk"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")

    def __str__(self) -> str:
        return self.topic


class TrainingAttendance(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendance")
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="training_attendance")
    # None until attendance is taken.
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        ordering = ["agent__name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "agent"], name="training_attendance_once")]

    def __str__(self) -> str:
        return f"{self.agent} @ {self.session}"
