"""Every role's main pages keep to the Content-Security-Policy (settings.py: no inline script or
style, nothing from another origin) in a real Chromium: each page is opened — and its script
exercised where it has one (the player, the running total, htmx swaps) — and the browser must
report no `securitypolicyviolation` and log no "Refused to …"."""

from __future__ import annotations

import pytest

from scoring import services as scoring_services
from tests import factories as f
from tests.audio import attach_wav
from tests.browser.conftest import log_in
from tests.scoring.factories import WORKED_EXAMPLE, make_evaluation, make_scorecard_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collects violations in the page itself: an init script runs before any of the page's own.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " +
                    (e.sourceFile || location.pathname) + ":" + e.lineNumber);
});
"""


@pytest.fixture
def center():
    lob = f.LineOfBusinessFactory(code="billing", name="Billing")
    team = f.TeamFactory(name="Team A")
    team.lines_of_business.add(lob)
    supervisor = f.UserFactory(username="supervisor", roles=["supervisor"])
    team.supervisors.add(supervisor)
    manager = f.UserFactory(username="manager", roles=["manager"], is_staff=True, is_superuser=True)
    qa = f.UserFactory(username="qa", roles=["qa"])
    f.UserFactory(username="trainer", roles=["trainer"])
    f.UserFactory(username="hr", roles=["hr"])
    agent_user = f.UserFactory(username="agent", roles=["agent"])
    agent = f.AgentFactory(employee_id="E1", name="Li Na", team=team, user=agent_user)
    shift = f.ShiftFactory()
    version = make_scorecard_version(lines_of_business=lob, name="Billing QA")

    def call(external_id, **kwargs):
        return f.CallFactory(agent=agent, line_of_business=lob, shift=shift, external_id=external_id, **kwargs)

    recorded = call(
        "REC-1",
        transcript=[
            {"start": 0.0, "end": 2.0, "speaker": "agent", "text": "Thank you for calling."},
            {"start": 2.0, "end": 5.0, "speaker": "customer", "text": "My bill is too high."},
        ],
    )
    attach_wav(recorded, "rec-1.wav")

    scored = make_evaluation(call=call("DONE-1", csat=4), by=qa, version=version)
    in_progress = make_evaluation(call=recorded, by=qa, version=version, values={}, submit=False)
    f.AssignmentFactory(call=call("TODO-1"), evaluator=qa)
    draft = scoring_services.scorecard_create(name="Draft card", lines_of_business=[lob], by=manager).versions.get()
    scoring_services.scorecard_draft_save(version=draft, structure=WORKED_EXAMPLE, by=manager)
    return {
        "agent": agent,
        "recorded": recorded,
        "scored": scored,
        "in_progress": in_progress,
        "draft": draft,
    }


@pytest.fixture
def watched(new_page):
    """A page factory whose pages record CSP violations, as events and as console messages."""

    def make():
        page = new_page()
        page.refusals = []
        page.on("console", lambda msg: "Refused to" in msg.text and page.refusals.append(msg.text))
        page.add_init_script(LISTEN)
        return page

    return make


def violations(page) -> list[str]:
    return page.evaluate("window.__csp || []") + page.refusals


def visit(page, path: str) -> list[str]:
    response = page.goto(path)
    assert response.ok, f"{path}: {response.status}"
    assert "script-src 'self'" in response.headers["content-security-policy"], path
    page.wait_for_load_state("networkidle")
    return violations(page)


def assert_pages_keep_to_the_policy(page, paths: list[str]) -> None:
    found = {path: v for path in paths if (v := visit(page, path))}
    assert not found, found
    assert not page.errors, page.errors


def test_the_listener_hears_a_violation(watched, live_server):
    """Guard against a vacuous pass: an inline style attribute is reported."""
    page = watched()
    visit(page, "/accounts/login/")

    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    page.wait_for_function("window.__csp.length > 0")

    assert any("style-src" in v for v in violations(page))


def test_the_login_and_lockout_pages(watched, center, settings):
    settings.AXES_FAILURE_LIMIT = 1
    page = watched()
    assert visit(page, "/accounts/login/") == []

    page.get_by_label("Username").fill("qa")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")

    assert page.get_by_role("heading", name="Login paused").is_visible()
    assert violations(page) == []


def test_a_manager_s_pages(watched, center):
    page = watched()
    log_in(page, "manager")
    agent, scored, draft = center["agent"], center["scored"], center["draft"]
    assert_pages_keep_to_the_policy(
        page,
        [
            "/overview/",
            "/dashboard/",
            "/calls/",
            f"/evaluations/{scored.pk}/",
            "/quotas/progress/",
            "/quotas/policies/",
            "/queue/?evaluator=qa",
            "/scorecards/",
            f"/scorecards/versions/{draft.pk}/edit/",
            "/hr/export/",
            "/performance/",
            f"/performance/{agent.pk}/",
            "/reports/",
            "/admin/",
            "/admin/axes/accessattempt/",  # where an administrator releases a lockout
            "/api/docs/",
        ],
    )
    # The last one, Swagger UI, really started: its script came as a file and read the schema.
    page.wait_for_function("!!document.querySelector('.swagger-ui .info .title')")
    assert "QA Platform API" in page.inner_text(".swagger-ui .info .title")


def test_the_call_page_plays_the_recording_from_the_transcript(watched, center):
    page = watched()
    log_in(page, "trainer")
    assert visit(page, f"/calls/{center['recorded'].pk}/") == []

    page.get_by_role("button", name="0:02").click()
    page.wait_for_function("document.getElementById('player').currentTime > 2")

    assert violations(page) == []
    assert not page.errors, page.errors


def test_the_auditor_s_queue_and_scoring_page(watched, center):
    page = watched()
    log_in(page, "qa")
    assert_pages_keep_to_the_policy(page, ["/queue/", f"/evaluations/{center['scored'].pk}/"])

    assert visit(page, f"/evaluations/{center['in_progress'].pk}/score/") == []
    page.locator('.choices label[for$="-1"]').first.click()  # the running total and its bars redraw
    page.wait_for_function("document.querySelector('#section-bars progress').value > 0")
    page.evaluate("document.getElementById('player').play()")
    page.wait_for_function("document.getElementById('player').currentTime > 0")

    assert violations(page) == []
    assert not page.errors, page.errors


def test_a_supervisor_s_pages_and_an_htmx_swap(watched, center):
    page = watched()
    log_in(page, "supervisor")
    assert_pages_keep_to_the_policy(page, ["/teams/", "/dashboard/", "/calls/"])

    assert visit(page, "/quotas/progress/") == []
    sort = page.locator("table.progress-table thead a").first
    if sort.count():
        sort.click()
        page.wait_for_load_state("networkidle")

    assert violations(page) == []


def test_an_agent_s_and_hr_s_pages(watched, center):
    agent_page = watched()
    log_in(agent_page, "agent")
    assert_pages_keep_to_the_policy(agent_page, ["/evaluations/", f"/evaluations/{center['scored'].pk}/"])

    hr_page = watched()
    log_in(hr_page, "hr")
    assert_pages_keep_to_the_policy(hr_page, ["/agents/", "/hr/export/"])
