"""Coaching plans: an individual's written improvement proposal (DESIGN.md §5).

A plan belongs to one agent and has one owner (a trainer or a supervisor). Its goals name a
criterion or a category, a target score (0–100, the share of the criterion's or category's
points earned) and an explicit deadline; the plan's deadline is its latest goal's. The
evaluations that motivated it are kept, and its sessions (side-by-side, one-to-one, recording
review) carry notes, an attachment and library calls, each acknowledged by the agent.

Status: open (created) → in progress (its first session is held) → completed; a Celery task
marks an unfinished plan past its deadline overdue and reminds the owner and the agent's
supervisors. While a plan is open, in progress or overdue the agent is in the at-risk tier and
follow-up sampling targets the service types its goals name (planning reads
`coaching.selectors.follow_up_targets`).

A goal's criterion is matched across scorecard versions by scorecard and criterion text (a
published version is immutable, so a new version repeats the criterion as a new row).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from monitoring.models import Agent
from scoring.models import Category, Criterion, Evaluation, Scorecard


class PlanStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    OVERDUE = "overdue", _("Overdue")


# A plan in these statuses is still being worked on: the agent is at risk and gets follow-ups.
ACTIVE_PLAN_STATUSES = (PlanStatus.OPEN, PlanStatus.IN_PROGRESS, PlanStatus.OVERDUE)


class CoachingPlan(models.Model):
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="coaching_plans", verbose_name=_("agent"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_coaching_plans", verbose_name=_("owner")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=160)
    proposal = models.TextField(
        _("improvement proposal"), blank=True, help_text=_("What the agent is to work on, and how.")
    )
    status = models.CharField(_("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.OPEN)
    deadline = models.DateField(_("deadline"))
    evaluations = models.ManyToManyField(
        Evaluation, blank=True, related_name="coaching_plans", verbose_name=_("evaluations that motivated it")
    )
    need = models.ForeignKey(
        "coaching.TrainingNeed",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("training need"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("marked overdue"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("overdue reminder sent"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged by the agent"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("coaching plan")
        verbose_name_plural = _("coaching plans")
        indexes = [
            models.Index(fields=["agent", "status"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["status", "deadline"]),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.agent.name})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_PLAN_STATUSES


class GoalScope(models.TextChoices):
    CRITERION = "criterion", _("Criterion")
    CATEGORY = "category", _("Category")


class CoachingGoal(models.Model):
    plan = models.ForeignKey(CoachingPlan, on_delete=models.CASCADE, related_name="goals")
    scope = models.CharField(_("goal on"), max_length=10, choices=GoalScope.choices)
    # scope = criterion: the criterion as chosen (a row of one version), matched across versions
    # by its scorecard and text.
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("criterion")
    )
    scorecard = models.ForeignKey(
        Scorecard, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("scorecard")
    )
    criterion_text = models.CharField(_("criterion"), max_length=255, blank=True)
    # scope = category
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, blank=True)
    target = models.FloatField(
        _("target score (%)"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("The share of the criterion's (or category's) points the agent should earn."),
    )
    deadline = models.DateField(_("deadline"))
    service_types = models.JSONField(
        _("follow-up service types"),
        default=list,
        blank=True,
        help_text=_("Follow-up monitoring samples calls of these service types; empty: where the points were lost."),
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("coaching goal")
        verbose_name_plural = _("coaching goals")
        constraints = [
            models.CheckConstraint(
                condition=(Q(scope="criterion") & ~Q(criterion_text="") & Q(scorecard__isnull=False))
                | (Q(scope="category") & ~Q(category="")),
                name="coaching_goal_names_its_target",
            ),
            models.CheckConstraint(condition=Q(target__gte=0, target__lte=100), name="coaching_goal_target_0_100"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.scope == GoalScope.CRITERION:
            return self.criterion_text
        return str(Category(self.category).label) if self.category in Category.values else self.category


class SessionKind(models.TextChoices):
    SIDE_BY_SIDE = "side_by_side", _("Side-by-side")
    ONE_TO_ONE = "one_to_one", _("One-to-one")
    RECORDING_REVIEW = "recording_review", _("Recording review")


def attachment_upload_to(instance, filename: str) -> str:
    from django.utils.text import get_valid_filename

    return f"coaching/{instance._meta.model_name}/{get_valid_filename(filename)}"


class CoachingSession(models.Model):
    plan = models.ForeignKey(CoachingPlan, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(_("kind"), max_length=16, choices=SessionKind.choices)
    held_at = models.DateTimeField(_("held"))
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("held by")
    )
    notes = models.TextField(_("notes"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to=attachment_upload_to, blank=True, max_length=255)
    library_calls = models.ManyToManyField(
        "coaching.LibraryCall", blank=True, related_name="sessions", verbose_name=_("library calls")
    )
    acknowledged_at = models.DateTimeField(_("acknowledged by the agent"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["held_at", "pk"]
        verbose_name = _("coaching session")
        verbose_name_plural = _("coaching sessions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_at:%Y-%m-%d}"
