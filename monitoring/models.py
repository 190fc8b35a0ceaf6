"""Org structure, agents, calls and recordings (DESIGN.md §2)."""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .validators import validate_call_key

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
    # get_valid_filename: a key stored before validators.py's rule ("../x", "a\\b") still gives
    # one plain file name, never a path (which the storage would refuse, or follow).
    return f"recordings/{start:%Y/%m/%d}/{get_valid_filename(f'{call.source}-{call.external_id}')}.{ext}"


class Call(models.Model):
    # Both are the call's key and end up in file names and HTTP headers: validators.py says which
    # characters they may hold (rows from before the rule are left as they are).
    source = models.CharField(_("source system"), max_length=32, default="default", validators=[validate_call_key])
    external_id = models.CharField(_("external id"), max_length=64, validators=[validate_call_key])
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
        permissions = [
            ("ingest_calls", _("Can ingest calls and upload recordings (telephony integration)")),
            ("view_unredacted_transcripts", _("Can read transcripts with personal data unmasked")),
        ]
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
        from django.utils import timezone

        if self.at is None:  # not saved yet
            return f"{self.user} → {self.call}"
        return f"{self.user} → {self.call} at {timezone.localtime(self.at):%Y-%m-%d %H:%M}"


class AssignmentReason(models.TextChoices):
    RANDOM = "random", _("Random within a stratum")
    LINE_TOPUP = "line_topup", _("Line of business top-up")
    COACHING = "coaching", _("Coaching follow-up")
    DOUBLE_SCORING = "double_scoring", _("Double scoring (reliability)")
    MANUAL = "manual", _("Assigned by hand")
    DISPUTE_REVIEW = "dispute_review", _("Dispute re-score (blind)")
    FLAGGED = "flagged", _("Flagged by automatic QA")


# Assignments that are a second look at a call someone else scores for the record: they never
# fulfil the call's quota and never conflict with its primary assignment.
SECONDARY_REASONS = (AssignmentReason.DOUBLE_SCORING, AssignmentReason.DISPUTE_REVIEW)


class AssignmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Assignment(models.Model):
    """A call routed to one evaluator to score (DESIGN.md §3): the first state of an
    evaluation's lifecycle ("assigned").

    Data only. The planning app creates, routes, reassigns and reminds about assignments; the
    scoring app starts an evaluation from one and closes it on submit. It lives here, the lowest
    app both of them read, so neither imports the other's tables the wrong way.
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
                condition=~Q(reason__in=["double_scoring", "dispute_review"]),
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


# The analytics models refer to the ones above; importing them here registers them with the app.
from .models_analytics import (  # noqa: E402, F401
    AnalysisSettings,
    AnalysisStatus,
    CallAnalysis,
    PhraseRule,
)
