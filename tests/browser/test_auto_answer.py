"""An auto-answered criterion in a real Chromium (issue 12): the call's analysis found the
greeting; the auditor opens the call from the queue, sees the automatic answer with its evidence,
plays the evidence, overrides the answer, submits; the rule's agreement with people changes."""

from __future__ import annotations

import pytest

from monitoring.models_analytics import AnalysisStatus, CallAnalysis, PhraseRule
from monitoring.services_analytics import analyze_calls
from scoring import services
from scoring.models import Answer, Evaluation
from tests import factories as f
from tests.audio import attach_wav
from tests.browser.conftest import log_in
from tests.scoring.pages import WORKED_ANSWERS, build_scorecard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GREETING = "Thank you for calling, this is Li Na."


@pytest.fixture
def center():
    lob = f.LineOfBusinessFactory(code="billing", name="Billing")
    team = f.TeamFactory(name="Team A")
    team.lines_of_business.add(lob)
    agent = f.AgentFactory(employee_id="E1", name="Li Na", team=team)
    qa = f.UserFactory(username="qa", roles=["qa"])
    qa2 = f.UserFactory(username="qa2", roles=["qa"])
    PhraseRule.objects.create(
        line_of_business=lob,
        code="greeting",
        name="Greeting in the first 15 s",
        kind="required",
        phrases=["thank you for calling"],
        speaker="agent",
        window="start",
        window_seconds=15,
    )
    version, criteria = build_scorecard(lob=lob)
    criteria["greeting"].auto_source = "rule:greeting"
    criteria["greeting"].save()
    # Four calls reviewed earlier by another auditor: the rule and the person agreed on each.
    for i, passed in enumerate((True, True, False, False)):
        call = f.CallFactory(agent=agent, line_of_business=lob, external_id=f"OLD-{i}")
        CallAnalysis.objects.create(
            call=call,
            status=AnalysisStatus.DONE,
            rules=[{"code": "greeting", "name": "Greeting in the first 15 s", "passed": passed, "hits": []}],
        )
        evaluation = services.evaluation_start(call=call, by=qa2, version=version)
        answers = [
            services.AnswerInput(
                c.pk, None if WORKED_ANSWERS[k] == "na" else WORKED_ANSWERS[k], WORKED_ANSWERS[k] == "na"
            )
            for k, c in criteria.items()
            if k != "greeting"
        ]
        answers.append(services.AnswerInput(criteria["greeting"].pk, 1 if passed else 0))
        services.evaluation_submit(evaluation=evaluation, by=qa2, answers=answers)
    call = f.CallFactory(
        agent=agent,
        line_of_business=lob,
        external_id="BILL-7",
        talk_seconds=6,
        transcript=[
            {"start": 0.0, "end": 1.4, "speaker": "customer", "text": "Hello?"},
            {"start": 1.5, "end": 3.5, "speaker": "agent", "text": GREETING},
            {"start": 3.6, "end": 5.5, "speaker": "customer", "text": "My bill is higher than last month."},
        ],
    )
    attach_wav(call, "bill-7.wav")
    analyze_calls([call.pk])  # the real analysis: the greeting is found at 1.5 s
    assignment = f.AssignmentFactory(call=call, evaluator=qa)
    return {"call": call, "criteria": criteria, "assignment": assignment}


def kappa_cell(page) -> str:
    return page.inner_text('#auto-agreement tr[data-source="rule:greeting"] td.kappa')


def test_the_auditor_sees_plays_and_overrides_the_automatic_answer(new_page, center):
    call, criteria = center["call"], center["criteria"]
    greeting = criteria["greeting"]
    qa = new_page()
    log_in(qa, "qa")

    qa.goto("/auto-qa/agreement/")
    row = '#auto-agreement tr[data-source="rule:greeting"]'
    assert qa.inner_text(f"{row} td:nth-of-type(2)") == "4"  # n
    assert kappa_cell(qa).startswith("1.00")

    qa.goto("/queue/")
    qa.get_by_role("button", name=f"Open call {call.external_id} of Li Na").click()
    qa.wait_for_url("**/evaluations/*/score/")
    evaluation = Evaluation.objects.get(call=call)

    box = f"#c-{greeting.pk}-auto"
    assert "Greeting in the first 15 s" in qa.inner_text(box)
    assert "suggests Yes" in qa.inner_text(box)
    assert GREETING in qa.inner_text(f"{box} ul.evidence")
    assert qa.is_checked(f"#c-{greeting.pk}-1")  # pre-filled

    # ▶ on the evidence plays the recording from the greeting.
    qa.wait_for_function("document.getElementById('player').readyState >= 1")
    qa.click(f"{box} button.seek")
    qa.wait_for_function(
        "(() => { const p = document.getElementById('player'); return !p.seeking && p.currentTime >= 1.5; })()"
    )
    qa.evaluate("document.getElementById('player').pause()")
    assert qa.evaluate("document.getElementById('player').currentTime") == pytest.approx(1.5, abs=0.5)

    # The auditor hears a greeting that does not meet the standard: overrides it.
    qa.click(f'label[for="c-{greeting.pk}-0"]')
    assert "overriding" in qa.inner_text(f"{box} .auto-status")
    for key, value in WORKED_ANSWERS.items():
        if key != "greeting":
            qa.click(f'label[for="c-{criteria[key].pk}-{value}"]')
    qa.fill(f"#c-{greeting.pk}-comment", "Greeting said too fast, name not given clearly.")
    qa.wait_for_function("document.getElementById('save-status').textContent.startsWith('Saved')")
    qa.click("#submit-button")
    qa.wait_for_url(f"**/evaluations/{evaluation.pk}/")

    answer = Answer.objects.get(evaluation=evaluation, criterion=greeting)
    assert (answer.value, answer.auto_value, answer.auto_outcome) == (0, 1, "overridden")

    qa.goto("/auto-qa/agreement/")
    assert qa.inner_text(f"{row} td:nth-of-type(2)") == "5"  # n
    assert qa.inner_text(f"{row} td:nth-of-type(3)") == "4"  # confirmed
    assert qa.inner_text(f"{row} td:nth-of-type(4)") == "1"  # overridden
    assert kappa_cell(qa).startswith("0.62")
    assert qa.errors == []
