from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_safe

from . import health
from .menu import items_for
from .roles import ADMIN, AGENT, HR, MANAGER, QA, SUPERVISOR, TRAINER, user_roles

# Where each role lands after login, in priority order for users with several roles: each
# role's own work, as its menu offers it (an entry the menu does not show is skipped, so a
# landing page is never one the user would be refused). The center manager: the center
# overview; the auditor and the trainer: their work queue (the trainer's needs and plans once
# coaching has pages); the supervisor: their teams' month; HR: the bonus export; the agent:
# their own month's performance, else their evaluations.
LANDING = (
    (MANAGER, ("center-overview",)),
    (ADMIN, ("center-overview",)),
    (QA, ("work-queue",)),
    (SUPERVISOR, ("team-list",)),
    (TRAINER, ("coaching-home", "work-queue")),
    (HR, ("hr-export",)),
    (AGENT, ("performance-detail", "evaluation-list")),
)


def landing_url(user) -> str | None:
    """The page `user` opens on: their first role's landing entry in their menu; else the menu's
    first entry; None for a user without a role."""
    roles = user_roles(user)
    if not roles:
        return None
    menu = {item.url_name: item for item in items_for(user)}
    for role, url_names in LANDING:
        if role in roles:
            for url_name in url_names:
                if url_name in menu:
                    return menu[url_name].url
    return next((item.url for item in menu.values()), None)


@login_required
def home(request):
    url = landing_url(request.user)
    if url is None:
        return render(request, "no_role.html", status=403)
    return redirect(url)


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request):
    """/favicon.ico, which browsers ask for on every site whatever the page's <link rel="icon">:
    the SVG icon under its static (hashed) address."""
    return redirect(static("favicon.svg"))


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
