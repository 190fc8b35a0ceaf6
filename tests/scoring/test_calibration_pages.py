"""Calibration session pages (issue 9): the list, creating a session by hand, the session page
before and after the reveal (blind, then side by side with the spread and the consensus form),
the facilitator's steps, and who is refused."""

from __future__ import annotations

import json
import math
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from qa_platform.menu import items_for
from scoring import services
from scoring.models import CalibrationPolicy, CalibrationSession, Evaluation, SessionStatus
from scoring.selectors_calibration_sessions import consensus_prefill
from tests import factories as f
from tests.scoring.calibration_helpers import make_session, score_item, session_calls
from tests.scoring.factories import FULL_MARKS, ScoringPersonas, answer_inputs

SECRET = "QA2 heard no greeting at all"  # qa2's comment: nobody else may read it before the reveal
STRICT = {**FULL_MARKS, "greeting": 0, "empathy": 2}  # 30·(5/10) + 30·(15/20) + 40 = 77.5
STRICT_TOTAL = "77.5"


def page(response) -> str:
    return response.content.decode()


class CalibrationPagesBase(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.calls = session_calls(cls, n=2)
        cls.people = [cls.qa2, cls.supervisor, cls.trainer]

    def session(self, **kw) -> CalibrationSession:
        return make_session(by=self.qa, calls=self.calls, participants=self.people, **kw)

    def scored_blind(self) -> CalibrationSession:
        """qa2 strict (with a comment), the trainer lenient; the supervisor has not begun."""
        session = self.session()
        for item in session.items.all():
            evaluation = services.calibration_start_scoring(item=item, by=self.qa2)
            answers = [
                a if a.criterion_id != self.cid("greeting") else services.AnswerInput(a.criterion_id, 0, comment=SECRET)
                for a in answer_inputs(item.version, STRICT)
            ]
            services.evaluation_save_draft(evaluation=evaluation, by=self.qa2, answers=answers)
            services.evaluation_submit(evaluation=evaluation, by=self.qa2)
            score_item(item, self.trainer)
        return session

    def get(self, user, url):
        self.client.force_login(user)
        return self.client.get(url)

    def post(self, user, url, data=None):
        self.client.force_login(user)
        return self.client.post(url, data or {})


class ListTests(CalibrationPagesBase):
    def test_qa_sees_every_session_with_its_progress_and_may_create(self):
        session = self.scored_blind()
        response = self.get(self.qa, "/calibration/")
        self.assertContains(response, session.title)
        self.assertContains(response, "4 of 6 scores submitted")  # 2 calls × 3 participants, 2 × 2 submitted
        self.assertContains(response, 'href="/calibration/new/"')

    def test_a_participant_sees_their_session_with_a_call_to_score(self):
        session = self.scored_blind()
        response = self.get(self.supervisor, "/calibration/")
        self.assertContains(response, session.title)
        self.assertContains(response, "you: 0 of 2")
        self.assertContains(response, ">Score</a>")
        self.assertNotContains(response, 'href="/calibration/new/"')

    def test_a_supervisor_who_does_not_take_part_sees_no_session(self):
        session = self.session()
        response = self.get(self.other_supervisor, "/calibration/")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, session.title)

    def test_hr_and_agents_are_refused(self):
        for user in (self.hr, self.agent_user):
            self.assertEqual(self.get(user, "/calibration/").status_code, 403, user.username)

    def test_it_filters_by_status_and_refuses_an_unknown_one(self):
        scoring = self.session(title="Open one")
        cancelled = self.session(title="Called off")
        services.calibration_cancel(session=cancelled, by=self.qa)
        response = self.get(self.qa, "/calibration/?status=cancelled")
        self.assertContains(response, "Called off")
        self.assertNotContains(response, scoring.title)
        response = self.get(self.qa, "/calibration/?status=banana")
        self.assertContains(response, "“banana” is not a session status.", status_code=400)

    def test_the_menu_offers_calibration_to_runners_readers_and_participants_of_an_open_session(self):
        session = self.session()

        def menu(user):
            return [i.url_name for i in items_for(user)]

        for user in (self.qa, self.manager, self.trainer, self.supervisor):
            self.assertIn("calibration-list", menu(user), user.username)
        for user in (self.other_supervisor, self.hr, self.agent_user):
            self.assertNotIn("calibration-list", menu(user), user.username)
        services.calibration_cancel(session=session, by=self.qa)
        self.assertNotIn("calibration-list", menu(self.supervisor))  # no session under way any more

    def test_the_list_costs_the_same_for_2_and_5_sessions(self):
        def count() -> int:
            self.client.force_login(self.qa)
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get("/calibration/").status_code, 200)
            return len(ctx.captured_queries)

        for n in range(2):
            score_item(self.session(title=f"S{n}").items.first(), self.trainer)
        two = count()
        for n in range(3):
            score_item(self.session(title=f"T{n}").items.first(), self.trainer)
        self.assertEqual(count(), two)


class BlindnessTests(CalibrationPagesBase):
    def test_before_the_reveal_nobody_reads_another_participants_answers_or_totals(self):
        session = self.scored_blind()
        for user in (self.trainer, self.supervisor, self.qa, self.manager):
            html = page(self.get(user, f"/calibration/{session.pk}/"))
            self.assertNotIn(SECRET, html, user.username)
            self.assertNotIn(STRICT_TOTAL, html, user.username)
            self.assertNotIn("100.0", html, user.username)
            self.assertNotIn('id="report"', html, user.username)
        # …but everyone sees who has submitted.
        html = page(self.get(self.supervisor, f"/calibration/{session.pk}/"))
        row = re.search(r'<tr data-participant="qa2">.*?</tr>', html, re.S).group(0)
        self.assertEqual(row.count(">Submitted<"), 2)
        row = re.search(r'<tr data-participant="supervisor">.*?</tr>', html, re.S).group(0)
        self.assertEqual(row.count(">Not started<"), 2)
        self.assertIn("4 of 6 scores submitted", html)

    def test_after_the_reveal_the_answers_are_side_by_side_with_their_spread(self):
        session = self.scored_blind()
        services.calibration_reveal(session=session, by=self.qa)
        html = page(self.get(self.supervisor, f"/calibration/{session.pk}/"))
        self.assertIn(SECRET, html)
        self.assertIn(STRICT_TOTAL, html)
        self.assertIn("100.0", html)
        item = session.items.order_by("position").first()
        section = html.split(f'id="item-{item.pk}"')[1].split("</section>")[0]
        # Empathy: qa2 2 of 4, the trainer 4 of 4, on 10 points → 5.0 and 10.0; SD of (5, 10) = 3.54.
        empathy = re.search(rf'<tr data-criterion="{self.cid("empathy")}".*?</tr>', section, re.S).group(0)
        self.assertIn("2 of 4", empathy)
        self.assertIn("4 of 4", empathy)
        sd = math.sqrt(((5 - 7.5) ** 2 + (10 - 7.5) ** 2) / 1)
        self.assertIn(f"5.0–10.0 · SD {sd:.2f}", empathy)
        # Totals: 77.5 and 100.0; mean 88.8 with n = 2.
        totals = section.split('<tr class="totals">')[1]
        self.assertIn("77.5–100.0", totals)
        self.assertIn("n = 2", totals)
        # The report partial is in its slot.
        self.assertIn('id="report-participants"', html)


class ScoringFromTheSessionTests(CalibrationPagesBase):
    def test_score_this_call_opens_the_normal_scoring_page_with_a_banner_and_comes_back(self):
        session = self.session()
        item = session.items.order_by("position").first()
        response = self.post(self.supervisor, f"/calibration/items/{item.pk}/score/")
        evaluation = Evaluation.objects.get(calibration_item=item, evaluator=self.supervisor)
        self.assertRedirects(response, f"/evaluations/{evaluation.pk}/score/")
        html = page(self.client.get(f"/evaluations/{evaluation.pk}/score/"))
        self.assertIn("score blind; answers are revealed together", html)
        self.assertIn(session.title, html)
        data = json.loads(
            re.search(r'<script id="scorecard-data" type="application/json">(.*?)</script>', html, re.S).group(1)
        )
        self.assertEqual(data["urls"]["detail"], f"/calibration/{session.pk}/")  # after submit: the session
        self.assertNotIn("deliver-feedback", html)
        # A second click resumes the same evaluation.
        response = self.post(self.supervisor, f"/calibration/items/{item.pk}/score/")
        self.assertRedirects(response, f"/evaluations/{evaluation.pk}/score/")
        html = page(self.get(self.supervisor, f"/calibration/{session.pk}/"))
        self.assertIn("Continue scoring", html)

    def test_a_regular_scoring_page_has_no_banner(self):
        evaluation = services.evaluation_start(call=self.call, by=self.qa)
        html = page(self.get(self.qa, f"/evaluations/{evaluation.pk}/score/"))
        self.assertNotIn("calibration-banner", html)

    def test_someone_not_taking_part_is_refused_with_the_reason(self):
        session = self.session()
        item = session.items.first()
        response = self.post(self.manager, f"/calibration/items/{item.pk}/score/")
        self.assertContains(response, "Only the session&#x27;s participants score its calls.", status_code=403)
        self.assertFalse(Evaluation.objects.filter(calibration_item=item).exists())

    def test_a_session_one_may_not_see_is_a_404(self):
        session = self.session()
        item = session.items.first()
        self.assertEqual(self.get(self.other_supervisor, f"/calibration/{session.pk}/").status_code, 404)
        self.assertEqual(self.post(self.other_supervisor, f"/calibration/items/{item.pk}/score/").status_code, 404)
        self.assertEqual(self.post(self.other_supervisor, f"/calibration/{session.pk}/reveal/").status_code, 404)
        self.assertEqual(self.get(self.hr, f"/calibration/{session.pk}/").status_code, 403)
        self.assertEqual(self.get(self.agent_user, f"/calibration/{session.pk}/").status_code, 403)


class FacilitatorTests(CalibrationPagesBase):
    def test_only_the_facilitator_reveals(self):
        session = self.scored_blind()
        response = self.post(self.qa2, f"/calibration/{session.pk}/reveal/")
        self.assertContains(
            response, "Only the session&#x27;s facilitator or a manager runs this session.", status_code=403
        )
        session.refresh_from_db()
        self.assertEqual(session.status, SessionStatus.SCORING)
        html = page(self.get(self.qa2, f"/calibration/{session.pk}/"))
        self.assertNotIn(f'action="/calibration/{session.pk}/reveal/"', html)  # no button for them either

    def test_reveal_before_two_submissions_is_refused_with_the_reason(self):
        session = self.session()
        response = self.post(self.qa, f"/calibration/{session.pk}/reveal/")
        self.assertContains(response, "Wait until at least two participants have submitted.", status_code=409)

    def test_open_reveal_consensus_close_through_the_page(self):
        session = self.session(open_scoring=False)
        response = self.post(self.qa, f"/calibration/{session.pk}/open/")
        self.assertRedirects(response, f"/calibration/{session.pk}/")
        session.refresh_from_db()
        for item in session.items.all():
            score_item(item, self.qa2, STRICT)
            score_item(item, self.trainer)
            score_item(item, self.supervisor)
        self.assertRedirects(self.post(self.qa, f"/calibration/{session.pk}/reveal/"), f"/calibration/{session.pk}/")
        html = page(self.get(self.qa, f"/calibration/{session.pk}/"))
        item = session.items.order_by("position").first()
        # The form proposes the answers most gave (greeting: yes, yes, no → yes) and the median
        # (empathy: 2, 4, 4 → 4).
        section = html.split(f'id="item-{item.pk}"')[1].split("</section>")[0]
        self.assertRegex(
            section,
            rf'(?s)<select id="i{item.pk}-c{self.cid("greeting")}"[^>]*>.*?<option value="1" selected>',
        )
        self.assertRegex(
            section, rf'(?s)<select id="i{item.pk}-c{self.cid("empathy")}"[^>]*>.*?<option value="4" selected>'
        )
        # Closing before every call has its consensus says which are missing.
        response = self.post(self.qa, f"/calibration/{session.pk}/close/")
        self.assertContains(response, "Record the consensus for every call first", status_code=409)
        for item in session.items.all():
            data = {f"c-{c.pk}": str(v) for c, v in ((self.criteria[k], v) for k, v in FULL_MARKS.items())}
            data[f"c-{self.cid('greeting')}-comment"] = "A greeting by name counts."
            data["notes"] = "We agreed the greeting was there."
            response = self.post(self.qa, f"/calibration/items/{item.pk}/consensus/", data)
            self.assertRedirects(response, f"/calibration/{session.pk}/#item-{item.pk}", fetch_redirect_response=False)
        item.refresh_from_db()
        self.assertEqual(str(item.consensus_total), "100.0")
        self.assertEqual(
            item.consensus_answers.get(criterion=self.criteria["greeting"]).note, "A greeting by name counts."
        )
        self.assertRedirects(self.post(self.qa, f"/calibration/{session.pk}/close/"), f"/calibration/{session.pk}/")
        html = page(self.get(self.qa, f"/calibration/{session.pk}/"))
        self.assertNotIn("consensus-form", html)  # read-only once closed
        self.assertNotIn('id="session-actions"', html)
        self.assertIn("A greeting by name counts.", html)
        self.assertIn('id="report-participants"', html)

    def test_a_consensus_missing_an_answer_is_refused_under_the_criterion(self):
        session = self.scored_blind()
        services.calibration_reveal(session=session, by=self.qa)
        item = session.items.first()
        data = {f"c-{self.cid(k)}": str(v) for k, v in FULL_MARKS.items() if k != "resolved"}
        data["notes"] = "Half done"
        response = self.post(self.qa, f"/calibration/items/{item.pk}/consensus/", data)
        self.assertContains(response, "&#x27;Resolved&#x27; is not answered.", status_code=400)
        self.assertContains(response, "Half done", status_code=400)  # the form comes back as posted
        item.refresh_from_db()
        self.assertFalse(item.has_consensus)

    def test_a_participant_may_not_record_the_consensus(self):
        session = self.scored_blind()
        services.calibration_reveal(session=session, by=self.qa)
        item = session.items.first()
        data = {f"c-{self.cid(k)}": str(v) for k, v in FULL_MARKS.items()}
        response = self.post(self.trainer, f"/calibration/items/{item.pk}/consensus/", data)
        self.assertEqual(response.status_code, 403)
        self.assertNotIn("consensus-form", page(self.get(self.trainer, f"/calibration/{session.pk}/")))

    def test_cancel_before_the_reveal(self):
        session = self.session()
        score_item(session.items.first(), self.trainer, submit=False)
        self.assertRedirects(self.post(self.qa, f"/calibration/{session.pk}/cancel/"), f"/calibration/{session.pk}/")
        session.refresh_from_db()
        self.assertEqual(session.status, SessionStatus.CANCELLED)
        self.assertFalse(Evaluation.objects.filter(calibration_item__session=session).exists())

    def test_the_session_page_costs_the_same_for_2_and_5_calls(self):
        def revealed_with(n: int) -> CalibrationSession:
            calls = session_calls(self, n=n)
            session = make_session(by=self.qa, calls=calls, participants=self.people, title=f"{n} calls")
            for item in session.items.all():
                score_item(item, self.qa2, STRICT)
                score_item(item, self.trainer)
            services.calibration_reveal(session=session, by=self.qa)
            return session

        def count(session, user) -> int:
            self.client.force_login(user)
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get(f"/calibration/{session.pk}/").status_code, 200)
            return len(ctx.captured_queries)

        two, five = revealed_with(2), revealed_with(5)
        self.assertEqual(count(two, self.qa), count(five, self.qa))
        self.assertEqual(count(two, self.supervisor), count(five, self.supervisor))


class CreateAndEditTests(CalibrationPagesBase):
    def form_data(self, **over) -> dict:
        data = {
            "title": "Billing, week 47",
            "line_of_business": str(self.lob.pk),
            "week_start": "2026-11-18",
            "tolerance": "4.0",
            "calls": f"{self.calls[0].external_id}\n{self.calls[1].source}:{self.calls[1].external_id}",
            "participants": [str(self.qa2.pk), str(self.supervisor.pk), str(self.trainer.pk)],
            "notes": "",
        }
        data.update(over)
        return data

    def test_the_form_starts_from_the_policy_tolerance(self):
        CalibrationPolicy.objects.update_or_create(pk=1, defaults={"tolerance": "3.5"})
        response = self.get(self.qa, "/calibration/new/")
        self.assertContains(response, 'value="3.5"')
        self.assertContains(response, "qa2")
        self.assertNotContains(response, f'value="{self.hr.pk}"')  # HR does not score calls

    def test_qa_creates_a_session_by_call_keys(self):
        response = self.post(self.qa, "/calibration/new/", self.form_data())
        session = CalibrationSession.objects.get(title="Billing, week 47")
        self.assertRedirects(response, f"/calibration/{session.pk}/")
        self.assertEqual(
            list(session.items.order_by("position").values_list("call_id", flat=True)), [c.pk for c in self.calls]
        )
        self.assertEqual(
            set(session.participants.values_list("user__username", flat=True)), {"qa2", "supervisor", "trainer"}
        )
        self.assertEqual(
            (str(session.week_start), str(session.tolerance), session.facilitator), ("2026-11-16", "4.0", self.qa)
        )
        self.assertEqual(session.status, SessionStatus.PROPOSED)

    def test_each_unknown_call_key_is_named(self):
        response = self.post(self.qa, "/calibration/new/", self.form_data(calls="NOPE-1, NOPE-2"))
        self.assertContains(response, "“NOPE-1”: there is no call with this key that you may see.", status_code=400)
        self.assertContains(response, "“NOPE-2”: there is no call with this key that you may see.", status_code=400)
        self.assertFalse(CalibrationSession.objects.exists())

    def test_a_key_two_sources_share_must_name_its_source(self):
        f.CallFactory(agent=self.agent, line_of_business=self.lob, source="crm", external_id=self.calls[0].external_id)
        response = self.post(self.qa, "/calibration/new/", self.form_data(calls=self.calls[0].external_id))
        sources = ", ".join(sorted(["crm", self.calls[0].source]))
        self.assertContains(response, f"is the key of calls from several sources ({sources})", status_code=400)

    def test_the_services_refusal_lands_under_its_field(self):
        data = self.form_data(participants=[str(self.qa2.pk), str(self.agent_user.pk)])
        response = self.post(self.qa, "/calibration/new/", data)
        self.assertEqual(response.status_code, 400)  # the agent does not score calls: not even a choice
        self.assertIn("participants", response.context["form"].errors)
        response = self.post(self.qa, "/calibration/new/", self.form_data(participants=[str(self.qa2.pk)]))
        self.assertContains(response, "Invite 2 to 12 people.", status_code=400)

    def test_a_supervisor_may_not_create_a_session(self):
        self.assertEqual(self.get(self.supervisor, "/calibration/new/").status_code, 403)
        self.assertEqual(self.post(self.supervisor, "/calibration/new/", self.form_data()).status_code, 403)
        self.assertFalse(CalibrationSession.objects.exists())

    def test_the_facilitator_changes_calls_and_participants(self):
        session = self.session(open_scoring=False)
        extra = f.CallFactory(agent=self.agent, line_of_business=self.lob)
        data = {
            "add_calls": extra.external_id,
            "remove_calls": [str(self.calls[0].pk)],
            "invite": [str(self.manager.pk)],
            "uninvite": [str(self.supervisor.pk)],
        }
        self.assertRedirects(
            self.post(self.qa, f"/calibration/{session.pk}/edit/", data), f"/calibration/{session.pk}/"
        )
        self.assertEqual(set(session.items.values_list("call_id", flat=True)), {self.calls[1].pk, extra.pk})
        self.assertEqual(
            set(session.participants.values_list("user__username", flat=True)), {"qa2", "trainer", "manager"}
        )
        # Once scoring is open the calls are fixed: the form no longer offers them.
        services.calibration_session_open(session=session, by=self.qa)
        html = page(self.get(self.qa, f"/calibration/{session.pk}/edit/"))
        self.assertNotIn('name="add_calls"', html)
        self.assertEqual(self.get(self.qa2, f"/calibration/{session.pk}/edit/").status_code, 403)

    def test_someone_who_began_scoring_stays(self):
        session = self.session()
        score_item(session.items.first(), self.supervisor, submit=False)
        response = self.post(self.qa, f"/calibration/{session.pk}/edit/", {"uninvite": [str(self.supervisor.pk)]})
        self.assertContains(response, "Someone who has begun scoring stays in the session.", status_code=409)
        self.assertTrue(session.participants.filter(user=self.supervisor).exists())


class PrefillTests(CalibrationPagesBase):
    def test_the_proposed_consensus_is_the_median_or_the_answer_most_gave(self):
        empathy, greeting = self.criteria["empathy"], self.criteria["greeting"]
        self.assertEqual(consensus_prefill(empathy, ["2", "3", "4"]), "3")
        self.assertEqual(consensus_prefill(empathy, ["1", "4"]), "1")  # the lower middle answer
        self.assertEqual(consensus_prefill(empathy, ["na", "na", "3"]), "na")
        self.assertEqual(consensus_prefill(empathy, ["na", "2", "3"]), "2")
        self.assertEqual(consensus_prefill(greeting, ["1", "1", "0"]), "1")
        self.assertEqual(consensus_prefill(greeting, ["1", "0"]), "")  # a tie is the session's to decide
        self.assertEqual(consensus_prefill(greeting, ["", ""]), "")
