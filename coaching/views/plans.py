"""Coaching plan pages: the list (everyone's for trainers and managers, "Team plans" for a
supervisor, the agent's own), "My coaching", creating a plan (from evaluations, a training need
or an agent), a plan's page (goals with their measured effect, sessions, acknowledgements, the
evaluations behind it, the steps the user may take), editing it, recording a session.

Thin: parse, ask `permissions.plans`, call `services.plans`, render. A plan the user may not see
is a 404 (HR sees none: the list is a 403, a plan's pages 404); a step they may not take is the
service's refusal (403, 409, 400)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qa_platform.errors import page_errors
from qa_platform.permissions import role_required
from qa_platform.roles import SUPERVISOR, user_roles

from ..forms import plans as forms
from ..models import PlanStatus
from ..permissions import plans as rules
from ..selectors import plans as sel
from ..selectors.effect import goal_effects
from ..services import plans as services

PAGE_SIZE = 50


def _list_title(user) -> str:
    if rules.can_see_all_plans(user):
        return _("Coaching plans")
    if SUPERVISOR in user_roles(user):
        return _("Team plans")
    return _("My coaching plans")


@require_GET
@role_required(*rules.PLAN_PAGE_ROLES)
def plan_list(request):
    user = request.user
    form = forms.PlanFilterForm(request.GET or None, user=user)
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound and valid else {}
    qs = sel.plans_for_list(
        user,
        status=data.get("status") or "",
        owner=data["owner"].pk if data.get("owner") else None,
        team=data["team"].pk if data.get("team") else None,
        agent=data["agent"].pk if data.get("agent") else None,
    )
    if not valid:
        qs = qs.none()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    everyone = rules.can_see_all_plans(user)
    return render(
        request,
        "coaching/plans/list.html",
        {
            "page": page,
            "form": form,
            "title": _list_title(user),
            "show_owner_filter": everyone,
            "show_people_filters": everyone or SUPERVISOR in user_roles(user),
            "can_create": rules.can_create_plans(user),
        },
        status=200 if valid else 400,
    )


@require_GET
@role_required(*rules.PLAN_PAGE_ROLES)
def my_plans(request):
    """The agent's own plans, active first, with what still waits for their acknowledgement."""
    agent_id = rules.own_agent_id(request.user)
    if agent_id is None:
        raise PermissionDenied(rules.NOT_AN_AGENT)
    plans = list(
        sel.plans_for_list(request.user, agent=agent_id).prefetch_related("goals", "sessions").order_by("-created_at")
    )
    active = [p for p in plans if p.is_active]
    return render(
        request,
        "coaching/plans/mine.html",
        {"active": active, "finished": [p for p in plans if not p.is_active]},
    )


def _agent_for_create(request):
    """The agent the form is for: ?agent=, an individual need's, or the first evaluation's."""
    need = sel.need_for_plan(request.user, request.GET["need"]) if request.GET.get("need", "").isdigit() else None
    evaluations = sel.evaluations_for_new_plan(request.user, request.GET.getlist("evaluation"))
    agent_id = request.POST.get("agent") or request.GET.get("agent") or ""
    if not agent_id and need is not None and need.agent_id:
        agent_id = str(need.agent_id)
    if not agent_id and evaluations:
        agent_id = str(evaluations[0].agent_id)
    agent = None
    if agent_id.isdigit():
        agent = sel.agents_for_new_plan(request.user).filter(pk=int(agent_id)).first()
        if agent is None:
            raise Http404
        evaluations = [e for e in evaluations if e.agent_id == agent.pk]
    return agent, need, evaluations


def _initial(request, agent, need, evaluations, criteria) -> tuple[dict, list[dict]]:
    deadline = forms.default_deadline()
    rows: list[dict] = []
    if need is not None:
        criterion = sel.criterion_for_need(need)
        on = f"{forms.CRITERION}:{criterion.pk}" if criterion is not None else f"{forms.CATEGORY}:{need.category}"
        rows.append({"on": on, "target": forms.DEFAULT_TARGET, "deadline": deadline})
    offered = {c.pk for c in criteria}
    for s in sel.lost_criteria([e.pk for e in evaluations]):
        if s.criterion_id in offered and len(rows) < forms.GOAL_ROWS:
            rows.append(
                {"on": f"{forms.CRITERION}:{s.criterion_id}", "target": forms.DEFAULT_TARGET, "deadline": deadline}
            )
    owner = request.user if rules.can_own_plan_of(request.user, agent) else None
    title = ""
    if need is not None:
        title = _("Coaching: %(problem)s") % {"problem": need.problem_label}
    elif rows:
        labels = {c.pk: c.text for c in criteria}
        title = _("Coaching: %(problem)s") % {
            "problem": ", ".join(labels[int(r["on"].split(":")[1])] for r in rows[:2])
        }
    plan = {
        "agent": agent.pk,
        "owner": owner.pk if owner else None,
        "title": title,
        "evaluations": [e.pk for e in evaluations],
        "need": need.pk if need else None,
    }
    return plan, rows


@require_http_methods(["GET", "POST"])
@role_required(*rules.PLAN_CREATOR_ROLES)
def plan_create(request):
    agent, need, evaluations = _agent_for_create(request)
    if agent is None:
        step = forms.AgentStepForm(request.GET if "agent" in request.GET else None, user=request.user)
        return render(request, "coaching/plans/create_agent.html", {"form": step})
    rules.require_create(request.user, agent)
    criteria = sel.agent_criteria(agent.pk)
    service_types = sel.agent_service_types(agent.pk)
    goal_kwargs = {"criteria": criteria, "service_types": service_types}
    status = 200
    if request.method == "POST":
        form = forms.PlanForm(request.POST, user=request.user, agent=agent, extra_evaluations=evaluations)
        goals = forms.GoalFormSet(request.POST, prefix="goals", form_kwargs=goal_kwargs)
        status = 400
        if form.is_valid() and goals.is_valid():
            by_id = {c.pk: c for c in criteria}
            rows = [i for i, g in enumerate(goals.forms) if g.cleaned_data.get("on")]
            data = form.cleaned_data
            post_need = sel.need_for_plan(request.user, data["need"]) if data.get("need") else None
            with page_errors(request, form=form, fields=forms.GOAL_ERROR_KEYS) as outcome:
                plan = services.create_plan(
                    by=request.user,
                    agent=agent,
                    owner=data["owner"],
                    title=data["title"],
                    proposal=data["proposal"],
                    goals=[goals.forms[i].goal_input(by_id) for i in rows],
                    evaluations=data["evaluations"],
                    need=post_need,
                )
            if not outcome.failed:
                messages.success(request, _("Coaching plan created. The agent sees it under My coaching."))
                return redirect("coaching-plan-detail", pk=plan.pk)
            forms.goal_errors(goals, outcome.field_errors, rows)
            status = outcome.status
    else:
        plan_initial, rows = _initial(request, agent, need, evaluations, criteria)
        form = forms.PlanForm(initial=plan_initial, user=request.user, agent=agent, extra_evaluations=evaluations)
        goals = forms.GoalFormSet(prefix="goals", initial=rows, form_kwargs=goal_kwargs)
    return render(
        request,
        "coaching/plans/create.html",
        {"form": form, "goals": goals, "agent": agent, "need": need, "has_criteria": bool(criteria)},
        status=status,
    )


def _render_detail(request, plan, *, status: int = 200, complete_form=None):
    user = request.user
    can_edit = rules.can_edit_plan(plan, user)
    goals = list(plan.goals.all())
    return render(
        request,
        "coaching/plans/detail.html",
        {
            "plan": plan,
            "goals": goals,
            "effects": list(goal_effects(goals).values()),
            "sessions": list(plan.sessions.all()),
            "evaluations": sel.motivating_evaluations(user, plan),
            "can_edit": can_edit and plan.is_active,
            "can_acknowledge": rules.can_acknowledge_plan(plan, user),
            "can_start": can_edit and plan.status == PlanStatus.OPEN,
            "complete_form": complete_form or (forms.CompleteForm() if can_edit and plan.is_active else None),
        },
        status=status,
    )


@require_GET
@login_required
def plan_detail(request, pk: int):
    return _render_detail(request, sel.plan_for(request.user, pk))


@require_http_methods(["GET", "POST"])
@login_required
def plan_edit(request, pk: int):
    plan = sel.plan_for(request.user, pk)
    rules.require(rules.can_edit_plan, plan, request.user)
    if not plan.is_active:
        messages.info(request, _("This plan is completed: it can no longer be changed."))
        return redirect("coaching-plan-detail", pk=pk)
    initial = {"title": plan.title, "proposal": plan.proposal, "owner": plan.owner_id}
    form = forms.PlanEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with page_errors(request, form=form) as outcome:
                services.edit_plan(plan=plan, by=request.user, **form.cleaned_data)
            if not outcome.failed:
                messages.success(request, _("The plan is saved."))
                return redirect("coaching-plan-detail", pk=pk)
            status = outcome.status
    return render(request, "coaching/plans/edit.html", {"plan": plan, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def session_create(request, pk: int):
    plan = sel.plan_for(request.user, pk)
    rules.require(rules.can_edit_plan, plan, request.user)
    form = forms.SessionForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            with page_errors(request, form=form) as outcome:
                services.record_session(plan=plan, by=request.user, **data)
            if not outcome.failed:
                messages.success(request, _("Session recorded. The agent is asked to acknowledge it."))
                return redirect("coaching-plan-detail", pk=pk)
            status = outcome.status
    return render(request, "coaching/plans/session_form.html", {"plan": plan, "form": form}, status=status)


STEPS = {
    "acknowledge": (services.acknowledge_plan, gettext_lazy("You have acknowledged the plan.")),
    "start": (services.start_plan, gettext_lazy("The plan is in progress.")),
}


@require_POST
@login_required
def plan_step(request, pk: int, step: str):
    plan = sel.plan_for(request.user, pk)
    service, done = STEPS[step]
    with page_errors(request) as outcome:
        service(plan=plan, by=request.user)
    if not outcome.failed:
        messages.success(request, done)
        return redirect("coaching-plan-detail", pk=pk)
    return _render_detail(request, sel.plan_for(request.user, pk), status=outcome.status)


@require_POST
@login_required
def plan_complete(request, pk: int):
    plan = sel.plan_for(request.user, pk)
    form = forms.CompleteForm(request.POST)
    outcome_text = request.POST.get("outcome", "")
    with page_errors(request, form=form if form.is_valid() else None) as outcome:
        services.complete_plan(plan=plan, by=request.user, outcome=outcome_text)
    if not outcome.failed:
        messages.success(request, _("The plan is completed."))
        return redirect("coaching-plan-detail", pk=pk)
    return _render_detail(request, sel.plan_for(request.user, pk), status=outcome.status, complete_form=form)


@require_POST
@login_required
def session_acknowledge(request, pk: int):
    session = sel.session_for(request.user, pk)
    with page_errors(request) as outcome:
        services.acknowledge_session(session=session, by=request.user)
    if not outcome.failed:
        messages.success(request, _("You have acknowledged the session."))
        return redirect("coaching-plan-detail", pk=session.plan_id)
    return _render_detail(request, sel.plan_for(request.user, session.plan_id), status=outcome.status)


@require_GET
@login_required
def session_attachment(request, pk: int):
    """A session's attachment, for whoever may see the plan; always downloaded, never rendered."""
    session = sel.session_for(request.user, pk)
    if not session.attachment:
        raise Http404
    name = session.attachment.name.rsplit("/", 1)[-1]
    return FileResponse(session.attachment.open("rb"), as_attachment=True, filename=name)
