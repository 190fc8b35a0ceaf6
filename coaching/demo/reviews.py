"""Demo data for development reviews (seed_demo): this half-year's reviews for every active agent
(the "schedule the half-year" service), some already held with interests, skills, career
direction and next steps — among them the seed's example, a burnt-out agent with a teaching
degree moving toward a training role — a few due within the week, and one for the demo agent.
Written through the services, by the agent's supervisor (or the demo manager)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils.translation import gettext_lazy as _

from monitoring.demo import DemoOrg

from ..models import DevelopmentReview, ReviewStatus
from ..services import reviews as services
from . import texts_zh

HELD_SHARE = 0.4
DUE_SOON = 3

# (interests, skills, career direction, summary, [(next step, days from the conversation)])
CONVERSATIONS = [
    (
        _("Teaching and explaining; holds a teaching degree and mentors new starters informally."),
        _("Patient explanations, clear structure, calm with difficult customers."),
        _("Toward a training role: co-deliver the induction course, then run refresher sessions."),
        _(
            "Feels burnt out after three years on the phones and finds the call volume draining. Lights up when "
            "helping colleagues. Agreed to move gradually toward the training team."
        ),
        [
            (_("Shadow the trainer on two induction sessions"), 21),
            (_("Co-deliver the greeting-and-closing module"), 45),
            (_("Reduce the phone schedule to four days while shadowing"), 14),
        ],
    ),
    (
        _("Technology, the billing system's inner workings."),
        _("Strong product knowledge; quick with the system."),
        _("Second-line technical support."),
        _("Wants more complex cases. Agreed to take escalations one afternoon a week."),
        [(_("Take escalations on Thursday afternoons"), 30), (_("Complete the advanced billing course"), 60)],
    ),
    (
        _("People and organisation."),
        _("Trusted by the team; steady quality scores."),
        _("Team lead in a year."),
        _("Ready for more responsibility. Agreed to run the team huddle and cover for the supervisor."),
        [(_("Run the Monday team huddle"), 14), (_("Cover the supervisor's spot checks for a week"), 40)],
    ),
    (
        _("Languages; studying English in the evenings."),
        _("Friendly tone; empathy scores well above the team."),
        _("Stay an agent for now; join the English-speaking line later."),
        _("Happy in the role. Agreed to try English calls once the course is done."),
        [(_("Finish the evening English course"), 90)],
    ),
]


def _reviewer_for(org: DemoOrg, agent):
    supervisors = org.team_supervisors.get(agent.team_id) or []
    return supervisors[0] if supervisors else org.users["manager"]


def seed_reviews(*, rng: random.Random, org: DemoOrg) -> dict[str, int]:
    today = org.today
    period = services.half_year_of(today)
    start, end = services.half_year_bounds(period)
    manager = org.users["manager"]
    scheduled = services.reviews_schedule_half_year(by=manager, period=period)
    reviews = list(
        DevelopmentReview.objects.filter(period=period).select_related("agent", "agent__team").order_by("agent_id")
    )
    demo_agent_id = org.demo_agent.pk
    others = [r for r in reviews if r.agent_id != demo_agent_id]
    rng.shuffle(others)
    n_held = max(1, int(len(others) * HELD_SHARE))
    held, soon = others[:n_held], others[n_held : n_held + DUE_SOON]
    steps = 0
    conversations = texts_zh.CONVERSATIONS if texts_zh.zh(org) else CONVERSATIONS
    # Held conversations: the seed's example first, then the others in turn.
    for index, review in enumerate(held):
        interests, skills, direction, summary, next_steps = conversations[index % len(conversations)]
        held_on = max(start, today - dt.timedelta(days=rng.randint(3, 60)))
        reviewer = _reviewer_for(org, review.agent)
        services.review_update(
            by=reviewer,
            review=review,
            held_on=held_on,
            interests=str(interests),
            skills=str(skills),
            career_direction=str(direction),
            summary=str(summary),
        )
        for text, days in next_steps:
            step = services.step_add(
                by=reviewer, review=review, text=str(text), due_on=held_on + dt.timedelta(days=days)
            )
            steps += 1
            if step.due_on < today and rng.random() < 0.6:
                services.step_update(by=reviewer, step=step, done=True)
    # A few due within the week (the reviewers' reminders have something to say).
    for review in soon:
        due = min(end, max(start, today + dt.timedelta(days=rng.randint(1, 6))))
        services.review_update(by=manager, review=review, due_on=due)
    # The demo agent: their review is coming up, with their supervisor.
    mine = next((r for r in reviews if r.agent_id == demo_agent_id), None)
    if mine is not None:
        due = min(end, max(start, today + dt.timedelta(days=10)))
        services.review_update(by=manager, review=mine, due_on=due)
    return {
        "development reviews scheduled": scheduled,
        "development reviews held": DevelopmentReview.objects.filter(period=period, status=ReviewStatus.HELD).count(),
        "development review next steps": steps,
    }
