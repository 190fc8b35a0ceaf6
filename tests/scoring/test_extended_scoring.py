"""Scoring on a scorecard that uses every extension (DESIGN.md §2 "Extensions"), through the API
and the pages: a conditional criterion hidden by its condition needs no answer, a lost point put
down to a process cause leaves the total and lifts the agent score (77.5 / 92.5), a required
comment on a lost point is a 409 naming the criterion, another scorecard's root cause is a 400
on `criterion.<id>.root_cause`, and the evaluation page shows both figures and why.

`EXTENDED` is the worked example with:
    Greeting fails its section; Closing needs a comment when lost;
    "Follow-up offered" (S3) is shown only when Resolved = No;
    a bonus section "Extra mile" (weight 5, one yes/no of 5 points);
    root causes "Skipped the closing script" (the agent's) and "The system dropped the call" (process).
"""

from __future__ import annotations

import copy
from decimal import Decimal
from html import unescape

from scoring import services
from scoring.formula import NA
from scoring.models import Evaluation, RootCause
from tests.scoring.factories import WORKED_EXAMPLE, ScoringPersonas, criteria, make_scorecard_version

AGENT_CAUSE = "Skipped the closing script"
PROCESS_CAUSE = "The system dropped the call"


def extended_structure() -> dict:
    structure = copy.deepcopy(WORKED_EXAMPLE)
    etiquette, _communication, resolution = structure["sections"]
    etiquette["criteria"][0]["section_fail"] = True
    etiquette["criteria"][1]["comment_on_loss"] = True
    # Form order: 0 greeting, 1 closing, 2 empathy, 3 clarity, 4 correct information, 5 resolved.
    resolution["criteria"].append(
        {"text": "Follow-up offered", "kind": "yes_no", "points": 5, "shown_when": {"criterion": 5, "value": 0}}
    )
    structure["sections"].append(
        {
            "title": "Extra mile",
            "weight": 5,
            "bonus": True,
            "criteria": [{"text": "Went the extra mile", "kind": "yes_no", "points": 5}],
        }
    )
    structure["root_causes"] = [
        {"text": AGENT_CAUSE, "agent_controllable": True},
        {"text": PROCESS_CAUSE, "agent_controllable": False},
    ]
    return structure


def make_extended_version(*, lines_of_business=(), name: str = "Extended QA", by=None):
    return make_scorecard_version(structure=extended_structure(), lines_of_business=lines_of_business, name=name, by=by)


# DESIGN.md's 92.5 example: closing = no, put down to the system; follow-up hidden (resolved = yes).
EXAMPLE = {
    "greeting": 1,
    "closing": 0,
    "empathy": 3,
    "clarity": NA,
    "correct_information": 1,
    "resolved": 1,
    "went_the_extra_mile": 0,
}


class ExtendedBase(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.extended = make_extended_version(name="Extended QA")
        cls.ext = criteria(cls.extended)
        cls.process = RootCause.objects.get(version=cls.extended, text=PROCESS_CAUSE)
        cls.agents_own = RootCause.objects.get(version=cls.extended, text=AGENT_CAUSE)

    def start(self) -> Evaluation:
        return services.evaluation_start(call=self.call, by=self.qa, version=self.extended)

    def answers(self, values: dict, **per_key) -> list[dict]:
        """API answers for `values`; `per_key` adds fields to one answer: closing={"comment": …}."""
        return [{"criterion": self.ext[k].pk, "value": v, **per_key.get(k, {})} for k, v in values.items()]

    def submit(self, evaluation, answers, user=None):
        return self.api(user or self.qa).post(self.url(evaluation, "submit"), {"answers": answers}, format="json")

    def process_closing(self) -> dict:
        return {"comment": "The line dropped as she said goodbye.", "root_cause": self.process.pk}


class ApiTests(ExtendedBase):
    def test_a_hidden_criterion_needs_no_answer_and_a_process_cause_lifts_the_agent_score(self):
        evaluation = self.start()
        response = self.submit(evaluation, self.answers(EXAMPLE, closing=self.process_closing()))
        self.assertEqual(response.status_code, 200, response.data)
        evaluation.refresh_from_db()
        self.assertEqual((evaluation.total, evaluation.agent_score), (Decimal("77.5"), Decimal("92.5")))

        data = self.api(self.agent_user).get(self.url(evaluation)).data
        self.assertEqual((data["total"], data["agent_score"]), ("77.5", "92.5"))
        score = data["score"]
        self.assertEqual((score["total"], score["agent_total"]), ("77.5", "92.5"))
        self.assertEqual(score["hidden"], [self.ext["follow-up_offered"].pk])
        self.assertEqual(score["excused"], [self.ext["closing"].pk])
        self.assertEqual((score["bonus_points"], score["bonus_weights"], score["cap"]), ("0.0", 5, 105))
        self.assertEqual(score["agent"]["sections"][0]["excused"], [self.ext["closing"].pk])
        answers = {a["criterion"]: a for a in data["answers"]}
        self.assertEqual(answers[self.ext["closing"].pk]["root_cause"], self.process.pk)
        self.assertEqual(answers[self.ext["greeting"].pk]["root_cause"], None)

    def test_the_agents_own_cause_leaves_both_figures_equal(self):
        evaluation = self.start()
        closing = {"comment": "No closing phrase.", "root_cause": self.agents_own.pk}
        self.assertEqual(self.submit(evaluation, self.answers(EXAMPLE, closing=closing)).status_code, 200)
        evaluation.refresh_from_db()
        self.assertEqual((evaluation.total, evaluation.agent_score), (Decimal("77.5"), Decimal("77.5")))

    def test_a_shown_conditional_criterion_must_be_answered(self):
        evaluation = self.start()
        values = {**EXAMPLE, "resolved": 0}  # shows "Follow-up offered"
        response = self.submit(evaluation, self.answers(values, closing=self.process_closing()))
        self.assertEqual(response.status_code, 409, response.data)
        self.assertIn(f"criterion.{self.ext['follow-up_offered'].pk}", response.data)

    def test_a_lost_point_that_needs_a_comment_is_refused_without_one_naming_the_criterion(self):
        evaluation = self.start()
        response = self.submit(evaluation, self.answers(EXAMPLE, closing={"root_cause": self.process.pk}))
        self.assertEqual(response.status_code, 409, response.data)
        key = f"criterion.{self.ext['closing'].pk}"
        self.assertIn(key, response.data)
        self.assertIn("Closing", " ".join(response.data[key]))
        evaluation.refresh_from_db()
        self.assertTrue(evaluation.is_draft)

    def test_a_root_cause_of_another_scorecard_is_refused(self):
        other = make_extended_version(name="Another extended")
        foreign = RootCause.objects.get(version=other, text=PROCESS_CAUSE)
        evaluation = self.start()
        closing = {"comment": "Dropped.", "root_cause": foreign.pk}
        for response in (
            self.api(self.qa).patch(
                self.url(evaluation, "answers"), {"answers": self.answers(EXAMPLE, closing=closing)}, format="json"
            ),
            self.submit(evaluation, self.answers(EXAMPLE, closing=closing)),
        ):
            self.assertEqual(response.status_code, 400, response.data)
            self.assertIn(f"criterion.{self.ext['closing'].pk}.root_cause", response.data)
        self.assertFalse(evaluation.answers.exists())

    def test_the_autosave_keeps_the_root_cause_and_answers_with_both_figures(self):
        evaluation = self.start()
        response = self.api(self.qa).patch(
            self.url(evaluation, "answers"),
            {"answers": self.answers(EXAMPLE, closing=self.process_closing())},
            format="json",
        )
        self.assertEqual(response.status_code, 200, response.data)
        self.assertEqual((response.data["score"]["total"], response.data["score"]["agent_total"]), ("77.5", "92.5"))
        self.assertEqual(evaluation.answers.get(criterion=self.ext["closing"]).root_cause, self.process)

    def test_a_failed_section_and_the_bonus_are_explained(self):
        evaluation = self.start()
        values = {**EXAMPLE, "greeting": 0, "closing": 1, "went_the_extra_mile": 1}
        self.assertEqual(self.submit(evaluation, self.answers(values)).status_code, 200)
        score = self.api(self.qa).get(self.url(evaluation)).data["score"]
        etiquette = score["sections"][0]
        # S1 fails (0), S2 0.75, S3 1.0 → 62.5, plus the bonus 5.0 → 67.5.
        self.assertEqual((score["total"], score["bonus_points"]), ("67.5", "5.0"))
        self.assertEqual(score["failed_sections"], [etiquette["id"]])
        self.assertEqual((etiquette["failed_by"], etiquette["percent"]), ([self.ext["greeting"].pk], "0.0"))


class PageTests(ExtendedBase):
    def evaluated(self, values=EXAMPLE, **per_key) -> Evaluation:
        evaluation = self.start()
        response = self.submit(evaluation, self.answers(values, **per_key))
        self.assertEqual(response.status_code, 200, response.data)
        return evaluation

    def test_the_scoring_page_hides_the_conditional_criterion_and_offers_root_causes(self):
        evaluation = self.start()
        services.evaluation_save_draft(
            evaluation=evaluation,
            by=self.qa,
            answers=services.parse_answers(self.answers(EXAMPLE, closing=self.process_closing())),
        )
        self.client.force_login(self.qa)
        html = unescape(self.client.get(f"/evaluations/{evaluation.pk}/score/").content.decode())
        follow_up, closing = self.ext["follow-up_offered"].pk, self.ext["closing"].pk
        self.assertRegex(html, rf'id="crit-{follow_up}"[^>]* hidden disabled')
        self.assertIn("Only when 'Resolved' is No", html)
        self.assertIn(f'name="c-{closing}-cause"', html)
        self.assertRegex(
            html, rf'<option value="{self.process.pk}" data-agent="0" selected>{PROCESS_CAUSE} \(process\)'
        )
        self.assertIn("Outside the agent's control (process)", html)
        self.assertIn("(required when points are lost)", html)
        self.assertIn('id="agent-total-value"', html)
        self.assertIn("Agent score", html)
        self.assertIn("Interaction score", html)

    def test_the_agent_sees_both_figures_and_why(self):
        evaluation = self.evaluated(closing=self.process_closing())
        self.client.force_login(self.agent_user)
        response = self.client.get(f"/evaluations/{evaluation.pk}/")
        self.assertEqual(response.status_code, 200)
        html = unescape(response.content.decode())
        self.assertIn('<span class="big" id="evaluation-total">77.5</span>', html)
        self.assertIn('<span class="big" id="evaluation-agent-score">92.5</span>', html)
        self.assertIn("Interaction score", html)
        self.assertIn("Lost points outside the agent's control count as N/A here.", html)
        why = html.split('id="why-notes"')[1].split("</ul>\n\n")[0]
        self.assertIn("Follow-up offered", why)  # hidden by its condition
        self.assertIn("hidden by its condition", why)
        self.assertIn(PROCESS_CAUSE, why)  # the excused loss, with its cause
        self.assertIn("Bonus section 'Extra mile'", why)
        answers = html.split("<h2>Answers</h2>")[1]
        self.assertIn("process: not the agent's", answers)

    def test_a_failed_section_is_named_with_its_criterion(self):
        evaluation = self.evaluated({**EXAMPLE, "greeting": 0, "closing": 1, "went_the_extra_mile": 1})
        self.client.force_login(self.agent_user)
        html = unescape(self.client.get(f"/evaluations/{evaluation.pk}/").content.decode())
        self.assertIn("'Etiquette' scores 0: 'Greeting' fails its section", html)
        self.assertIn("It adds 5.0 points on top; the total is capped at 105.", html)
        self.assertIn('<span class="big" id="evaluation-total">67.5</span>', html)

    def test_another_agent_may_not_see_the_evaluation(self):
        evaluation = self.evaluated(closing=self.process_closing())
        self.client.force_login(self.other_agent_user)
        self.assertEqual(self.client.get(f"/evaluations/{evaluation.pk}/").status_code, 404)
