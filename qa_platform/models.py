"""Project-wide tables: the outbox of Celery jobs (qa_platform/jobs.py) and each person's
language (qa_platform/language.py)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxJob(models.Model):
    """A Celery task recorded in the database until the broker has taken it.

    Written in the transaction that asks for the task, so it exists exactly when that
    transaction committed; deleted once the task is in the queue. A row that stays means the
    broker could not be reached: the sweep (`qa_platform.sweep_outbox`) sends it later.
    """

    task = models.CharField(_("task"), max_length=200)
    kwargs = models.JSONField(_("arguments"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Before this time the row belongs to whoever is sending it (the process that wrote it, or a
    # sweep); after it, any sweep may take it.
    available_at = models.DateTimeField(_("next attempt after"), default=timezone.now, db_index=True)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("unsent task")
        verbose_name_plural = _("unsent tasks")

    def __str__(self) -> str:
        return f"{self.task} ({timezone.localtime(self.created_at):%Y-%m-%d %H:%M})"


class LanguagePreference(models.Model):
    """The language a person chose in the footer, kept with their account so that it follows
    them to another browser (qa_platform/language.py)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="language_preference")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("language preference")
        verbose_name_plural = _("language preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"
