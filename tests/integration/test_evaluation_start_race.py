"""Starting evaluations of one call at once, from several threads, on PostgreSQL (issue 13).

Each thread is its own request through the API on its own database connection. The tests that
must reach the database constraint hold every thread at a barrier after its checks have found
nothing in the way, so all of them insert at once: PostgreSQL makes every insert after the first
wait for the first's commit, then refuses it (unique violation), and the service answers from the
winner — 200 for the same evaluator, 409 naming it for anyone else. Exactly one evaluation,
exactly one 201, whatever the interleaving.
"""

from __future__ import annotations

import threading
from collections import Counter
from contextlib import nullcontext
from unittest import mock

import pytest
from django.db import connection
from rest_framework.test import APIClient

from scoring.models import Evaluation, Kind
from scoring.services import start as start_module
from tests import factories as f
from tests.scoring.factories import make_scorecard_version

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TIMEOUT = 30  # seconds; a thread that never reaches the barrier fails the test instead of hanging


@pytest.fixture
def scene(org):
    make_scorecard_version(lines_of_business=org["lob"], name="Billing QA")
    return {
        "call": f.CallFactory(agent=org["agent"], line_of_business=org["lob"], external_id="RACE-1"),
        "qa": f.UserFactory(username="qa", roles=["qa"]),
        "qa2": f.UserFactory(username="qa2", roles=["qa"]),
        "qa3": f.UserFactory(username="qa3", roles=["qa"]),
    }


def start_at_once(call, users, *, hold_after_checks: bool) -> list[tuple[str, int, dict]]:
    """POST /api/v1/evaluations/ for `call` as each of `users`, each in its own thread, released
    together; with `hold_after_checks`, each also waits after the service's conflict check until
    every thread has made it. Returns (username, status, body) per thread."""
    barrier = threading.Barrier(len(users), timeout=TIMEOUT)
    real = start_module.regular_start_conflict
    checked = threading.local()

    def held(**kwargs):
        found = real(**kwargs)
        if not getattr(checked, "done", False):  # the pre-check, not the re-read after a lost race
            checked.done = True
            barrier.wait()
        return found

    results: list[tuple[str, int, dict]] = []
    errors: list[BaseException] = []
    start_gate = threading.Barrier(len(users), timeout=TIMEOUT)

    def run(user):
        try:
            client = APIClient()
            client.force_authenticate(user)
            start_gate.wait()
            response = client.post("/api/v1/evaluations/", {"call": call.pk}, format="json")
            results.append((user.username, response.status_code, response.json()))
        except BaseException as exc:  # noqa: BLE001 — reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    patch = mock.patch.object(start_module, "regular_start_conflict", side_effect=held)
    with patch if hold_after_checks else nullcontext():
        threads = [threading.Thread(target=run, args=(user,)) for user in users]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(TIMEOUT * 2)
    assert not errors, errors
    assert len(results) == len(users)
    return results


def _one_regular(call) -> Evaluation:
    evaluations = list(Evaluation.objects.filter(call=call))
    assert len(evaluations) == 1, evaluations
    assert evaluations[0].kind == Kind.REGULAR
    return evaluations[0]


def test_two_evaluators_starting_at_once_get_one_evaluation_a_201_and_a_409(scene):
    results = start_at_once(scene["call"], [scene["qa"], scene["qa2"]], hold_after_checks=True)

    winner = _one_regular(scene["call"])
    by_status = {status: (username, body) for username, status, body in results}
    assert sorted(by_status) == [201, 409]
    assert by_status[201] == (winner.evaluator.username, by_status[201][1])
    assert by_status[201][1]["id"] == winner.pk
    refused = by_status[409][1]
    assert refused["existing_evaluation"] == {
        "id": winner.pk,
        "evaluator": winner.evaluator.username,
        "status": "in_progress",
    }
    assert f"#{winner.pk}" in refused["detail"]


def test_a_double_click_answers_201_once_and_200_with_the_same_evaluation(scene):
    results = start_at_once(scene["call"], [scene["qa"], scene["qa"]], hold_after_checks=True)

    evaluation = _one_regular(scene["call"])
    assert sorted(status for _u, status, _b in results) == [200, 201]
    assert {body["id"] for _u, _s, body in results} == {evaluation.pk}


def test_two_ad_hoc_starts_on_an_assigned_call_give_one_evaluation_and_a_409(scene):
    assignment = f.AssignmentFactory(call=scene["call"], evaluator=scene["qa"])
    results = start_at_once(scene["call"], [scene["qa"], scene["qa2"]], hold_after_checks=True)

    evaluation = _one_regular(scene["call"])
    assert evaluation.evaluator == scene["qa"]
    assert evaluation.assignment_id == assignment.pk
    statuses = {username: status for username, status, _b in results}
    assert statuses == {"qa": 201, "qa2": 409}


def test_many_starts_at_once_make_one_evaluation(scene):
    """No hold: whatever PostgreSQL's timing, one evaluation and one 201; the holder's repeats
    are 200 with its id, everybody else's 409 naming it."""
    users = [scene["qa"], scene["qa2"], scene["qa3"]] * 3
    results = start_at_once(scene["call"], users, hold_after_checks=False)

    winner = _one_regular(scene["call"])
    statuses = Counter(status for _u, status, _b in results)
    assert statuses[201] == 1
    assert statuses[200] == 2  # the winner's two other requests
    assert statuses[409] == 6
    for username, status, body in results:
        if username == winner.evaluator.username:
            assert status in (200, 201) and body["id"] == winner.pk
        else:
            assert status == 409 and body["existing_evaluation"]["id"] == winner.pk
