"""Auto-answered criteria (issue 12): a yes/no criterion linked to a phrase rule or a measure is
pre-filled from the call's analysis with its evidence when a regular evaluation starts; the
evaluator confirms or overrides it; each rule's agreement with people (Cohen's kappa with its
interval, precision, recall, n) is reported, and the rule is trusted only past the policy's
thresholds."""

from __future__ import annotations

import copy
from decimal import Decimal

from django.test import SimpleTestCase

from monitoring.models_analytics import AnalysisStatus, CallAnalysis, PhraseRule
from scoring import selectors_auto, services
from scoring.models import Answer, CalibrationPolicy
from scoring.stats import cohen_kappa
from tests import factories as f
from tests.scoring.factories import (
    WORKED_EXAMPLE,
    ScoringPersonas,
    answer_inputs,
    criteria,
    make_evaluation,
    make_scorecard_version,
)

LINKED = copy.deepcopy(WORKED_EXAMPLE)
LINKED["sections"][0]["criteria"][0]["auto_source"] = "rule:greeting"  # Greeting
LINKED["sections"][2]["criteria"][1]["auto_source"] = "measure:long_silence"  # Resolved (a test stand-in)

GREETING_HIT = {
    "code": "greeting",
    "name": "Greeting in the first 15 s",
    "kind": "required",
    "passed": True,
    "window": [0.0, 15.0],
    "hits": [{"start": 2.5, "end": 4.0, "speaker": "agent", "text": "Thank you for calling, call me on 13812345678"}],
}
GREETING_MISS = {**GREETING_HIT, "passed": False, "hits": []}


def analyse(call, *, greeting=GREETING_HIT, silence=False):
    return CallAnalysis.objects.update_or_create(
        call=call,
        defaults={
            "status": AnalysisStatus.DONE,
            "source": "transcript",
            "measures": {"duration": 240.0, "silences": [{"start": 61.0, "end": 75.5}] if silence else []},
            "rules": [greeting] if greeting else [],
            "long_silence": silence,
            "required_missing": greeting is not None and not greeting["passed"],
        },
    )[0]


class KappaTests(SimpleTestCase):
    """Reference values from statsmodels' cohens_kappa (its std_kappa is the same
    Fleiss–Cohen–Everitt large-sample formula), computed once outside the suite."""

    def test_kappa_and_its_interval_on_constructed_tables(self):
        r = cohen_kappa([[20, 5], [10, 15]])
        self.assertAlmostEqual(r.kappa, 0.4)
        self.assertAlmostEqual(r.low, 0.151092290476661)
        self.assertAlmostEqual(r.high, 0.6489077095233389)
        r = cohen_kappa([[88, 14], [10, 40]])
        self.assertAlmostEqual(r.kappa, 0.649500384319754)
        self.assertAlmostEqual(r.low, 0.5219479571687563)
        self.assertAlmostEqual(r.high, 0.7770528114707517)
        self.assertEqual(r.n, 152)

    def test_kappa_is_undefined_without_items_or_when_one_side_always_says_the_same(self):
        self.assertIsNone(cohen_kappa([[0, 0], [0, 0]]).kappa)
        self.assertIsNone(cohen_kappa([[30, 0], [0, 0]]).kappa)
        self.assertIsNone(cohen_kappa([[20, 5], [0, 0]]).kappa)  # the rule never failed: nothing to measure
        self.assertIsNone(cohen_kappa([[20, 0], [6, 0]]).kappa)  # the person never failed one
        self.assertEqual(cohen_kappa([[12, 0], [0, 9]]).kappa, 1.0)


class PrefillTests(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.linked = make_scorecard_version(structure=LINKED, lines_of_business=cls.lob, name="Linked")
        cls.by_key = criteria(cls.linked)

    def test_a_regular_evaluation_starts_with_the_rule_s_answer_its_evidence_and_its_moment(self):
        analyse(self.call, greeting=GREETING_HIT, silence=True)
        evaluation = services.evaluation_start(call=self.call, by=self.qa, version=self.linked)
        answers = {a.criterion_id: a for a in evaluation.answers.all()}
        greeting = answers[self.by_key["greeting"].pk]
        self.assertEqual((greeting.value, greeting.auto_value, greeting.auto_source), (1, 1, "rule:greeting"))
        self.assertEqual(greeting.time_offset, 2.5)  # ▶ plays the evidence
        self.assertEqual(greeting.auto_evidence["moments"][0]["start"], 2.5)
        resolved = answers[self.by_key["resolved"].pk]  # the silence flag → No, at the silence
        self.assertEqual((resolved.value, resolved.auto_value, resolved.time_offset), (0, 0, 61.0))
        self.assertEqual(len(answers), 2)  # criteria without a link are left to the evaluator

    def test_a_failed_required_phrase_suggests_no(self):
        analyse(self.call, greeting=GREETING_MISS)
        evaluation = services.evaluation_start(call=self.call, by=self.qa, version=self.linked)
        greeting = evaluation.answers.get(criterion=self.by_key["greeting"])
        self.assertEqual((greeting.value, greeting.auto_value, greeting.time_offset), (0, 0, None))

    def test_nothing_is_prefilled_without_an_analysis_or_on_a_blind_or_self_evaluation(self):
        evaluation = services.evaluation_start(call=self.call, by=self.qa, version=self.linked)
        self.assertFalse(evaluation.answers.exists())
        analyse(self.other_call)
        calibration = services.evaluation_start(
            call=self.other_call, by=self.qa, version=self.linked, kind="calibration"
        )
        self.assertFalse(calibration.answers.exists())

    def test_an_analysis_that_failed_or_a_rule_not_run_on_the_line_suggests_nothing(self):
        analysis = analyse(self.call, greeting=None)
        evaluation = services.evaluation_start(call=self.call, by=self.qa, version=self.linked)
        self.assertEqual(list(evaluation.answers.values_list("criterion_id", flat=True)), [self.by_key["resolved"].pk])
        analysis.status = AnalysisStatus.FAILED
        analysis.save()
        evaluation.delete()
        again = services.evaluation_start(call=self.call, by=self.qa, version=self.linked)
        self.assertFalse(again.answers.exists())

    def test_the_scoring_page_shows_the_automatic_answer_with_masked_evidence_and_play(self):
        analyse(self.call, greeting=GREETING_HIT)
        evaluation = services.evaluation_start(call=self.call, by=self.qa, version=self.linked)
        self.client.force_login(self.qa)
        page = self.client.get(f"/evaluations/{evaluation.pk}/score/")
        greeting = self.by_key["greeting"].pk
        self.assertContains(page, f'id="c-{greeting}-auto"')
        self.assertContains(page, "Greeting in the first 15 s")
        self.assertContains(page, 'class="link seek" data-t="2.5"')
        self.assertContains(page, "call me on *******5678")  # the phone number in the evidence is masked
        self.assertNotContains(page, "13812345678")
        self.assertContains(page, "no person has reviewed this rule yet")
        self.assertContains(page, "this confirms the automatic answer")

    def test_the_api_says_which_answers_were_automatic(self):
        analyse(self.call, greeting=GREETING_MISS)
        evaluation = services.evaluation_start(call=self.call, by=self.qa, version=self.linked)
        body = self.api(self.qa).get(self.url(evaluation)).json()
        by_criterion = {a["criterion"]: a for a in body["answers"]}
        self.assertEqual(by_criterion[self.by_key["greeting"].pk]["auto_value"], 0)
        self.assertEqual(by_criterion[self.by_key["greeting"].pk]["auto_source"], "rule:greeting")


class LinkTests(ScoringPersonas):
    def draft(self):
        scorecard = services.scorecard_create(name="Draft", lines_of_business=[self.lob], by=self.manager)
        return scorecard.versions.get()

    def test_only_yes_no_criteria_link_to_a_known_kind_of_source(self):
        structure = copy.deepcopy(LINKED)
        structure["sections"][1]["criteria"][0]["auto_source"] = "rule:greeting"  # Empathy is a scale
        structure["sections"][0]["criteria"][1]["auto_source"] = "measure:nonsense"
        response = self.api(self.manager).put(
            f"/api/v1/scorecard-versions/{self.draft().pk}/", structure, format="json"
        )
        self.assertEqual(response.status_code, 400, response.content)
        errors = response.json()
        self.assertIn("sections.1.criteria.0.auto_source", errors)
        self.assertIn("sections.0.criteria.1.auto_source", errors)

    def test_the_link_is_kept_in_a_new_draft(self):
        version = make_scorecard_version(structure=LINKED, lines_of_business=self.lob, name="Kept")
        draft = services.scorecard_new_draft(scorecard=version.scorecard, by=self.manager)
        self.assertEqual(criteria(draft)["greeting"].auto_source, "rule:greeting")

    def test_the_builder_offers_the_lines_rules_and_the_measures(self):
        PhraseRule.objects.create(
            line_of_business=self.lob, code="greeting", name="Greeting", kind="required", phrases=["hello"]
        )
        options = selectors_auto.auto_source_options(self.draft())
        values = [o["value"] for o in options]
        self.assertEqual(values[0], "")
        self.assertIn("rule:greeting", values)
        self.assertIn("measure:long_hold", values)


class AgreementTests(ScoringPersonas):
    """A constructed set of reviews: the rule said pass/fail, the person kept or changed it."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.linked = make_scorecard_version(structure=LINKED, lines_of_business=cls.lob, name="Linked")
        # (rule passed, person's greeting answer): 8 both pass, 2 the person failed a pass,
        # 1 the person passed a failure, 4 both fail.
        cases = [(True, 1)] * 8 + [(True, 0)] * 2 + [(False, 1)] * 1 + [(False, 0)] * 4
        cls.evaluations = []
        for i, (passed, value) in enumerate(cases):
            call = f.CallFactory(agent=cls.agent, line_of_business=cls.lob, external_id=f"K-{i}")
            analyse(call, greeting=GREETING_HIT if passed else GREETING_MISS)
            values = {
                "greeting": value,
                "closing": 1,
                "empathy": 4,
                "clarity": 4,
                "correct_information": 1,
                "resolved": 1,
            }
            cls.evaluations.append(make_evaluation(call=call, by=cls.qa, version=cls.linked, values=values))

    def greeting_row(self):
        return next(a for a in selectors_auto.agreements() if a.source == "rule:greeting")

    def test_confirmations_overrides_kappa_precision_and_recall(self):
        row = self.greeting_row()
        self.assertEqual((row.n, row.confirmed, row.overridden), (15, 12, 3))
        expected = cohen_kappa([[8, 2], [1, 4]])
        self.assertAlmostEqual(row.kappa.kappa, expected.kappa)
        self.assertAlmostEqual(row.kappa.low, expected.low)
        self.assertAlmostEqual(row.precision, 4 / 5)  # of the rule's 5 failures, people agreed on 4
        self.assertAlmostEqual(row.recall, 4 / 6)  # of the 6 failures people found, the rule had 4
        self.assertIsNotNone(row.precision_interval)
        self.assertFalse(row.trusted)  # 15 reviews < 20

    def test_an_answer_left_without_a_value_counts_apart_not_as_a_failure(self):
        # A linked criterion hidden by its condition is saved without a value: it says nothing.
        hidden = Answer.objects.filter(evaluation=self.evaluations[0], criterion__text="Greeting")
        hidden.update(value=None)
        row = self.greeting_row()
        self.assertEqual((row.n, row.not_applicable, row.both_pass), (14, 1, 7))
        self.assertEqual(hidden.get().auto_outcome, "")

    def test_trusted_once_enough_reviews_agree_well_enough(self):
        policy = CalibrationPolicy.current()
        policy.auto_trust_reviews = 10
        policy.auto_trust_kappa = Decimal("0.50")
        policy.save()
        self.assertTrue(self.greeting_row().trusted)  # κ ≈ 0.57
        policy.auto_trust_kappa = Decimal("0.80")
        policy.save()
        self.assertFalse(self.greeting_row().trusted)

    def test_an_override_on_a_dispute_free_draft_is_not_counted_until_submitted(self):
        call = f.CallFactory(agent=self.agent, line_of_business=self.lob, external_id="K-draft")
        analyse(call, greeting=GREETING_MISS)
        draft = services.evaluation_start(call=call, by=self.qa, version=self.linked)
        services.evaluation_save_draft(
            evaluation=draft, by=self.qa, answers=answer_inputs(self.linked, {"greeting": 1})
        )
        self.assertEqual(self.greeting_row().n, 15)
        self.assertEqual(Answer.objects.get(evaluation=draft, criterion__text="Greeting").auto_outcome, "overridden")

    def test_the_report_page_shows_the_figures_with_n_to_those_who_read_reliability(self):
        self.client.force_login(self.qa)
        page = self.client.get("/auto-qa/agreement/")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, 'data-source="rule:greeting"')
        self.assertContains(page, "0.57")
        self.assertContains(page, "not trusted yet")
        self.assertContains(self.client.get("/auto-qa/agreement/?line=billing"), 'data-source="rule:greeting"')
        self.assertEqual(self.client.get("/auto-qa/agreement/?line=nope").status_code, 400)

    def test_agents_supervisors_and_hr_are_refused_the_report(self):
        for user in (self.agent_user, self.supervisor, self.hr):
            self.client.force_login(user)
            self.assertEqual(self.client.get("/auto-qa/agreement/").status_code, 403, user)

    def test_the_scoring_page_shows_the_rule_s_standing(self):
        call = f.CallFactory(agent=self.agent, line_of_business=self.lob, external_id="K-page")
        analyse(call, greeting=GREETING_HIT)
        evaluation = services.evaluation_start(call=call, by=self.qa, version=self.linked)
        self.client.force_login(self.qa)
        page = self.client.get(f"/evaluations/{evaluation.pk}/score/")
        self.assertContains(page, "agreement with people κ = 0.57")
        self.assertContains(page, "n = 15")
