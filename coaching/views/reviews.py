"""Development review pages: the list (HR sees agent, half-year, reviewer, due, held on and
status — never the text), a review's page, scheduling (one agent, or the whole half-year),
recording the conversation, and its next steps.

Thin: scope `selectors.reviews.reviews_visible_to` (outside it: 404), rules
`permissions.reviews` (`ReviewAccess`), writes `services.reviews`, refusals through `page_errors`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qa_platform.errors import page_errors
from qa_platform.permissions import role_required

from ..forms.reviews import RecordForm, ReviewFilterForm, ScheduleForm, StepForm
from ..models import ReviewStep
from ..permissions.reviews import (
    ONLY_WRITERS,
    REVIEW_ROLES,
    REVIEW_WRITER_ROLES,
    access_for,
    can_write_reviews,
)
from ..selectors import reviews as selectors
from ..services import reviews as services

PAGE_SIZE = 50


@require_GET
@role_required(*REVIEW_ROLES)
def review_list(request):
    user = request.user
    access = access_for(user)
    form = ReviewFilterForm(request.GET or None)
    visible = selectors.with_step_counts(selectors.reviews_visible_to(user))
    today = timezone.localdate()
    status = 200
    if form.is_bound and not form.is_valid():
        rows, status = visible.none(), 400
    else:
        data = form.cleaned_data if form.is_bound else {}
        query = selectors.ReviewQuery(
            period=data.get("period") or "", status=data.get("status") or "", q=data.get("q") or ""
        )
        rows = selectors.filter_reviews(visible, query, today=today)
    page = Paginator(rows.order_by("-period", "due_on", "agent__name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    reviews = list(page)
    for review in reviews:
        review.text_visible = access.reads_text(review)
        review.overdue = review.status == "scheduled" and review.due_on < today
    return render(
        request,
        "coaching/reviews/list.html",
        {
            "form": form,
            "page": page,
            "reviews": reviews,
            "can_write": can_write_reviews(user),
            "current_period": services.half_year_of(today),
            "shows_steps": any(r.text_visible for r in reviews),
        },
        status=status,
    )


def _detail(request, review, *, step_form=None, status: int = 200):
    access = access_for(request.user)
    reads_text = access.reads_text(review)
    context = {
        "review": review,
        "reads_text": reads_text,
        "steps": list(review.steps.all()) if reads_text else [],
        "can_write": access.writes_for(review),
        "step_form": step_form or StepForm(),
        "today": timezone.localdate(),
    }
    return render(request, "coaching/reviews/detail.html", context, status=status)


@require_GET
@role_required(*REVIEW_ROLES)
def review_detail(request, pk: int):
    return _detail(request, selectors.review_for(request.user, pk))


@require_http_methods(["GET", "POST"])
@role_required(*REVIEW_WRITER_ROLES)
def review_create(request):
    user = request.user
    initial = {"period": services.half_year_of(timezone.localdate())}
    agent_id = request.GET.get("agent", "")
    if agent_id.isdigit() and len(agent_id) < 19:
        initial["agent"] = int(agent_id)
    form = ScheduleForm(request.POST or None, user=user, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with page_errors(request, form=form) as outcome:
                review = services.review_schedule(by=user, **form.cleaned_data)
            if not outcome.failed:
                messages.success(request, _("The development review is scheduled."))
                return redirect("coaching-review-detail", pk=review.pk)
            status = outcome.status
    return render(request, "coaching/reviews/create.html", {"form": form}, status=status)


@require_POST
@role_required(*REVIEW_WRITER_ROLES)
def review_schedule_half_year(request):
    period = request.POST.get("period") or services.half_year_of(timezone.localdate())
    with page_errors(request) as outcome:
        created = services.reviews_schedule_half_year(by=request.user, period=period)
    if not outcome.failed:
        messages.success(
            request,
            _("%(n)s development reviews scheduled for %(period)s.") % {"n": created, "period": period},
        )
    return redirect("coaching-review-list")


@require_http_methods(["GET", "POST"])
@role_required(*REVIEW_WRITER_ROLES)
def review_edit(request, pk: int):
    review = selectors.review_for(request.user, pk)
    if not access_for(request.user).writes_for(review):
        raise PermissionDenied(ONLY_WRITERS)
    initial = {name: getattr(review, name) for name in ("due_on", "held_on", *services.TEXT_FIELDS)}
    initial["reviewer"] = review.reviewer_id
    if review.held_on is None:
        initial["held_on"] = None
    form = RecordForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with page_errors(request, form=form) as outcome:
                services.review_update(by=request.user, review=review, **form.cleaned_data)
            if not outcome.failed:
                messages.success(request, _("The development review is saved."))
                return redirect("coaching-review-detail", pk=review.pk)
            status = outcome.status
    return render(request, "coaching/reviews/edit.html", {"form": form, "review": review}, status=status)


@require_POST
@role_required(*REVIEW_WRITER_ROLES)
def review_step_add(request, pk: int):
    review = selectors.review_for(request.user, pk)
    form = StepForm(request.POST)
    if form.is_valid():
        with page_errors(request, form=form) as outcome:
            services.step_add(by=request.user, review=review, **form.cleaned_data)
        if not outcome.failed:
            messages.success(request, _("Next step added."))
            return redirect("coaching-review-detail", pk=review.pk)
        return _detail(request, review, step_form=form, status=outcome.status)
    if not access_for(request.user).writes_for(review):
        raise PermissionDenied(ONLY_WRITERS)
    return _detail(request, review, step_form=form, status=400)


@require_POST
@role_required(*REVIEW_WRITER_ROLES)
def review_step_done(request, pk: int):
    """Mark a next step done (`done=1`) or not done (`done=0`)."""
    step = get_object_or_404(
        ReviewStep.objects.filter(review__in=selectors.reviews_visible_to(request.user)).select_related(
            "review__agent"
        ),
        pk=pk,
    )
    done = request.POST.get("done", "1") != "0"
    with page_errors(request) as outcome:
        services.step_update(by=request.user, step=step, done=done)
    if outcome.failed:
        return _detail(request, selectors.review_for(request.user, step.review_id), status=outcome.status)
    return redirect("coaching-review-detail", pk=step.review_id)
