"""Reads for the call-analysis settings pages (monitoring/views_analytics.py): every line with
its thresholds and rule counts, one line's rules, the history of its settings and rules, and
the line's recent calls to try a rule on. Each a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from qa_platform.settings_rows import HISTORY_SHOWN, settings_row_history

from .analytics import audio
from .models import Call, LineOfBusiness
from .models_analytics import AnalysisSettings, PhraseRule, RuleKind, RuleSpeaker, RuleWindow, thresholds_of
from .selectors import active_private_line_exists, calls_visible_to
from .services_analytics_config import RULE_FIELDS, SETTINGS_FIELDS

RECENT_CALLS = 20
RULE_HISTORY_FIELDS = (*RULE_FIELDS, "active")


@dataclass(frozen=True)
class LineRow:
    line: LineOfBusiness
    settings: AnalysisSettings | None  # None: the defaults, never changed
    thresholds: audio.Thresholds
    required: int  # active rules of each kind
    forbidden: int
    inactive: int


def settings_of(line: LineOfBusiness) -> AnalysisSettings | None:
    try:
        return line.analysis_settings
    except AnalysisSettings.DoesNotExist:
        return None


def lines_with_analysis() -> list[LineRow]:
    """Every line of business (active ones first), its thresholds and its rules counted."""
    active = Q(phrase_rules__active=True)
    lines = (
        LineOfBusiness.objects.select_related("analysis_settings")
        .annotate(
            n_required=Count("phrase_rules", filter=active & Q(phrase_rules__kind=RuleKind.REQUIRED)),
            n_forbidden=Count("phrase_rules", filter=active & Q(phrase_rules__kind=RuleKind.FORBIDDEN)),
            n_inactive=Count("phrase_rules", filter=Q(phrase_rules__active=False)),
        )
        .order_by("-active", "name")
    )
    out = []
    for line in lines:
        row = settings_of(line)
        out.append(LineRow(line, row, thresholds_of(row), line.n_required, line.n_forbidden, line.n_inactive))
    return out


def line_rules(line: LineOfBusiness) -> QuerySet[PhraseRule]:
    """The line's rules, active first, required before forbidden."""
    return PhraseRule.objects.filter(line_of_business=line).order_by("-active", "kind", "code")


def line_settings_history(line: LineOfBusiness, limit: int = HISTORY_SHOWN) -> list[dict]:
    """The line's settings saves, newest first (templates/settings_history.html)."""
    records = AnalysisSettings.history.filter(line_of_business_id=line.pk)
    return settings_row_history(AnalysisSettings, SETTINGS_FIELDS, limit, records=records)


_CHOICES = {"kind": RuleKind, "speaker": RuleSpeaker, "window": RuleWindow}


def _shown(name: str, value):
    if isinstance(value, bool):
        return value
    if name in _CHOICES and value in _CHOICES[name].values:
        return _CHOICES[name](value).label
    if name == "phrases" and isinstance(value, list):
        return " / ".join(value)
    return value


def line_rules_history(line: LineOfBusiness, limit: int = HISTORY_SHOWN) -> list[dict]:
    """The latest changes to the line's rules, newest first: who, when, which rule, and each
    field's old → new value (a new rule: its phrases)."""
    return settings_row_history(
        PhraseRule,
        RULE_HISTORY_FIELDS,
        limit,
        records=PhraseRule.history.filter(line_of_business_id=line.pk),
        shown=_shown,
        extra=lambda record: {
            "code": record.code,
            "name": record.name,
            "phrases": _shown("phrases", record.phrases),
        },
    )


def _tryable(user, line: LineOfBusiness) -> QuerySet[Call]:
    """The line's calls with a transcript that `user` may open, none on a private line (never
    monitored)."""
    return calls_visible_to(user).filter(~active_private_line_exists(), line_of_business=line, transcript__isnull=False)


def recent_calls_to_try(user, line: LineOfBusiness) -> QuerySet[Call]:
    """The latest of them, without their transcripts (for a picker)."""
    return _tryable(user, line).defer("transcript").order_by("-start_time")[:RECENT_CALLS]


def call_to_try(user, line: LineOfBusiness, pk: int) -> Call | None:
    return _tryable(user, line).filter(pk=pk).first()
