from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health
from .roles import ADMIN, AGENT, HR, MANAGER, QA, SUPERVISOR, TRAINER, user_roles

# Where each role lands after login, in priority order for users with several roles:
# the center manager's overview, the auditor's work queue, the supervisor's teams, the
# trainer's calls, HR's roster, the agent's own evaluations.
LANDING = (
    (MANAGER, "center-overview"),
    (ADMIN, "center-overview"),
    (QA, "work-queue"),
    (SUPERVISOR, "team-list"),
    (TRAINER, "call-list"),
    (HR, "agent-list"),
    (AGENT, "evaluation-list"),
)


@login_required
def home(request):
    roles = user_roles(request.user)
    for role, url_name in LANDING:
        if role in roles:
            return redirect(url_name)
    return render(request, "no_role.html", status=403)


@never_cache
@require_GET
def healthz(request):
    db_ok, db_text = health.check_database()
    broker_ok, broker_text = health.check_broker()
    ok = db_ok and broker_ok
    return JsonResponse(
        {"status": "ok" if ok else "error", "database": db_text, "broker": broker_text},
        status=200 if ok else 503,
    )
