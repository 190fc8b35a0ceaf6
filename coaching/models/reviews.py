"""Development reviews (DESIGN.md §5): twice a year a one-to-one conversation records the agent's
interests, skills, career direction and the next steps agreed, each step with a due date and a
reminder. The agent's supervisors and the trainers see the text; the agent sees their own; HR
sees only that a review happened (who, when), never what it says."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from monitoring.models import Agent


class ReviewStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")


class DevelopmentReview(models.Model):
    agent = models.ForeignKey(
        Agent, on_delete=models.PROTECT, related_name="development_reviews", verbose_name=_("agent")
    )
    # '2026-H2': the half-year the review belongs to.
    period = models.CharField(_("half-year"), max_length=7)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer")
    )
    due_on = models.DateField(_("due"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.SCHEDULED)
    interests = models.TextField(_("interests"), blank=True)
    skills = models.TextField(_("skills"), blank=True)
    career_direction = models.TextField(_("career direction"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-due_on", "pk"]
        verbose_name = _("development review")
        verbose_name_plural = _("development reviews")
        constraints = [
            models.UniqueConstraint(fields=["agent", "period"], name="development_review_once_per_half_year"),
            models.CheckConstraint(condition=Q(period__regex=r"^\d{4}-H[12]$"), name="development_review_period_form"),
        ]

    def __str__(self) -> str:
        return f"{self.agent.name} {self.period}"


class ReviewStep(models.Model):
    """An agreed next step (a course, shadowing a trainer, a stretch task) with a due date."""

    review = models.ForeignKey(DevelopmentReview, on_delete=models.CASCADE, related_name="steps")
    text = models.CharField(_("next step"), max_length=255)
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("next step")
        verbose_name_plural = _("next steps")

    def __str__(self) -> str:
        return self.text
