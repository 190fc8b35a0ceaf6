"""Org structure, agents, calls and recordings (DESIGN.md §2)."""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# The largest primary key a database accepts: filters bound ids by it (a 400, not a 500).
MAX_ID = 2**63 - 1


class Site(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")

    class Meta:
        ordering = ["name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return self.name


class LineOfBusiness(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("line of business")
        verbose_name_plural = _("lines of business")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="teams", verbose_name=_("site"))
    lines_of_business = models.ManyToManyField(
        LineOfBusiness, related_name="teams", blank=True, verbose_name=_("lines of business")
    )
    supervisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="supervised_teams", blank=True, verbose_name=_("supervisors")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Shift(models.Model):
    """A named time window. Windows may cross midnight (22:00–06:00).

    Windows may overlap (a peak window inside the day window); the one with the highest
    priority that contains the call's local start time wins.
    """

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    start = models.TimeField(_("starts"))
    end = models.TimeField(_("ends"))
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=0, help_text=_("Where windows overlap, the highest priority wins.")
    )

    class Meta:
        ordering = ["-priority", "start"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [models.CheckConstraint(condition=~Q(start=models.F("end")), name="shift_window_not_empty")]

    def __str__(self) -> str:
        return f"{self.name} ({self.start:%H:%M}–{self.end:%H:%M})"

    def contains(self, moment: dt.time) -> bool:
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


class Agent(models.Model):
    employee_id = models.CharField(_("employee id"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="agents", verbose_name=_("team"))
    hire_date = models.DateField(_("hire date"))
    active = models.BooleanField(_("active"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agent",
        verbose_name=_("login"),
    )
    monitoring_notified_on = models.DateField(
        _("told about monitoring on"),
        null=True,
        blank=True,
        help_text=_("When the agent was informed that calls are monitored."),
    )

    # Written down by the coaching app (a higher app): an open plan raises the agent's tier and
    # its goals' service types get follow-up samples.
    coaching_open = models.BooleanField(_("has an open coaching plan"), default=False)
    coaching_focus = models.JSONField(_("coaching focus (service types)"), default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("agent")
        verbose_name_plural = _("agents")
        indexes = [models.Index(fields=["team", "active"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.employee_id})"


class PrivateLine(models.Model):
    """A line or extension kept for private use: never sampled, never recorded."""

    line = models.CharField(_("line / extension"), max_length=32, unique=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["line"]
        verbose_name = _("private line")
        verbose_name_plural = _("private lines")

    def __str__(self) -> str:
        return self.line


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")


def recording_upload_to(call: Call, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    start = call.start_time or dt.datetime.now(dt.UTC)
    return f"recordings/{start:%Y/%m/%d}/{call.source}-{call.external_id}.{ext}"


class Call(models.Model):
    source = models.CharField(_("source system"), max_length=32, default="default")
    external_id = models.CharField(_("external id"), max_length=64)
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="calls", verbose_name=_("agent"))
    line_of_business = models.ForeignKey(
        LineOfBusiness, on_delete=models.PROTECT, related_name="calls", verbose_name=_("line of business")
    )
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    service_type = models.CharField(_("service type / queue"), max_length=64, blank=True)
    start_time = models.DateTimeField(_("start time"))
    shift = models.ForeignKey(
        Shift, on_delete=models.SET_NULL, null=True, blank=True, related_name="calls", verbose_name=_("shift")
    )
    talk_seconds = models.PositiveIntegerField(_("talk seconds"))
    hold_seconds = models.PositiveIntegerField(_("hold seconds"), default=0)
    acw_seconds = models.PositiveIntegerField(_("after-call work seconds"), default=0)
    csat = models.PositiveSmallIntegerField(
        _("CSAT"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    nps = models.PositiveSmallIntegerField(
        _("NPS"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    line = models.CharField(_("line / extension"), max_length=32, blank=True)
    recording = models.FileField(_("recording"), upload_to=recording_upload_to, blank=True, max_length=255)
    recording_content_type = models.CharField(_("recording content type"), max_length=64, blank=True)
    recording_size = models.PositiveBigIntegerField(_("recording size (bytes)"), null=True, blank=True)
    transcript = models.JSONField(
        _("transcript"),
        null=True,
        blank=True,
        help_text=_('Timed segments: [{"start": 0.0, "end": 2.5, "speaker": "agent", "text": "..."}]'),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_time"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        permissions = [("ingest_calls", _("Can ingest calls and upload recordings (telephony integration)"))]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="call_unique_external_id"),
            models.CheckConstraint(condition=Q(csat__isnull=True) | Q(csat__gte=1, csat__lte=5), name="call_csat_1_5"),
            models.CheckConstraint(condition=Q(nps__isnull=True) | Q(nps__lte=10), name="call_nps_0_10"),
        ]
        indexes = [
            models.Index(fields=["agent", "start_time"]),
            models.Index(fields=["line_of_business", "start_time"]),
            models.Index(fields=["start_time"]),
            models.Index(fields=["line"]),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"

    @property
    def handle_seconds(self) -> int:
        return self.talk_seconds + self.hold_seconds + self.acw_seconds

    @property
    def has_recording(self) -> bool:
        return bool(self.recording)

    def clean(self) -> None:
        if self.transcript is not None:
            validate_transcript(self.transcript)


def validate_transcript(value) -> None:
    if not isinstance(value, list):
        raise ValidationError({"transcript": _("A transcript is a list of timed segments.")})
    for i, seg in enumerate(value):
        if not isinstance(seg, dict) or "text" not in seg or "start" not in seg:
            raise ValidationError({"transcript": _("Segment %(i)s needs at least 'start' and 'text'.") % {"i": i}})
        try:
            times = [float(seg["start"])] + ([float(seg["end"])] if "end" in seg else [])
        except (TypeError, ValueError, OverflowError):
            raise ValidationError({"transcript": _("Segment %(i)s has a non-numeric time.") % {"i": i}}) from None
        if not all(math.isfinite(t) and 0 <= t <= 86_400 for t in times):
            raise ValidationError({"transcript": _("Segment %(i)s has a time outside 0–86400 s.") % {"i": i}})


class ListenLog(models.Model):
    """Every time someone fetches a recording (each Range request that starts a listen)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="listens", verbose_name=_("call"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="listens", verbose_name=_("user")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    byte_range = models.CharField(_("range"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("listen")
        verbose_name_plural = _("listen log")

    def __str__(self) -> str:
        return f"{self.user} → {self.call} at {self.at:%Y-%m-%d %H:%M}"


class AssignmentReason(models.TextChoices):
    RANDOM = "random", _("Random within a stratum")
    LINE_TOPUP = "line_topup", _("Line of business top-up")
    COACHING = "coaching", _("Coaching follow-up")
    DOUBLE_SCORING = "double_scoring", _("Double scoring (reliability)")
    MANUAL = "manual", _("Assigned by hand")


class AssignmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Assignment(models.Model):
    """A call routed to one evaluator to score (DESIGN.md §3).

    Scoring records the evaluation that fulfils it; monitoring only knows the work item, so the
    sampler (which lives here) never imports scoring.
    """

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("call"))
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("evaluator")
    )
    evaluator_role = models.CharField(_("evaluator role"), max_length=16)
    reason = models.CharField(_("why picked"), max_length=16, choices=AssignmentReason.choices)
    inclusion_probability = models.FloatField(
        _("inclusion probability"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("Chance this call had of being sampled; blank for targeted picks."),
    )
    period_start = models.DateField(_("week starting"), help_text=_("Monday of the monitoring week."))
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("status"), max_length=12, choices=AssignmentStatus.choices, default=AssignmentStatus.OPEN
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(
        _("scoring started"), null=True, blank=True, help_text=_("Set by scoring when the evaluator opens it.")
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    overdue_reminded_at = models.DateTimeField(_("overdue reminder sent"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["call", "evaluator"], name="assignment_one_per_call_evaluator"),
            models.UniqueConstraint(
                fields=["call"],
                condition=~Q(reason="double_scoring"),
                name="assignment_one_primary_per_call",
            ),
        ]
        indexes = [
            models.Index(fields=["evaluator", "status", "due_at"]),
            models.Index(fields=["period_start"]),
        ]

    def __str__(self) -> str:
        return f"{self.call} → {self.evaluator}"

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return self.status == AssignmentStatus.OPEN and self.due_at < timezone.now()


class QuotaPolicy(models.Model):
    """How much monitoring a line of business gets (DESIGN.md §3). The row without a line of
    business is the center's default; a line's own row overrides it entirely."""

    line_of_business = models.OneToOneField(
        LineOfBusiness,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="quota_policy",
        verbose_name=_("line of business"),
        help_text=_("Blank: the center's default policy."),
    )
    # Agent weekly targets by performance tier (3–10 in the seed practice).
    target_excellent = models.PositiveSmallIntegerField(_("weekly target: excellent"), default=3)
    target_good = models.PositiveSmallIntegerField(_("weekly target: good"), default=5)
    target_needs_improvement = models.PositiveSmallIntegerField(_("weekly target: needs improvement"), default=7)
    target_at_risk = models.PositiveSmallIntegerField(_("weekly target: at risk"), default=10)
    target_no_history = models.PositiveSmallIntegerField(_("weekly target: no history yet"), default=5)
    # Tier thresholds on the trailing average.
    excellent_min = models.PositiveSmallIntegerField(_("excellent from (average)"), default=90)
    good_min = models.PositiveSmallIntegerField(_("good from (average)"), default=80)
    needs_improvement_min = models.PositiveSmallIntegerField(_("needs improvement from (average)"), default=70)
    trailing_weeks = models.PositiveSmallIntegerField(_("trailing weeks for the tier"), default=4)
    new_hire_days = models.PositiveSmallIntegerField(_("new hires are at risk for (days)"), default=90)
    # Line of business per month.
    line_month_floor = models.PositiveSmallIntegerField(_("line minimum per month"), default=15)
    line_month_cap = models.PositiveSmallIntegerField(_("line top-up up to (per month)"), default=20)
    # Eligibility.
    min_talk_seconds = models.PositiveIntegerField(_("minimum talk time (s)"), default=60)
    # Routing.
    share_qa = models.PositiveSmallIntegerField(_("share to QA (%)"), default=70)
    share_supervisor = models.PositiveSmallIntegerField(_("share to supervisors (%)"), default=20)
    share_trainer = models.PositiveSmallIntegerField(_("share to trainers (%)"), default=10)
    capacity_qa = models.PositiveSmallIntegerField(_("QA weekly capacity (each)"), default=60)
    capacity_supervisor = models.PositiveSmallIntegerField(
        _("supervisor weekly spot-check target (each)"), default=30
    )
    capacity_trainer = models.PositiveSmallIntegerField(_("trainer weekly capacity (each)"), default=30)
    double_scoring_percent = models.PositiveSmallIntegerField(_("double-scored share (%)"), default=5)
    due_days = models.PositiveSmallIntegerField(_("days to complete an assignment"), default=5)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["line_of_business__name"]
        verbose_name = _("quota policy")
        verbose_name_plural = _("quota policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(share_qa__lte=100, share_supervisor__lte=100, share_trainer__lte=100),
                name="quota_policy_shares_are_percent",
            ),
            models.CheckConstraint(condition=Q(line_month_cap__gte=F("line_month_floor")), name="quota_policy_cap_ge_floor"),
            models.CheckConstraint(
                condition=Q(excellent_min__gt=F("good_min"), good_min__gt=F("needs_improvement_min")),
                name="quota_policy_thresholds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return str(self.line_of_business) if self.line_of_business_id else str(_("Center default"))

    def clean(self) -> None:
        # The one-to-one keeps one policy per line; the default row (no line) is kept unique here,
        # since NULLs are distinct in a unique index on every backend we support.
        if self.line_of_business_id is None and QuotaPolicy.objects.filter(line_of_business__isnull=True).exclude(pk=self.pk).exists():
            raise ValidationError({"line_of_business": _("The center already has a default policy.")})
        if self.share_qa + self.share_supervisor + self.share_trainer != 100:
            raise ValidationError({"share_qa": _("The QA, supervisor and trainer shares must add up to 100 %.")})
        if self.line_month_cap < self.line_month_floor:
            raise ValidationError({"line_month_cap": _("The top-up limit cannot be below the minimum.")})
        if not self.excellent_min > self.good_min > self.needs_improvement_min:
            raise ValidationError({"good_min": _("Thresholds must fall: excellent > good > needs improvement.")})
        for name in ("target_excellent", "target_good", "target_needs_improvement", "target_at_risk", "target_no_history"):
            if not 1 <= getattr(self, name) <= 50:
                raise ValidationError({name: _("A weekly target is between 1 and 50.")})

    def target_for(self, tier: str) -> int:
        return {
            Tier.EXCELLENT: self.target_excellent,
            Tier.GOOD: self.target_good,
            Tier.NEEDS_IMPROVEMENT: self.target_needs_improvement,
            Tier.AT_RISK: self.target_at_risk,
            Tier.NO_HISTORY: self.target_no_history,
        }[tier]

    def shares(self) -> dict[str, int]:
        return {"qa": self.share_qa, "supervisor": self.share_supervisor, "trainer": self.share_trainer}

    def capacities(self) -> dict[str, int]:
        return {"qa": self.capacity_qa, "supervisor": self.capacity_supervisor, "trainer": self.capacity_trainer}


class Tier(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    NEEDS_IMPROVEMENT = "needs_improvement", _("Needs improvement")
    AT_RISK = "at_risk", _("At risk")
    NO_HISTORY = "no_history", _("No history yet")


class AgentTier(models.Model):
    """An agent's monitoring tier for a week, from the trailing weeks before it.

    Computed by the scoring app (which has the evaluations) and written down here, so the
    sampler reads it without importing a higher app. The coaching app likewise writes
    `open_coaching_plan` and `focus_service_types`.
    """

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="tiers", verbose_name=_("agent"))
    week_start = models.DateField(_("week starting"))
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices)
    target = models.PositiveSmallIntegerField(_("weekly target"))
    average = models.DecimalField(_("trailing average"), max_digits=4, decimal_places=1, null=True, blank=True)
    evaluations = models.PositiveIntegerField(_("evaluations in the trailing weeks"), default=0)
    ci_low = models.DecimalField(_("95 % interval, low"), max_digits=4, decimal_places=1, null=True, blank=True)
    ci_high = models.DecimalField(_("95 % interval, high"), max_digits=4, decimal_places=1, null=True, blank=True)
    critical_failures = models.PositiveIntegerField(_("critical failures"), default=0)
    new_hire = models.BooleanField(_("new hire"), default=False)
    open_coaching_plan = models.BooleanField(_("open coaching plan"), default=False)
    focus_service_types = models.JSONField(_("coaching focus (service types)"), default=list, blank=True)
    straddles_boundary = models.BooleanField(
        _("interval straddles a tier boundary"),
        default=False,
        help_text=_("The average is uncertain enough that the tier could be another: more samples are advised."),
    )
    reason = models.CharField(_("why this tier"), max_length=200, blank=True)
    computed_at = models.DateTimeField(_("computed"), auto_now=True)

    class Meta:
        ordering = ["-week_start", "agent"]
        verbose_name = _("agent tier")
        verbose_name_plural = _("agent tiers")
        constraints = [models.UniqueConstraint(fields=["agent", "week_start"], name="agent_tier_one_per_week")]

    def __str__(self) -> str:
        return f"{self.agent} {self.week_start}: {self.get_tier_display()}"


class SamplingKind(models.TextChoices):
    AGENT_WEEK = "agent_week", _("Agent quotas for a week")
    LINE_MONTH = "line_month", _("Line top-up for a month")


class SamplingRun(models.Model):
    """One row per period and kind: runs of the same period take its lock in turn, so two
    concurrent runs never both add (the second finds the first's assignments)."""

    kind = models.CharField(_("kind"), max_length=12, choices=SamplingKind.choices)
    period_start = models.DateField(_("period start"))
    seed = models.BigIntegerField(_("seed"), default=0)
    runs = models.PositiveIntegerField(_("times run"), default=0)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_added = models.PositiveIntegerField(_("assignments added by the last run"), default=0)
    last_seconds = models.FloatField(_("duration of the last run (s)"), null=True, blank=True)
    last_report = models.JSONField(_("last report"), default=dict, blank=True)

    class Meta:
        ordering = ["-period_start", "kind"]
        verbose_name = _("sampling run")
        verbose_name_plural = _("sampling runs")
        constraints = [models.UniqueConstraint(fields=["kind", "period_start"], name="sampling_run_one_per_period")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start}"
