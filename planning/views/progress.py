"""Quota progress and on-demand sampling (DESIGN.md §3).

Thin: parse, check the role, call a selector (`selectors.progress`) or a service
(`services.plan.plan_week`), render. What "behind schedule" means is written once, in
`selectors.progress`'s docstring, and shown on the page as a legend. Filters, sorting and paging
update the table in place with htmx (the whole page still works without script).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from monitoring.models import AssignmentReason
from qa_platform.permissions import role_required
from qa_platform.roles import ROLE_LABELS, user_roles

from ..forms import ProgressFilterForm
from ..models import SamplingKind, SamplingRun
from ..periods import last_complete_week, monday, month_of_week, parse_iso_week, week_label
from ..permissions import LOAD_ROLES, PROGRESS_ROLES, SAMPLING_ROLES, can_open_queue_of_others
from ..selectors import progress
from ..selectors.load import evaluator_load_rows
from ..selectors.scope import progress_teams
from ..services.plan import WeekPlan, plan_week

PAGE_SIZE = 50


def selected_week(request, *, param: str = "week") -> tuple[dt.date, bool]:
    """The week asked for (ISO '2026-W46'), or the last complete week; and whether the value
    given (if any) was understood."""
    raw = request.GET.get(param, "")
    week = parse_iso_week(raw)
    if week is None:
        return last_complete_week(), not raw
    return week, True


# --- quota progress ---------------------------------------------------------------------------


@role_required(*PROGRESS_ROLES)
@require_http_methods(["GET"])
def quota_progress(request):
    week, understood = selected_week(request)
    if not understood:
        messages.error(
            request,
            _("“%(w)s” is not a week like 2026-W46; showing the last complete week.") % {"w": request.GET.get("week")},
        )
    return _progress_page(request, week)


def _progress_page(request, week: dt.date, *, status: int = 200):
    now = timezone.now()
    teams = list(progress_teams(request.user).order_by("name"))
    form = ProgressFilterForm(request.GET or None, teams=teams)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = progress.agent_week_rows(
        user=request.user,
        week_start=week,
        now=now,
        team=filters.get("team"),
        tier=filters.get("tier") or None,
        behind=True if filters.get("behind") else None,
    )
    totals = progress.agent_totals(rows)
    rows, sort = progress.sort_rows(rows, request.GET.get("sort"), progress.AGENT_SORTS, progress.DEFAULT_AGENT_SORT)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    for key in ("page", "sort"):
        params.pop(key, None)
    context = {
        "week_label": week_label(week),
        "form": form,
        "page": page,
        "totals": totals,
        "sort": sort,
        "sort_querystring": params.urlencode(),
    }
    if request.htmx and not request.htmx.history_restore_request:
        # A filter, sort header or pager link of #agent-table: only that part (and its tiles).
        response = render(request, "planning/progress_agents.html", {**context, "htmx_fragment": True}, status=status)
    else:
        month = month_of_week(week)
        roles = user_roles(request.user)
        show_load = bool(roles & set(LOAD_ROLES))
        week_start, week_end = week, week + dt.timedelta(days=6)
        context |= {
            "week": week,
            "week_end": week_end,
            "week_start": week_start,
            "prev_week": week_label(week - dt.timedelta(weeks=1)),
            "next_week": week_label(week + dt.timedelta(weeks=1)),
            "under_way": week > last_complete_week(),
            "week_sampled": progress.week_sampled(week),
            "month": month,
            "lines": progress.line_month_rows(user=request.user, month=month, now=now),
            "show_load": show_load,
            "load": evaluator_load_rows(week_start=week, now=now) if show_load else [],
            "can_sample": bool(roles & set(SAMPLING_ROLES)),
            "can_open_queues": can_open_queue_of_others(request.user),
            "sampling_run": _last_run(week),
        }
        response = render(request, "planning/progress.html", context, status=status)
    # One URL, two bodies: a cache (the browser's, on Back) must not serve the fragment as the page.
    patch_vary_headers(response, ("HX-Request",))
    return response


def _last_run(week: dt.date) -> SamplingRun | None:
    return SamplingRun.objects.filter(kind=SamplingKind.AGENT_WEEK, period_start=week).first()


def sampling_message(plan: WeekPlan) -> str:
    """The report of a `plan_week` run, for a person."""
    reasons: dict[str, int] = {}
    roles: dict[str, int] = {}
    unrouted = plan.agents.unrouted + sum(r.unrouted for r in plan.lines)
    for report in (plan.agents, *plan.lines):
        for key, n in report.by_reason.items():
            reasons[key] = reasons.get(key, 0) + n
        for key, n in report.by_role.items():
            roles[key] = roles.get(key, 0) + n
    week = week_label(plan.week_start)
    if plan.added == 0:
        text = _(
            "Sampling for %(week)s added nothing: the week already has its assignments (running it again "
            "never adds more)."
        ) % {"week": week}
    else:
        by_reason = ", ".join(f"{AssignmentReason(k).label} {n}" for k, n in sorted(reasons.items()))
        by_role = ", ".join(f"{ROLE_LABELS.get(k, k)} {n}" for k, n in sorted(roles.items()))
        text = _("Sampling for %(week)s added %(n)s assignment(s) — by reason: %(reasons)s; by role: %(roles)s.") % {
            "week": week,
            "n": plan.added,
            "reasons": by_reason,
            "roles": by_role,
        }
    if unrouted:
        text += " " + _("%(n)s sampled call(s) could not be routed: no evaluator had capacity left.") % {"n": unrouted}
    text += " " + _("Took %(s).1f s.") % {"s": plan.seconds}
    return text


@role_required(*SAMPLING_ROLES)
@require_POST
def quota_progress_sample(request):
    """Run the week's plan now (tiers, agent quotas, line top-up): `services.plan.plan_week` with
    seed 0. Idempotent: a second press adds nothing, and the message says so."""
    week = parse_iso_week(request.POST.get("week", ""))
    if week is None:
        messages.error(request, _("Choose a week like 2026-W46 to sample."))
        return redirect("quota-progress")
    if week >= monday(timezone.localdate()):
        # The current week is not over: sampling it now would freeze a frame missing the rest
        # of the week's calls (and a later run adds nothing). Only complete weeks are sampled.
        messages.error(
            request,
            _("%(week)s is not over yet; only a complete week can be sampled.") % {"week": week_label(week)},
        )
        # A page of its own, not the progress page at this POST-only URL (whose relative filter,
        # sort and page links would point back here).
        return render(
            request,
            "planning/sampling_refused.html",
            {"week_label": week_label(week), "back": f"{reverse('quota-progress')}?week={week_label(week)}"},
            status=400,
        )
    plan = plan_week(week_start=week, seed=0)
    messages.success(request, sampling_message(plan))
    return redirect(f"{reverse('quota-progress')}?week={week_label(week)}")
