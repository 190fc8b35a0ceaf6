"""Call analytics (automatic QA, DESIGN.md §9): each line's thresholds and phrase rules, edited
by managers with history, and each call's analysis with its evidence."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .analytics import audio


class AnalysisSettings(models.Model):
    """A line of business's audio thresholds (the field's defaults until a manager changes them)
    and which channel of a dual-channel recording is the agent's."""

    line_of_business = models.OneToOneField(
        "monitoring.LineOfBusiness",
        on_delete=models.CASCADE,
        related_name="analysis_settings",
        verbose_name=_("line of business"),
    )
    agent_channel = models.PositiveSmallIntegerField(
        _("agent's channel"),
        default=0,
        validators=[MaxValueValidator(1)],
        help_text=_("On a two-channel recording: 0 = left (first), 1 = right (second); the customer is on the other."),
    )
    silence_seconds = models.FloatField(
        _("dead air over (s)"), default=audio.Thresholds.silence_seconds, validators=[MinValueValidator(1)]
    )
    ignore_gap_seconds = models.FloatField(
        _("ignore pauses under (s)"), default=audio.Thresholds.ignore_gap_seconds, validators=[MinValueValidator(0)]
    )
    hold_min_seconds = models.FloatField(
        _("a hold is quiet for at least (s)"),
        default=audio.Thresholds.hold_min_seconds,
        validators=[MinValueValidator(1)],
    )
    hold_long_seconds = models.FloatField(
        _("flag a hold over (s)"), default=audio.Thresholds.hold_long_seconds, validators=[MinValueValidator(1)]
    )
    hold_max_count = models.PositiveSmallIntegerField(
        _("flag more holds than"), default=audio.Thresholds.hold_max_count
    )
    long_call_seconds = models.FloatField(
        _("flag calls over (s)"), default=audio.Thresholds.long_call_seconds, validators=[MinValueValidator(1)]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("call analysis settings")
        verbose_name_plural = _("call analysis settings")

    def __str__(self) -> str:
        return str(self.line_of_business)

    def thresholds(self) -> audio.Thresholds:
        return thresholds_of(self)


THRESHOLD_FIELDS = (
    "silence_seconds",
    "ignore_gap_seconds",
    "hold_min_seconds",
    "hold_long_seconds",
    "hold_max_count",
    "long_call_seconds",
)


def thresholds_of(row: AnalysisSettings | None) -> audio.Thresholds:
    """The thresholds a line's row sets (the defaults without one)."""
    if row is None:
        return audio.Thresholds()
    return audio.Thresholds(**{f: getattr(row, f) for f in THRESHOLD_FIELDS})


class RuleKind(models.TextChoices):
    REQUIRED = "required", _("Required phrase")
    FORBIDDEN = "forbidden", _("Forbidden phrase")


class RuleSpeaker(models.TextChoices):
    AGENT = "agent", _("Agent")
    CUSTOMER = "customer", _("Customer")
    ANY = "any", _("Either")


class RuleWindow(models.TextChoices):
    WHOLE = "whole", _("Whole call")
    START = "start", _("First seconds")
    END = "end", _("Last seconds")


class PhraseRule(models.Model):
    """A required or forbidden phrase of a line of business (monitoring/analytics/rules.py)."""

    line_of_business = models.ForeignKey(
        "monitoring.LineOfBusiness",
        on_delete=models.CASCADE,
        related_name="phrase_rules",
        verbose_name=_("line of business"),
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=RuleKind.choices)
    phrases = models.JSONField(_("phrases"), help_text=_("Alternatives: any one counts (synonyms are more entries)."))
    speaker = models.CharField(_("speaker"), max_length=10, choices=RuleSpeaker.choices, default=RuleSpeaker.AGENT)
    window = models.CharField(
        _("where in the call"), max_length=6, choices=RuleWindow.choices, default=RuleWindow.WHOLE
    )
    window_seconds = models.PositiveIntegerField(_("seconds"), null=True, blank=True)
    threshold = models.PositiveSmallIntegerField(
        _("fuzzy threshold"),
        default=100,
        validators=[MinValueValidator(50), MaxValueValidator(100)],
        help_text=_("100: the exact words; lower lets near misses count (rapidfuzz ratio)."),
    )
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["line_of_business", "kind", "code"]
        verbose_name = _("phrase rule")
        verbose_name_plural = _("phrase rules")
        constraints = [
            models.UniqueConstraint(fields=["line_of_business", "code"], name="phrase_rule_code_unique_per_line"),
            models.CheckConstraint(
                condition=Q(window="whole") | Q(window_seconds__gte=1), name="phrase_rule_window_has_seconds"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AnalysisStatus(models.TextChoices):
    DONE = "done", _("Analysed")
    SKIPPED = "skipped", _("Nothing to analyse")
    FAILED = "failed", _("Failed")


class CallAnalysis(models.Model):
    """What the analysis of one call found: its measures, the rules' results with their
    evidence, and the flags the reports count over every call."""

    call = models.OneToOneField("monitoring.Call", on_delete=models.CASCADE, related_name="analysis")
    status = models.CharField(_("status"), max_length=8, choices=AnalysisStatus.choices)
    version = models.PositiveSmallIntegerField(default=1)
    source = models.CharField(_("speech from"), max_length=12, blank=True)  # channels / transcript
    measures = models.JSONField(_("measures"), default=dict)
    rules = models.JSONField(_("rule results"), default=list)
    error = models.TextField(blank=True)
    analyzed_at = models.DateTimeField(_("analysed"), auto_now=True)
    seconds = models.FloatField(_("analysis time (s)"), default=0)

    long_silence = models.BooleanField(_("long silence"), default=False)
    long_hold = models.BooleanField(_("long or many holds"), default=False)
    agent_interrupted = models.BooleanField(_("agent talked over the customer"), default=False)
    long_call = models.BooleanField(_("long call"), default=False)
    forbidden_phrase = models.BooleanField(_("forbidden phrase"), default=False)
    required_missing = models.BooleanField(_("required phrase missing"), default=False)

    class Meta:
        verbose_name = _("call analysis")
        verbose_name_plural = _("call analyses")
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.call_id}: {self.status}"

    @property
    def flagged(self) -> bool:
        return any(getattr(self, f) for f in FLAG_FIELDS)


FLAG_FIELDS = ("long_silence", "long_hold", "agent_interrupted", "long_call", "forbidden_phrase", "required_missing")
