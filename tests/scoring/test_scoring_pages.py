"""The scoring pages: work queue, starting, the scoring screen, the evaluation page, the
lifecycle forms, lists and disputes — their permissions, their content and their query counts."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from monitoring.models import Assignment, AssignmentStatus
from scoring import services
from scoring.models import Criterion, Evaluation, Kind, Scorecard, ScorecardVersion, Section, Status
from tests import factories as f
from tests.personas import Personas

# The worked example of DESIGN.md §2: (title, weight, [(key, text, kind, k, points, allow_na, critical)])
WORKED_EXAMPLE = [
    (
        "Etiquette",
        30,
        [
            ("greeting", "Greeting", "yes_no", 1, 5, False, False),
            ("closing", "Closing", "yes_no", 1, 5, False, False),
        ],
    ),
    (
        "Communication",
        30,
        [
            ("empathy", "Empathy", "scale", 4, 10, True, False),
            ("clarity", "Clarity", "scale", 4, 10, True, False),
        ],
    ),
    (
        "Resolution",
        40,
        [
            ("correct_info", "Correct information", "yes_no", 1, 10, False, True),
            ("resolved", "Resolved", "yes_no", 1, 10, False, False),
        ],
    ),
]
WORKED_ANSWERS = {"greeting": 1, "closing": 0, "empathy": 3, "clarity": "na", "correct_info": 1, "resolved": 1}


def build_scorecard(sections=WORKED_EXAMPLE, *, name="Service standard", lob=None) -> tuple[ScorecardVersion, dict]:
    """A published scorecard version; returns it and {key: criterion}."""
    scorecard = Scorecard.objects.create(name=name)
    if lob is not None:
        scorecard.lines_of_business.add(lob)
    version = ScorecardVersion.objects.create(scorecard=scorecard, number=1)
    criteria = {}
    for position, (title, weight, items) in enumerate(sections):
        section = Section.objects.create(version=version, title=title, weight=weight, position=position)
        for cpos, (key, text, kind, k, points, allow_na, critical) in enumerate(items):
            criteria[key] = Criterion.objects.create(
                section=section,
                text=text,
                guidance=f"Guidance for {text.lower()}.",
                kind=kind,
                scale_max=k,
                points=points,
                allow_na=allow_na,
                critical=critical,
                position=cpos,
            )
    version.status = "published"
    version.published_at = timezone.now()
    version.save()
    return version, criteria


def sized_scorecard(n: int, name: str) -> tuple[ScorecardVersion, dict]:
    """n criteria over three sections (weights 30/30/40)."""
    sections = []
    for s, weight in enumerate((30, 30, 40)):
        items = [
            (f"c{i}", f"Criterion {i}", "scale" if i % 2 else "yes_no", 4 if i % 2 else 1, 5, True, i == 0)
            for i in range(n)
            if i % 3 == s
        ]
        sections.append((f"Section {s}", weight, items))
    return build_scorecard(sections, name=name)


def answers_for(criteria: dict, values: dict) -> list[services.AnswerInput]:
    return [
        services.AnswerInput(criteria[key].pk, None if v == "na" else v, v == "na", f"note on {key}", None)
        for key, v in values.items()
    ]


class ScoringPagesBase(Personas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.version, cls.criteria = build_scorecard()
        cls.qa2 = f.UserFactory(username="qa2", roles=["qa"])

    def submitted(self, *, by=None, call=None, deliver=True, values=WORKED_ANSWERS) -> Evaluation:
        evaluation = services.evaluation_start(call=call or self.call, by=by or self.qa, version=self.version)
        return services.evaluation_submit(
            evaluation=evaluation,
            by=by or self.qa,
            answers=answers_for(self.criteria, values),
            deliver_feedback=deliver,
        )


# --- the work queue and starting --------------------------------------------------------------


class WorkQueueTests(ScoringPagesBase):
    def assign(self, *, evaluator=None, call=None, due_in=dt.timedelta(days=1)) -> Assignment:
        now = timezone.now()
        return Assignment.objects.create(
            call=call or self.call,
            evaluator=evaluator or self.qa,
            evaluator_role="qa",
            reason="random",
            period_start=(now - dt.timedelta(days=now.weekday())).date(),
            due_at=now + due_in,
        )

    def test_the_queue_lists_open_assignments_with_why_picked_and_overdue(self):
        self.assign()
        self.assign(call=self.other_call, due_in=dt.timedelta(hours=-2))
        self.client.force_login(self.qa)
        response = self.client.get("/queue/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Random within a stratum", count=2)
        self.assertContains(response, "Li Na")
        self.assertContains(response, 'class="overdue"', count=1)
        self.assertContains(response, "4:00")  # talk time

    def test_opening_an_assignment_starts_its_evaluation_and_goes_to_the_scoring_page(self):
        assignment = self.assign()
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
        assignment = self.assign(evaluator=self.qa2)
        self.client.force_login(self.qa)
        self.assertEqual(self.client.post(f"/assignments/{assignment.pk}/open/").status_code, 404)
        self.assertFalse(Evaluation.objects.exists())

    def test_a_cancelled_assignment_is_409_with_the_reason(self):
        assignment = self.assign()
        Assignment.objects.filter(pk=assignment.pk).update(status=AssignmentStatus.CANCELLED)
        self.client.force_login(self.qa)
        response = self.client.post(f"/assignments/{assignment.pk}/open/")
        self.assertContains(response, "This assignment was cancelled.", status_code=409)

    def test_opening_needs_a_post(self):
        assignment = self.assign()
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
            Assignment.objects.create(
                call=f.CallFactory(agent=self.agent, line_of_business=self.lob),
                evaluator=self.qa,
                evaluator_role="qa",
                reason="random",
                period_start=timezone.localdate(),
                due_at=timezone.now(),
            )
        self.assertEqual(before, [self.count(url, user) for url, user in urls])


# --- the lifecycle forms ----------------------------------------------------------------------


class LifecycleFormTests(ScoringPagesBase):
    def test_the_evaluator_records_feedback_as_delivered(self):
        evaluation = self.submitted(deliver=False)
        self.client.force_login(self.qa)
        page = self.client.get(f"/evaluations/{evaluation.pk}/")
        self.assertContains(page, "Record feedback as delivered")
        response = self.client.post(f"/evaluations/{evaluation.pk}/feedback/")
        self.assertRedirects(response, f"/evaluations/{evaluation.pk}/")
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.status, Status.FEEDBACK_DELIVERED)
        self.assertEqual(evaluation.feedback_delivered_by, self.qa)

    def test_a_trainer_may_not_deliver_feedback(self):
        evaluation = self.submitted(deliver=False)
        self.client.force_login(self.trainer)
        response = self.client.post(f"/evaluations/{evaluation.pk}/feedback/")
        self.assertContains(response, "Only the evaluator, the agent", status_code=403)
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.status, Status.SUBMITTED)

    def test_late_feedback_is_flagged(self):
        evaluation = self.submitted(deliver=False)
        Evaluation.objects.filter(pk=evaluation.pk).update(feedback_due_at=timezone.now() - dt.timedelta(hours=1))
        self.client.force_login(self.supervisor)
        response = self.client.get(f"/evaluations/{evaluation.pk}/")
        self.assertContains(response, "LATE")
        self.assertContains(response, "Record feedback as delivered")

    def test_the_agent_acknowledges_once(self):
        evaluation = self.submitted()
        self.client.force_login(self.agent_user)
        self.assertRedirects(
            self.client.post(f"/evaluations/{evaluation.pk}/acknowledge/"), f"/evaluations/{evaluation.pk}/"
        )
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.status, Status.ACKNOWLEDGED)
        again = self.client.post(f"/evaluations/{evaluation.pk}/acknowledge/")
        self.assertContains(again, "Only delivered feedback can be acknowledged", status_code=409)

    def test_only_the_agent_acknowledges(self):
        evaluation = self.submitted()
        self.client.force_login(self.supervisor)
        self.assertContains(
            self.client.post(f"/evaluations/{evaluation.pk}/acknowledge/"), "Only the evaluated agent", status_code=403
        )
        self.client.force_login(self.other_agent_user)
        self.assertEqual(self.client.post(f"/evaluations/{evaluation.pk}/acknowledge/").status_code, 404)

    def test_a_dispute_needs_a_reason_shown_under_the_field(self):
        evaluation = self.submitted()
        self.client.force_login(self.agent_user)
        response = self.client.post(f"/evaluations/{evaluation.pk}/dispute/", {"reason": "no"})
        self.assertContains(response, "at least 10 characters", status_code=400)
        self.assertContains(response, 'id="reason-errors"', status_code=400)
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.status, Status.FEEDBACK_DELIVERED)

    def test_the_agent_disputes_with_a_reason(self):
        evaluation = self.submitted()
        self.client.force_login(self.agent_user)
        response = self.client.post(
            f"/evaluations/{evaluation.pk}/dispute/", {"reason": "I did close the call politely."}
        )
        self.assertRedirects(response, f"/evaluations/{evaluation.pk}/")
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.status, Status.DISPUTED)
        page = self.client.get(f"/evaluations/{evaluation.pk}/")
        self.assertContains(page, "I did close the call politely.")


class ResolveTests(ScoringPagesBase):
    def disputed(self) -> Evaluation:
        evaluation = self.submitted()
        services.evaluation_dispute(evaluation=evaluation, by=self.agent_user, reason="I did close the call politely.")
        return evaluation

    def posted_answers(self, evaluation, **changes) -> dict:
        data = {}
        for key, value in {**WORKED_ANSWERS, **changes}.items():
            pk = self.criteria[key].pk
            data[f"c-{pk}"] = str(value)
            data[f"c-{pk}-comment"] = f"note on {key}"
            data[f"c-{pk}-time"] = ""
        return data

    def test_another_auditor_adjusts_and_history_keeps_both_totals(self):
        evaluation = self.disputed()
        self.client.force_login(self.qa2)
        page = self.client.get(f"/evaluations/{evaluation.pk}/resolve/")
        self.assertEqual(page.status_code, 200)
        closing = self.criteria["closing"]
        self.assertContains(page, f'id="c-{closing.pk}-0" name="c-{closing.pk}" value="0" checked')
        data = self.posted_answers(evaluation, closing=1)
        data.update({"outcome": "adjusted", "reason": "The recording has a proper closing."})
        response = self.client.post(f"/evaluations/{evaluation.pk}/resolve/", data)
        self.assertRedirects(response, f"/evaluations/{evaluation.pk}/")
        evaluation.refresh_from_db()
        self.assertEqual((evaluation.status, evaluation.total), (Status.RESOLVED, Decimal("92.5")))
        detail = self.client.get(f"/evaluations/{evaluation.pk}/").content.decode()
        history = detail.split('id="history"')[1]
        self.assertIn("77.5", history)
        self.assertIn("score changed 77.5 → 92.5", history)
        disputes = detail.split('id="disputes"')[1]
        self.assertIn("77.5 → 92.5", disputes)
        self.assertIn("Closing: No → <strong>Yes</strong>", disputes)

    def test_an_upheld_score_stays(self):
        evaluation = self.disputed()
        self.client.force_login(self.manager)
        data = self.posted_answers(evaluation)
        data.update({"outcome": "upheld", "reason": "The closing was missing."})
        self.assertRedirects(
            self.client.post(f"/evaluations/{evaluation.pk}/resolve/", data), f"/evaluations/{evaluation.pk}/"
        )
        evaluation.refresh_from_db()
        self.assertEqual((evaluation.status, evaluation.total), (Status.RESOLVED, Decimal("77.5")))

    def test_an_adjustment_that_changes_nothing_is_400(self):
        evaluation = self.disputed()
        self.client.force_login(self.qa2)
        data = self.posted_answers(evaluation)
        data.update({"outcome": "adjusted", "reason": "Adjusting."})
        response = self.client.post(f"/evaluations/{evaluation.pk}/resolve/", data)
        self.assertContains(response, "An adjustment changes at least one answer.", status_code=400)

    def test_a_missing_reason_is_400_on_the_field(self):
        evaluation = self.disputed()
        self.client.force_login(self.qa2)
        data = self.posted_answers(evaluation)
        data.update({"outcome": "upheld", "reason": ""})
        response = self.client.post(f"/evaluations/{evaluation.pk}/resolve/", data)
        self.assertContains(response, "This field is required.", status_code=400)

    def test_the_original_evaluator_and_the_agent_cannot_resolve(self):
        evaluation = self.disputed()
        for user in (self.qa, self.agent_user, self.supervisor):
            self.client.force_login(user)
            self.assertEqual(self.client.get(f"/evaluations/{evaluation.pk}/resolve/").status_code, 403, user)
        self.client.force_login(self.other_agent_user)
        self.assertEqual(self.client.get(f"/evaluations/{evaluation.pk}/resolve/").status_code, 404)

    def test_without_an_open_dispute_the_resolve_page_redirects(self):
        evaluation = self.submitted()
        self.client.force_login(self.qa2)
        self.assertRedirects(
            self.client.get(f"/evaluations/{evaluation.pk}/resolve/"), f"/evaluations/{evaluation.pk}/"
        )


# --- lists ------------------------------------------------------------------------------------


class ListTests(ScoringPagesBase):
    def test_my_evaluations_highlights_those_waiting_for_acknowledgement(self):
        waiting = self.submitted()
        self.submitted(call=self.other_call)
        self.client.force_login(self.agent_user)
        response = self.client.get("/evaluations/")
        self.assertContains(response, "My evaluations")
        self.assertContains(response, f"/evaluations/{waiting.pk}/")
        self.assertContains(response, "needs your acknowledgement")
        self.assertContains(response, "1 evaluation needs your acknowledgement.")
        self.assertContains(response, "QA auditor")
        self.assertNotContains(response, "B-1")

    def test_others_filter_by_agent_status_and_kind(self):
        self.submitted()
        self.submitted(call=self.other_call, deliver=False)
        self.client.force_login(self.qa)
        self.assertContains(self.client.get("/evaluations/"), "2 evaluations")
        self.assertContains(self.client.get("/evaluations/", {"agent": "wang"}), "1 evaluation")
        self.assertContains(self.client.get("/evaluations/", {"status": "submitted"}), "Wang Wei")
        self.assertContains(self.client.get("/evaluations/", {"kind": "self"}), "0 evaluations")

    def test_the_list_sorts_by_score(self):
        self.submitted()
        self.submitted(call=self.other_call, values={**WORKED_ANSWERS, "closing": 1})
        self.client.force_login(self.manager)
        high_first = self.client.get("/evaluations/", {"sort": "-score"}).content.decode()
        self.assertLess(high_first.index("92.5"), high_first.index("77.5"))
        low_first = self.client.get("/evaluations/", {"sort": "score"}).content.decode()
        self.assertLess(low_first.index("77.5"), low_first.index("92.5"))

    def test_a_supervisor_lists_own_teams_only(self):
        self.submitted()
        self.submitted(call=self.other_call)
        self.client.force_login(self.supervisor)
        response = self.client.get("/evaluations/")
        self.assertContains(response, "1 evaluation")
        self.assertNotContains(response, "Wang Wei")

    def test_hr_gets_403(self):
        self.client.force_login(self.hr)
        self.assertEqual(self.client.get("/evaluations/").status_code, 403)


class DisputeListTests(ScoringPagesBase):
    def test_open_disputes_link_to_resolve_except_ones_own(self):
        mine = self.submitted()
        services.evaluation_dispute(evaluation=mine, by=self.agent_user, reason="Please listen again to the closing.")
        theirs = self.submitted(by=self.qa2, call=self.other_call)
        services.evaluation_dispute(evaluation=theirs, by=self.other_agent_user, reason="The customer hung up first.")
        self.client.force_login(self.qa)
        response = self.client.get("/disputes/")
        self.assertContains(response, f"/evaluations/{theirs.pk}/resolve/")
        self.assertNotContains(response, f"/evaluations/{mine.pk}/resolve/")
        self.assertContains(response, "You scored this call: someone else resolves it.")
        self.assertContains(response, "The customer hung up first.")

    def test_agents_and_supervisors_have_no_dispute_list(self):
        for user in (self.agent_user, self.supervisor, self.hr):
            self.client.force_login(user)
            self.assertEqual(self.client.get("/disputes/").status_code, 403)
