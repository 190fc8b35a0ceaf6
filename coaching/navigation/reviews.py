"""Menu entries and page panels of the coaching app: reviews (see qa_platform/menu.py).

The agent page gets a "Development reviews" panel (the agent's reviews: half-year, reviewer,
due, held on, status) for whoever may see them, with "Schedule a review" for those who write."""

from __future__ import annotations

from django.utils.translation import gettext as _

from monitoring.models import Agent
from monitoring.permissions import only_an_agent
from qa_platform.menu import COACHING, NavItem, Panel

from ..permissions.reviews import access_for, can_open_reviews
from ..selectors.reviews import reviews_of_agent


def items(user) -> list:
    # An agent-only account reaches this from its "My coaching" page, which keeps its menu short.
    if not can_open_reviews(user) or only_an_agent(user):
        return []
    return [NavItem("coaching-review-list", _("Development reviews"), 145, group=COACHING)]


def page_panels(user, obj, *, month: str | None = None) -> list:
    if not isinstance(obj, Agent) or not can_open_reviews(user):
        return []
    access = access_for(user)
    if not access.sees(obj):
        return []
    reviews = reviews_of_agent(user, obj)
    can_write = access.writes_for(obj)
    if not reviews and not can_write:
        return []
    context = {"agent": obj, "reviews": reviews, "can_write": can_write}
    return [Panel("coaching/reviews/_agent_panel.html", context, 60)]
