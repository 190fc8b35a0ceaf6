"""Scorecards, evaluations, answers and disputes (DESIGN.md §2)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from monitoring.models import Agent, Assignment, Call, LineOfBusiness

from . import formula


class Category(models.TextChoices):
    ETIQUETTE = "etiquette", _("Service etiquette")
    COMMUNICATION = "communication", _("Communication")
    KNOWLEDGE = "knowledge", _("Knowledge")
    COMPLIANCE = "compliance", _("Compliance")
    RESOLUTION = "resolution", _("Resolution")
    OTHER = "other", _("Other")


class Scorecard(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    lines_of_business = models.ManyToManyField(
        LineOfBusiness,
        blank=True,
        related_name="scorecards",
        verbose_name=_("lines of business"),
        help_text=_("Calls of these lines are scored on this scorecard by default."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")

    def __str__(self) -> str:
        return self.name


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class ScorecardVersion(models.Model):
    """One version of a scorecard. Immutable once published: edits start a new draft."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    critical_zeroes = models.BooleanField(
        _("a failed critical item zeroes the score"),
        default=True,
        help_text=_("Off: a failed critical item only flags the evaluation."),
    )
    notes = models.TextField(_("what changed"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["scorecard", "-number"]
        verbose_name = _("scorecard version")
        verbose_name_plural = _("scorecard versions")
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "number"], name="scorecard_version_number_unique"),
            models.UniqueConstraint(fields=["scorecard"], condition=Q(status="draft"), name="scorecard_one_draft"),
            models.UniqueConstraint(
                fields=["scorecard"], condition=Q(status="published"), name="scorecard_one_published"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scorecard.name} v{self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT

    def specs(self) -> list[formula.SectionSpec]:
        """The version as pure specs for the formula (uses prefetched sections/criteria)."""
        return [
            formula.SectionSpec(
                id=s.pk,
                weight=s.weight,
                title=s.title,
                criteria=tuple(c.spec() for c in s.criteria.all()),
                bonus=s.bonus,
            )
            for s in self.sections.all()
        ]


class Section(models.Model):
    version = models.ForeignKey(ScorecardVersion, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("title"), max_length=120)
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    bonus = models.BooleanField(
        _("bonus section"),
        default=False,
        help_text=_("Its weight adds points on top of the score instead of sharing the 100."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=100), name="section_weight_1_100")]

    def __str__(self) -> str:
        return self.title


class CriterionKind(models.TextChoices):
    YES_NO = formula.YES_NO, _("Yes / no")
    SCALE = formula.SCALE, _("Scale 0…k")


class Criterion(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="criteria")
    text = models.CharField(_("criterion"), max_length=255)
    guidance = models.TextField(_("guidance for the evaluator"), blank=True)
    kind = models.CharField(_("type"), max_length=8, choices=CriterionKind.choices, default=CriterionKind.YES_NO)
    scale_max = models.PositiveSmallIntegerField(
        _("scale maximum (k)"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    points = models.PositiveSmallIntegerField(_("points"), validators=[MinValueValidator(1)])
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, default=Category.OTHER)
    allow_na = models.BooleanField(_("N/A allowed"), default=False)
    critical = models.BooleanField(_("critical"), default=False)
    section_fail = models.BooleanField(
        _("fails its section"), default=False, help_text=_("Answered no (or 0), the whole section scores 0.")
    )
    comment_on_loss = models.BooleanField(_("comment required when points are lost"), default=False)
    shown_when_criterion = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dependents",
        verbose_name=_("shown only when"),
        help_text=_("An earlier criterion of this version; hidden, this one counts as N/A."),
    )
    shown_when_value = models.PositiveSmallIntegerField(_("has the answer"), null=True, blank=True)
    auto_source = models.CharField(
        _("answered automatically from"),
        max_length=60,
        blank=True,
        help_text=_("A phrase rule (rule:<code>) or an audio measure (measure:<flag>) of the call's analysis."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.CheckConstraint(condition=Q(points__gte=1), name="criterion_points_positive"),
            models.CheckConstraint(
                condition=Q(kind="yes_no", scale_max=1) | Q(kind="scale", scale_max__gte=1, scale_max__lte=10),
                name="criterion_scale_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def spec(self) -> formula.CriterionSpec:
        return formula.CriterionSpec(
            id=self.pk,
            kind=self.kind,
            points=self.points,
            scale_max=self.scale_max if self.kind == formula.SCALE else 1,
            critical=self.critical,
            allow_na=self.allow_na,
            text=self.text,
            section_fail=self.section_fail,
            shown_when=(
                formula.Condition(self.shown_when_criterion_id, self.shown_when_value)
                if self.shown_when_criterion_id is not None and self.shown_when_value is not None
                else None
            ),
        )


class RootCause(models.Model):
    """Why points were lost, from the scorecard version's list: within the agent's control (their
    score counts the loss) or not (the process's: the agent score counts it as N/A)."""

    version = models.ForeignKey(ScorecardVersion, on_delete=models.CASCADE, related_name="root_causes")
    text = models.CharField(_("root cause"), max_length=160)
    agent_controllable = models.BooleanField(_("within the agent's control"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("root cause")
        verbose_name_plural = _("root causes")
        constraints = [models.UniqueConstraint(fields=["version", "text"], name="root_cause_text_unique")]

    def __str__(self) -> str:
        return self.text


class Method(models.TextChoices):
    LIVE = "live", _("Random live monitoring")
    RECORDING = "recording", _("Recording review")
    SIDE_BY_SIDE = "side_by_side", _("Side-by-side coaching")
    PEER = "peer", _("Peer monitoring")
    SELF = "self", _("Self-monitoring")
    POST_CALL = "post_call", _("Post-call customer evaluation")
    MYSTERY = "mystery", _("Mystery shopper")


class Kind(models.TextChoices):
    REGULAR = "regular", _("Regular")
    CALIBRATION = "calibration", _("Calibration")
    SELF = "self", _("Self-evaluation")
    REVIEW = "review", _("Dispute re-score")


class Status(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    FEEDBACK_DELIVERED = "feedback_delivered", _("Feedback delivered")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    DISPUTED = "disputed", _("Disputed")
    RESOLVED = "resolved", _("Resolved")


# Statuses in which the agent may read the evaluation (feedback has reached them).
VISIBLE_TO_AGENT = (Status.FEEDBACK_DELIVERED, Status.ACKNOWLEDGED, Status.DISPUTED, Status.RESOLVED)
# Statuses in which the evaluation has a final score.
SCORED = (Status.SUBMITTED, *VISIBLE_TO_AGENT)


class Evaluation(models.Model):
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="evaluations")
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="evaluations")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evaluations")
    evaluator_role = models.CharField(_("evaluator role"), max_length=16)
    method = models.CharField(_("method"), max_length=16, choices=Method.choices, default=Method.RECORDING)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.REGULAR)
    version = models.ForeignKey(ScorecardVersion, on_delete=models.PROTECT, related_name="evaluations")
    assignment = models.OneToOneField(
        Assignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="evaluation"
    )
    calibration_item = models.ForeignKey(
        "scoring.CalibrationItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("calibration session call"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    total = models.DecimalField(_("score"), max_digits=4, decimal_places=1, null=True, blank=True)
    critical_failed = models.BooleanField(_("critical failure"), default=False)
    # The total with lost points outside the agent's control counted as N/A (DESIGN.md §2).
    agent_score = models.DecimalField(_("agent score"), max_digits=4, decimal_places=1, null=True, blank=True)
    # A critical failure the agent answers for (one put down to the process does not count);
    # null on evaluations scored before root causes existed: read `critical_failed` then.
    agent_critical_failed = models.BooleanField(_("critical failure of the agent's"), null=True, blank=True)
    summary = models.TextField(_("overall comment"), blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    draft_saved_at = models.DateTimeField(_("draft saved"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    feedback_due_at = models.DateTimeField(_("feedback due"), null=True, blank=True)
    feedback_delivered_at = models.DateTimeField(_("feedback delivered"), null=True, blank=True)
    feedback_delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    feedback_reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    disputed_at = models.DateTimeField(_("disputed"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "evaluator", "kind"],
                condition=Q(calibration_item__isnull=True),
                name="evaluation_one_per_call_evaluator_kind",
            ),
            # In a calibration session each participant scores each call once.
            models.UniqueConstraint(
                fields=["calibration_item", "evaluator"],
                condition=Q(calibration_item__isnull=False),
                name="evaluation_one_per_calibration_item_evaluator",
            ),
            # A call counts once toward performance (DESIGN.md §3): a second evaluator's score of
            # it is double scoring or calibration, a self-evaluation is the agent's own kind.
            models.UniqueConstraint(
                fields=["call"], condition=Q(kind="regular"), name="evaluation_one_regular_per_call"
            ),
            # Up to 100 plus the scorecard's bonus weights.
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(total__gte=Decimal("0")), name="evaluation_total_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(agent_score__isnull=True) | Q(agent_score__gte=Decimal("0")),
                name="evaluation_agent_score_not_negative",
            ),
        ]
        indexes = [
            # The evaluation list's default order (selectors.EVALUATION_SORTS "-date"): a page of
            # the newest is read from the index instead of sorting the table.
            models.Index(
                Coalesce("submitted_at", "created_at").desc(), F("id").desc(), name="evaluation_list_newest"
            ),
            models.Index(fields=["agent", "status", "submitted_at"]),
            models.Index(fields=["evaluator", "status"]),
            models.Index(fields=["status", "feedback_due_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.call} by {self.evaluator} ({self.get_status_display()})"

    @property
    def is_draft(self) -> bool:
        return self.status in (Status.ASSIGNED, Status.IN_PROGRESS)

    @property
    def awaits_feedback(self) -> bool:
        """A regular evaluation submitted, whose feedback has yet to reach the agent."""
        return self.kind == Kind.REGULAR and self.status == Status.SUBMITTED

    @property
    def awaits_agent(self) -> bool:
        """Feedback has reached the agent, who has yet to acknowledge or dispute it."""
        return self.kind == Kind.REGULAR and self.status == Status.FEEDBACK_DELIVERED

    @property
    def feedback_late(self) -> bool:
        """Feedback delivered after its due time, or still undelivered past it."""
        if self.kind != Kind.REGULAR or self.feedback_due_at is None:
            return False
        delivered = self.feedback_delivered_at
        return (delivered or timezone.now()) > self.feedback_due_at


class Answer(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(_("value"), null=True, blank=True)
    is_na = models.BooleanField(_("N/A"), default=False)
    comment = models.TextField(_("comment"), blank=True)
    time_offset = models.FloatField(
        _("time in recording (s)"), null=True, blank=True, validators=[MinValueValidator(0.0)]
    )
    root_cause = models.ForeignKey(
        RootCause, on_delete=models.PROTECT, null=True, blank=True, related_name="answers", verbose_name=_("root cause")
    )
    # Pre-filled from the call's analysis (scoring/auto.py): what it suggested, from which
    # source, with its evidence. The evaluator's value beside it is the confirmation or override.
    auto_value = models.PositiveSmallIntegerField(_("automatic answer"), null=True, blank=True)
    auto_source = models.CharField(_("answered automatically from"), max_length=60, blank=True)
    auto_evidence = models.JSONField(_("evidence"), default=dict, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["criterion__section__position", "criterion__position", "criterion_id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [
            # The agreement figures (selectors_auto) read only the pre-filled answers.
            models.Index(fields=["auto_source"], name="answer_auto_source", condition=Q(auto_value__isnull=False)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "criterion"], name="answer_one_per_criterion"),
            models.CheckConstraint(condition=~Q(is_na=True, value__isnull=False), name="answer_na_has_no_value"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {'N/A' if self.is_na else self.value}"

    @property
    def auto_outcome(self) -> str:
        """ "confirmed", "overridden" (another value, or N/A) or "": the evaluator's value beside the
        automatic answer, if there is one to compare."""
        if self.auto_value is None or (self.value is None and not self.is_na):
            return ""  # not pre-filled, or left without a value (hidden by a condition)
        return "confirmed" if not self.is_na and self.value == self.auto_value else "overridden"

    @property
    def formula_value(self):
        if self.is_na:
            return formula.NA
        return self.value


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld")
    ADJUSTED = "adjusted", _("Adjusted")


class Dispute(models.Model):
    """An agent's dispute of a delivered score. Level 1 goes, as a blind re-score assignment, to a
    different calibrated evaluator (`reviewer`, `review`); level 2 is the agent's appeal of a
    level-1 decision, decided by a manager (`appeal_of`)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="disputes")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    proposed_total = models.DecimalField(
        _("score the agent proposes"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    appeal_of = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="appeal", verbose_name=_("appeal of")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dispute_reviews",
        verbose_name=_("reviewer"),
    )
    review = models.OneToOneField(
        Evaluation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_dispute",
        verbose_name=_("blind re-score"),
    )
    review_due_at = models.DateTimeField(_("re-score due"), null=True, blank=True)
    raised_at = models.DateTimeField(_("raised"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    original_total = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    adjusted_total = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        constraints = [
            models.UniqueConstraint(fields=["evaluation"], condition=Q(status="open"), name="dispute_one_open"),
            models.CheckConstraint(condition=Q(level__in=[1, 2]), name="dispute_level_1_2"),
            models.CheckConstraint(
                condition=Q(level=1, appeal_of__isnull=True) | Q(level=2, appeal_of__isnull=False),
                name="dispute_appeal_is_level_2",
            ),
            models.CheckConstraint(
                condition=Q(proposed_total__isnull=True)
                | Q(proposed_total__gte=Decimal("0"), proposed_total__lte=Decimal("100")),
                name="dispute_proposed_total_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"Dispute on {self.evaluation_id} ({self.status})"


class DisputeChange(models.Model):
    """A criterion whose answer a dispute's decision changed: the overturn rate per criterion."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="criterion_changes")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    before_value = models.PositiveSmallIntegerField(null=True, blank=True)
    before_na = models.BooleanField(default=False)
    after_value = models.PositiveSmallIntegerField(null=True, blank=True)
    after_na = models.BooleanField(default=False)

    class Meta:
        ordering = ["dispute", "criterion_id"]
        verbose_name = _("answer changed by a dispute")
        verbose_name_plural = _("answers changed by disputes")
        constraints = [
            models.UniqueConstraint(fields=["dispute", "criterion"], name="dispute_change_one_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.before_value} → {self.after_value}"


# The calibration models refer to the ones above; importing them here registers them with the app.
from .models_calibration import (  # noqa: E402, F401
    REVEALED_STATUSES,
    CalibrationItem,
    CalibrationParticipant,
    CalibrationPolicy,
    CalibrationSession,
    ConsensusAnswer,
    ItemReason,
    SessionStatus,
)
