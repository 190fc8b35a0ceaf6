"""The scoring pages, from the queue to the scoring screen: the work queue, starting an
evaluation (by method, self-evaluation), and the scoring screen — their permissions and their
content. The evaluation page is in test_evaluation_pages.py, the lifecycle forms, lists and
disputes in test_lifecycle_pages.py."""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone

from monitoring.models import Assignment, AssignmentStatus
from scoring import services
from scoring.models import Evaluation, Kind, ScorecardVersion, Status
from tests import factories as f
from tests.scoring.pages import (
    ScoringPagesBase,
    answers_for,
    build_scorecard,  # noqa: F401  (tests/browser/test_scoring_flow.py imports it from here)
)

# --- the work queue and starting --------------------------------------------------------------


class WorkQueueTests(ScoringPagesBase):
    def test_the_queue_lists_open_assignments_with_why_picked_and_overdue(self):
        f.AssignmentFactory(call=self.call, evaluator=self.qa)
        f.AssignmentFactory(call=self.other_call, evaluator=self.qa, due_at=timezone.now() - dt.timedelta(hours=2))
        self.client.force_login(self.qa)
        response = self.client.get("/queue/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Random within a stratum", count=2)
        self.assertContains(response, "Li Na")
        self.assertContains(response, 'class="overdue"', count=1)
        self.assertContains(response, "4:00")  # talk time

    def test_opening_an_assignment_starts_its_evaluation_and_goes_to_the_scoring_page(self):
        assignment = f.AssignmentFactory(call=self.call, evaluator=self.qa)
        self.client.force_login(self.qa)
        response = self.client.post(f"/assignments/{assignment.pk}/open/")
        evaluation = Evaluation.objects.get(assignment=assignment)
        self.assertRedirects(response, f"/evaluations/{evaluation.pk}/score/")
        self.assertEqual(evaluation.status, Status.IN_PROGRESS)
        self.assertEqual(evaluation.evaluator, self.qa)
        # Opening again continues the same evaluation.
        again = self.client.post(f"/assignments/{assignment.pk}/open/")
        self.assertRedirects(again, f"/evaluations/{evaluation.pk}/score/")
        self.assertEqual(Evaluation.objects.count(), 1)

    def test_drafts_are_listed_with_continue(self):
        evaluation = services.evaluation_start(call=self.call, by=self.qa, version=self.version)
        self.client.force_login(self.qa)
        response = self.client.get("/queue/")
        self.assertContains(response, f"/evaluations/{evaluation.pk}/score/")
        self.assertContains(response, "Continue")

    def test_someone_elses_assignment_is_404(self):
        assignment = f.AssignmentFactory(call=self.call, evaluator=self.qa2)
        self.client.force_login(self.qa)
        self.assertEqual(self.client.post(f"/assignments/{assignment.pk}/open/").status_code, 404)
        self.assertFalse(Evaluation.objects.exists())

    def test_a_cancelled_assignment_is_409_with_the_reason(self):
        assignment = f.AssignmentFactory(call=self.call, evaluator=self.qa)
        Assignment.objects.filter(pk=assignment.pk).update(status=AssignmentStatus.CANCELLED)
        self.client.force_login(self.qa)
        response = self.client.post(f"/assignments/{assignment.pk}/open/")
        self.assertContains(response, "This assignment was cancelled.", status_code=409)

    def test_opening_needs_a_post(self):
        assignment = f.AssignmentFactory(call=self.call, evaluator=self.qa)
        self.client.force_login(self.qa)
        self.assertEqual(self.client.get(f"/assignments/{assignment.pk}/open/").status_code, 405)

    def test_agents_and_hr_have_no_queue(self):
        for user in (self.agent_user, self.hr):
            self.client.force_login(user)
            self.assertEqual(self.client.get("/queue/").status_code, 403)


class StartTests(ScoringPagesBase):
    def test_an_auditor_chooses_the_method_and_lands_on_the_scoring_page(self):
        self.client.force_login(self.qa)
        page = self.client.get(f"/calls/{self.call.pk}/evaluate/")
        self.assertContains(page, "Side-by-side coaching")
        self.assertNotContains(page, 'value="self"')
        response = self.client.post(f"/calls/{self.call.pk}/evaluate/", {"method": "side_by_side"})
        evaluation = Evaluation.objects.get()
        self.assertRedirects(response, f"/evaluations/{evaluation.pk}/score/")
        self.assertEqual(
            (evaluation.method, evaluation.kind, evaluation.evaluator_role), ("side_by_side", "regular", "qa")
        )

    def test_the_self_method_is_refused(self):
        self.client.force_login(self.qa)
        response = self.client.post(f"/calls/{self.call.pk}/evaluate/", {"method": "self"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Evaluation.objects.exists())

    def test_a_supervisor_evaluates_own_teams_calls_only(self):
        self.client.force_login(self.supervisor)
        self.assertEqual(self.client.get(f"/calls/{self.call.pk}/evaluate/").status_code, 200)
        self.assertEqual(self.client.get(f"/calls/{self.other_call.pk}/evaluate/").status_code, 404)

    def test_agents_and_hr_cannot_start_a_regular_evaluation(self):
        for user in (self.agent_user, self.hr):
            self.client.force_login(user)
            self.assertEqual(self.client.post(f"/calls/{self.call.pk}/evaluate/", {"method": "live"}).status_code, 403)
        self.assertFalse(Evaluation.objects.exists())

    def test_without_a_published_scorecard_the_page_says_so(self):
        ScorecardVersion.objects.update(status="retired")
        self.client.force_login(self.qa)
        page = self.client.get(f"/calls/{self.call.pk}/evaluate/")
        self.assertContains(page, "No published scorecard applies")
        response = self.client.post(f"/calls/{self.call.pk}/evaluate/", {"method": "live"})
        self.assertContains(response, "No published scorecard applies", status_code=400)

    def test_an_agent_self_evaluates_own_call(self):
        self.client.force_login(self.agent_user)
        self.assertEqual(self.client.get(f"/calls/{self.call.pk}/self-evaluate/").status_code, 200)
        response = self.client.post(f"/calls/{self.call.pk}/self-evaluate/")
        evaluation = Evaluation.objects.get()
        self.assertRedirects(response, f"/evaluations/{evaluation.pk}/score/")
        self.assertEqual((evaluation.kind, evaluation.method, evaluation.evaluator_role), (Kind.SELF, "self", "agent"))

    def test_an_agent_cannot_self_evaluate_someone_elses_call(self):
        self.client.force_login(self.agent_user)
        self.assertEqual(self.client.post(f"/calls/{self.other_call.pk}/self-evaluate/").status_code, 404)
        self.client.force_login(self.qa)
        self.assertEqual(self.client.post(f"/calls/{self.call.pk}/self-evaluate/").status_code, 403)
        self.assertFalse(Evaluation.objects.exists())

    def test_the_call_page_offers_the_right_start(self):
        self.client.force_login(self.qa)
        self.assertContains(self.client.get(f"/calls/{self.call.pk}/"), f"/calls/{self.call.pk}/evaluate/")
        self.client.force_login(self.agent_user)
        page = self.client.get(f"/calls/{self.call.pk}/")
        self.assertContains(page, f"/calls/{self.call.pk}/self-evaluate/")
        self.assertNotContains(page, f"/calls/{self.call.pk}/evaluate/")


# --- the scoring screen -----------------------------------------------------------------------


class ScoringScreenTests(ScoringPagesBase):
    def test_the_evaluator_gets_every_criterion_as_a_labelled_control_group(self):
        evaluation = services.evaluation_start(call=self.call, by=self.qa, version=self.version)
        services.evaluation_save_draft(
            evaluation=evaluation, by=self.qa, answers=answers_for(self.criteria, {"empathy": 3})
        )
        self.client.force_login(self.qa)
        response = self.client.get(f"/evaluations/{evaluation.pk}/score/")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        for c in self.criteria.values():
            self.assertIn('<fieldset class="criterion', html)
            self.assertIn(f'<label for="c-{c.pk}-comment">', html)
            self.assertIn(f'id="c-{c.pk}-time"', html)
        greeting, empathy, clarity = self.criteria["greeting"], self.criteria["empathy"], self.criteria["clarity"]
        self.assertIn(f'<label for="c-{greeting.pk}-1" class="yn">Yes</label>', html)
        self.assertNotIn(f'id="c-{greeting.pk}-na"', html)  # N/A not allowed on greeting
        self.assertIn(f'id="c-{clarity.pk}-na"', html)
        self.assertIn(f'id="c-{empathy.pk}-3" name="c-{empathy.pk}" value="3" checked', html)
        self.assertIn("tag critical", html)
        structure = json.loads(
            html.split('<script id="scorecard-data" type="application/json">')[1].split("</script>")[0]
        )
        self.assertEqual([s["weight"] for s in structure["sections"]], [30, 30, 40])
        self.assertTrue(structure["criticalZeroes"])
        self.assertEqual(structure["urls"]["answers"], f"/api/v1/evaluations/{evaluation.pk}/answers/")

    def test_the_call_facts_and_player_are_shown(self):
        from django.core.files.base import ContentFile

        from tests.audio import wav_bytes

        self.call.recording.save("r.wav", ContentFile(wav_bytes(0.2)), save=True)
        evaluation = services.evaluation_start(call=self.call, by=self.qa, version=self.version)
        self.client.force_login(self.qa)
        response = self.client.get(f"/evaluations/{evaluation.pk}/score/")
        self.assertContains(response, f'src="/calls/{self.call.pk}/recording"')
        self.assertContains(response, "Team A")
        self.assertContains(response, "billing question")

    def test_an_agent_scores_own_self_evaluation_without_the_delivery_choice(self):
        own = services.evaluation_start(call=self.call, by=self.agent_user, kind=Kind.SELF, version=self.version)
        self.client.force_login(self.agent_user)
        response = self.client.get(f"/evaluations/{own.pk}/score/")
        self.assertContains(response, "Self-evaluation")
        self.assertNotContains(response, 'id="deliver-feedback"')

    def test_only_the_evaluator_scores(self):
        evaluation = services.evaluation_start(call=self.call, by=self.qa, version=self.version)
        self.client.force_login(self.qa2)  # sees it (center-wide) but did not start it
        self.assertEqual(self.client.get(f"/evaluations/{evaluation.pk}/score/").status_code, 403)
        for user in (self.agent_user, self.other_agent_user, self.other_supervisor, self.hr):
            self.client.force_login(user)
            self.assertEqual(self.client.get(f"/evaluations/{evaluation.pk}/score/").status_code, 404, user)

    def test_an_agent_opening_the_scoring_page_of_a_delivered_evaluation_is_refused(self):
        evaluation = self.submitted()
        self.client.force_login(self.agent_user)
        self.assertEqual(self.client.get(f"/evaluations/{evaluation.pk}/score/").status_code, 403)

    def test_a_submitted_evaluation_redirects_to_its_page(self):
        evaluation = self.submitted()
        self.client.force_login(self.qa)
        self.assertRedirects(self.client.get(f"/evaluations/{evaluation.pk}/score/"), f"/evaluations/{evaluation.pk}/")
