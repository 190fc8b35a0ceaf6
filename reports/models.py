"""Reports' own data (DESIGN.md §6): how the monthly performance score is made (components and
their weights, bonus bands), values imported from other systems, closed months with their frozen
per-agent results and the adjustments that later changes cause, the generated report files, and
the evaluator appraisal's weights and drift thresholds (`AppraisalPolicy`).

Figures themselves are never stored except where a month is closed: dashboards and exports
compute them from scoring's evaluations and monitoring's calls with database aggregates
(`selectors/`), so they cannot drift from the evaluations they explain.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ComponentSource(models.TextChoices):
    QA = "qa", _("QA average (regular evaluations)")
    CSAT = "csat", _("Customer satisfaction (CSAT 1–5)")
    HANDLE_TIME = "handle_time", _("Average handle time against target")
    ACW = "acw", _("After-call work against target")
    IMPORTED = "imported", _("Imported from another system (0–100)")


class QAFigure(models.TextChoices):
    """Which of an evaluation's two figures a QA average averages (DESIGN.md §2 "Root cause"):
    the agent score — lost points whose cause is outside the agent's control count as N/A — or
    the total, the interaction's quality. An evaluation without an agent score (scored before
    agent scores existed) counts its total either way."""

    AGENT_SCORE = "agent_score", _("agent score")
    TOTAL = "total", _("interaction total")


class PerformanceComponent(models.Model):
    """One part of the monthly performance score: a 0–100 figure per agent-month times its
    weight. Weights are percentages of the whole score; the active ones must add up to 100."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    source = models.CharField(_("source"), max_length=16, choices=ComponentSource.choices)
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    target_seconds = models.PositiveIntegerField(
        _("target (seconds)"),
        null=True,
        blank=True,
        help_text=_("For handle time and after-call work: at or under the target scores 100."),
    )
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    qa_figure = models.CharField(
        _("QA figure"),
        max_length=12,
        choices=QAFigure.choices,
        default=QAFigure.AGENT_SCORE,
        help_text=_(
            "For the QA average: the agent score (losses outside the agent's control count as N/A) or the "
            "interaction total. The performance score and the HR export use it."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("performance component")
        verbose_name_plural = _("performance components")
        constraints = [models.CheckConstraint(condition=Q(weight__lte=100), name="component_weight_percent")]

    def __str__(self) -> str:
        return self.name


class BonusBand(models.Model):
    """A performance-score band and its bonus multiplier: an agent's band is the highest whose
    minimum their score reaches."""

    name = models.CharField(_("name"), max_length=64)
    min_score = models.DecimalField(
        _("from score"), max_digits=4, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    multiplier = models.DecimalField(
        _("bonus multiplier"), max_digits=4, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-min_score"]
        verbose_name = _("bonus band")
        verbose_name_plural = _("bonus bands")
        constraints = [models.UniqueConstraint(fields=["min_score"], name="bonus_band_unique_floor")]

    def __str__(self) -> str:
        return f"{self.name} (≥ {self.min_score})"


class ComponentValue(models.Model):
    """A figure imported from another system (attendance, sales…) for an agent-month, 0–100."""

    component = models.ForeignKey(
        PerformanceComponent, on_delete=models.CASCADE, related_name="values", verbose_name=_("component")
    )
    agent = models.ForeignKey(
        "monitoring.Agent", on_delete=models.CASCADE, related_name="component_values", verbose_name=_("agent")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    value = models.DecimalField(
        _("value"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    imported_at = models.DateTimeField(_("imported"), auto_now=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-month", "agent"]
        verbose_name = _("imported component value")
        verbose_name_plural = _("imported component values")
        constraints = [
            models.UniqueConstraint(fields=["component", "agent", "month"], name="component_value_one_per_month"),
            models.CheckConstraint(condition=Q(value__gte=0, value__lte=100), name="component_value_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.component} {self.agent} {self.month:%Y-%m}: {self.value}"


class MonthClose(models.Model):
    """A closed month: its per-agent results are frozen (`AgentMonthResult`) and paid from; a
    later change shows up as an `Adjustment` in a later export, never as a rewrite."""

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month."))
    closed_at = models.DateTimeField(_("closed"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-month"]
        verbose_name = _("closed month")
        verbose_name_plural = _("closed months")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class AgentMonthResult(models.Model):
    """An agent's frozen figures for a closed month: what HR paid from."""

    close = models.ForeignKey(MonthClose, on_delete=models.CASCADE, related_name="results")
    agent = models.ForeignKey("monitoring.Agent", on_delete=models.PROTECT, related_name="month_results")
    team_name = models.CharField(_("team"), max_length=100)
    evaluations = models.PositiveIntegerField(_("evaluations counted"))
    qa_average = models.DecimalField(_("QA average"), max_digits=4, decimal_places=1, null=True)
    # The figure `qa_average` averaged; months frozen before the choice existed averaged totals.
    qa_figure = models.CharField(_("QA figure"), max_length=12, choices=QAFigure.choices, default=QAFigure.TOTAL)
    critical_failures = models.PositiveIntegerField(_("critical failures"))
    components = models.JSONField(_("components"), default=dict)
    total = models.DecimalField(_("performance score"), max_digits=4, decimal_places=1, null=True)
    band = models.CharField(_("bonus band"), max_length=64, blank=True)
    multiplier = models.DecimalField(_("bonus multiplier"), max_digits=4, decimal_places=2, null=True)

    class Meta:
        ordering = ["close", "agent"]
        verbose_name = _("frozen agent result")
        verbose_name_plural = _("frozen agent results")
        constraints = [models.UniqueConstraint(fields=["close", "agent"], name="agent_month_result_once")]

    def __str__(self) -> str:
        return f"{self.agent} {self.close}: {self.total}"


class Adjustment(models.Model):
    """A change to a closed month's figures found later (an upheld dispute, a late evaluation):
    paid in the month it is exported with, as the difference."""

    agent = models.ForeignKey("monitoring.Agent", on_delete=models.PROTECT, related_name="adjustments")
    of_month = models.DateField(_("of the closed month"))
    in_month = models.DateField(_("paid with the month"))
    qa_average_before = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    qa_average_after = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    total_before = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    total_after = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    multiplier_before = models.DecimalField(max_digits=4, decimal_places=2, null=True)
    multiplier_after = models.DecimalField(max_digits=4, decimal_places=2, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["in_month", "of_month", "agent"]
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")
        constraints = [
            models.UniqueConstraint(fields=["agent", "of_month", "in_month"], name="adjustment_once_per_export_month")
        ]

    def __str__(self) -> str:
        return f"{self.agent} {self.of_month:%Y-%m} → {self.in_month:%Y-%m}"


class ReportKind(models.TextChoices):
    AGENT = "agent", _("Agent monthly report")
    TEAM = "team", _("Team monthly report")
    LINE = "line", _("Line of business monthly report")
    CENTER = "center", _("Center QA analysis")
    DAILY = "daily", _("Daily summary")
    WEEKLY = "weekly", _("Weekly summary")


class GeneratedReport(models.Model):
    """A PDF produced by `generate_reports` or the month-end task, kept in Django's storage."""

    kind = models.CharField(_("kind"), max_length=8, choices=ReportKind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to (exclusive)"))
    agent = models.ForeignKey("monitoring.Agent", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    team = models.ForeignKey("monitoring.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    line_of_business = models.ForeignKey(
        "monitoring.LineOfBusiness", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    language = models.CharField(_("language"), max_length=10, default="en")
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    generated_at = models.DateTimeField(_("generated"), auto_now=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-period_start", "kind", "pk"]
        verbose_name = _("generated report")
        verbose_name_plural = _("generated reports")
        indexes = [models.Index(fields=["kind", "period_start"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start}"


# --- evaluator appraisal (DESIGN.md §4: the QA staff's appraisal) ---------------------------------

# The appraisal score's components, in the order the pages show them: (code, weight field).
APPRAISAL_WEIGHT_FIELDS = (
    ("on_time", "weight_on_time"),
    ("feedback", "weight_feedback"),
    ("alignment", "weight_alignment"),
    ("severity", "weight_severity"),
    ("disputes", "weight_disputes"),
)


def _weight(label, default: int):
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )


class AppraisalPolicy(models.Model):
    """How evaluators are appraised (the seed: completing their monitoring on plan, deviation
    between raters, timeliness and accuracy of findings): the weights of the monthly appraisal
    score and the drift-alert thresholds. One row (pk 1), edited by managers, with history."""

    weight_on_time = _weight(_("assignments completed on time (%)"), 30)
    weight_feedback = _weight(_("feedback SLA met (%)"), 20)
    weight_alignment = _weight(_("calibration alignment (%)"), 25)
    weight_severity = _weight(_("severity (%)"), 15)
    weight_disputes = _weight(_("disputes not overturned (%)"), 10)
    severity_scale = models.DecimalField(
        _("severity scale (points)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("10.0"),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("100"))],
        help_text=_("The severity component is 1 − |offset| ÷ this scale: an offset this large or larger scores 0."),
    )
    drift_offset = models.DecimalField(
        _("drift alert: offset above (points)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("5.0"),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("100"))],
        help_text=_("Alert when a month's mean offset from the consensus or from the second rater is larger."),
    )
    drift_alignment = models.DecimalField(
        _("drift alert: alignment below (%)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("85.0"),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("100"))],
        help_text=_("Alert when a month's calibration alignment falls below this."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appraisal policy")
        verbose_name_plural = _("appraisal policy")
        constraints = [
            models.CheckConstraint(
                condition=Exact(
                    F("weight_on_time")
                    + F("weight_feedback")
                    + F("weight_alignment")
                    + F("weight_severity")
                    + F("weight_disputes"),
                    100,
                ),
                name="appraisal_weights_sum_100",
                violation_error_message=_("The five weights must add up to 100 %%."),
            ),
            models.CheckConstraint(
                condition=Q(severity_scale__gt=0, drift_offset__gt=0, drift_alignment__gt=0, drift_alignment__lte=100),
                name="appraisal_thresholds_positive",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Appraisal policy"))

    @classmethod
    def current(cls) -> AppraisalPolicy:
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy

    @property
    def weights(self) -> dict[str, int]:
        return {code: getattr(self, name) for code, name in APPRAISAL_WEIGHT_FIELDS}
