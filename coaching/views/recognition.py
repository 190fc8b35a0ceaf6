"""Recognition pages: "My recognition" (an agent's badges, streaks, kudos and progress against
their own baseline), the same page of one agent for their supervisors and the center-wide roles,
the team board ranked by improvement, kudos, and the settings.

Thin: who may do what is coaching/permissions/recognition.py (a peer's request for another
agent's page is a 404), the figures are coaching/selectors/recognition.py, the writes
coaching/services/recognition.py. While recognition is switched off every page but the settings
is a 404 saying so.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from monitoring.models import Agent
from qa_platform.errors import page_errors
from qa_platform.permissions import role_required
from qa_platform.settings_rows import settings_row_history
from scoring.selectors import evaluations_visible_to

from ..forms.recognition import KudosForm, RecognitionPolicyForm
from ..models import RecognitionPolicy
from ..permissions import recognition as rules
from ..permissions.plans import own_agent_id
from ..selectors import recognition as sel
from ..selectors.library import entry_for
from ..selectors.needs import last_complete_week, week_label
from ..services import recognition as services

HISTORY_SHOWN = 20


def _require_on() -> None:
    if not rules.is_on():
        raise Http404(rules.SWITCHED_OFF)


def _agent_page(request, agent: Agent, *, own: bool):
    badges = list(sel.badges_of(agent))
    context = {
        "agent": agent,
        "own": own,
        "badges": badges,
        "new_badges": [b for b in badges if b.seen_at is None] if own else [],
        "kudos": list(sel.kudos_of(agent)[:50]),
        "progress": sel.progress_of(agent),
        "week_label": week_label(last_complete_week()),
        "board_team": agent.team if own or rules.may_open_board(request.user, agent.team) else None,
    }
    response = render(request, "coaching/recognition/agent.html", context)
    if own and context["new_badges"]:
        services.badges_mark_seen(agent=agent)
    return response


@require_GET
@role_required(*rules.RECOGNITION_ROLES)
def my_recognition(request):
    _require_on()
    agent_id = own_agent_id(request.user)
    if agent_id is None:
        raise PermissionDenied(rules.NOT_AN_AGENT)
    return _agent_page(request, Agent.objects.select_related("team").get(pk=agent_id), own=True)


@require_GET
@role_required(*rules.RECOGNITION_ROLES)
def agent_recognition(request, pk: int):
    _require_on()
    agent = get_object_or_404(Agent.objects.select_related("team"), pk=pk)
    if not rules.may_see_details(request.user, agent):
        raise Http404
    if own_agent_id(request.user) == agent.pk:
        return redirect("coaching-recognition-mine")
    return _agent_page(request, agent, own=False)


@require_GET
@role_required(*rules.RECOGNITION_ROLES)
def team_board(request):
    _require_on()
    teams = list(sel.board_teams(request.user))
    if not teams:
        raise PermissionDenied(_("You have no team board to see."))
    wanted = request.GET.get("team", "")
    team = next((t for t in teams if str(t.pk) == wanted), None) if wanted else teams[0]
    if team is None:
        raise Http404
    whole = rules.sees_whole_board(request.user, team)
    board = sel.team_board(request.user, team, whole=whole)
    context = {
        "board": board,
        "teams": teams if len(teams) > 1 else [],
        "week_label": week_label(board.week_start),
        "can_edit_policy": rules.can_edit_policy(request.user),
    }
    return render(request, "coaching/recognition/board.html", context)


def _give(request, *, evaluation=None, entry=None, back: str):
    form = KudosForm(request.POST, library=True)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    with page_errors(request) as outcome:
        services.kudos_give(
            by=request.user,
            message=form.cleaned_data["message"],
            evaluation=evaluation,
            entry=entry,
            for_library=form.cleaned_data.get("for_library", False),
        )
    if not outcome.failed:
        messages.success(request, _("Kudos sent."))
    return redirect(back)


@require_POST
@role_required(*rules.RECOGNITION_ROLES)
def kudos_on_evaluation(request, evaluation_id: int):
    _require_on()
    evaluation = get_object_or_404(evaluations_visible_to(request.user), pk=evaluation_id)
    return _give(request, evaluation=evaluation, back=reverse("evaluation-detail", args=[evaluation.pk]))


@require_POST
@role_required(*rules.RECOGNITION_ROLES)
def kudos_on_entry(request, entry_id: int):
    _require_on()
    entry = entry_for(request.user, entry_id)
    return _give(request, entry=entry, back=reverse("coaching-library-detail", args=[entry.pk]))


def _history(limit: int = HISTORY_SHOWN) -> list[dict]:
    """The settings' latest saves, newest first (qa_platform.settings_rows)."""
    return settings_row_history(RecognitionPolicy, services.POLICY_FIELDS, limit)


@require_http_methods(["GET", "POST"])
@role_required(*rules.POLICY_ROLES)
def policy(request):
    row = RecognitionPolicy.current()

    def show(form, status=200):
        return render(request, "coaching/recognition/policy.html", {"form": form, "history": _history()}, status=status)

    if request.method == "GET":
        return show(RecognitionPolicyForm(instance=row))
    form = RecognitionPolicyForm(request.POST, instance=row)
    if not form.is_valid():
        return show(form, 400)
    with page_errors(request, form=form) as outcome:
        services.recognition_policy_update(by=request.user, values=form.cleaned_data)
    if outcome.failed:
        return show(form, outcome.status)
    messages.success(request, _("Recognition settings saved."))
    return redirect("coaching-recognition-settings")
