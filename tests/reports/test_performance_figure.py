"""Which figure feeds the performance score and the HR export (issue 16): the agent score by
default, or the interaction total, the center's choice on the performance settings page.

DESIGN.md §2's root-cause example: closing = no, cause "the system dropped the call" (outside
the agent's control) → total 77.5, agent score 92.5. The agent (E1) has that evaluation and one
full-marks evaluation last month: QA average of agent scores (92.5 + 100) / 2 = 96.25 → 96.3;
of totals (77.5 + 100) / 2 = 88.75 → 88.8. An evaluation without an agent score (scored before
agent scores existed) counts its total either way.
"""

from __future__ import annotations

from decimal import Decimal as D

from django.core.exceptions import PermissionDenied, ValidationError

from reports import export
from reports.models import AgentMonthResult, ComponentSource, PerformanceComponent, QAFigure
from reports.selectors.performance import current_config, month_results
from reports.services.close import month_close
from reports.services.performance import performance_components_update
from scoring import services
from scoring.models import Evaluation
from tests import factories as f
from tests.reports.performance_month import MONTH, at
from tests.scoring.factories import WORKED_EXAMPLE, ScoringPersonas, criteria, make_scorecard_version

DROPPED = "The system dropped the call"


class FigureMonth(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        structure = {**WORKED_EXAMPLE, "root_causes": [{"text": DROPPED, "agent_controllable": False}]}
        cls.causes_version = make_scorecard_version(structure=structure, name="With causes")
        by_key = criteria(cls.causes_version)
        cause = cls.causes_version.root_causes.get().pk
        values = {"greeting": 1, "closing": 0, "empathy": 3, "clarity": None, "correct_information": 1, "resolved": 1}
        cls.excused = cls.evaluate(by_key, values, cause_on="closing", cause=cause, day=3)
        cls.perfect = cls.evaluate(by_key, {**values, "closing": 1, "empathy": 4}, day=4)
        cls.qa_component = PerformanceComponent.objects.get(source=ComponentSource.QA)

    @classmethod
    def evaluate(cls, by_key, values, *, day, cause_on=None, cause=None):
        call = f.CallFactory(agent=cls.agent, line_of_business=cls.lob, start_time=at(MONTH, day))
        answers = []
        for key, value in values.items():
            if value is None:
                answers.append(services.AnswerInput(by_key[key].pk, None, na=True))
            else:
                answers.append(
                    services.AnswerInput(by_key[key].pk, value, root_cause=cause if key == cause_on else None)
                )
        evaluation = services.evaluation_start(call=call, by=cls.qa, version=cls.causes_version)
        services.evaluation_submit(evaluation=evaluation, by=cls.qa, answers=answers)
        evaluation.refresh_from_db()
        return evaluation

    def result(self):
        return next(r for r in month_results(MONTH) if r.agent_id == self.agent.pk)

    def choose(self, figure: str, by=None):
        performance_components_update(changes={self.qa_component.pk: {"qa_figure": figure}}, by=by or self.manager)


class QAFigureTests(FigureMonth):
    def test_the_evaluation_keeps_both_figures(self):
        self.assertEqual((self.excused.total, self.excused.agent_score), (D("77.5"), D("92.5")))

    def test_by_default_the_performance_score_averages_agent_scores(self):
        self.assertEqual(current_config().qa_figure, QAFigure.AGENT_SCORE)
        result = self.result()
        self.assertEqual(result.qa_average, D("96.3"))
        self.assertEqual(result.performance.score_of("qa"), D("96.3"))
        self.assertEqual(result.qa_average_label, "QA average (agent score)")

    def test_choosing_the_interaction_total_moves_the_score(self):
        before = self.result().total
        self.choose(QAFigure.TOTAL)
        result = self.result()
        self.assertEqual((result.qa_average, result.performance.score_of("qa")), (D("88.8"), D("88.8")))
        self.assertLess(result.total, before)
        self.assertEqual(result.qa_average_label, "QA average (interaction total)")

    def test_an_evaluation_without_an_agent_score_counts_its_total(self):
        Evaluation.objects.filter(pk=self.excused.pk).update(agent_score=None)
        self.assertEqual(self.result().qa_average, D("88.8"))

    def test_the_hr_export_heading_names_the_figure(self):
        self.assertEqual(export.bonus_export(MONTH).columns[7].label, "QA average (agent score)")
        self.choose(QAFigure.TOTAL)
        table = export.bonus_export(MONTH)
        self.assertEqual(table.columns[7].label, "QA average (interaction total)")
        row = next(r for r in table.rows if r["employee_id"] == "E1")
        self.assertEqual(row["qa_average"], D("88.8"))
        self.assertEqual(export.to_json(table)["qa_figure"], "total")

    def test_a_closed_month_keeps_the_figure_it_was_frozen_with(self):
        month_close(month=MONTH, by=self.manager)
        frozen = AgentMonthResult.objects.get(agent=self.agent)
        self.assertEqual((frozen.qa_figure, frozen.qa_average), (QAFigure.AGENT_SCORE, D("96.3")))
        self.choose(QAFigure.TOTAL)
        table = export.bonus_export(MONTH)
        self.assertEqual(table.columns[7].label, "QA average (agent score)")
        self.assertEqual(next(r for r in table.rows if r["employee_id"] == "E1")["qa_average"], D("96.3"))

    def test_only_a_manager_chooses_and_the_choice_is_in_the_history(self):
        with self.assertRaises(PermissionDenied):
            self.choose(QAFigure.TOTAL, by=self.supervisor)
        self.choose(QAFigure.TOTAL)
        record = self.qa_component.history.latest("history_date")
        self.assertEqual((record.qa_figure, record.history_user), (QAFigure.TOTAL, self.manager))
        with self.assertRaises(ValidationError):
            self.choose("bogus")
        csat = PerformanceComponent.objects.get(source=ComponentSource.CSAT)
        with self.assertRaises(ValidationError):
            performance_components_update(changes={csat.pk: {"qa_figure": QAFigure.TOTAL}}, by=self.manager)


class SettingsPageTests(FigureMonth):
    def post(self, user, figure: str):
        from reports.models import PerformanceComponent as PC

        data = {"part": "components"}
        components = list(PC.objects.order_by("position", "pk"))
        data.update({"components-TOTAL_FORMS": len(components), "components-INITIAL_FORMS": len(components)})
        for i, c in enumerate(components):
            data.update(
                {
                    f"components-{i}-id": c.pk,
                    f"components-{i}-weight": c.weight,
                    f"components-{i}-target_seconds": c.target_seconds or "",
                    f"components-{i}-qa_figure": figure,
                }
            )
            if c.active:
                data[f"components-{i}-active"] = "on"
        self.client.force_login(user)
        return self.client.post("/performance/settings/", data)

    def test_the_manager_chooses_the_figure_on_the_settings_page(self):
        self.client.force_login(self.manager)
        page = self.client.get("/performance/settings/")
        self.assertContains(page, "QA figure")
        self.assertContains(page, "now: QA average (agent score)")
        response = self.post(self.manager, QAFigure.TOTAL)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(current_config().qa_figure, QAFigure.TOTAL)
        page = self.client.get("/performance/settings/")
        self.assertContains(page, "now: QA average (interaction total)")
        self.assertContains(page, "agent score → <strong>interaction total</strong>", html=False)

    def test_a_supervisor_is_refused(self):
        self.assertEqual(self.post(self.supervisor, QAFigure.TOTAL).status_code, 403)
        self.assertEqual(current_config().qa_figure, QAFigure.AGENT_SCORE)

    def test_the_performance_pages_say_which_figure(self):
        self.client.force_login(self.manager)
        listing = self.client.get(f"/performance/?month={MONTH.label}")
        self.assertContains(listing, "QA average (agent score)")
        detail = self.client.get(f"/performance/{self.agent.pk}/?month={MONTH.label}")
        self.assertContains(detail, "96.3 average agent score of 2 evaluations")
