"""The evaluation page's actions update in place, in a real Chromium: the agent acknowledges and
the status and the actions panel change without a page load; the thank-you is shown there and
not again on the next page. The htmx answers themselves are checked with the test client in
tests/scoring/test_evaluation_htmx.py."""

from __future__ import annotations

import pytest

from scoring.models import Evaluation, Status
from tests import factories as f
from tests.browser.conftest import log_in
from tests.scoring.factories import make_evaluation, make_scorecard_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARK = "window.__stillThisPage = true"
SAME_PAGE = "window.__stillThisPage === true"


@pytest.fixture
def delivered() -> Evaluation:
    """An evaluation of Li Na's call by `qa`, its feedback delivered: hers to acknowledge."""
    lob = f.LineOfBusinessFactory(code="billing", name="Billing")
    team = f.TeamFactory(name="Team A")
    team.lines_of_business.add(lob)
    agent_user = f.UserFactory(username="agent", first_name="Li", last_name="Na", roles=["agent"])
    agent = f.AgentFactory(employee_id="E1", name="Li Na", team=team, user=agent_user)
    qa = f.UserFactory(username="qa", roles=["qa"])
    call = f.CallFactory(agent=agent, line_of_business=lob, external_id="BILL-1")
    make_scorecard_version(lines_of_business=lob, name="Billing QA")
    return make_evaluation(call=call, by=qa)


def test_the_agent_acknowledges_without_leaving_the_page(new_page, delivered):
    page = new_page()
    log_in(page, "agent")
    page.goto(f"/evaluations/{delivered.pk}/")
    assert page.inner_text("#status-tag") == "Feedback delivered"
    page.evaluate(MARK)

    page.get_by_role("button", name="Acknowledge").click()
    page.wait_for_function("document.getElementById('status-tag').textContent === 'Acknowledged'")
    assert page.evaluate(SAME_PAGE)
    notice = page.locator("#evaluation-actions [role=status]")
    assert notice.inner_text() == "Thank you: you acknowledged this evaluation."
    # The button is gone: focus goes to the outcome (htmx applies autofocus when the swap settles).
    page.wait_for_function("document.activeElement.getAttribute('role') === 'status'")
    assert page.get_by_role("button", name="Acknowledge").count() == 0
    assert page.get_by_role("button", name="Dispute this score").count() == 0
    delivered.refresh_from_db()
    assert delivered.status == Status.ACKNOWLEDGED

    # Shown where it happened, not left over for the next page.
    page.reload()
    assert page.inner_text("#status-tag") == "Acknowledged"
    assert page.locator(".messages").count() == 0
    assert page.errors == []
