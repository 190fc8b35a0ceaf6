"""The call library (DESIGN.md §5): exemplary and cautionary calls, marked by evaluators with a
note and the moment that matters, curated by trainers by category and criterion, listened to by
agents (through a permission-checked, logged recording view) and attached to coaching sessions.

A marked call waits for a trainer's curation; only curated entries are shown to agents."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from monitoring.models import Call
from scoring.models import Category, Evaluation, Scorecard


class LibraryKind(models.TextChoices):
    EXEMPLARY = "exemplary", _("Exemplary")
    CAUTIONARY = "cautionary", _("Cautionary")


class LibraryCall(models.Model):
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="library_entries", verbose_name=_("call"))
    evaluation = models.ForeignKey(
        Evaluation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="library_entries",
        verbose_name=_("evaluation"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=LibraryKind.choices)
    title = models.CharField(_("title"), max_length=160)
    note = models.TextField(_("why it matters"))
    time_offset = models.FloatField(
        _("moment (seconds into the call)"), null=True, blank=True, help_text=_("Where the player starts.")
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, blank=True)
    scorecard = models.ForeignKey(
        Scorecard, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("scorecard")
    )
    criterion_text = models.CharField(_("criterion"), max_length=255, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("marked by")
    )
    marked_at = models.DateTimeField(_("marked"), auto_now_add=True)
    curated = models.BooleanField(_("in the library"), default=False)
    curated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    curated_at = models.DateTimeField(_("curated"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-marked_at", "pk"]
        verbose_name = _("library call")
        verbose_name_plural = _("library calls")
        constraints = [
            models.UniqueConstraint(fields=["call", "kind"], name="library_call_once_per_kind"),
            models.CheckConstraint(
                condition=Q(time_offset__isnull=True) | Q(time_offset__gte=0), name="library_offset_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["curated", "kind", "category"])]

    def __str__(self) -> str:
        return self.title
