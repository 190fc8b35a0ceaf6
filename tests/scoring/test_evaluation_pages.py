"""The evaluation page (why this score, who sees it, the self-evaluation beside it, its history)
and what the scoring pages and lists cost in queries."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring import services
from scoring.models import Evaluation, Kind
from tests import factories as f
from tests.scoring.pages import WORKED_ANSWERS, ScoringPagesBase, answers_for, sized_scorecard

# --- the evaluation page ----------------------------------------------------------------------


class EvaluationPageTests(ScoringPagesBase):
    def test_why_this_score_explains_the_worked_example(self):
        evaluation = self.submitted()
        self.client.force_login(self.qa)
        response = self.client.get(f"/evaluations/{evaluation.pk}/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<span class="big" id="evaluation-total">77.5</span>', html=False)
        self.assertContains(response, "5.0 / 10.0")  # etiquette
        self.assertContains(response, "7.5 / 10.0")  # communication, clarity N/A
        self.assertContains(response, "Clarity <span")  # named among the N/A criteria
        self.assertContains(response, "−10 points")
        self.assertContains(response, "100 of 100")
        self.assertContains(response, "No critical item failed.")
        self.assertContains(response, "note on closing")

    def test_a_section_answered_all_na_is_shown_dropped_with_its_weight(self):
        evaluation = self.submitted(values={**WORKED_ANSWERS, "empathy": "na"})
        self.client.force_login(self.qa)
        response = self.client.get(f"/evaluations/{evaluation.pk}/")
        self.assertContains(response, "78.6")
        self.assertContains(response, "dropped: all N/A")
        self.assertContains(response, "70 of 100")

    def test_a_critical_failure_says_it_zeroed_the_total(self):
        evaluation = self.submitted(values={**WORKED_ANSWERS, "correct_info": 0})
        self.client.force_login(self.qa)
        response = self.client.get(f"/evaluations/{evaluation.pk}/")
        self.assertContains(response, "Critical item failed:")
        self.assertContains(response, "the scorecard zeroes the total (it would be 57.5)")

    def test_the_agent_reads_own_delivered_evaluation_with_the_time_buttons(self):
        evaluation = services.evaluation_start(call=self.call, by=self.qa, version=self.version)
        answers = answers_for(self.criteria, WORKED_ANSWERS)
        answers[1] = services.AnswerInput(self.criteria["closing"].pk, 0, False, "no closing", 65.4)
        services.evaluation_submit(evaluation=evaluation, by=self.qa, answers=answers)
        self.client.force_login(self.agent_user)
        response = self.client.get(f"/evaluations/{evaluation.pk}/")
        self.assertContains(response, "no closing")
        self.assertContains(response, "▶ 1:05")
        self.assertContains(response, "needs your acknowledgement")
        self.assertContains(response, f'action="/evaluations/{evaluation.pk}/dispute/"')

    def test_an_agent_does_not_see_an_undelivered_evaluation_nor_another_agents(self):
        undelivered = self.submitted(deliver=False)
        other = self.submitted(call=self.other_call)
        self.client.force_login(self.agent_user)
        self.assertEqual(self.client.get(f"/evaluations/{undelivered.pk}/").status_code, 404)
        self.assertEqual(self.client.get(f"/evaluations/{other.pk}/").status_code, 404)

    def test_supervisors_see_their_teams_only_and_hr_nothing(self):
        evaluation = self.submitted()
        self.client.force_login(self.supervisor)
        self.assertEqual(self.client.get(f"/evaluations/{evaluation.pk}/").status_code, 200)
        self.client.force_login(self.other_supervisor)
        self.assertEqual(self.client.get(f"/evaluations/{evaluation.pk}/").status_code, 404)
        self.client.force_login(self.hr)
        self.assertEqual(self.client.get(f"/evaluations/{evaluation.pk}/").status_code, 403)

    def test_the_self_evaluation_is_shown_beside_the_auditors_score(self):
        evaluation = self.submitted()
        own = services.evaluation_start(call=self.call, by=self.agent_user, kind=Kind.SELF, version=self.version)
        services.evaluation_submit(
            evaluation=own, by=self.agent_user, answers=answers_for(self.criteria, {**WORKED_ANSWERS, "closing": 1})
        )
        self.client.force_login(self.qa)
        response = self.client.get(f"/evaluations/{evaluation.pk}/")
        self.assertContains(response, "Agent's self-evaluation")
        self.assertContains(response, "92.5")
        self.assertContains(response, "Agent's own answer")

    def test_the_history_lists_each_state_and_autosaves_add_no_rows(self):
        evaluation = services.evaluation_start(call=self.call, by=self.qa, version=self.version)
        for _ in range(3):
            services.evaluation_save_draft(
                evaluation=evaluation, by=self.qa, answers=answers_for(self.criteria, {"greeting": 1})
            )
        services.evaluation_submit(
            evaluation=evaluation, by=self.qa, answers=answers_for(self.criteria, WORKED_ANSWERS)
        )
        self.client.force_login(self.manager)
        response = self.client.get(f"/evaluations/{evaluation.pk}/")
        history = response.content.decode().split('id="history"')[1]
        self.assertIn("In progress", history)
        self.assertIn("Feedback delivered", history)
        # created (in progress) and submitted: the three autosaves moved only "saved at"
        self.assertEqual(evaluation.history.count(), 2)


class QueryCountTests(ScoringPagesBase):
    def count(self, url: str, user) -> int:
        self.client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return len(ctx.captured_queries)

    def evaluation_on(self, n_criteria: int, *, submit: bool) -> Evaluation:
        version, criteria = sized_scorecard(n_criteria, name=f"Card {n_criteria}")
        call = f.CallFactory(agent=self.agent, line_of_business=self.lob)
        evaluation = services.evaluation_start(call=call, by=self.qa, version=version)
        values = {key: (1 if c.kind == "yes_no" else 2) for key, c in criteria.items()}
        answers = [services.AnswerInput(criteria[k].pk, v, False, "x", 12.0) for k, v in values.items()]
        if submit:
            services.evaluation_submit(evaluation=evaluation, by=self.qa, answers=answers)
        else:
            services.evaluation_save_draft(evaluation=evaluation, by=self.qa, answers=answers)
        return evaluation

    def test_the_scoring_page_costs_the_same_for_3_and_15_criteria(self):
        small = self.evaluation_on(3, submit=False)
        large = self.evaluation_on(15, submit=False)
        for _ in range(5):
            self.submitted(call=f.CallFactory(agent=self.agent, line_of_business=self.lob))
        self.assertEqual(
            self.count(f"/evaluations/{small.pk}/score/", self.qa),
            self.count(f"/evaluations/{large.pk}/score/", self.qa),
        )

    def test_the_evaluation_page_costs_the_same_for_3_and_15_criteria(self):
        small = self.evaluation_on(3, submit=True)
        large = self.evaluation_on(15, submit=True)
        for user in (self.qa, self.agent_user, self.supervisor):
            first = self.count(f"/evaluations/{small.pk}/", user)
            for _ in range(3):
                self.submitted(call=f.CallFactory(agent=self.agent, line_of_business=self.lob))
            self.assertEqual(first, self.count(f"/evaluations/{large.pk}/", user), user)

    def test_the_lists_cost_the_same_whatever_their_length(self):
        self.submitted()
        urls = [("/evaluations/", self.qa), ("/evaluations/", self.agent_user), ("/queue/", self.qa)]
        before = [self.count(url, user) for url, user in urls]
        for _ in range(6):
            call = f.CallFactory(agent=self.agent, line_of_business=self.lob)
            self.submitted(call=call)
            f.AssignmentFactory(call=f.CallFactory(agent=self.agent, line_of_business=self.lob), evaluator=self.qa)
        self.assertEqual(before, [self.count(url, user) for url, user in urls])
