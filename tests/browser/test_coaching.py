"""Coaching end to end in a real Chromium (issue 10): the trainer lands on the coaching overview,
opens the flagged need of the night shift, creates a group training from it with the affected
agents invited, and takes attendance; then opens an evaluation, creates a coaching plan from it
(the goal suggested from the criterion it lost); the agent logs in, finds the plan under
"My coaching" and acknowledges it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from coaching.models import CoachingPlan, NeedStatus, PlanStatus, TrainingAttendance, TrainingNeed, TrainingSession
from coaching.services.needs import find_training_needs
from scoring.models import Evaluation
from tests import factories as f
from tests.browser.conftest import log_in, open_from_menu
from tests.coaching.test_needs_find import STRUCTURE, NeedsWeek, make_agent_week
from tests.scoring.factories import make_scorecard_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Holder:
    pass


@pytest.fixture
def center():
    """The constructed week of tests/coaching/test_needs_find.py: three of the four night agents
    lose the greeting on both their evaluations; the week's needs are found. The first night
    agent has a login, and their evaluations have reached them."""
    c = Holder()
    c.lob = f.LineOfBusinessFactory(code="billing", name="Billing")
    c.qa = f.UserFactory(username="qa", roles=["qa"])
    c.version = make_scorecard_version(structure=STRUCTURE, lines_of_business=c.lob)
    c.week = NeedsWeek.the_week()
    c.trainer = f.UserFactory(username="trainer", first_name="Yan", last_name="Liu", roles=["trainer"])
    night = f.ShiftFactory(code="night", name="Night", start=dt.time(20), end=dt.time(8))
    team = f.TeamFactory(name="Night team")
    c.agent_user = f.UserFactory(username="agent", roles=["agent"])
    c.agents = [
        f.AgentFactory(team=team, name=name, user=c.agent_user if i == 0 else None)
        for i, name in enumerate(["Li Na", "Wang Fang", "Zhao Lei", "Sun Li"])
    ]
    for i, agent in enumerate(c.agents):
        make_agent_week(c, agent, night, [{"greeting": 0}] * 2 if i < 3 else [{}, {}])
    find_training_needs(week_start=c.week)
    c.need = TrainingNeed.objects.get(
        week_start=c.week, group_kind="shift", dimension="criterion", criterion_text="Greeting"
    )
    c.evaluation = Evaluation.objects.filter(agent=c.agents[0]).order_by("pk").first()
    return c


def test_trainer_turns_a_need_into_training_and_a_plan_the_agent_acknowledges(center, new_page):
    page = new_page()
    log_in(page, "trainer")
    # The trainer lands on the coaching overview, with the flagged need on it.
    assert page.get_by_role("heading", name="Coaching", exact=True).is_visible()
    assert page.locator("#needs-flagged").get_by_role("link", name="Greeting").count() >= 1
    open_from_menu(page, "Training needs")
    page.locator(f"tr[data-need='{center.need.pk}']").get_by_role("link").first.click()
    page.wait_for_load_state()
    assert f"/coaching/needs/{center.need.pk}/" in page.url
    assert page.get_by_text("75", exact=False).first.is_visible()  # the night shift's loss rate, 75 %

    # A group training from the need: the affected agents are invited.
    page.get_by_role("link", name="Create group training").click()
    page.wait_for_load_state()
    invited = {a.name for a in center.agents[:3]}
    for agent in center.agents:
        box = page.get_by_label(agent.name)
        assert box.is_checked() == (agent.name in invited), agent.name
    started = timezone.localtime() - dt.timedelta(hours=1)
    page.get_by_label("Date and time").fill(started.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Place").fill("Room 3")
    page.get_by_role("button", name="Create the session").click()
    page.wait_for_load_state()
    session = TrainingSession.objects.get(need=center.need)
    assert f"/coaching/training/{session.pk}/" in page.url
    assert TrainingNeed.objects.get(pk=center.need.pk).status == NeedStatus.SCHEDULED

    # Attendance: Zhao Lei did not come.
    row = page.get_by_role("row", name="Zhao Lei")
    row.get_by_role("checkbox").uncheck()
    page.get_by_role("button", name="Take attendance").click()
    page.wait_for_load_state()
    attended = dict(TrainingAttendance.objects.filter(session=session).values_list("agent__name", "attended"))
    assert attended == {"Li Na": True, "Wang Fang": True, "Zhao Lei": False}
    assert TrainingSession.objects.get(pk=session.pk).status == "held"

    # A coaching plan from an evaluation of Li Na.
    page.goto(f"/evaluations/{center.evaluation.pk}/")
    page.get_by_role("link", name="Create a coaching plan").click()
    page.wait_for_load_state()
    page.get_by_label("Title").fill("Greet every caller")
    # The goal row is suggested from the criterion the evaluation lost (the greeting).
    deadlines = page.locator("input[type=date][name$='deadline']")
    deadlines.first.fill((timezone.localdate() + dt.timedelta(days=21)).isoformat())
    page.get_by_role("button", name="Create the plan").click()
    page.wait_for_load_state()
    plan = CoachingPlan.objects.get(agent=center.agents[0])
    assert f"/coaching/plans/{plan.pk}/" in page.url
    assert plan.status == PlanStatus.OPEN and plan.owner == center.trainer
    assert [g.criterion_text for g in plan.goals.all()] == ["Greeting"]
    assert list(plan.evaluations.all()) == [center.evaluation]
    assert page.errors == []

    # The agent sees it under My coaching and acknowledges it.
    agent_page = new_page()
    log_in(agent_page, "agent")
    open_from_menu(agent_page, "My coaching")
    agent_page.get_by_role("link", name="Greet every caller").first.click()
    agent_page.wait_for_load_state()
    assert agent_page.get_by_role("link", name="Edit").count() == 0
    agent_page.get_by_role("button", name="Acknowledge the plan").click()
    agent_page.wait_for_load_state()
    assert CoachingPlan.objects.get(pk=plan.pk).acknowledged_at is not None
    assert agent_page.errors == []
