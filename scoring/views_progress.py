"""Quota progress, on-demand sampling, the work queue's context and reassignment (DESIGN.md §3).

Thin: parse, check the role, call a selector (`selectors_progress`) or a service
(`planning.plan_week`, `monitoring.services.assignment_reassign`), render. A refused
reassignment is shown on the page with its status (403 wrong person, 400 bad choice), never a
500. What "behind schedule" means is written once, in `selectors_progress`'s docstring, and
shown on the page as a legend.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from monitoring import sampling
from monitoring import services as monitoring_services
from monitoring.models import Assignment, AssignmentReason, AssignmentStatus, SamplingKind, SamplingRun, Tier
from qa_platform.permissions import role_required
from qa_platform.roles import MANAGER, QA, ROLE_LABELS, SUPERVISOR, TRAINER, has_role, user_roles

from . import planning, selectors
from . import selectors_assignments as assignment_selectors
from . import selectors_progress as progress

PAGE_SIZE = 50
QUEUE_VIEWERS_OF_OTHERS = (MANAGER,)  # who may open /queue/?evaluator=<username>


# --- helpers ----------------------------------------------------------------------------------


def selected_week(request, *, param: str = "week") -> tuple[dt.date, bool]:
    """The week asked for (ISO '2026-W46'), or the last complete week; and whether the value
    given (if any) was understood."""
    raw = request.GET.get(param, "")
    week = progress.parse_week(raw)
    if week is None:
        return planning.last_complete_week(), not raw
    return week, True


class ProgressFilterForm(forms.Form):
    team = forms.TypedChoiceField(label=_lazy("Team"), required=False, coerce=int, empty_value=None)
    tier = forms.ChoiceField(label=_lazy("Tier"), required=False)
    behind = forms.BooleanField(label=_lazy("Behind schedule only"), required=False)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("All teams")), *((t.pk, t.name) for t in teams)]
        self.fields["tier"].choices = [
            ("", _("All tiers")),
            *Tier.choices,
            (progress.NO_TIER, _("Not computed")),
        ]


# --- quota progress ---------------------------------------------------------------------------


@role_required(*progress.PROGRESS_ROLES)
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
    teams = list(progress.progress_teams(request.user).order_by("name"))
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
    month = progress.month_of_week(week)
    roles = user_roles(request.user)
    show_load = bool(roles & set(progress.LOAD_ROLES))
    params = request.GET.copy()
    for key in ("page", "sort"):
        params.pop(key, None)
    week_start, week_end = week, week + dt.timedelta(days=6)
    return render(
        request,
        "scoring/progress.html",
        {
            "week": week,
            "week_label": progress.week_label(week),
            "week_end": week_end,
            "week_start": week_start,
            "prev_week": progress.week_label(week - dt.timedelta(weeks=1)),
            "next_week": progress.week_label(week + dt.timedelta(weeks=1)),
            "under_way": week > planning.last_complete_week(),
            "form": form,
            "page": page,
            "totals": totals,
            "sort": sort,
            "sort_querystring": params.urlencode(),
            "month": month,
            "lines": progress.line_month_rows(user=request.user, month=month, now=now),
            "show_load": show_load,
            "load": progress.evaluator_load_rows(week_start=week, now=now) if show_load else [],
            "can_sample": bool(roles & set(progress.SAMPLING_ROLES)),
            "can_open_queues": has_role(request.user, *QUEUE_VIEWERS_OF_OTHERS),
            "sampling_run": _last_run(week),
        },
        status=status,
    )


def _last_run(week: dt.date) -> SamplingRun | None:
    return SamplingRun.objects.filter(kind=SamplingKind.AGENT_WEEK, period_start=week).first()


def sampling_message(plan: planning.WeekPlan) -> str:
    """The report of a `plan_week` run, for a person."""
    reasons: dict[str, int] = {}
    roles: dict[str, int] = {}
    unrouted = plan.agents.unrouted + sum(r.unrouted for r in plan.lines)
    for report in (plan.agents, *plan.lines):
        for key, n in report.by_reason.items():
            reasons[key] = reasons.get(key, 0) + n
        for key, n in report.by_role.items():
            roles[key] = roles.get(key, 0) + n
    week = progress.week_label(plan.week_start)
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


@role_required(*progress.SAMPLING_ROLES)
@require_POST
def quota_progress_sample(request):
    """Run the week's plan now (tiers, agent quotas, line top-up): `planning.plan_week` with
    seed 0. Idempotent: a second press adds nothing, and the message says so."""
    week = progress.parse_week(request.POST.get("week", ""))
    if week is None:
        messages.error(request, _("Choose a week like 2026-W46 to sample."))
        return redirect("quota-progress")
    if week >= sampling.monday(timezone.localdate()):
        # The current week is not over: sampling it now would freeze a frame missing the rest
        # of the week's calls (and a later run adds nothing). Only complete weeks are sampled.
        messages.error(
            request,
            _("%(week)s is not over yet; only a complete week can be sampled.") % {"week": progress.week_label(week)},
        )
        return _progress_page(request, week, status=400)
    plan = planning.plan_week(week_start=week, seed=0)
    messages.success(request, sampling_message(plan))
    return redirect(f"{reverse('quota-progress')}?week={progress.week_label(week)}")


# --- the work queue (rendered by scoring.views.work_queue) ------------------------------------


def queue_context(request) -> dict:
    """The work queue of the requesting user, or — for a manager — of `?evaluator=<username>`,
    with what each row may offer (open, reassign), the overdue count and the evaluator picker."""
    User = get_user_model()
    wanted = request.GET.get("evaluator", "").strip()
    evaluator = request.user
    if wanted and wanted != request.user.get_username():
        if not has_role(request.user, *QUEUE_VIEWERS_OF_OTHERS):
            raise PermissionDenied(_("Only managers open other evaluators' queues."))
        evaluator = User.objects.filter(username=wanted).first()
        if evaluator is None:
            raise Http404(_("No such evaluator."))
    queue = selectors.work_queue(evaluator)
    assignments = list(queue["assignments"])
    assignment_selectors.ReassignContext(request.user, assignments).annotate(assignments)
    now = timezone.now()
    overdue = sum(1 for a in assignments if a.due_at < now)
    context = {
        "assignments": assignments,
        "drafts": list(queue["drafts"]),
        "evaluator": evaluator,
        "own_queue": evaluator.pk == request.user.pk,
        "overdue_count": overdue,
        "any_reassign": any(a.may_reassign for a in assignments),
        "queue_url": reverse("work-queue"),
    }
    if has_role(request.user, *QUEUE_VIEWERS_OF_OTHERS):
        context["evaluator_choices"] = list(
            User.objects.filter(is_active=True, groups__name__in=(QA, SUPERVISOR, TRAINER, MANAGER))
            .annotate(open=Count("assignments", filter=Q(assignments__status=AssignmentStatus.OPEN), distinct=True))
            .order_by("username")
            .distinct()
        )
    return context


# --- reassignment -----------------------------------------------------------------------------


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_http_methods(["GET", "POST"])
def assignment_reassign(request, pk: int):
    """GET: the assignment and whom it may go to. POST `to` (a username): hand it over through
    `monitoring.services.assignment_reassign`. Refusals are shown here with 403 (not yours to
    reassign) or 400 (that person cannot take it, or it has started)."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    assignment = get_object_or_404(
        Assignment.objects.select_related(
            "call", "call__agent", "call__agent__team", "call__line_of_business", "call__shift", "evaluator"
        ),
        pk=pk,
    )
    roles = user_roles(request.user)
    if not roles & {MANAGER, SUPERVISOR}:
        return _render_reassign(
            request, assignment, status=403, error=_("Only a manager, or the agent's supervisor, reassigns work.")
        )
    ctx = assignment_selectors.ReassignContext(request.user, [assignment])
    is_team_lead = request.user.pk in ctx.team_supervisors.get(assignment.call.agent.team_id, ())
    if MANAGER not in roles and not is_team_lead:
        return _render_reassign(
            request, assignment, status=403, error=_("You may only reassign work on your own teams' calls.")
        )
    fallback = reverse("work-queue")
    if MANAGER in roles and assignment.evaluator_id != request.user.pk:
        fallback += f"?evaluator={assignment.evaluator.get_username()}"
    next_url = _safe_next(request, fallback)
    if request.method == "GET":
        return _render_reassign(request, assignment, ctx=ctx, next_url=next_url)

    username = request.POST.get("to", "").strip()
    User = get_user_model()
    to = User.objects.filter(username=username).first() if username else None
    if to is None:
        field_error = (
            _("Choose who takes this call.") if not username else _("There is no user %(u)s.") % {"u": username}
        )
        return _render_reassign(request, assignment, ctx=ctx, next_url=next_url, status=400, field_error=field_error)
    previous = assignment.evaluator
    try:
        monitoring_services.assignment_reassign(assignment=assignment, to=to, by=request.user)
    except PermissionDenied as exc:
        return _render_reassign(request, assignment, ctx=ctx, next_url=next_url, status=403, error=str(exc))
    except IntegrityError:  # a concurrent change gave `to` this call in the meantime
        return _render_reassign(
            request,
            assignment,
            ctx=ctx,
            next_url=next_url,
            status=409,
            error=_("This call changed hands in the meantime; look again and retry."),
        )
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"assignment": exc.messages}
        return _render_reassign(
            request,
            assignment,
            ctx=ctx,
            next_url=next_url,
            status=400,
            field_error=" ".join(errors.get("to", [])),
            error=" ".join(m for k, msgs in errors.items() if k != "to" for m in msgs),
            chosen=username,
        )
    messages.success(
        request,
        _("Call %(call)s of %(agent)s now goes to %(to)s (was %(was)s).")
        % {
            "call": assignment.call.external_id,
            "agent": assignment.call.agent.name,
            "to": to.get_full_name() or to.get_username(),
            "was": previous.get_full_name() or previous.get_username(),
        },
    )
    return redirect(next_url)


def _render_reassign(request, assignment, *, ctx=None, next_url="", status=200, error="", field_error="", chosen=""):
    assignment.refresh_from_db(fields=["evaluator", "evaluator_role", "status", "started_at"])
    candidates = []
    may = False
    if ctx is not None:
        may = ctx.can_reassign(assignment)
        candidates = ctx.candidates(assignment) if may else []
    if error:
        messages.error(request, error)
    return render(
        request,
        "scoring/progress_reassign.html",
        {
            "a": assignment,
            "candidates": candidates,
            "may_reassign": may,
            "started": assignment.started_at is not None,
            "field_error": field_error,
            "chosen": chosen,
            "next_url": next_url,
            "show_call": status != 403,
            "week": progress.week_label(assignment.period_start),
        },
        status=status,
    )
