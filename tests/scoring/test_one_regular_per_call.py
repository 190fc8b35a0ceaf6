"""At most one regular evaluation per call (DESIGN.md §3; issue 13).

A second QA starting an ad-hoc evaluation of a call someone else is scoring (or holds the
assignment of) is refused with a 409 naming what is in the way; the same evaluator starting
again gets their own evaluation back (200); two starts at once give one evaluation. Self-
evaluations and double scoring (calibration) are their own kinds and still start beside it.
The PostgreSQL race with real threads is tests/integration/test_evaluation_start_race.py.
"""

from __future__ import annotations

import importlib
from unittest import mock

from django.apps import apps
from django.db import IntegrityError, connection, transaction

from monitoring.models import AssignmentStatus
from scoring import services
from scoring.models import Evaluation, Kind, Status
from scoring.services import start as start_module
from tests import factories as f
from tests.scoring.factories import ScoringPersonas, make_evaluation

MIGRATION = "scoring.migrations.0002_evaluation_one_regular_per_call"


class StartApiTests(ScoringPersonas):
    def start(self, user, call=None, **extra):
        return self.api(user).post(self.url(), {"call": (call or self.call).pk, **extra}, format="json")

    def test_two_ad_hoc_starts_on_an_assigned_call_give_one_evaluation_and_a_409(self):
        f.AssignmentFactory(call=self.call, evaluator=self.qa)
        mine = self.start(self.qa)
        theirs = self.start(self.qa2)
        self.assertEqual(mine.status_code, 201)
        self.assertEqual(theirs.status_code, 409)
        evaluation = Evaluation.objects.get()
        self.assertEqual((evaluation.evaluator, evaluation.kind), (self.qa, Kind.REGULAR))
        self.assertIsNotNone(evaluation.assignment_id)  # the ad-hoc start fulfils qa's assignment
        body = theirs.json()
        self.assertEqual(body["existing_evaluation"], {"id": evaluation.pk, "evaluator": "qa", "status": "in_progress"})
        self.assertIn(f"#{evaluation.pk} by qa (In progress)", body["detail"])

    def test_before_the_assignee_starts_the_409_names_the_assignment(self):
        assignment = f.AssignmentFactory(call=self.call, evaluator=self.qa)
        response = self.start(self.qa2)
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["assignment"]["id"], assignment.pk)
        self.assertEqual(response.json()["assignment"]["evaluator"], "qa")
        self.assertIn("reassign", response.json()["detail"])
        self.assertFalse(Evaluation.objects.exists())
        self.assertEqual(self.start(self.qa).status_code, 201)  # the assignee still starts it

    def test_a_manager_is_refused_too_until_the_call_is_reassigned(self):
        assignment = f.AssignmentFactory(call=self.call, evaluator=self.qa)
        self.assertEqual(self.start(self.manager).status_code, 409)
        assignment.status = AssignmentStatus.CANCELLED
        assignment.save()
        self.assertEqual(self.start(self.manager).status_code, 201)

    def test_an_ad_hoc_evaluation_by_someone_else_is_a_409_naming_it(self):
        first = make_evaluation(call=self.call, by=self.trainer, version=self.version)
        response = self.start(self.qa)
        self.assertEqual(response.status_code, 409)
        self.assertEqual(
            response.json()["existing_evaluation"],
            {"id": first.pk, "evaluator": "trainer", "status": "feedback_delivered"},
        )
        self.assertEqual(Evaluation.objects.filter(kind=Kind.REGULAR).count(), 1)

    def test_the_same_evaluator_gets_200_with_the_same_evaluation(self):
        first = self.start(self.qa)
        again = self.start(self.qa, method="live")
        self.assertEqual((first.status_code, again.status_code), (201, 200))
        self.assertEqual(first.json()["id"], again.json()["id"])
        self.assertEqual(Evaluation.objects.count(), 1)

    def test_a_start_that_loses_the_race_to_someone_else_is_a_409(self):
        """qa2's checks pass, then qa's start lands before qa2's insert: the constraint refuses
        qa2's row and the service reads the winner."""
        real = start_module.regular_start_conflict
        state = {"raced": False}

        def racing(*, call, by):
            if not state["raced"]:
                state["raced"] = True
                services.evaluation_start(call=call, by=self.qa)  # qa gets in between
                return None  # what qa2's check saw just before
            return real(call=call, by=by)

        with mock.patch.object(start_module, "regular_start_conflict", side_effect=racing):
            response = self.start(self.qa2)
        self.assertEqual(response.status_code, 409)
        winner = Evaluation.objects.get()
        self.assertEqual(winner.evaluator, self.qa)
        self.assertEqual(response.json()["existing_evaluation"]["id"], winner.pk)

    def test_a_double_click_that_races_itself_answers_200_with_the_one_evaluation(self):
        real = start_module.regular_start_conflict
        state = {"first": True}

        def racing(*, call, by):
            if state["first"]:
                state["first"] = False
                winner = services.evaluation_start(call=call, by=by)  # the other click, committed
                state["winner"] = winner.pk
                return None  # this click checked before it
            return real(call=call, by=by)

        with mock.patch.object(start_module, "regular_start_conflict", side_effect=racing):
            response = self.start(self.qa)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["id"], state["winner"])
        self.assertEqual(Evaluation.objects.count(), 1)

    def test_a_self_evaluation_and_a_double_score_start_beside_the_regular_one(self):
        regular = make_evaluation(call=self.call, by=self.qa, version=self.version)
        self.assertEqual(self.start(self.agent_user, kind="self").status_code, 201)
        assignment = f.AssignmentFactory(call=self.call, evaluator=self.qa2, reason="double_scoring")
        second = services.evaluation_start_from_assignment(assignment=assignment, by=self.qa2)
        self.assertEqual(second.kind, Kind.CALIBRATION)
        kinds = sorted(Evaluation.objects.values_list("kind", flat=True))
        self.assertEqual(kinds, [Kind.CALIBRATION, Kind.REGULAR, Kind.SELF])
        self.assertEqual(Evaluation.objects.get(kind=Kind.REGULAR), regular)

    def test_an_ad_hoc_start_by_the_double_scorer_opens_the_blind_second_score(self):
        """Starting from the call page while holding the double-scoring copy does not make a
        second regular evaluation, and says nothing of the first score (blind)."""
        make_evaluation(call=self.call, by=self.qa, version=self.version)
        assignment = f.AssignmentFactory(call=self.call, evaluator=self.qa2, reason="double_scoring")
        response = self.start(self.qa2)
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.json()["kind"], Kind.CALIBRATION)
        self.assertNotIn("existing_evaluation", response.json())
        self.assertEqual(Evaluation.objects.get(pk=response.json()["id"]).assignment, assignment)
        self.assertEqual(self.start(self.qa2).status_code, 200)
        self.assertEqual(Evaluation.objects.filter(kind=Kind.REGULAR).count(), 1)

    def test_the_schema_documents_200_201_and_the_409_body(self):
        self.client.force_login(self.qa)
        schema = self.client.get("/api/schema/", {"format": "json"}).json()
        responses = schema["paths"]["/api/v1/evaluations/"]["post"]["responses"]
        self.assertLessEqual({"200", "201", "409"}, set(responses))
        ref = responses["409"]["content"]["application/json"]["schema"]["$ref"]
        conflict = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]
        self.assertLessEqual({"detail", "existing_evaluation", "assignment"}, set(conflict))


class ConstraintTests(ScoringPersonas):
    def test_the_database_refuses_a_second_regular_evaluation_of_a_call(self):
        first = make_evaluation(call=self.call, by=self.qa, version=self.version, submit=False)
        fields = {"call": self.call, "agent": self.agent, "evaluator_role": "qa", "version": self.version}
        with self.assertRaises(IntegrityError), transaction.atomic():
            Evaluation.objects.create(evaluator=self.qa2, kind=Kind.REGULAR, **fields)
        Evaluation.objects.create(evaluator=self.qa2, kind=Kind.CALIBRATION, **fields)
        self.assertEqual(Evaluation.objects.filter(kind=Kind.REGULAR).get(), first)


class StartPageTests(ScoringPersonas):
    def page(self, user, verb="get", **data):
        self.client.force_login(user)
        return getattr(self.client, verb)(f"/calls/{self.call.pk}/evaluate/", data)

    def test_the_page_shows_the_refusal_and_links_the_existing_evaluation(self):
        first = services.evaluation_start(call=self.call, by=self.qa, version=self.version)
        page = self.page(self.qa2)
        self.assertContains(page, f"This call already has a regular evaluation: #{first.pk} by qa (In progress).")
        self.assertContains(page, f'href="/evaluations/{first.pk}/"')
        self.assertNotContains(page, "Start scoring")

    def test_a_stale_form_posted_is_a_409_with_the_refusal_and_nothing_created(self):
        first = services.evaluation_start(call=self.call, by=self.qa, version=self.version)
        response = self.page(self.qa2, "post", method="live")
        self.assertContains(response, f"#{first.pk} by qa", status_code=409)
        self.assertContains(response, f'href="/evaluations/{first.pk}/"', status_code=409)
        self.assertEqual(Evaluation.objects.count(), 1)

    def test_someone_who_may_not_see_the_draft_gets_the_refusal_without_a_link(self):
        first = services.evaluation_start(call=self.call, by=self.qa, version=self.version)
        page = self.page(self.supervisor)  # a supervisor sees their team's scored evaluations only
        self.assertContains(page, f"#{first.pk} by qa")
        self.assertNotContains(page, f'href="/evaluations/{first.pk}/"')

    def test_an_assigned_call_names_the_assignee(self):
        f.AssignmentFactory(call=self.call, evaluator=self.qa)
        page = self.page(self.qa2)
        self.assertContains(page, "This call is assigned to qa")
        self.assertNotContains(page, "Start scoring")

    def test_the_same_evaluator_is_taken_to_their_evaluation(self):
        first = services.evaluation_start(call=self.call, by=self.qa, version=self.version)
        response = self.page(self.qa, "post", method="live")
        self.assertRedirects(response, f"/evaluations/{first.pk}/score/")
        self.assertEqual(Evaluation.objects.count(), 1)

    def test_the_double_scorer_is_told_it_is_a_blind_second_score(self):
        make_evaluation(call=self.call, by=self.qa, version=self.version)
        f.AssignmentFactory(call=self.call, evaluator=self.qa2, reason="double_scoring")
        page = self.page(self.qa2)
        self.assertContains(page, "This call is your double-scoring assignment")
        self.assertNotContains(page, "by qa")
        response = self.page(self.qa2, "post", method="recording")
        second = Evaluation.objects.get(evaluator=self.qa2)
        self.assertRedirects(response, f"/evaluations/{second.pk}/score/")
        self.assertEqual(second.kind, Kind.CALIBRATION)


class MigrationTests(ScoringPersonas):
    """The migration's data step on a database that holds duplicates (made here by dropping the
    constraint inside the test's transaction, which SQLite rolls back with the rest)."""

    def setUp(self):
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX evaluation_one_regular_per_call")

    def second_score(self, by, **values):
        """Someone else's scored evaluation of the call: made as a calibration (the service now
        refuses a second regular one); `promote` turns it regular as the old code let it be."""
        return make_evaluation(call=self.call, by=by, version=self.version, kind=Kind.CALIBRATION, **values)

    def promote(self, *evaluations):
        """Regular, and delivered to the agent if scored: the duplicates the probe found."""
        for evaluation in evaluations:
            delivered = {"status": Status.FEEDBACK_DELIVERED, "feedback_delivered_at": evaluation.submitted_at}
            Evaluation.objects.filter(pk=evaluation.pk).update(
                kind=Kind.REGULAR, **(delivered if evaluation.submitted_at else {})
            )
            evaluation.refresh_from_db()

    def migrate(self):
        module = importlib.import_module(MIGRATION)
        module.demote_duplicates(apps, None)

    def test_the_assignments_scored_evaluation_stays_regular_and_the_others_become_calibration(self):
        assignment = f.AssignmentFactory(call=self.call, evaluator=self.qa2)
        early = self.second_score(self.qa)  # ad hoc, submitted first
        planned = make_evaluation(call=self.call, by=self.qa2, version=self.version)  # the assignment's
        draft = self.second_score(self.trainer, submit=False)
        alone = make_evaluation(call=self.other_call, by=self.qa, version=self.version)
        self.promote(early, draft)
        self.assertEqual(planned.assignment, assignment)
        self.migrate()
        kinds = dict(Evaluation.objects.values_list("pk", "kind"))
        self.assertEqual((kinds[planned.pk], kinds[alone.pk]), (Kind.REGULAR, Kind.REGULAR))
        self.assertEqual((kinds[early.pk], kinds[draft.pk]), (Kind.CALIBRATION, Kind.CALIBRATION))
        # Nothing is lost: the score and answers stay, and the change is in the history.
        early.refresh_from_db()
        self.assertEqual((early.status, str(early.total)), (Status.FEEDBACK_DELIVERED, "77.5"))
        self.assertEqual(early.answers.count(), 6)
        latest = early.history.latest()
        self.assertEqual((latest.kind, latest.history_type), (Kind.CALIBRATION, "~"))
        self.assertIn("One regular evaluation per call", latest.history_change_reason)
        # The agent now sees one evaluation of the call as feedback, not two.
        rows = self.api(self.agent_user).get(self.url(), {"call": self.call.pk}).json()["results"]
        self.assertEqual([row["id"] for row in rows], [planned.pk])

    def test_without_an_assignment_the_earliest_submitted_stays_regular(self):
        first = make_evaluation(call=self.call, by=self.qa, version=self.version)
        second = self.second_score(self.qa2)
        self.promote(second)
        self.migrate()
        self.assertEqual(Evaluation.objects.get(kind=Kind.REGULAR), first)
        second.refresh_from_db()
        self.assertEqual(second.kind, Kind.CALIBRATION)

    def test_it_stops_rather_than_lose_a_score_it_cannot_demote(self):
        make_evaluation(call=self.call, by=self.qa, version=self.version)
        self.second_score(self.qa2)  # qa2 has a calibration of the call, and a regular one too:
        second = Evaluation.objects.create(
            call=self.call, agent=self.agent, evaluator=self.qa2, evaluator_role="qa", version=self.version
        )
        with self.assertRaisesMessage(RuntimeError, f"evaluation {second.pk} (call {self.call.pk}"):
            self.migrate()
        self.assertEqual(Evaluation.objects.filter(kind=Kind.REGULAR).count(), 2)  # nothing half-done
