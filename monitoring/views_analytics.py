"""The call-analysis settings pages (/calls/analysis/): managers and admins set each line of
business's thresholds and its required / forbidden phrase rules, try a rule on a few lines or a
recent call, and ask for the line's recent calls to be analysed again. Thin: every write goes
through services_analytics_config, which refuses anyone else and keeps the history shown here."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qa_platform.errors import page_errors
from qa_platform.permissions import role_required

from . import selectors_analytics_config as selectors
from . import services_analytics_config as services
from .analytics import rules
from .forms_analytics import AnalysisSettingsForm, PhraseRuleForm, ReanalyseForm, RuleTryForm, pasted_transcript
from .models import LineOfBusiness
from .models_analytics import AnalysisSettings, PhraseRule

editors_only = role_required(*services.ANALYSIS_CONFIG_ROLES)


@login_required
@editors_only
@require_GET
def line_list(request):
    return render(request, "monitoring/analytics/line_list.html", {"rows": selectors.lines_with_analysis()})


def _line_page(request, line, *, form=None, reanalyse=None, status=200):
    row = selectors.settings_of(line)
    context = {
        "line": line,
        "form": form or AnalysisSettingsForm(instance=row or AnalysisSettings(line_of_business=line)),
        "reanalyse": reanalyse or ReanalyseForm(),
        "history": selectors.line_settings_history(line),
        "rules": selectors.line_rules(line),
        "rules_history": selectors.line_rules_history(line),
    }
    return render(request, "monitoring/analytics/line_detail.html", context, status=status)


@login_required
@editors_only
@require_http_methods(["GET", "POST"])
def line_detail(request, line_pk: int):
    line = get_object_or_404(LineOfBusiness, pk=line_pk)
    if request.method == "GET":
        return _line_page(request, line)
    row = selectors.settings_of(line) or AnalysisSettings(line_of_business=line)
    form = AnalysisSettingsForm(request.POST, instance=row)
    if not form.is_valid():
        return _line_page(request, line, form=form, status=400)
    with page_errors(request, form=form) as outcome:
        services.analysis_settings_save(line=line, by=request.user, values=form.cleaned_data)
    if outcome.failed:
        return _line_page(request, line, form=form, status=outcome.status)
    messages.success(request, _("Thresholds saved. Calls analysed before keep their results until re-analysed."))
    return redirect("call-analysis-line", line_pk=line.pk)


@login_required
@editors_only
@require_POST
def line_reanalyse(request, line_pk: int):
    line = get_object_or_404(LineOfBusiness, pk=line_pk)
    form = ReanalyseForm(request.POST)
    if not form.is_valid():
        return _line_page(request, line, reanalyse=form, status=400)
    days = form.cleaned_data["days"]
    with page_errors(request, form=form) as outcome:
        n = services.line_reanalyse(line=line, by=request.user, days=days)
    if outcome.failed:
        return _line_page(request, line, reanalyse=form, status=outcome.status)
    messages.success(
        request,
        ngettext(
            "%(n)s call of the last %(days)s days will be analysed again.",
            "%(n)s calls of the last %(days)s days will be analysed again.",
            n,
        )
        % {"n": n, "days": days},
    )
    return redirect("call-analysis-line", line_pk=line.pk)


# --- phrase rules ------------------------------------------------------------------------------


def _tried(request, line, rule, values: dict, try_form) -> dict | None:
    """The rule as typed, checked on the pasted lines or the chosen call; None when there is
    nothing to check it on (or the rule as typed is refused: its reasons are on the form)."""
    if not try_form.is_valid():
        return None
    call_pk, text = try_form.cleaned_data["call"], try_form.cleaned_data["text"]
    call = selectors.call_to_try(request.user, line, call_pk) if call_pk else None
    if call_pk and call is None:
        try_form.add_error("call", _("Choose one of the line's recent calls."))
        return None
    transcript = call.transcript if call is not None else pasted_transcript(text)
    if not transcript:
        try_form.add_error("text", _("Paste a few lines, or choose a call."))
        return None
    spec = services.phrase_rule_check(line=line, by=request.user, values=values, rule=rule)
    # As the analysis itself does (services_analytics.analyze_call): the call ends with its transcript.
    return {"result": rules.evaluate(spec, transcript), "call": call}


def _try_form(request, line, data=None) -> RuleTryForm:
    return RuleTryForm(data, prefix="try", calls=selectors.recent_calls_to_try(request.user, line))


def _rule_page(request, line, rule, form, *, try_form=None, tried=None, status=200):
    context = {
        "line": line,
        "rule": rule,
        "form": form,
        "try_form": try_form or _try_form(request, line),
        "tried": tried,
    }
    return render(request, "monitoring/analytics/rule_form.html", context, status=status)


@login_required
@editors_only
@require_http_methods(["GET", "POST"])
def rule_edit(request, line_pk: int, pk: int | None = None):
    line = get_object_or_404(LineOfBusiness, pk=line_pk)
    rule = get_object_or_404(PhraseRule, pk=pk, line_of_business=line) if pk is not None else None
    if request.method == "GET":
        return _rule_page(request, line, rule, PhraseRuleForm(rule=rule))
    form = PhraseRuleForm(request.POST, rule=rule)
    if request.POST.get("action") == "test":  # "Test this rule": nothing is saved
        try_form = _try_form(request, line, request.POST)
        tried, status = None, 400
        if form.is_valid():
            with page_errors(request, form=form) as outcome:
                tried = _tried(request, line, rule, form.cleaned_data, try_form)
            status = outcome.status or (200 if tried else 400)
        return _rule_page(request, line, rule, form, try_form=try_form, tried=tried, status=status)
    if not form.is_valid():
        return _rule_page(request, line, rule, form, status=400)
    with page_errors(request, form=form) as outcome:
        if rule is None:
            saved = services.phrase_rule_create(line=line, by=request.user, **form.cleaned_data)
        else:
            saved = services.phrase_rule_update(rule=rule, by=request.user, values=form.cleaned_data)
    if outcome.failed:
        return _rule_page(request, line, rule, form, status=outcome.status)
    messages.success(
        request,
        _("Rule “%(name)s” saved. It applies to calls analysed from now on; re-analyse to apply it to earlier ones.")
        % {"name": saved.name},
    )
    return redirect("call-analysis-line", line_pk=line.pk)


@login_required
@editors_only
@require_POST
def rule_set_active(request, line_pk: int, pk: int, active: bool):
    line = get_object_or_404(LineOfBusiness, pk=line_pk)
    rule = get_object_or_404(PhraseRule, pk=pk, line_of_business=line)
    with page_errors(request) as outcome:
        if active:
            services.phrase_rule_activate(rule=rule, by=request.user)
        else:
            services.phrase_rule_deactivate(rule=rule, by=request.user)
    if not outcome.failed:
        done = _("Rule “%(name)s” is active again.") if active else _("Rule “%(name)s” deactivated.")
        messages.success(request, done % {"name": rule.name})
    return redirect("call-analysis-line", line_pk=line.pk)
