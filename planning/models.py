"""The monitoring plan's own data (DESIGN.md §3): quota policies, agents' weekly tiers and the
sampling runs that lock a period.

The work items themselves (`monitoring.Assignment`) stay in monitoring: scoring's lifecycle
reads and writes them (an evaluation starts from one and closes it), and scoring sits below
planning, so the table lives in the lowest app both use; everything that *decides* about
assignments (sampling, routing, reassignment, reminders, queues, progress) is here.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from monitoring.models import Call


def _csat_bound(kind: type) -> int:
    return next(v.limit_value for v in Call._meta.get_field("csat").validators if isinstance(v, kind))


# The customer's rating scale, as monitoring.Call.csat defines it (1 to 5).
CSAT_LOWEST, CSAT_HIGHEST = _csat_bound(MinValueValidator), _csat_bound(MaxValueValidator)
FLAGGED_MAX_PER_WEEK = 20


class QuotaPolicy(models.Model):
    """How much monitoring a line of business gets (DESIGN.md §3). The row without a line of
    business is the center's default; a line's own row overrides it entirely."""

    line_of_business = models.OneToOneField(
        "monitoring.LineOfBusiness",
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
    capacity_supervisor = models.PositiveSmallIntegerField(_("supervisor weekly spot-check target (each)"), default=30)
    capacity_trainer = models.PositiveSmallIntegerField(_("trainer weekly capacity (each)"), default=30)
    double_scoring_percent = models.PositiveSmallIntegerField(_("double-scored share (%)"), default=5)
    due_days = models.PositiveSmallIntegerField(_("days to complete an assignment"), default=5)
    # Flagged by automatic QA (DESIGN.md §9): a targeted stratum on top of the random sample.
    flagged_per_week = models.PositiveSmallIntegerField(
        _("flagged calls per agent per week"), default=1, validators=[MaxValueValidator(FLAGGED_MAX_PER_WEEK)]
    )
    flagged_forbidden_phrase = models.BooleanField(_("a forbidden phrase flags a call"), default=True)
    flagged_long_silence = models.BooleanField(_("a long silence flags a call"), default=True)
    flagged_long_hold = models.BooleanField(_("a long hold flags a call"), default=True)
    flagged_csat_max = models.PositiveSmallIntegerField(
        _("a CSAT at or below this flags a call"),
        null=True,
        blank=True,
        default=CSAT_LOWEST,
        validators=[MinValueValidator(CSAT_LOWEST), MaxValueValidator(CSAT_HIGHEST)],
    )
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
            models.CheckConstraint(
                condition=Q(line_month_cap__gte=F("line_month_floor")), name="quota_policy_cap_ge_floor"
            ),
            models.CheckConstraint(
                condition=Q(excellent_min__gt=F("good_min"), good_min__gt=F("needs_improvement_min")),
                name="quota_policy_thresholds_ordered",
            ),
            models.CheckConstraint(
                condition=Q(flagged_csat_max__isnull=True)
                | Q(flagged_csat_max__gte=CSAT_LOWEST, flagged_csat_max__lte=CSAT_HIGHEST),
                name="quota_policy_flagged_csat_on_the_scale",
            ),
        ]

    def __str__(self) -> str:
        return str(self.line_of_business) if self.line_of_business_id else str(_("Center default"))

    def clean(self) -> None:
        # The one-to-one keeps one policy per line; the default row (no line) is kept unique here,
        # since NULLs are distinct in a unique index on every backend we support.
        if (
            self.line_of_business_id is None
            and QuotaPolicy.objects.filter(line_of_business__isnull=True).exclude(pk=self.pk).exists()
        ):
            raise ValidationError({"line_of_business": _("The center already has a default policy.")})
        if self.share_qa + self.share_supervisor + self.share_trainer != 100:
            raise ValidationError({"share_qa": _("The QA, supervisor and trainer shares must add up to 100 %.")})
        if self.line_month_cap < self.line_month_floor:
            raise ValidationError({"line_month_cap": _("The top-up limit cannot be below the minimum.")})
        if not self.excellent_min > self.good_min > self.needs_improvement_min:
            raise ValidationError({"good_min": _("Thresholds must fall: excellent > good > needs improvement.")})
        for name in (
            "target_excellent",
            "target_good",
            "target_needs_improvement",
            "target_at_risk",
            "target_no_history",
        ):
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
    """An agent's monitoring tier for a week, from the trailing weeks before it, written down by
    `planning.services.plan.agent_tiers_refresh` when the week is planned (and kept once the
    week is sampled: its assignments were drawn from it)."""

    agent = models.ForeignKey(
        "monitoring.Agent", on_delete=models.CASCADE, related_name="tiers", verbose_name=_("agent")
    )
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
