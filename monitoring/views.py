"""Pages for org structure and calls. Thin: scope through selectors, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from qa_platform.menu import call_actions_for, latest_month, page_panels_for
from qa_platform.permissions import role_required
from qa_platform.roles import ADMIN, MANAGER, has_role

from . import selectors, services
from .filters import search_calls
from .forms import CallImportForm
from .models import MAX_ID, ListenLog
from .models_analytics import CallAnalysis
from .permissions import CALL_LIST_ROLES, OVERVIEW_ROLES, TEAM_ROLES, can_ingest_calls, can_see_calls
from .recordings import recording_response

PAGE_SIZE = 50


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _require_calls(user) -> None:
    if not can_see_calls(user):
        raise PermissionDenied


def _latest_period() -> selectors.Period:
    """Where the month pages open when no month is asked for, never on an empty current month:
    the latest month with data as the apps above say (reports: with scored evaluations, so the
    QA picture beside the call figures has them too), else the latest month with calls."""
    return selectors.month_or_none(latest_month()) or selectors.latest_call_month()


def _period(request) -> selectors.Period:
    return selectors.month_or_none(request.GET.get("month")) or _latest_period()


def _empty_month(request, period: selectors.Period, calls: int) -> dict:
    """For a month without calls (templates/monitoring/empty_month.html): the month that has
    data, for the page to point to, and whether the user may import calls."""
    if calls:
        return {"month_empty": False}
    latest = _latest_period()
    return {
        "month_empty": True,
        "latest_period": latest if latest != period else None,
        "can_ingest": can_ingest_calls(request.user),
    }


@role_required(*OVERVIEW_ROLES)
@require_GET
def center_overview(request):
    period = _period(request)
    figures = selectors.center_overview(period=period)
    return render(
        request,
        "monitoring/center_overview.html",
        {
            "period": period,
            **figures,
            **_empty_month(request, period, figures["totals"]["calls"]),
            # Other apps' sections for the whole center (reports' QA picture of the month).
            "panels": page_panels_for(request.user, selectors.CENTER, month=period.label),
        },
    )


@role_required(*TEAM_ROLES)
@require_GET
def team_list(request):
    period = _period(request)
    teams = selectors.team_summaries(user=request.user, period=period)
    empty = _empty_month(request, period, sum(t.calls for t in teams)) if teams else {}
    # Other apps' sections for the teams the user sees (reports' QA picture: a supervisor's
    # "My teams", the whole center for the center-wide roles).
    panels = page_panels_for(request.user, selectors.CENTER, month=period.label) if teams else []
    return render(request, "monitoring/team_list.html", {"teams": teams, "period": period, "panels": panels, **empty})


@role_required(*TEAM_ROLES)
@require_GET
def team_detail(request, pk: int):
    team = get_object_or_404(selectors.teams_visible_to(request.user), pk=pk)
    period = _period(request)
    agents = selectors.agent_summaries(team=team, period=period)
    # Other apps' sections for the team (reports' QA picture), for the month the page shows.
    panels = page_panels_for(request.user, team, month=period.label)
    empty = _empty_month(request, period, sum(a.calls_count for a in agents)) if agents else {}
    return render(
        request,
        "monitoring/team_detail.html",
        {"team": team, "agents": agents, "period": period, "panels": panels, **empty},
    )


@login_required
@require_GET
def agent_list(request):
    agents = selectors.agents_visible_to(request.user)
    query = request.GET.get("q", "").strip()
    if query:
        agents = selectors.agents_search(agents, query)
    team = request.GET.get("team")
    if team and team.isdigit() and int(team) <= MAX_ID:
        agents = agents.filter(team_id=int(team))
    return render(
        request,
        "monitoring/agent_list.html",
        {
            "page": _page(request, agents.order_by("team__name", "name")),
            "q": query,
            "teams": selectors.teams_visible_to(request.user),
            "team_selected": team,
        },
    )


@login_required
@require_GET
def agent_detail(request, pk: int):
    agent = get_object_or_404(selectors.agents_visible_to(request.user), pk=pk)
    context = {
        "agent": agent,
        "show_calls": can_see_calls(request.user),
        "can_search_calls": has_role(request.user, *CALL_LIST_ROLES),
        # Other apps' sections for the agent (reports' QA picture), by their own rules.
        "panels": page_panels_for(request.user, agent),
    }
    if context["show_calls"]:
        calls = selectors.calls_visible_to(request.user).filter(agent=agent)
        context["page"] = _page(request, calls)
        context["kpis"] = selectors.agent_kpis(agent=agent)
    return render(request, "monitoring/agent_detail.html", context)


@login_required
@require_GET
def call_list(request):
    _require_calls(request.user)
    filterset, sort_form, calls = search_calls(request, selectors.calls_visible_to(request.user))
    return render(
        request,
        "monitoring/call_list.html",
        {"filter": filterset, "sort_form": sort_form, "sort": sort_form.sort_key(), "page": _page(request, calls)},
        # A value the search cannot read is the asker's error, named on the page (the API's 400 too).
        status=400 if filterset.errors or sort_form.errors else 200,
    )


@login_required
@require_GET
def call_detail(request, pk: int):
    _require_calls(request.user)
    call = get_object_or_404(selectors.calls_visible_to(request.user), pk=pk)
    on_private_line = selectors.is_private_line(call.line)
    context = {
        "call": call,
        "on_private_line": on_private_line,
        # Calls on private lines are never monitored: no app offers to evaluate them.
        "call_actions": [] if on_private_line else call_actions_for(request.user, call),
        "analysis": CallAnalysis.objects.filter(call=call).first(),
    }
    if has_role(request.user, MANAGER, ADMIN):
        context["listens"] = ListenLog.objects.filter(call=call).select_related("user")[:20]
    return render(request, "monitoring/call_detail.html", context)


@login_required
@require_GET
def call_recording(request, pk: int):
    _require_calls(request.user)
    call = get_object_or_404(selectors.calls_visible_to(request.user), pk=pk)
    return recording_response(request, call)


@login_required
def call_import(request):
    if not can_ingest_calls(request.user):
        raise PermissionDenied
    errors = []
    form = CallImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.calls_import_csv(stream=form.cleaned_data["text"])
        except services.CallImportError as exc:
            errors = exc.errors
        else:
            messages.success(
                request,
                _("Imported %(total)s calls: %(created)s new, %(updated)s updated.")
                % {"total": result.total, "created": result.created, "updated": result.updated},
            )
            return redirect("call-import")
    # A file that is not text in the chosen encoding is a 400, the reason under the file field.
    status = 400 if form.has_error("file") else 200
    return render(request, "monitoring/call_import.html", {"form": form, "errors": errors}, status=status)
