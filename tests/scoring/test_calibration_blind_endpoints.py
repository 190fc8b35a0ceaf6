"""Blind calibration on every surface that can show an evaluation (issue 9): before the reveal,
a participant's pages and API requests return no other participant's answers, and a participant
still to submit sees no other score of the call at all — its regular evaluation included."""

from __future__ import annotations

from scoring import services
from tests.scoring.calibration_helpers import make_session, score_item, session_calls
from tests.scoring.factories import FULL_MARKS, ScoringPersonas, answer_inputs, make_evaluation

ORIGINAL = "ORIGINAL-COMMENT-7311"
QA2_SECRET = "QA2-SECRET-4412"
TRAINER_DRAFT = "TRAINER-DRAFT-9023"


class BlindEndpointTests(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.call_ = session_calls(cls, n=1)[0]
        cls.regular = make_evaluation(call=cls.call_, by=cls.qa, submit=False)
        services.evaluation_save_draft(evaluation=cls.regular, by=cls.qa, answers=[], summary=ORIGINAL)
        services.evaluation_submit(evaluation=cls.regular, by=cls.qa)
        cls.session = make_session(by=cls.manager, calls=[cls.call_], participants=[cls.qa2, cls.trainer])
        cls.item = cls.session.items.get()
        cls.submitted = score_item(cls.item, cls.qa2, {**FULL_MARKS, "greeting": 0})
        cls.submitted.summary = QA2_SECRET
        cls.submitted.save(update_fields=["summary"])
        cls.draft = services.calibration_start_scoring(item=cls.item, by=cls.trainer)
        services.evaluation_save_draft(
            evaluation=cls.draft, by=cls.trainer, answers=answer_inputs(cls.version, FULL_MARKS), summary=TRAINER_DRAFT
        )

    def pages(self, others):
        """Every page and API answer that can list or show an evaluation of the call."""
        urls = [
            "/evaluations/",
            f"/evaluations/?call={self.call_.pk}",
            "/api/v1/evaluations/",
            f"/api/v1/evaluations/?call={self.call_.pk}",
            f"/calls/{self.call_.pk}/",
            f"/agents/{self.agent.pk}/",
            "/disputes/",
            "/dashboard/",
            "/reliability/",
            f"/calibration/{self.session.pk}/",
            f"/api/v1/calibration-sessions/{self.session.pk}/",
            "/calibration/",
            "/api/v1/calibration-sessions/",
        ]
        for ev in others:
            urls += [
                f"/evaluations/{ev.pk}/",
                f"/evaluations/{ev.pk}/score/",
                f"/api/v1/evaluations/{ev.pk}/",
                f"/api/v1/evaluations/{ev.pk}/history/",
            ]
        return urls

    def assert_blind(self, user, *, hidden: list[str], others):
        self.client.force_login(user)
        for url in self.pages(others):
            response = self.client.get(url)
            self.assertIn(response.status_code, (200, 403, 404), url)
            body = response.content.decode()
            for secret in hidden:
                self.assertNotIn(secret, body, f"{secret} leaks to {user} on {url}")
            if url.startswith("/evaluations/") and url.rstrip("/").split("/")[-1].isdigit():
                self.assertEqual(response.status_code, 404, url)

    def test_a_participant_still_to_submit_sees_no_score_of_the_call(self):
        self.assert_blind(self.trainer, hidden=[ORIGINAL, QA2_SECRET], others=[self.regular, self.submitted])

    def test_a_participant_who_submitted_sees_no_other_participant_before_the_reveal(self):
        self.assert_blind(self.qa2, hidden=[TRAINER_DRAFT], others=[self.draft])

    def test_the_facilitator_sees_progress_but_no_answers_before_the_reveal(self):
        self.assert_blind(self.manager, hidden=[QA2_SECRET, TRAINER_DRAFT], others=[self.submitted, self.draft])

    def test_after_the_reveal_the_participants_see_the_submitted_answers(self):
        self.client.force_login(self.trainer)
        services.evaluation_submit(evaluation=self.draft, by=self.trainer)
        services.calibration_reveal(session=self.session, by=self.manager)
        response = self.client.get(f"/evaluations/{self.submitted.pk}/")
        self.assertContains(response, QA2_SECRET)
        response = self.client.get(f"/api/v1/evaluations/{self.submitted.pk}/")
        self.assertEqual(response.json()["total"], "85.0")
