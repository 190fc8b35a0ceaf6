"""Changing a line of business's call analysis (automatic QA, DESIGN.md §9): its thresholds and
its required / forbidden phrase rules, and asking for its recent calls to be analysed again.

Managers and admins do it, from the /calls/analysis/ pages or anywhere else, so each change is
validated one way, refused to anyone else here, and lands in the row's history with who made it
(simple_history). ValidationError ({field: [reason]}) and nothing saved on bad input.

A rule's `code` is fixed once the rule exists: a scorecard criterion links to it by
`rule:<code>` (scoring/auto.py), so renaming it would silently cut that link; a new code is a new
rule (deactivate the old one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qa_platform.roles import ADMIN, MANAGER, has_role

from .analytics import rules
from .models import Call, LineOfBusiness
from .models_analytics import THRESHOLD_FIELDS, AnalysisSettings, PhraseRule, RuleWindow
from .services_analytics import analysable, enqueue_analysis, rule_spec

# Who changes a line's analysis settings and phrase rules (and asks for a re-analysis).
ANALYSIS_CONFIG_ROLES = (MANAGER, ADMIN)
NO_ANALYSIS_CONFIG = gettext_lazy("Call analysis settings and phrase rules are changed by managers.")

SETTINGS_FIELDS = ("agent_channel", *THRESHOLD_FIELDS)
RULE_FIELDS = ("name", "kind", "phrases", "speaker", "window", "window_seconds", "threshold")
MAX_PHRASES = 50
MAX_PHRASE_LENGTH = 200
REANALYSE_DAYS_MAX = 90


def can_edit_analysis_config(user) -> bool:
    """Managers and admins; everyone else (QA, supervisors, agents…) only sees the results."""
    return bool(getattr(user, "is_authenticated", False)) and has_role(user, *ANALYSIS_CONFIG_ROLES)


def _require(user) -> None:
    if not can_edit_analysis_config(user):
        raise PermissionDenied(NO_ANALYSIS_CONFIG)


# --- a line's thresholds ----------------------------------------------------------------------


def _settings_order_errors(row: AnalysisSettings) -> dict[str, list[str]]:
    """The thresholds must nest (audio.measure): a pause ignored is shorter than a silence, a
    silence shorter than a hold, and a long hold at least a hold — else a flag can never fire."""
    errors: dict[str, list[str]] = {}
    if row.ignore_gap_seconds >= row.silence_seconds:
        errors["ignore_gap_seconds"] = [_("Ignored pauses must be shorter than a silence.")]
    if row.silence_seconds >= row.hold_min_seconds:
        errors["hold_min_seconds"] = [_("A hold must be longer than a silence.")]
    if row.hold_long_seconds < row.hold_min_seconds:
        errors["hold_long_seconds"] = [_("A long hold cannot be shorter than a hold.")]
    return errors


def analysis_settings_save(*, line: LineOfBusiness, by, values: dict[str, Any]) -> AnalysisSettings:
    """Change some of the line's settings (`SETTINGS_FIELDS`) to `values`. The line's row is
    created with the defaults on its first save (history: "created", then the change). Values
    equal to the current ones change nothing and write no change to the history.

    The same contract as qa_platform.settings_rows.update_settings_row, which serves the
    center's single rows (pk 1); this row is one per line."""
    _require(by)
    unknown = sorted(set(values) - set(SETTINGS_FIELDS))
    if unknown:
        raise ValidationError({name: _("This setting cannot be changed here.") for name in unknown})
    with transaction.atomic():
        row = AnalysisSettings.objects.select_for_update().filter(line_of_business=line).first()
        if row is None:
            row = AnalysisSettings(line_of_business=line)
            row._history_user = by
            row.save()
        changed = {name: value for name, value in values.items() if getattr(row, name) != value}
        if not changed:
            return row
        for name, value in changed.items():
            setattr(row, name, value)
        row.full_clean()
        errors = _settings_order_errors(row)
        if errors:
            raise ValidationError(errors)
        row._history_user = by
        row.save()
    return row


# --- phrase rules ------------------------------------------------------------------------------


def clean_phrases(value) -> tuple[list[str], list[str]]:
    """The phrases as stored (stripped, exact repeats dropped, order kept) and what is wrong with them."""
    if not isinstance(value, list | tuple):
        return [], [_("Give the phrases as a list.")]
    errors: list[str] = []
    out: list[str] = []
    for i, phrase in enumerate(value, start=1):
        text = phrase.strip() if isinstance(phrase, str) else ""
        if not text:
            errors.append(_("Phrase %(n)s is empty.") % {"n": i})
        elif len(text) > MAX_PHRASE_LENGTH:
            errors.append(
                _("Phrase %(n)s is %(length)s characters long; at most %(max)s.")
                % {"n": i, "length": len(text), "max": MAX_PHRASE_LENGTH}
            )
        elif not rules.tokens(text):
            errors.append(_("Phrase %(n)s (“%(text)s”) has no words to look for.") % {"n": i, "text": text})
        elif text not in out:
            out.append(text)
    if not value:
        errors.append(_("Give at least one phrase."))
    elif len(out) > MAX_PHRASES:
        errors.append(_("At most %(max)s phrases in one rule; make a second rule.") % {"max": MAX_PHRASES})
    return out, errors


def _validated(rule: PhraseRule) -> None:
    """Normalise the rule in place and raise every reason it cannot be saved, by field."""
    errors: dict[str, list[str]] = {}
    rule.phrases, phrase_errors = clean_phrases(rule.phrases)
    if phrase_errors:
        errors["phrases"] = phrase_errors
    if rule.window == RuleWindow.WHOLE:
        rule.window_seconds = None
    elif rule.window_seconds in (None, ""):
        errors["window_seconds"] = [_("Say how many seconds from the start or the end of the call to look at.")]
    elif isinstance(rule.window_seconds, int) and rule.window_seconds < 1:
        errors["window_seconds"] = [_("At least 1 second.")]
    if (
        rule.code
        and PhraseRule.objects.filter(line_of_business_id=rule.line_of_business_id, code=rule.code)
        .exclude(pk=rule.pk)
        .exists()
    ):
        errors["code"] = [_("This line already has a rule with this code.")]
    try:
        rule.full_clean(exclude=list(errors), validate_constraints=False)  # both checked above
    except ValidationError as exc:
        for name, reasons in exc.message_dict.items():
            errors.setdefault(name, []).extend(reasons)
    if errors:
        raise ValidationError(errors)


def _saved(rule: PhraseRule, by) -> PhraseRule:
    rule._history_user = by
    rule.save()
    return rule


def phrase_rule_create(
    *,
    line: LineOfBusiness,
    by,
    code: str,
    name: str,
    kind: str,
    phrases: Iterable[str],
    speaker: str = "agent",
    window: str = RuleWindow.WHOLE,
    window_seconds: int | None = None,
    threshold: int = 100,
) -> PhraseRule:
    """A new active rule of the line; it applies to calls analysed from now on."""
    _require(by)
    rule = PhraseRule(
        line_of_business=line,
        code=(code or "").strip(),
        name=(name or "").strip(),
        kind=kind,
        phrases=list(phrases) if not isinstance(phrases, str) else phrases,
        speaker=speaker,
        window=window,
        window_seconds=window_seconds,
        threshold=threshold,
    )
    with transaction.atomic():
        _validated(rule)
        return _saved(rule, by)


def phrase_rule_update(*, rule: PhraseRule, by, values: dict[str, Any]) -> PhraseRule:
    """Change some of the rule's `RULE_FIELDS` (not its code: see the module's note)."""
    _require(by)
    unknown = sorted(set(values) - set(RULE_FIELDS))
    if unknown:
        reason = _("A rule's code cannot be changed: make a new rule.")
        raise ValidationError(
            {n: reason if n == "code" else _("This setting cannot be changed here.") for n in unknown}
        )
    with transaction.atomic():
        row = PhraseRule.objects.select_for_update().get(pk=rule.pk)
        for name, value in values.items():
            setattr(row, name, value.strip() if name == "name" and isinstance(value, str) else value)
        _validated(row)
        current = PhraseRule.objects.get(pk=rule.pk)
        if all(getattr(current, n) == getattr(row, n) for n in RULE_FIELDS):
            return current  # nothing changed: no history row
        return _saved(row, by)


def _set_active(rule: PhraseRule, by, active: bool) -> PhraseRule:
    _require(by)
    with transaction.atomic():
        row = PhraseRule.objects.select_for_update().get(pk=rule.pk)
        if row.active == active:
            return row
        row.active = active
        return _saved(row, by)


def phrase_rule_deactivate(*, rule: PhraseRule, by) -> PhraseRule:
    """Stop checking the rule on newly analysed calls; past results and the history are kept."""
    return _set_active(rule, by, False)


def phrase_rule_activate(*, rule: PhraseRule, by) -> PhraseRule:
    return _set_active(rule, by, True)


def phrase_rule_check(*, line: LineOfBusiness, by, values: dict[str, Any], rule: PhraseRule | None = None):
    """Validate a rule as it would be saved, without saving it; its matcher's spec (for trying
    it on a transcript). Same reasons as create / update."""
    _require(by)
    row = PhraseRule(line_of_business=line) if rule is None else PhraseRule.objects.get(pk=rule.pk)
    for name, value in values.items():
        if name in RULE_FIELDS or (name == "code" and rule is None):
            setattr(row, name, value)
    _validated(row)
    return rule_spec(row)


# --- analysing the line's calls again ---------------------------------------------------------


def line_reanalyse(*, line: LineOfBusiness, by, days: int) -> int:
    """Ask for the line's calls of the last `days` days (1–90) to be analysed again with its
    current settings and rules; how many calls were asked for. Through the outbox
    (services_analytics.enqueue_analysis): a broker that is down fails nothing, the jobs run
    once it is back."""
    _require(by)
    if not isinstance(days, int) or not 1 <= days <= REANALYSE_DAYS_MAX:
        raise ValidationError({"days": _("Between 1 and %(max)s days.") % {"max": REANALYSE_DAYS_MAX}})
    since = timezone.now() - dt.timedelta(days=days)
    calls = analysable(Call.objects.filter(line_of_business=line, start_time__gte=since))
    with transaction.atomic():
        ids = list(calls.values_list("pk", flat=True))
        enqueue_analysis(ids)
    return len(ids)
