"""The calibration session API (issue 9): list, detail (blind before the reveal), create, the
facilitator's steps, starting a call's score and scoring it through the evaluations API, the
consensus; who is refused; constant query counts."""

from __future__ import annotations

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring import services
from scoring.models import CalibrationSession, Evaluation, SessionStatus, Status
from tests.scoring.calibration_helpers import make_session, score_item, session_calls
from tests.scoring.factories import FULL_MARKS, ScoringPersonas, answers_payload

SECRET = "Trainer thought the closing was rushed"
STRICT = {**FULL_MARKS, "greeting": 0, "empathy": 2}  # 77.5


class CalibrationApiBase(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.calls = session_calls(cls, n=2)
        cls.people = [cls.qa2, cls.supervisor, cls.trainer]

    def session(self, **kw) -> CalibrationSession:
        return make_session(by=self.qa, calls=self.calls, participants=self.people, **kw)

    def scored(self) -> CalibrationSession:
        """qa2 strict; the trainer full marks with a comment; the supervisor not started."""
        session = self.session()
        for item in session.items.all():
            score_item(item, self.qa2, STRICT)
            evaluation = services.calibration_start_scoring(item=item, by=self.trainer)
            payload = answers_payload(item.version, FULL_MARKS)
            payload[1]["comment"] = SECRET
            services.evaluation_submit(evaluation=evaluation, by=self.trainer, answers=services.parse_answers(payload))
        return session

    @staticmethod
    def session_url(session=None, step: str | None = None) -> str:
        if session is None:
            return "/api/v1/calibration-sessions/"
        pk = getattr(session, "pk", session)
        return f"/api/v1/calibration-sessions/{pk}/{step}/" if step else f"/api/v1/calibration-sessions/{pk}/"

    @staticmethod
    def item_url(item, step: str) -> str:
        return f"/api/v1/calibration-items/{item.pk}/{step}/"


class ListAndDetailTests(CalibrationApiBase):
    def test_qa_lists_every_session_with_its_progress(self):
        session = self.scored()
        body = self.api(self.qa).get(self.session_url()).json()
        self.assertEqual(body["count"], 1)
        row = body["results"][0]
        self.assertEqual(
            (row["id"], row["status"], row["n_items"], row["n_participants"]), (session.pk, "scoring", 2, 3)
        )
        self.assertEqual((row["n_submitted"], row["n_expected"], row["is_participant"]), (4, 6, False))

    def test_a_participant_lists_their_sessions_and_others_see_none(self):
        session = self.scored()
        row = self.api(self.supervisor).get(self.session_url()).json()["results"][0]
        self.assertEqual((row["id"], row["is_participant"], row["my_submitted"]), (session.pk, True, 0))
        self.assertEqual(self.api(self.other_supervisor).get(self.session_url()).json()["count"], 0)
        self.assertEqual(self.api(self.other_supervisor).get(self.session_url(session)).status_code, 404)

    def test_hr_and_agents_are_refused(self):
        session = self.session()
        for user in (self.hr, self.agent_user):
            self.assertEqual(self.api(user).get(self.session_url()).status_code, 403, user.username)
            self.assertEqual(self.api(user).get(self.session_url(session)).status_code, 403, user.username)

    def test_it_filters_by_status_and_names_a_bad_one(self):
        self.session()
        cancelled = services.calibration_cancel(session=self.session(title="Off"), by=self.qa)
        body = self.api(self.qa).get(self.session_url(), {"status": "cancelled"}).json()
        self.assertEqual([r["id"] for r in body["results"]], [cancelled.pk])
        response = self.api(self.qa).get(self.session_url(), {"status": "banana"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("status", response.json())

    def test_before_the_reveal_the_detail_shows_progress_and_no_answer_or_total(self):
        session = self.scored()
        for user in (self.qa2, self.supervisor, self.qa, self.manager):
            response = self.api(user).get(self.session_url(session))
            self.assertEqual(response.status_code, 200)
            text = response.content.decode()
            self.assertNotIn(SECRET, text, user.username)
            self.assertNotIn("77.5", text, user.username)
            self.assertNotIn("100.0", text, user.username)
            body = response.json()
            self.assertFalse(body["revealed"])
            for item in body["items"]:
                self.assertEqual((item["scores"], item["spread"], item["consensus"]), (None, None, None))
                self.assertEqual(
                    {p["participant"]: p["state"] for p in item["progress"]},
                    {"qa2": "submitted", "supervisor": "not_started", "trainer": "submitted"},
                )
        mine = self.api(self.qa2).get(self.session_url(session)).json()["items"][0]["my_evaluation"]
        self.assertEqual(mine["state"], "submitted")  # one's own evaluation id, never its total here
        self.assertIsNone(self.api(self.supervisor).get(self.session_url(session)).json()["items"][0]["my_evaluation"])

    def test_after_the_reveal_every_submitted_score_is_side_by_side(self):
        session = self.scored()
        services.calibration_reveal(session=session, by=self.qa)
        body = self.api(self.supervisor).get(self.session_url(session)).json()
        self.assertTrue(body["revealed"])
        item = body["items"][0]
        by_evaluator = {s["evaluator"]: s for s in item["scores"]}
        self.assertEqual(set(by_evaluator), {"qa2", "trainer"})
        self.assertEqual((by_evaluator["qa2"]["total"], by_evaluator["trainer"]["total"]), ("77.5", "100.0"))
        comments = [a["comment"] for a in by_evaluator["trainer"]["answers"]]
        self.assertIn(SECRET, comments)
        empathy = next(a for a in by_evaluator["qa2"]["answers"] if a["criterion"] == self.cid("empathy"))
        self.assertEqual((empathy["value"], empathy["na"]), (2, False))
        # The totals' spread: 77.5 and 100; SD = |100 − 77.5| / √2.
        spread = item["spread"]
        self.assertEqual((spread["n"], spread["low"], spread["high"]), (2, 77.5, 100.0))
        self.assertAlmostEqual(spread["sd"], 22.5 / 2**0.5)
        greeting = next(c for c in spread["criteria"] if c["criterion"] == self.cid("greeting"))
        self.assertEqual((greeting["low"], greeting["high"], greeting["proposed"]), (0.0, 5.0, ""))  # a tie

    def test_the_list_and_the_detail_cost_the_same_whatever_their_size(self):
        def count(url) -> int:
            client = self.api(self.qa)
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(client.get(url).status_code, 200)
            return len(ctx.captured_queries)

        def revealed_with(n: int) -> CalibrationSession:
            session = make_session(by=self.qa, calls=session_calls(self, n=n), participants=self.people, title=f"{n}")
            for item in session.items.all():
                score_item(item, self.qa2, STRICT)
                score_item(item, self.trainer)
            return services.calibration_reveal(session=session, by=self.qa)

        two = revealed_with(2)
        list_two = count(self.session_url())
        five = revealed_with(5)
        self.assertEqual(count(self.session_url()), list_two)
        self.assertEqual(count(self.session_url(two)), count(self.session_url(five)))


class CreateTests(CalibrationApiBase):
    def body(self, **over) -> dict:
        data = {
            "title": "Week 47",
            "line_of_business": "billing",
            "week_start": "2026-11-18",
            "calls": [c.pk for c in self.calls],
            "participants": ["qa2", "supervisor", "trainer"],
        }
        data.update(over)
        return data

    def test_qa_creates_a_session_that_starts_proposed(self):
        response = self.api(self.qa).post(self.session_url(), self.body(), format="json")
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual((body["status"], body["week_start"], body["facilitator"]), ("proposed", "2026-11-16", "qa"))
        self.assertEqual(body["tolerance"], "5.0")  # the policy's default
        self.assertEqual([i["call"]["id"] for i in body["items"]], [c.pk for c in self.calls])
        self.assertEqual([p["username"] for p in body["participants"]], ["qa2", "supervisor", "trainer"])

    def test_bad_input_is_a_400_naming_the_field(self):
        cases = {
            "title": self.body(title="   "),
            "week_start": self.body(week_start="next week"),
            "calls": self.body(calls=[]),
            "participants": self.body(participants=["qa2"]),
            "tolerance": self.body(tolerance="0.1"),
        }
        for field, body in cases.items():
            response = self.api(self.qa).post(self.session_url(), body, format="json")
            self.assertEqual(response.status_code, 400, field)
            self.assertIn(field, response.json(), field)
        # The service's own rules name their field too: HR does not score calls; the agent took them.
        for people in (["qa2", "hr"], ["qa2", "agent"]):
            response = self.api(self.qa).post(self.session_url(), self.body(participants=people), format="json")
            self.assertEqual(response.status_code, 400, people)
            self.assertIn("participants", response.json())
        self.assertFalse(CalibrationSession.objects.exists())

    def test_an_unknown_call_or_person_is_a_404_naming_it(self):
        response = self.api(self.qa).post(self.session_url(), self.body(calls=[999999]), format="json")
        self.assertEqual(response.status_code, 404)
        self.assertIn("calls.0", response.json())
        response = self.api(self.qa).post(self.session_url(), self.body(participants=["qa2", "ghost"]), format="json")
        self.assertEqual(response.status_code, 404)
        self.assertIn("participants.1", response.json())

    def test_only_qa_and_managers_create(self):
        for user in (self.supervisor, self.trainer):
            response = self.api(user).post(self.session_url(), self.body(), format="json")
            self.assertEqual(response.status_code, 403, user.username)
        self.assertEqual(self.api(self.hr).post(self.session_url(), self.body(), format="json").status_code, 403)


class FlowTests(CalibrationApiBase):
    def test_open_score_reveal_agree_close(self):
        qa = self.api(self.qa)
        session = self.session(open_scoring=False)
        self.assertEqual(qa.post(self.session_url(session, "open")).json()["status"], "scoring")
        items = list(session.items.order_by("position"))
        for user, values in ((self.qa2, STRICT), (self.trainer, FULL_MARKS), (self.supervisor, FULL_MARKS)):
            client = self.api(user)
            for item in items:
                response = client.post(self.item_url(item, "start"))
                self.assertEqual(response.status_code, 201)
                evaluation = response.json()["evaluation"]
                self.assertEqual(response.json()["score_page"], f"/evaluations/{evaluation}/score/")
                again = client.post(self.item_url(item, "start"))
                self.assertEqual((again.status_code, again.json()["evaluation"]), (200, evaluation))
                submitted = client.post(
                    self.url(evaluation, "submit"), {"answers": answers_payload(item.version, values)}, format="json"
                )
                self.assertEqual(submitted.status_code, 200, submitted.content)
        body = qa.post(self.session_url(session, "reveal")).json()
        self.assertEqual(body["status"], "revealed")
        self.assertEqual(len(body["items"][0]["scores"]), 3)
        for item in items:
            response = qa.post(
                self.item_url(item, "consensus"),
                {"answers": answers_payload(item.version, FULL_MARKS, comment="Agreed"), "notes": "All fine."},
                format="json",
            )
            self.assertEqual(response.status_code, 200, response.content)
            self.assertEqual(
                (response.json()["consensus"]["total"], response.json()["consensus"]["notes"]), ("100.0", "All fine.")
            )
        body = qa.post(self.session_url(session, "close")).json()
        self.assertEqual(body["status"], "closed")
        self.assertEqual(
            Evaluation.objects.filter(calibration_item__session=session, status=Status.SUBMITTED).count(), 6
        )

    def test_a_participant_who_is_not_the_facilitator_may_not_reveal(self):
        session = self.scored()
        response = self.api(self.qa2).post(self.session_url(session, "reveal"))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["detail"], "Only the session's facilitator or a manager runs this session.")
        session.refresh_from_db()
        self.assertEqual(session.status, SessionStatus.SCORING)
        self.assertEqual(self.api(self.manager).post(self.session_url(session, "reveal")).status_code, 200)

    def test_reveal_too_early_is_a_409(self):
        session = self.session()
        response = self.api(self.qa).post(self.session_url(session, "reveal"))
        self.assertEqual(response.status_code, 409)
        self.assertIn("two participants", response.json()["detail"])

    def test_only_participants_start_scoring(self):
        session = self.session()
        item = session.items.first()
        self.assertEqual(self.api(self.manager).post(self.item_url(item, "start")).status_code, 403)
        self.assertEqual(self.api(self.other_supervisor).post(self.item_url(item, "start")).status_code, 404)
        self.assertEqual(self.api(self.hr).post(self.item_url(item, "start")).status_code, 403)
        self.assertFalse(Evaluation.objects.filter(calibration_item=item).exists())

    def test_a_participant_still_scoring_sees_no_other_score_through_the_evaluations_api(self):
        session = self.scored()
        item = session.items.first()
        trainer_eval = Evaluation.objects.get(calibration_item=item, evaluator=self.trainer)
        client = self.api(self.supervisor)
        client.post(self.item_url(item, "start"))
        self.assertEqual(client.get(self.url(trainer_eval)).status_code, 404)
        listed = json.dumps(client.get(self.url()).json())
        self.assertNotIn(SECRET, listed)

    def test_the_consensus_names_what_is_wrong(self):
        session = self.scored()
        item = session.items.first()
        qa = self.api(self.qa)
        body = {"answers": answers_payload(item.version, FULL_MARKS)}
        self.assertEqual(
            qa.post(self.item_url(item, "consensus"), body, format="json").status_code, 409
        )  # not revealed
        services.calibration_reveal(session=session, by=self.qa)
        partial = {"answers": answers_payload(item.version, {k: v for k, v in FULL_MARKS.items() if k != "resolved"})}
        response = qa.post(self.item_url(item, "consensus"), partial, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn(f"criterion.{self.cid('resolved')}", response.json())
        response = qa.post(self.item_url(item, "consensus"), {"notes": "no answers"}, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("answers", response.json())
        self.assertEqual(
            self.api(self.trainer).post(self.item_url(item, "consensus"), body, format="json").status_code, 403
        )
        item.refresh_from_db()
        self.assertFalse(item.has_consensus)


class SchemaTests(CalibrationApiBase):
    def test_the_schema_documents_the_calibration_operations(self):
        from drf_spectacular.generators import SchemaGenerator

        paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
        expected = {
            "/api/v1/calibration-sessions/": {"get", "post"},
            "/api/v1/calibration-sessions/{id}/": {"get"},
            "/api/v1/calibration-sessions/{id}/reveal/": {"post"},
            "/api/v1/calibration-items/{id}/start/": {"post"},
            "/api/v1/calibration-items/{id}/consensus/": {"post"},
        }
        for path, methods in expected.items():
            self.assertLessEqual(methods, set(paths[path]), path)
        consensus = paths["/api/v1/calibration-items/{id}/consensus/"]["post"]
        self.assertLessEqual({"200", "400", "403", "404", "409"}, set(consensus["responses"]))
