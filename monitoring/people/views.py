"""The /people/ pages: agents, teams and user accounts, and the roster import. Thin: check
who is asking, parse the form, call a service, render; the services refuse what is not allowed."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from qa_platform.roles import ROLE_LABELS

from ..models import MAX_ID, Agent, Team
from ..permissions import can_edit_account, can_manage_people, grantable_roles
from . import roster, selectors, services
from .forms import AccountForm, AgentForm, RosterImportForm, TeamForm

User = get_user_model()
PAGE_SIZE = 50


def people_required(view):
    """Managers and admins only (monitoring.permissions.can_manage_people); others get a 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_manage_people(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _saved(form, write) -> object | None:
    """Run the service; a ValidationError lands on the form's fields, and None is returned."""
    try:
        return write()
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


def _status(request) -> str:
    status = request.GET.get("status", "all")
    return status if status in selectors.STATUSES else "all"


@people_required
@require_GET
def people_home(request):
    return redirect("people-agents")


# --- agents -----------------------------------------------------------------------------------


@people_required
@require_GET
def agent_list(request):
    query = request.GET.get("q", "").strip()
    team = request.GET.get("team", "")
    team_id = int(team) if team.isdigit() and int(team) <= MAX_ID else None
    agents = selectors.agents_for_management(query=query, team_id=team_id, status=_status(request))
    return render(
        request,
        "monitoring/people/agent_list.html",
        {
            "page": Paginator(agents, PAGE_SIZE).get_page(request.GET.get("page")),
            "q": query,
            "teams": Team.objects.order_by("name"),
            "team_selected": team,
            "status": _status(request),
        },
    )


@people_required
def agent_edit(request, pk: int | None = None):
    agent = get_object_or_404(Agent, pk=pk) if pk is not None else None
    form = AgentForm(request.POST or None, instance=agent)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if agent is None:
            saved = _saved(form, lambda: services.agent_create(by=request.user, **data))
        else:
            saved = _saved(form, lambda: services.agent_update(by=request.user, agent=agent, **data))
        if saved is not None:
            messages.success(request, _("Saved %(agent)s.") % {"agent": saved})
            return redirect("people-agents")
    return render(request, "monitoring/people/agent_form.html", {"form": form, "agent": agent})


# --- teams ------------------------------------------------------------------------------------


@people_required
@require_GET
def team_list(request):
    return render(request, "monitoring/people/team_list.html", {"teams": selectors.teams_for_management()})


@people_required
def team_edit(request, pk: int | None = None):
    team = get_object_or_404(Team, pk=pk) if pk is not None else None
    form = TeamForm(request.POST or None, instance=team)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if team is None:
            saved = _saved(form, lambda: services.team_create(by=request.user, **data))
        else:
            saved = _saved(form, lambda: services.team_update(by=request.user, team=team, **data))
        if saved is not None:
            messages.success(request, _("Saved team %(team)s.") % {"team": saved.name})
            return redirect("people-teams")
    return render(request, "monitoring/people/team_form.html", {"form": form, "team": team})


# --- user accounts ----------------------------------------------------------------------------


@people_required
@require_GET
def account_list(request):
    query = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    role = role if role in ROLE_LABELS else ""
    accounts = selectors.accounts_for_management(query=query, role=role, status=_status(request))
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "account": a,
            "roles": [ROLE_LABELS[g.name] for g in a.groups.all() if g.name in ROLE_LABELS],
            "editable": can_edit_account(request.user, a),
        }
        for a in page
    ]
    return render(
        request,
        "monitoring/people/account_list.html",
        {
            "page": page,
            "rows": rows,
            "q": query,
            "role": role,
            "roles": ROLE_LABELS.items(),
            "status": _status(request),
        },
    )


@people_required
def account_edit(request, pk: int | None = None):
    account = get_object_or_404(User, pk=pk) if pk is not None else None
    if account is not None and not can_edit_account(request.user, account):
        raise PermissionDenied
    form = AccountForm(
        request.POST or None,
        initial=AccountForm.initial_for(account) if account else None,
        grantable=grantable_roles(request.user),
        creating=account is None,
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("password1", "password2")}
        password = form.cleaned_data["password1"]
        if account is None:
            saved = _saved(form, lambda: services.user_create(by=request.user, password=password, **data))
        else:
            saved = _saved(
                form, lambda: services.user_update(by=request.user, account=account, password=password, **data)
            )
        if saved is not None:
            if saved.pk == request.user.pk and password:
                update_session_auth_hash(request, saved)  # a new password of one's own keeps one logged in
            messages.success(request, _("Saved the account %(username)s.") % {"username": saved.username})
            return redirect("people-accounts")
    return render(request, "monitoring/people/account_form.html", {"form": form, "account": account})


# --- the roster import ------------------------------------------------------------------------


@people_required
def roster_import(request):
    form = RosterImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        importer = roster.agents_import_csv if kind == RosterImportForm.AGENTS else roster.teams_import_csv
        try:
            upload = form.cleaned_data["file"]
            result = importer(data=upload.read(), by=request.user, name=upload.name)
        except roster.RosterImportError as exc:
            errors = exc.errors
        else:
            counts = {
                "total": result.total,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            }
            if kind == RosterImportForm.AGENTS:
                text = ngettext(
                    "Imported %(total)s agent: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.",
                    "Imported %(total)s agents: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.",
                    result.total,
                )
            else:
                text = ngettext(
                    "Imported %(total)s team: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.",
                    "Imported %(total)s teams: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.",
                    result.total,
                )
            messages.success(request, text % counts)
            return redirect("people-import")
    return render(request, "monitoring/people/import.html", {"form": form, "errors": errors})
