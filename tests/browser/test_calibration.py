"""A calibration session end to end in a real Chromium (issue 9): QA creates it by hand and opens
scoring; three participants (a second QA, the team's supervisor, a trainer) each log in, open the
session, click Score and answer on the real scoring page, blind; the facilitator reveals, records
the consensus of each call through the form and closes; the report's figures on the page match
an independent computation (deviation from the consensus, alignment, Krippendorff's alpha)."""

from __future__ import annotations

import krippendorff
import pytest

from scoring.models import CalibrationSession, Evaluation, SessionStatus, Status
from tests import factories as f
from tests.browser.conftest import log_in, open_from_menu
from tests.scoring.factories import FULL_MARKS, criteria, make_scorecard_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collects Content-Security-Policy violations in the page (as tests/browser/test_csp.py does).
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline"));
});
"""

# The worked-example scorecard: (points, scale maximum) of each criterion.
POINTS = {
    "greeting": (5, 1),
    "closing": (5, 1),
    "empathy": (10, 4),
    "clarity": (10, 4),
    "correct_information": (10, 1),
    "resolved": (10, 1),
}
# Raters of different strictness, per call; each greeting / closing "no" costs 15 points of the
# total, each empathy step 3.75.
ANSWERS = {
    "qa2": [{**FULL_MARKS, "greeting": 0, "empathy": 2}, {**FULL_MARKS, "closing": 0, "empathy": 2}],
    "supervisor": [{**FULL_MARKS, "greeting": 0}, FULL_MARKS],
    "trainer": [FULL_MARKS, FULL_MARKS],
}
TOTALS = {"qa2": [77.5, 77.5], "supervisor": [85.0, 100.0], "trainer": [100.0, 100.0]}
CONSENSUS = [{**FULL_MARKS, "greeting": 0}, FULL_MARKS]
CONSENSUS_TOTALS = [85.0, 100.0]


@pytest.fixture
def center():
    lob = f.LineOfBusinessFactory(code="billing", name="Billing")
    team = f.TeamFactory(name="Team A")
    team.lines_of_business.add(lob)
    supervisor = f.UserFactory(username="supervisor", first_name="Wu", last_name="Gang", roles=["supervisor"])
    team.supervisors.add(supervisor)
    f.UserFactory(username="qa", first_name="Zhang", last_name="Min", roles=["qa"])
    f.UserFactory(username="qa2", first_name="Chen", last_name="Jie", roles=["qa"])
    f.UserFactory(username="trainer", first_name="Liu", last_name="Yan", roles=["trainer"])
    agent = f.AgentFactory(
        employee_id="E1", name="Li Na", team=team, user=f.UserFactory(username="agent", roles=["agent"])
    )
    version = make_scorecard_version(lines_of_business=lob, name="Billing QA")
    transcript = [
        {"start": 0.0, "end": 2.0, "speaker": "agent", "text": "Thank you for calling."},
        {"start": 2.0, "end": 5.0, "speaker": "customer", "text": "My bill is too high."},
    ]
    calls = [
        f.CallFactory(agent=agent, line_of_business=lob, external_id=key, transcript=transcript)
        for key in ("CAL-1", "CAL-2")
    ]
    return {"calls": calls, "criteria": criteria(version)}


def open_page(new_page, username):
    page = new_page()
    page.add_init_script(LISTEN)
    log_in(page, username)
    return page


def no_violations(page) -> None:
    assert page.evaluate("window.__csp") == [], page.url
    assert page.errors == [], page.url


def choose(page, criterion, value) -> None:
    page.click(f'label[for="c-{criterion.pk}-{value}"]')


def alignment(answers: list[dict], consensus: list[dict]) -> float:
    """Σ points × (1 − |answer − consensus| / scale) / Σ points, over the criteria and calls."""
    weight = total = 0.0
    for mine, agreed in zip(answers, consensus, strict=True):
        for key, (points, scale) in POINTS.items():
            weight += points
            total += points * (1 - abs(mine[key] - agreed[key]) / scale)
    return 100 * total / weight


def test_a_session_scored_blind_revealed_agreed_and_closed(new_page, center):
    calls, crit = center["calls"], center["criteria"]

    # --- QA creates the session by hand and opens scoring -----------------------------------
    qa = open_page(new_page, "qa")
    qa.goto("/calibration/")
    qa.get_by_role("link", name="New session").click()
    qa.get_by_label("Title", exact=True).fill("Billing calibration, week 47")
    qa.get_by_label("Week of the calls").fill("2026-11-16")
    qa.get_by_label("Calls", exact=True).fill("CAL-1\nCAL-2")
    for name in ("Chen Jie (qa2)", "Wu Gang (supervisor)", "Liu Yan (trainer)"):
        qa.get_by_label(name, exact=False).check()
    qa.get_by_role("button", name="Create the session").click()
    qa.wait_for_url("**/calibration/*/")
    session = CalibrationSession.objects.get()
    assert qa.inner_text("#session-status") == "Proposed"
    qa.get_by_role("button", name="Open scoring").click()
    qa.wait_for_url(f"**/calibration/{session.pk}/")
    assert qa.inner_text("#session-status") == "Scoring"
    assert qa.inner_text("#session-progress") == "0 of 6 scores submitted"
    no_violations(qa)

    # --- each participant scores both calls on the scoring page, blind ------------------------
    for n, username in enumerate(("qa2", "supervisor", "trainer")):
        page = open_page(new_page, username)
        open_from_menu(page, "Calibration")  # the menu offers it while the session is open
        page.get_by_role("link", name="Billing calibration, week 47").click()
        page.wait_for_url(f"**/calibration/{session.pk}/")
        html = page.content()
        for earlier in ("qa2", "supervisor", "trainer")[:n]:  # who has submitted is shown; what, never
            for total in TOTALS[earlier]:
                assert f">{total}<" not in html, (username, earlier)
        assert page.inner_text("#session-progress") == f"{2 * n} of 6 scores submitted"
        if username == "trainer":
            page.screenshot(path="/tmp/calibration_blind.png", full_page=True)
        for i, call in enumerate(calls):
            page.get_by_role("button", name=f"Score call {call.external_id}").click()
            page.wait_for_url("**/evaluations/*/score/")
            assert "score blind; answers are revealed together" in page.inner_text("#calibration-banner")
            if username == "trainer" and i == 0:
                page.screenshot(path="/tmp/calibration_scoring.png")
            for key, value in ANSWERS[username][i].items():
                choose(page, crit[key], value)
            assert page.inner_text("#total-value") == f"{TOTALS[username][i]:.1f}"
            page.click("#submit-button")
            page.wait_for_url(f"**/calibration/{session.pk}/")  # back to the session, not the evaluation
        row = page.inner_text(f'#progress tr[data-participant="{username}"]')
        assert row.count("Submitted") >= 2
        no_violations(page)

    assert Evaluation.objects.filter(calibration_item__session=session, status=Status.SUBMITTED).count() == 6

    # --- the facilitator reveals, agrees each call's consensus and closes -------------------
    qa.reload()
    qa.get_by_role("button", name="Reveal").click()
    qa.wait_for_url(f"**/calibration/{session.pk}/")
    assert qa.inner_text("#session-status") == "Revealed"
    items = list(session.items.order_by("position"))
    for i, item in enumerate(items):
        totals = qa.inner_text(f"#item-{item.pk} tr.totals")
        for username in ("qa2", "supervisor", "trainer"):
            assert f"{TOTALS[username][i]:.1f}" in totals
        for key, value in CONSENSUS[i].items():
            qa.select_option(f"#i{item.pk}-c{crit[key].pk}", str(value))
        qa.fill(f"#i{item.pk}-c{crit['greeting'].pk}-note", "A greeting names the company and the agent.")
        qa.fill(f"#i{item.pk}-notes", "Agreed after listening again.")
        qa.locator(f"#item-{item.pk}").get_by_role("button", name="Record the consensus").click()
        qa.wait_for_url(f"**/calibration/{session.pk}/#item-{item.pk}")
        assert qa.inner_text(f"#consensus-total-{item.pk}") == f"{CONSENSUS_TOTALS[i]:.1f}"
    qa.get_by_role("button", name="Close the session").click()
    qa.wait_for_url(f"**/calibration/{session.pk}/")
    assert qa.inner_text("#session-status") == "Closed"
    assert qa.locator("form.consensus-form").count() == 0  # read-only
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED
    no_violations(qa)

    # --- the report's figures ------------------------------------------------------------------
    rows = qa.locator("#report-participants tr[data-participant]")
    assert rows.count() == 3
    for username in ("qa2", "supervisor", "trainer"):
        row = qa.locator(f'#report-participants tr[data-participant="{username}"]')
        deviations = [t - c for t, c in zip(TOTALS[username], CONSENSUS_TOTALS, strict=True)]
        assert float(row.get_attribute("data-deviation")) == pytest.approx(sum(deviations) / 2, abs=0.05), username
        expected = alignment(ANSWERS[username], CONSENSUS)
        assert float(row.get_attribute("data-alignment")) == pytest.approx(expected, abs=0.05), username
    # qa2 is the strict one: −15.0 points; the trainer lenient (+7.5); the supervisor on the consensus.
    assert qa.locator('#report-participants tr[data-participant="qa2"]').get_attribute("data-deviation") == "-15.0"
    reliability = [TOTALS[u] for u in ("qa2", "supervisor", "trainer")]
    alpha = krippendorff.alpha(reliability_data=reliability, level_of_measurement="interval")
    assert float(qa.get_attribute("#report-alpha", "data-value")) == pytest.approx(alpha, abs=0.0005)
    qa.screenshot(path="/tmp/calibration_report.png", full_page=True)
