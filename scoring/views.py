"""Pages for scoring: starting an evaluation, the scoring screen, the evaluation page, disputes.

Thin: scope through selectors, call a service, render. The scoring screen saves and submits
through the evaluations API (scoring/api.py) from static/js/scoring.js; everything else is a
plain form POST to a page URL. A service's refusal becomes a message on the page with its
status (403 wrong person, 409 wrong state, 400 bad input), never a 500.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from monitoring.selectors import calls_visible_to, is_private_line
from qa_platform.permissions import role_required
from qa_platform.roles import AGENT, MANAGER, QA, ROLE_LABELS, SUPERVISOR, TRAINER, user_roles

from . import selectors, services
from .forms import DisputeForm, EvaluationFilterForm, ResolveForm, StartEvaluationForm, answers_from_post
from .models import SCORED, Answer, Dispute, DisputeStatus, Evaluation, Kind, Status
from .permissions import can_see_evaluations
from .presenters import (
    SectionRow,
    api_urls,
    call_is_visible,
    can_hear,
    error_messages,
    flash_errors,
    js_strings,
    own_agent_id,
    scorecard_rows,
    scorecard_structure,
    value_label,
)
from .serializers import explain

PAGE_SIZE = 50
EVALUATOR_PAGE_ROLES = (QA, SUPERVISOR, TRAINER, MANAGER)
RESOLVER_PAGE_ROLES = (QA, MANAGER)
# The resolver's answers are written just after the dispute's resolved_at is taken.
_SLACK = dt.timedelta(seconds=5)


@role_required(*EVALUATOR_PAGE_ROLES)
@require_http_methods(["GET", "POST"])
def evaluation_start(request, call_id: int):
    call = get_object_or_404(calls_visible_to(request.user), pk=call_id)
    form = StartEvaluationForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.evaluation_start(call=call, by=request.user, method=form.cleaned_data["method"])
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You may not evaluate this call."))
            status = 403
        except ValidationError as exc:
            flash_errors(request, exc)
            status = 400
        else:
            return redirect("evaluation-score", pk=evaluation.pk)
    elif request.method == "POST":
        status = 400
    return _render_start(request, call, form, status=status, self_evaluation=False)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_self_start(request, call_id: int):
    call = get_object_or_404(calls_visible_to(request.user), pk=call_id)
    status = 200
    if own_agent_id(request.user) != call.agent_id:
        raise PermissionDenied(_("A self-evaluation is of one of your own calls."))
    if request.method == "POST":
        try:
            evaluation = services.evaluation_start(call=call, by=request.user, kind=Kind.SELF)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You may not evaluate this call."))
            status = 403
        except ValidationError as exc:
            flash_errors(request, exc)
            status = 400
        else:
            return redirect("evaluation-score", pk=evaluation.pk)
    return _render_start(request, call, None, status=status, self_evaluation=True)


def _render_start(request, call, form, *, status: int, self_evaluation: bool):
    kind = Kind.SELF if self_evaluation else Kind.REGULAR
    existing = Evaluation.objects.filter(call=call, evaluator=request.user, kind=kind).first()
    try:
        version = services.current_version_for_call(call)
        scorecard_problem = ""
    except ValidationError as exc:
        version = None
        scorecard_problem = " ".join(m for msgs in error_messages(exc).values() for m in msgs)
    return render(
        request,
        "scoring/evaluation_start.html",
        {
            "call": call,
            "form": form,
            "self_evaluation": self_evaluation,
            "existing": existing,
            "version": version,
            "scorecard_problem": scorecard_problem,
            "on_private_line": is_private_line(call.line),
        },
        status=status,
    )


# --- the scoring screen -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def evaluation_score(request, pk: int):
    evaluation = get_object_or_404(selectors.with_scorecard(selectors.evaluations_visible_to(request.user)), pk=pk)
    if evaluation.evaluator_id != request.user.pk:
        raise PermissionDenied(_("Only the evaluator scores this evaluation."))
    if not evaluation.is_draft:
        messages.info(request, _("This evaluation is %(s)s.") % {"s": evaluation.get_status_display()})
        return redirect("evaluation-detail", pk=evaluation.pk)
    structure = scorecard_structure(evaluation)
    structure["urls"] = api_urls(evaluation)
    structure["strings"] = js_strings()
    structure["mode"] = "score"
    return render(
        request,
        "scoring/score.html",
        {
            "evaluation": evaluation,
            "call": evaluation.call,
            "rows": scorecard_rows(evaluation),
            "structure": structure,
            "can_hear": can_hear(request.user, evaluation),
            "score": explain(services.evaluation_score(evaluation)),
            "deliver_choice": evaluation.kind == Kind.REGULAR,
        },
    )


# --- the evaluation page ----------------------------------------------------------------------


def _history(evaluation: Evaluation) -> list[dict]:
    """The evaluation's historical records, consecutive autosaves folded into one row: a row
    per change of status or total, so an adjusted dispute shows the original and the new total."""
    rows: list[dict] = []
    for record in evaluation.history.select_related("history_user").order_by("history_date", "history_id"):
        if rows and rows[-1]["status"] == record.status and rows[-1]["total"] == record.total:
            rows[-1]["saves"] += 1
            rows[-1]["until"] = record.history_date
            continue
        rows.append(
            {
                "when": record.history_date,
                "until": None,
                "who": record.history_user,
                "status": record.status,
                "status_label": Status(record.status).label if record.status in Status.values else record.status,
                "total": record.total,
                "critical_failed": record.critical_failed,
                "saves": 0,
                "created": record.history_type == "+",
            }
        )
    for before, row in zip([None, *rows], rows, strict=False):
        row["total_changed"] = before is not None and before["total"] is not None and before["total"] != row["total"]
        row["previous_total"] = before["total"] if before else None
    return rows


def _adjusted_answers(evaluation: Evaluation, rows: list[SectionRow]) -> dict[int, list[dict]]:
    """For each adjusted dispute, which answers the resolver changed (from the answers' history)."""
    adjusted = [d for d in evaluation.disputes.all() if d.status == DisputeStatus.ADJUSTED and d.resolved_at]
    if not adjusted:
        return {}
    criteria = {cr.criterion.pk: cr.criterion for s in rows for cr in s.criteria}
    records = list(Answer.history.filter(evaluation_id=evaluation.pk).order_by("history_date"))
    changes: dict[int, list[dict]] = {}
    for dispute in adjusted:
        before: dict[int, object] = {}
        after: dict[int, object] = {}
        for r in records:
            if r.history_date < dispute.raised_at:
                before[r.criterion_id] = r
            elif r.history_date <= dispute.resolved_at + _SLACK:
                after[r.criterion_id] = r
        items = []
        for cid, new in after.items():
            old = before.get(cid)
            if old is None or (old.value, old.is_na) != (new.value, new.is_na):
                criterion = criteria.get(cid)
                if criterion is None:
                    continue
                items.append(
                    {
                        "criterion": criterion,
                        "before": value_label(criterion, old),
                        "after": value_label(criterion, new),
                    }
                )
        changes[dispute.pk] = items
    return changes


def _detail_context(request, evaluation: Evaluation, **extra) -> dict:
    user = request.user
    roles = user_roles(user)
    counterpart = None
    if evaluation.kind == Kind.SELF:
        counterpart_kind = Kind.REGULAR
    elif evaluation.kind == Kind.REGULAR:
        counterpart_kind = Kind.SELF
    else:
        counterpart_kind = None
    if counterpart_kind:
        counterpart = (
            selectors.evaluations_visible_to(user)
            .filter(call_id=evaluation.call_id, kind=counterpart_kind, status__in=SCORED)
            .exclude(pk=evaluation.pk)
            .prefetch_related("answers")
            .order_by("submitted_at")
            .first()
        )
    result = services.evaluation_score(evaluation)
    score = explain(result)
    rows = scorecard_rows(evaluation, counterpart=counterpart)
    criteria = {cr.criterion.pk: cr.criterion for s in rows for cr in s.criteria}
    sections = []
    for s in score["sections"]:
        sections.append(
            {
                **s,
                "na_texts": [criteria[cid].text for cid in s["na_criteria"] if cid in criteria],
                "dropped_weight": 0 if s["counted"] else s["weight"],
            }
        )
    is_agent = own_agent_id(user) == evaluation.agent_id
    call_visible = call_is_visible(user, evaluation)
    disputes = list(evaluation.disputes.all())
    adjustments = _adjusted_answers(evaluation, rows)
    for d in disputes:
        d.changes = adjustments.get(d.pk, [])
    adjusted_from = next((d.original_total for d in disputes if d.status == DisputeStatus.ADJUSTED), None)
    context = {
        "evaluation": evaluation,
        "call": evaluation.call,
        "evaluator_role_label": ROLE_LABELS.get(evaluation.evaluator_role, evaluation.evaluator_role),
        "rows": rows,
        "score": score,
        "why_sections": sections,
        "failed_critical": [criteria[cid].text for cid in score["failed_critical"] if cid in criteria],
        "dropped_weights": score["weights_all"] - score["weights_counted"],
        "counterpart": counterpart,
        "call_visible": call_visible,
        "can_hear": call_visible and bool(evaluation.call.recording),
        "disputes": disputes,
        "adjusted_from": adjusted_from,
        "history": _history(evaluation),
        "is_agent": is_agent,
        "can_continue": evaluation.is_draft and evaluation.evaluator_id == user.pk,
        "can_deliver": (
            evaluation.kind == Kind.REGULAR
            and evaluation.status == Status.SUBMITTED
            and services.can_deliver_feedback(evaluation, user)
        ),
        "can_respond": is_agent and evaluation.kind == Kind.REGULAR and evaluation.status == Status.FEEDBACK_DELIVERED,
        "can_resolve": evaluation.status == Status.DISPUTED and services.can_resolve(evaluation, user),
        "is_resolver_role": bool(roles & set(RESOLVER_PAGE_ROLES)),
        "dispute_form": DisputeForm(),
    }
    context.update(extra)
    return context


def _visible(request, pk: int) -> Evaluation:
    return get_object_or_404(selectors.with_scorecard(selectors.evaluations_visible_to(request.user)), pk=pk)


def _require_evaluation_roles(user) -> None:
    if not can_see_evaluations(user):
        raise PermissionDenied(_("Your role does not give access to evaluations."))


@login_required
@require_http_methods(["GET"])
def evaluation_detail(request, pk: int):
    _require_evaluation_roles(request.user)
    evaluation = _visible(request, pk)
    return render(request, "scoring/evaluation_detail.html", _detail_context(request, evaluation))


def _act(request, pk: int, action, success: str, *, form=None):
    """Run a lifecycle step from a page form: success → redirect with a message; a refusal →
    the evaluation page again, with the message and the matching status."""
    _require_evaluation_roles(request.user)
    evaluation = _visible(request, pk)
    try:
        action(evaluation)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this."))
        status = 403
    except services.IllegalTransition as exc:
        messages.error(request, exc.message)
        status = 409
    except ValidationError as exc:
        # Errors on a field of the page's form go under that field; the rest are messages.
        for name, msgs in error_messages(exc).items():
            for msg in msgs:
                if form is not None and name in form.fields:
                    form.add_error(name, msg)
                else:
                    messages.error(request, msg)
        status = 400
    else:
        messages.success(request, success)
        return redirect("evaluation-detail", pk=pk)
    evaluation = _visible(request, pk)  # fresh state after the refusal
    extra = {"dispute_form": form} if form is not None else {}
    return render(
        request, "scoring/evaluation_detail.html", _detail_context(request, evaluation, **extra), status=status
    )


@login_required
@require_POST
def evaluation_feedback(request, pk: int):
    return _act(
        request,
        pk,
        lambda ev: services.evaluation_deliver_feedback(evaluation=ev, by=request.user),
        _("Feedback recorded as delivered to the agent."),
    )


@login_required
@require_POST
def evaluation_acknowledge(request, pk: int):
    return _act(
        request,
        pk,
        lambda ev: services.evaluation_acknowledge(evaluation=ev, by=request.user),
        _("Thank you: you acknowledged this evaluation."),
    )


@login_required
@require_POST
def evaluation_dispute(request, pk: int):
    # The service owns the rule on the reason; its message lands under the field.
    form = DisputeForm(request.POST)
    form.is_valid()
    return _act(
        request,
        pk,
        lambda ev: services.evaluation_dispute(evaluation=ev, by=request.user, reason=request.POST.get("reason", "")),
        _("Your dispute was sent. An auditor who did not score this call will review it."),
        form=form,
    )


# --- resolving a dispute ----------------------------------------------------------------------


def _changed(answers, current: dict) -> list[services.AnswerInput]:
    changed = []
    for a in answers:
        old = current.get(a.criterion_id)
        if old is None:
            if a.value is not None or a.na or a.comment or a.time_offset is not None:
                changed.append(a)
            continue
        if (old.value, old.is_na, old.comment, old.time_offset) != (
            None if a.na else a.value,
            a.na,
            a.comment,
            a.time_offset,
        ):
            changed.append(a)
    return changed


class _Posted:
    """An answer as posted on the resolve form, shaped like an Answer for the controls."""

    def __init__(self, a: services.AnswerInput):
        self.criterion_id = a.criterion_id
        self.value = None if a.na else a.value
        self.is_na = a.na
        self.comment = a.comment
        self.time_offset = a.time_offset


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_resolve(request, pk: int):
    _require_evaluation_roles(request.user)
    evaluation = _visible(request, pk)
    if not services.can_resolve(evaluation, request.user):
        raise PermissionDenied(_("A dispute is resolved by QA or a manager other than the original evaluator."))
    if evaluation.status != Status.DISPUTED:
        messages.info(
            request, _("This evaluation has no open dispute (it is %(s)s).") % {"s": evaluation.get_status_display()}
        )
        return redirect("evaluation-detail", pk=pk)
    dispute = next((d for d in evaluation.disputes.all() if d.status == DisputeStatus.OPEN), None)
    form = ResolveForm(request.POST or None)
    answers_map = None
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        current = {a.criterion_id: a for a in evaluation.answers.all()}
        try:
            posted = answers_from_post(request.POST, evaluation.version)
        except ValidationError as exc:
            posted = []
            errors = error_messages(exc)
        answers_map = {**current, **{a.criterion_id: _Posted(a) for a in posted}}
        if form.is_valid() and not errors:
            outcome = form.cleaned_data["outcome"]
            changed = _changed(posted, current) if outcome == DisputeStatus.ADJUSTED else None
            try:
                services.evaluation_resolve_dispute(
                    evaluation=evaluation,
                    by=request.user,
                    outcome=outcome,
                    reason=form.cleaned_data["reason"],
                    answers=changed,
                )
            except PermissionDenied as exc:
                messages.error(request, str(exc))
                status = 403
            except services.IllegalTransition as exc:
                messages.error(request, exc.message)
                status = 409
            except ValidationError as exc:
                errors = error_messages(exc)
                status = 400
            else:
                messages.success(
                    request, _("The dispute is resolved; the agent and the evaluator can read your decision.")
                )
                return redirect("evaluation-detail", pk=pk)
        else:
            status = 400
        for name in ("outcome", "reason"):
            for msg in errors.pop(name, []):
                form.add_error(name, msg)
    general = [m for k, msgs in errors.items() if not k.startswith("criterion.") for m in msgs]
    structure = scorecard_structure(evaluation)
    structure["strings"] = js_strings()
    structure["mode"] = "resolve"
    return render(
        request,
        "scoring/resolve.html",
        {
            "evaluation": evaluation,
            "call": evaluation.call,
            "dispute": dispute,
            "form": form,
            "rows": scorecard_rows(evaluation, answers=answers_map, errors=errors),
            "general_errors": general,
            "structure": structure,
            "can_hear": can_hear(request.user, evaluation),
        },
        status=status,
    )


# --- lists ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def evaluation_list(request):
    _require_evaluation_roles(request.user)
    roles = user_roles(request.user)
    own_agent = own_agent_id(request.user)
    agent_only = roles <= {AGENT}
    qs = selectors.evaluations_visible_to(request.user)
    form = EvaluationFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["agent"]:
            qs = qs.filter(Q(agent__name__icontains=data["agent"]) | Q(agent__employee_id__icontains=data["agent"]))
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
    sort = request.GET.get("sort", "-date")
    when = Coalesce("submitted_at", "created_at")
    orders = {
        "date": [when.asc(), "pk"],
        "-date": [when.desc(), "-pk"],
        "score": [F("total").asc(nulls_first=True), "-pk"],
        "-score": [F("total").desc(nulls_last=True), "-pk"],
    }
    if sort not in orders:
        sort = "-date"
    qs = qs.order_by(*orders[sort])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    for key in ("page", "sort"):
        params.pop(key, None)
    waiting = 0
    if own_agent is not None:
        waiting = Evaluation.objects.filter(
            agent_id=own_agent, kind=Kind.REGULAR, status=Status.FEEDBACK_DELIVERED
        ).count()
    for ev in page:
        ev.needs_ack = own_agent == ev.agent_id and ev.kind == Kind.REGULAR and ev.status == Status.FEEDBACK_DELIVERED
        ev.role_label = ROLE_LABELS.get(ev.evaluator_role, ev.evaluator_role)
    return render(
        request,
        "scoring/evaluation_list.html",
        {
            "page": page,
            "form": form,
            "agent_only": agent_only,
            "waiting": waiting,
            "sort": sort,
            "sort_querystring": params.urlencode(),
        },
    )


@role_required(*RESOLVER_PAGE_ROLES)
@require_http_methods(["GET"])
def dispute_list(request):
    base = Dispute.objects.select_related(
        "evaluation",
        "evaluation__agent",
        "evaluation__agent__team",
        "evaluation__evaluator",
        "evaluation__call",
        "raised_by",
    )
    open_disputes = list(base.filter(status=DisputeStatus.OPEN).order_by("raised_at"))
    for d in open_disputes:
        d.own = d.evaluation.evaluator_id == request.user.pk
    resolved = list(base.exclude(status=DisputeStatus.OPEN).select_related("resolved_by").order_by("-resolved_at")[:20])
    return render(request, "scoring/dispute_list.html", {"open_disputes": open_disputes, "resolved": resolved})
