"""In a real Chromium whose clock is in another time zone than the center's, the scoring page's
"Saved hh:mm:ss" after an autosave is the center's time (TIME_ZONE), as is the rest of the page."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from scoring import services
from scoring.models import Evaluation
from tests import factories as f
from tests.browser.conftest import TIMEOUT_MS, log_in
from tests.scoring.pages import build_scorecard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CENTER = "Asia/Shanghai"  # UTC+8
BROWSER = "Pacific/Honolulu"  # UTC-10, no daylight saving: 18 hours from the center


def test_the_autosave_shows_the_centers_time_not_the_browsers(browser, live_server, settings):
    settings.TIME_ZONE = CENTER
    lob = f.LineOfBusinessFactory(code="billing", name="Billing")
    team = f.TeamFactory(name="Team A")
    team.lines_of_business.add(lob)
    agent = f.AgentFactory(employee_id="E1", name="Li Na", team=team)
    qa = f.UserFactory(username="qa", roles=["qa"])
    call = f.CallFactory(agent=agent, line_of_business=lob, external_id="BILL-1")
    version, criteria = build_scorecard()
    evaluation = services.evaluation_start(call=call, by=qa, version=version)

    context = browser.new_context(base_url=live_server.url, timezone_id=BROWSER, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        assert page.evaluate("new Date().getTimezoneOffset()") == 600  # the browser is in Honolulu
        log_in(page, "qa")
        page.goto(f"/evaluations/{evaluation.pk}/score/")
        page.click(f'label[for="c-{criteria["greeting"].pk}-1"]')
        page.wait_for_selector("#save-status.ok")

        shown = page.inner_text("#save-status")
        saved_at = Evaluation.objects.get(pk=evaluation.pk).draft_saved_at
        center = saved_at.astimezone(ZoneInfo(CENTER)).strftime("%H:%M:%S")
        there = saved_at.astimezone(ZoneInfo(BROWSER)).strftime("%H:%M:%S")
        assert shown.startswith(f"Saved {center}"), (shown, center, there)
        assert there not in shown
        assert errors == []
    finally:
        context.close()
