"""The auditor's day, in a real Chromium: queue → score with the recording → submit; the agent
reads and disputes; a second auditor re-scores it blind and resolves with an adjustment; history
keeps both totals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scoring.models import Evaluation, Status
from tests import factories as f
from tests.audio import attach_wav
from tests.browser.conftest import log_in
from tests.scoring.test_scoring_pages import build_scorecard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = {
    "scoring": "/tmp/scoring_page.png",
    "evaluation": "/tmp/evaluation_page.png",
    "agent": "/tmp/evaluation_page_agent.png",
    "resolve": "/tmp/resolve_page.png",
    "resolved": "/tmp/evaluation_page_resolved.png",
    "queue": "/tmp/work_queue.png",
    "scoring_top": "/tmp/scoring_page_top.png",
    "mine": "/tmp/my_evaluations.png",
    "disputes": "/tmp/disputes.png",
}


@pytest.fixture
def center():
    lob = f.LineOfBusinessFactory(code="billing", name="Billing")
    team = f.TeamFactory(name="Team A")
    team.lines_of_business.add(lob)
    supervisor = f.UserFactory(username="supervisor", roles=["supervisor"])
    team.supervisors.add(supervisor)
    agent_user = f.UserFactory(username="agent", first_name="Li", last_name="Na", roles=["agent"])
    agent = f.AgentFactory(employee_id="E1", name="Li Na", team=team, user=agent_user)
    qa = f.UserFactory(username="qa", first_name="Zhang", last_name="Min", roles=["qa"])
    f.UserFactory(username="qa2", first_name="Chen", last_name="Jie", roles=["qa"])
    shift = f.ShiftFactory()
    call = f.CallFactory(
        agent=agent,
        line_of_business=lob,
        external_id="BILL-20931",
        shift=shift,
        talk_seconds=312,
        hold_seconds=20,
        acw_seconds=45,
        csat=4,
        nps=8,
        transcript=[
            {"start": 0.0, "end": 2.0, "speaker": "agent", "text": "Thank you for calling, this is Li Na."},
            {"start": 2.0, "end": 5.0, "speaker": "customer", "text": "My bill is higher than last month."},
        ],
    )
    attach_wav(call, "bill-20931.wav")
    version, criteria = build_scorecard()
    assignment = f.AssignmentFactory(call=call, evaluator=qa, inclusion_probability=0.08)
    return {"call": call, "criteria": criteria, "assignment": assignment, "qa": qa}


def choose(page, criterion, value) -> None:
    """Click the answer's label, as a person does (the radio itself is visually hidden)."""
    page.click(f'label[for="c-{criterion.pk}-{value}"]')


def player_time(page) -> float:
    return page.evaluate("document.getElementById('player').currentTime")


def test_score_submit_dispute_and_resolve(new_page, center):
    criteria = center["criteria"]
    call = center["call"]

    # --- the auditor scores from the work queue --------------------------------------------
    qa = new_page()
    recording_statuses = []
    qa.on("response", lambda r: recording_statuses.append(r.status) if f"/calls/{call.pk}/recording" in r.url else None)
    log_in(qa, "qa")
    qa.goto("/queue/")
    assert qa.get_by_text("Random within a stratum").is_visible()
    qa.screenshot(path=SCREENSHOTS["queue"], full_page=True)
    qa.get_by_role("button", name=f"Open call {call.external_id} of Li Na").click()
    qa.wait_for_url("**/evaluations/*/score/")
    evaluation = Evaluation.objects.get(call=call)
    assert qa.url.endswith(f"/evaluations/{evaluation.pk}/score/")

    # Play, then seek: the recording is served with Range (206), so the player can seek.
    qa.wait_for_function("document.getElementById('player').readyState >= 1")
    qa.evaluate("document.getElementById('player').play()")
    qa.wait_for_function("document.getElementById('player').currentTime > 0.2")
    qa.evaluate("(() => { const p = document.getElementById('player'); p.pause(); p.currentTime = 2.5; })()")
    qa.wait_for_function(
        "(() => { const p = document.getElementById('player'); return !p.seeking && Math.abs(p.currentTime - 2.5) < 0.01; })()"
    )
    assert player_time(qa) == pytest.approx(2.5, abs=0.01)
    assert 206 in recording_statuses, recording_statuses
    qa.click("summary")  # open the transcript
    qa.screenshot(path=SCREENSHOTS["scoring_top"])  # what the auditor sees first

    # Submitting too early names what is missing and takes the focus there; nothing is sent.
    qa.click("#submit-button")
    assert qa.inner_text("#submit-message") == "6 criteria are not answered yet; the first is 'Greeting'."
    assert qa.evaluate("document.activeElement.name") == f"c-{criteria['greeting'].pk}"
    assert qa.inner_text(f"#c-{criteria['resolved'].pk}-error") == "'Resolved' is not answered."

    # The worked example: greeting yes, closing no, empathy 3, clarity N/A, correct info yes, resolved yes.
    choose(qa, criteria["greeting"], 1)
    choose(qa, criteria["closing"], 0)
    choose(qa, criteria["empathy"], 3)
    choose(qa, criteria["clarity"], "na")
    choose(qa, criteria["correct_info"], 1)
    choose(qa, criteria["resolved"], 1)
    closing = criteria["closing"]
    qa.fill(f"#c-{closing.pk}-comment", "No closing phrase: the call ends without offering further help.")
    qa.click(f"#crit-{closing.pk} button.mark")
    assert qa.inner_text(f"#crit-{closing.pk} .seekto") == "▶ 0:02"
    assert qa.input_value(f"#c-{closing.pk}-time") == "2.500"

    assert qa.inner_text("#total-value") == "77.5"
    assert qa.inner_text("#section-bars li[data-section] .pct >> nth=0") == "50.0 %"
    assert qa.inner_text("#progress-line") == "6 of 6 answered"
    assert qa.is_hidden(f"#c-{criteria['resolved'].pk}-error")  # answering clears the messages
    assert qa.is_hidden("#submit-message")
    qa.wait_for_function("document.getElementById('save-status').textContent.startsWith('Saved')")
    assert qa.inner_text("#save-status").endswith("· server score 77.5")  # the API's own total agrees
    live_total = qa.inner_text("#total-value")
    evaluation.refresh_from_db()
    assert evaluation.answers.get(criterion=closing).time_offset == pytest.approx(2.5)
    qa.screenshot(path=SCREENSHOTS["scoring"], full_page=True)

    assert qa.is_checked("#deliver-feedback")
    qa.click("#submit-button")
    qa.wait_for_url(f"**/evaluations/{evaluation.pk}/")
    assert qa.inner_text("#evaluation-total") == "77.5"
    evaluation.refresh_from_db()
    assert evaluation.status == Status.FEEDBACK_DELIVERED
    assert evaluation.total == Decimal(live_total)
    qa.screenshot(path=SCREENSHOTS["evaluation"], full_page=True)
    assert qa.errors == []

    # --- the agent reads it, jumps to the marked moment, disputes -------------------------
    agent = new_page()
    log_in(agent, "agent")
    agent.goto("/evaluations/")
    assert agent.get_by_text("needs your acknowledgement").first.is_visible()
    agent.screenshot(path=SCREENSHOTS["mine"], full_page=True)
    agent.click(f'a[href="/evaluations/{evaluation.pk}/"]')
    agent.wait_for_url(f"**/evaluations/{evaluation.pk}/")
    assert agent.inner_text("#evaluation-total") == "77.5"
    assert agent.get_by_text("No closing phrase: the call ends without offering further help.").is_visible()
    agent.get_by_role("button", name="Play the recording from 0:02").click()
    agent.wait_for_function("Math.abs(document.getElementById('player').currentTime - 2.5) < 1.0")
    assert player_time(agent) == pytest.approx(2.5, abs=1.0)
    agent.screenshot(path=SCREENSHOTS["agent"], full_page=True)
    agent.get_by_label("Why do you dispute this score?").fill("I did close the call: listen after the hold music.")
    agent.get_by_role("button", name="Dispute this score").click()
    agent.wait_for_url(f"**/evaluations/{evaluation.pk}/")
    assert agent.inner_text("#status-tag") == "Disputed"
    assert agent.errors == []

    # --- another auditor re-scores it blind, then resolves it with an adjustment -----------
    # Issue 9: the dispute is routed to qa2, who first scores the call without seeing the original.
    resolver = new_page()
    log_in(resolver, "qa2")
    resolver.goto("/disputes/")
    resolver.screenshot(path=SCREENSHOTS["disputes"], full_page=True)
    assert "I did close the call" not in resolver.inner_text("main")
    resolver.get_by_role("link", name="Re-score").click()
    resolver.wait_for_url("**/queue/")
    resolver.get_by_role("button", name=f"Open call {call.external_id} of Li Na").click()
    resolver.wait_for_url("**/evaluations/*/score/")
    assert "Zhang" not in resolver.inner_text("main") and "77.5" not in resolver.inner_text("main")
    for key, value in (("greeting", 1), ("closing", 1), ("empathy", 3), ("clarity", "na"), ("correct_info", 1)):
        choose(resolver, criteria[key], value)
    choose(resolver, criteria["resolved"], 1)
    assert resolver.inner_text("#total-value") == "92.5"
    resolver.click("#submit-button")
    resolver.wait_for_url(f"**/evaluations/{evaluation.pk}/resolve/")
    assert "I did close the call: listen after the hold music." in resolver.inner_text("#dispute-reason")
    assert resolver.inner_text("#original-total") == "77.5"
    assert resolver.inner_text("#review-total") == "92.5"
    assert resolver.inner_text("#total-value") == "92.5"  # the controls start from the re-score
    resolver.get_by_label("Adjusted: apply the answers below").check()
    resolver.get_by_label("Reason for the decision").fill("The closing is there at 0:05; the evaluator missed it.")
    resolver.screenshot(path=SCREENSHOTS["resolve"], full_page=True)
    resolver.get_by_role("button", name="Record the decision").click()
    resolver.wait_for_url(f"**/evaluations/{evaluation.pk}/")
    assert resolver.inner_text("#evaluation-total") == "92.5"
    history = resolver.inner_text("table.history")
    assert "77.5" in history and "92.5" in history
    assert "77.5 → 92.5" in resolver.inner_text("#disputes ~ article")
    resolver.screenshot(path=SCREENSHOTS["resolved"], full_page=True)
    assert resolver.errors == []
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.total) == (Status.RESOLVED, Decimal("92.5"))


def test_the_running_total_is_the_server_formula(new_page, center):
    """static/js/scoring.js against scoring/formula.py on many answer sets, including the
    rounding edges (6.25 → 6.3) that floating point gets wrong."""
    import random

    from scoring import formula, services
    from scoring.serializers import explain
    from tests.scoring.test_scoring_pages import build_scorecard

    version, criteria = build_scorecard(
        [
            ("Odd", 17, [("a", "A", "scale", 8, 8, True, False), ("b", "B", "yes_no", 1, 8, True, False)]),
            ("Thirds", 33, [("c", "C", "scale", 7, 10, True, True), ("d", "D", "scale", 3, 3, True, False)]),
            ("Rest", 50, [("e", "E", "yes_no", 1, 1, False, True), ("f", "F", "scale", 9, 11, True, False)]),
        ],
        name="Edges",
    )
    evaluation = services.evaluation_start(call=center["call"], by=center["qa"], version=version)
    page = new_page()
    log_in(page, "qa")
    page.goto(f"/evaluations/{evaluation.pk}/score/")
    page.wait_for_function("window.qaScoring !== undefined")

    specs = version.specs()
    rng = random.Random(20261122)
    cases = []
    for _ in range(400):
        answers = {}
        for c in criteria.values():
            options = [None, *range(c.scale_max + 1)] + ([formula.NA] if c.allow_na else [])
            answers[c.pk] = rng.choice(options)
        cases.append(answers)
    edge = {criteria["a"].pk: 1, criteria["b"].pk: 0}  # 1 of 16 points in the only section: 6.25 → 6.3
    assert formula.compute(specs, edge).total == Decimal("6.3")
    cases.append(edge)
    got = page.evaluate(
        "cases => cases.map(a => window.qaScoring.compute(a))", [{str(k): v for k, v in a.items()} for a in cases]
    )
    for answers, js in zip(cases, got, strict=True):
        expected = explain(formula.compute(specs, answers, critical_zeroes=version.critical_zeroes))
        for key in ("total", "raw_total", "critical_failed", "critical_zeroed", "failed_critical", "weights_counted"):
            assert js[key] == expected[key], (key, answers, js, expected)
        assert [s["percent"] for s in js["sections"]] == [s["percent"] for s in expected["sections"]], answers
        assert [s["counted"] for s in js["sections"]] == [s["counted"] for s in expected["sections"]], answers
    assert page.errors == []


def test_the_running_totals_follow_the_formula_with_every_extension(new_page, center):
    """Both figures of static/js/scoring.js (the interaction score and the agent score) against
    scoring/formula.py on random forms of a scorecard using every extension: chained conditions,
    section-fail criteria (one in a bonus section), a critical scale, a bonus section with N/A,
    and root causes within and outside the agent's control."""
    import random

    from scoring import formula, services
    from scoring.models import RootCause
    from scoring.serializers import explain
    from tests.scoring.factories import criteria as by_key
    from tests.scoring.factories import make_scorecard_version

    yes_no = {"kind": "yes_no"}

    def when(number: int, value: int) -> dict:
        return {"shown_when": {"criterion": number, "value": value}}

    structure = {
        "sections": [
            {
                "title": "Opening",
                "weight": 30,
                "criteria": [
                    {"text": "A", **yes_no, "points": 5, "section_fail": True},
                    {"text": "B", **yes_no, "points": 5, "comment_on_loss": True},
                    {"text": "C", "kind": "scale", "scale_max": 3, "points": 4, **when(0, 1)},
                    {"text": "D", **yes_no, "points": 7, "allow_na": True, **when(2, 2)},
                ],
            },
            {
                "title": "Handling",
                "weight": 70,
                "criteria": [
                    {"text": "E", "kind": "scale", "scale_max": 4, "points": 10, "allow_na": True, "critical": True},
                    {"text": "F", **yes_no, "points": 3, **when(4, 0)},
                    {"text": "G", "kind": "scale", "scale_max": 7, "points": 9},
                ],
            },
            {
                "title": "Extra",
                "weight": 7,
                "bonus": True,
                "criteria": [
                    {"text": "H", "kind": "scale", "scale_max": 2, "points": 3, "allow_na": True},
                    {"text": "I", **yes_no, "points": 2, "section_fail": True, **when(6, 7)},
                ],
            },
        ],
        "root_causes": [
            {"text": "Agent's own", "agent_controllable": True},
            {"text": "System", "agent_controllable": False},
            {"text": "Policy", "agent_controllable": False},
        ],
    }
    version = make_scorecard_version(structure=structure, name="Every extension")
    criteria = by_key(version)
    causes = [None, *RootCause.objects.filter(version=version).values_list("pk", flat=True)]
    process = set(RootCause.objects.filter(version=version, agent_controllable=False).values_list("pk", flat=True))
    evaluation = services.evaluation_start(call=center["call"], by=center["qa"], version=version)
    page = new_page()
    log_in(page, "qa")
    page.goto(f"/evaluations/{evaluation.pk}/score/")
    page.wait_for_function("window.qaScoring !== undefined")

    specs = version.specs()
    rng = random.Random(20261201)
    cases = []
    for i in range(500):
        answers, chosen = {}, {}
        for c in criteria.values():
            # Mostly answered, so the conditions open and the figures differ often.
            options = [*range(c.scale_max + 1)] * 3 + [None] + ([formula.NA] if c.allow_na else [])
            answers[c.pk] = rng.choice(options) if i % 7 else rng.choice(range(c.scale_max + 1))
            chosen[c.pk] = rng.choice(causes)
        cases.append((answers, chosen))
    got = page.evaluate(
        "cases => cases.map(([a, c]) => window.qaScoring.compute(a, c))",
        [[{str(k): v for k, v in a.items()}, {str(k): v for k, v in c.items()}] for a, c in cases],
    )
    keys = (
        "total",
        "raw_total",
        "agent_total",
        "critical_failed",
        "critical_zeroed",
        "failed_critical",
        "weights_counted",
        "hidden",
        "failed_sections",
        "bonus_points",
        "cap",
        "excused",
        "unanswered",
    )
    differ = 0
    for (answers, chosen), js in zip(cases, got, strict=True):
        excused = {cid for cid, cause in chosen.items() if cause in process}
        expected = explain(formula.compute(specs, answers, critical_zeroes=version.critical_zeroes, excused=excused))
        for key in keys:
            assert js[key] == expected[key], (key, answers, chosen, js[key], expected[key])
        for mine, theirs in ((js, expected), (js["agent"], expected["agent"])):
            if theirs is None:
                assert mine is None, (answers, chosen)
                continue
            assert [s["percent"] for s in mine["sections"]] == [s["percent"] for s in theirs["sections"]], answers
            assert [s["failed_by"] for s in mine["sections"]] == [s["failed_by"] for s in theirs["sections"]]
        differ += expected["agent_total"] != expected["total"]
    assert differ > 50, "too few forms where a process cause changed the agent score"
    assert any(len(js["hidden"]) == 0 for js in got) and any(js["failed_sections"] for js in got)
    assert page.errors == []
