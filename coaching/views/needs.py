"""Training-need and group-training pages: the needs flagged by the weekly job (list with filters,
a need's evidence and what to do with it), the thresholds, and training sessions (list, create
from a need, a session's page with attendance and whether the group's rate fell).

Thin: who may do what is coaching/permissions/needs.py, what a user sees is
coaching/selectors/needs.py (outside it: 404), every write is a service in coaching/services/needs.py
whose refusals `page_errors` shows with their status.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qa_platform.errors import page_errors
from qa_platform.permissions import role_required
from qa_platform.settings_rows import settings_row_history

from ..forms.needs import NeedFilter, NeedPolicyForm, TrainingSessionForm
from ..models import NeedStatus, TrainingNeed, TrainingNeedPolicy, TrainingSessionStatus
from ..permissions import needs as rules
from ..permissions.plans import can_create_plan_for
from ..selectors import needs as selectors
from ..services import needs as services
from ..services.needs import POLICY_FIELDS

PAGE_SIZE = 50
HISTORY_SHOWN = 20


def policy_history(limit: int = HISTORY_SHOWN) -> list[dict]:
    """The settings' latest saves, newest first (qa_platform.settings_rows)."""
    return settings_row_history(TrainingNeedPolicy, POLICY_FIELDS, limit)


def plan_create_url(need: TrainingNeed) -> str | None:
    """The coaching plan page prefilled for an individual need's agent (None until it exists)."""
    try:
        base = reverse("coaching-plan-create")
    except NoReverseMatch:
        return None
    return f"{base}?{urlencode({'agent': need.agent_id, 'need': need.pk})}"


@require_GET
@role_required(*rules.NEED_READER_ROLES)
def need_list(request):
    filters = NeedFilter(request.GET, queryset=selectors.needs_visible_to(request.user))
    valid = filters.is_valid()
    qs = filters.qs if valid else selectors.needs_visible_to(request.user).none()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for need in page:
        need.rate_pct = _pct(need.rate)
    weeks = selectors.needs_visible_to(request.user).order_by("-week_start").values_list("week_start", flat=True)
    context = {
        "page": page,
        "filters": filters,
        "weeks": [selectors.week_label(w) for w in weeks.distinct()[:12]],
        "can_edit_policy": rules.can_edit_need_policy(request.user),
    }
    return render(request, "coaching/needs/need_list.html", context, status=200 if valid else 400)


def _pct(fraction: float | None) -> float | None:
    return None if fraction is None else round(100 * fraction, 1)


def _need_for(user, pk) -> TrainingNeed:
    return get_object_or_404(selectors.needs_visible_to(user), pk=pk)


def _render_need(request, need, *, status=200):
    manages = rules.can_manage_training(request.user)
    thresholds = (need.evidence or {}).get("thresholds", {})
    context = {
        "need": need,
        "rate_pct": _pct(need.rate),
        "share_pct": _pct(need.agents_affected / need.agents_in_group if need.agents_in_group else 0),
        "thresholds": {
            "share": _pct(thresholds.get("min_share_affected")),
            "rate": _pct(thresholds.get("min_rate")),
            "agents": thresholds.get("min_group_agents"),
            "evals": thresholds.get("min_evaluations"),
        },
        "evidence": selectors.need_evidence(request.user, need),
        "sessions": selectors.sessions_visible_to(request.user).filter(need=need),
        "can_train": manages and not need.is_individual and need.status in (NeedStatus.OPEN, NeedStatus.SCHEDULED),
        "plan_url": plan_create_url(need)
        if need.is_individual and need.status == NeedStatus.OPEN and can_create_plan_for(request.user, need.agent)
        else None,
        "can_dismiss": manages and need.status == NeedStatus.OPEN,
        "week": selectors.week_label(need.week_start),
    }
    return render(request, "coaching/needs/need_detail.html", context, status=status)


@require_GET
@role_required(*rules.NEED_READER_ROLES)
def need_detail(request, pk: int):
    return _render_need(request, _need_for(request.user, pk))


@require_POST
@role_required(*rules.NEED_READER_ROLES)
def need_dismiss(request, pk: int):
    need = _need_for(request.user, pk)
    with page_errors(request) as outcome:
        services.dismiss_need(by=request.user, need=need)
    if outcome.failed:
        return _render_need(request, _need_for(request.user, pk), status=outcome.status)
    messages.success(request, _("The need is dismissed."))
    return redirect("coaching-need-detail", pk=pk)


@require_http_methods(["GET", "POST"])
@role_required(*rules.NEED_POLICY_ROLES)
def need_policy(request):
    policy = TrainingNeedPolicy.current()

    def show(form, status=200):
        context = {"form": form, "history": policy_history()}
        return render(request, "coaching/needs/policy.html", context, status=status)

    if request.method == "GET":
        return show(NeedPolicyForm(instance=policy))
    form = NeedPolicyForm(request.POST, instance=policy)
    if not form.is_valid():
        return show(form, 400)
    with page_errors(request, form=form) as outcome:
        services.need_policy_update(by=request.user, values=form.cleaned_data)
    if outcome.failed:
        return show(form, outcome.status)
    messages.success(request, _("Training-need thresholds saved."))
    return redirect("coaching-need-policy")


# --- training sessions -------------------------------------------------------------------------------


@require_GET
@role_required(*rules.TRAINING_READER_ROLES)
def training_list(request):
    qs = selectors.sessions_visible_to(request.user)
    status = request.GET.get("status", "")
    if status in TrainingSessionStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status_value": status,
        "status_choices": TrainingSessionStatus.choices,
        "can_create": rules.can_manage_training(request.user),
    }
    return render(request, "coaching/needs/training_list.html", context)


def _need_from_query(request) -> TrainingNeed | None:
    raw = request.GET.get("need") or request.POST.get("need")
    if not raw:
        return None
    if not str(raw).isdigit():
        raise Http404
    return _need_for(request.user, int(raw))


@require_http_methods(["GET", "POST"])
@role_required(*rules.TRAINING_MANAGER_ROLES)
def training_create(request):
    need = _need_from_query(request)
    if need is not None:
        agents = selectors.group_agents(need)
        initial = {"topic": _("%(problem)s — %(group)s") % {"problem": need.problem_label, "group": need.group_label}}
        initial["attendees"] = selectors.affected_agent_ids(need)
    else:
        from monitoring.selectors import agents_visible_to

        agents = agents_visible_to(request.user).filter(active=True).order_by("name")
        initial = {}
    form = TrainingSessionForm(request.POST or None, request.FILES or None, agents=agents, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            with page_errors(request, form=form) as outcome:
                session = services.create_training_session(
                    by=request.user,
                    need=need,
                    topic=data["topic"],
                    scheduled_for=data["scheduled_for"],
                    location=data["location"],
                    materials=data["materials"],
                    attendees=list(data["attendees"]),
                    attachment=data["attachment"] or None,
                )
            if not outcome.failed:
                messages.success(request, _("Training session created; the attendees see it on their training page."))
                return redirect("coaching-training-detail", pk=session.pk)
            status = outcome.status
    context = {"form": form, "need": need}
    return render(request, "coaching/needs/training_create.html", context, status=status)


def _session_for(user, pk):
    return get_object_or_404(selectors.sessions_visible_to(user), pk=pk)


def _render_session(request, session, *, status=200):
    user = request.user
    figures = rules.sees_training_figures(user)
    change = selectors.rate_before_after(session) if figures else None
    context = {
        "session": session,
        "attendance": selectors.attendance_visible_to(user, session),
        "figures": figures,
        "change": change,
        "windows": [(_("Before"), change.before), (_("Since"), change.since)] if change else [],
        "window_weeks": selectors.WINDOW_WEEKS,
        "can_take_attendance": rules.can_take_attendance(session, user)
        and session.status != TrainingSessionStatus.CANCELLED
        and session.scheduled_for <= timezone.now(),
        "need_visible": session.need_id is not None
        and selectors.needs_visible_to(user).filter(pk=session.need_id).exists(),
    }
    return render(request, "coaching/needs/training_detail.html", context, status=status)


@require_GET
@role_required(*rules.TRAINING_READER_ROLES)
def training_detail(request, pk: int):
    return _render_session(request, _session_for(request.user, pk))


@require_POST
@role_required(*rules.TRAINING_READER_ROLES)
def training_attendance(request, pk: int):
    session = _session_for(request.user, pk)
    if not rules.can_take_attendance(session, request.user):
        raise PermissionDenied(rules.ONLY_SESSION_TRAINER)
    came = {int(v) for v in request.POST.getlist("attended") if v.isdigit()}
    invited = list(session.attendance.values_list("agent_id", flat=True))
    with page_errors(request) as outcome:
        services.take_attendance(by=request.user, session=session, attended={a: a in came for a in invited})
    if outcome.failed:
        return _render_session(request, _session_for(request.user, pk), status=outcome.status)
    messages.success(request, _("Attendance saved; the session is marked held."))
    return redirect("coaching-training-detail", pk=pk)


@require_GET
@role_required(*rules.TRAINING_READER_ROLES)
def training_attachment(request, pk: int):
    session = _session_for(request.user, pk)
    if not session.attachment:
        raise Http404
    name = session.attachment.name.rsplit("/", 1)[-1]
    return FileResponse(session.attachment.open("rb"), as_attachment=True, filename=name)
