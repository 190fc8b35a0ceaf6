"""The scorecard services with the extensions: a draft keeps its conditions, section-fail,
bonus and root causes; a new draft copies them onto its own criteria; publishing refuses a
condition that does not point backwards; an answer keeps a root cause only while it lost points."""

from django.core.exceptions import ValidationError

from scoring import services
from scoring.models import Criterion, Evaluation, RootCause
from scoring.services.scorecards import version_structure
from tests.personas import Personas

EXTENDED = {
    "critical_zeroes": True,
    "root_causes": [
        {"text": "Did not follow the procedure", "agent_controllable": True},
        {"text": "System down", "agent_controllable": False},
    ],
    "sections": [
        {
            "title": "Etiquette",
            "weight": 40,
            "criteria": [
                {"text": "Hold needed", "points": 1},
                {"text": "Asks before holding", "points": 5, "shown_when": {"criterion": 0, "value": 1}},
                {"text": "Closing", "points": 5, "section_fail": True, "comment_on_loss": True},
            ],
        },
        {"title": "Resolution", "weight": 60, "criteria": [{"text": "Resolved", "points": 10}]},
        {"title": "Extra mile", "weight": 5, "bonus": True, "criteria": [{"text": "Delights", "points": 5}]},
    ],
}


class ExtendedDraftTests(Personas):
    def make(self, structure=EXTENDED):
        scorecard = services.scorecard_create(name="Extended", by=self.manager)
        version = scorecard.versions.get()
        return services.scorecard_draft_save(version=version, structure=structure, by=self.manager)

    def test_a_draft_keeps_every_extension(self):
        version = self.make()
        sections = version_structure(version)
        self.assertEqual([s["bonus"] for s in sections], [False, False, True])
        hold, asks, closing = sections[0]["criteria"]
        self.assertEqual(asks["shown_when"], (0, 1))
        self.assertTrue(closing["section_fail"] and closing["comment_on_loss"])
        self.assertEqual(
            list(version.root_causes.values_list("text", "agent_controllable")),
            [("Did not follow the procedure", True), ("System down", False)],
        )
        self.assertEqual(services.scorecard_publish_problems(version), [])  # 40 + 60; the bonus aside

    def test_a_condition_must_name_an_earlier_criterion(self):
        forwards = {
            **EXTENDED,
            "sections": [
                {
                    "title": "S",
                    "weight": 100,
                    "criteria": [
                        {"text": "A", "points": 1, "shown_when": {"criterion": 1, "value": 1}},
                        {"text": "B", "points": 1},
                    ],
                }
            ],
        }
        with self.assertRaises(ValidationError) as caught:
            self.make(forwards)
        self.assertIn("sections.0.criteria.0.shown_when", caught.exception.message_dict)

    def test_a_condition_on_an_answer_the_criterion_cannot_take_is_refused(self):
        bad = {
            "sections": [
                {
                    "title": "S",
                    "weight": 100,
                    "criteria": [
                        {"text": "A", "points": 1},
                        {"text": "B", "points": 1, "shown_when": {"criterion": 0, "value": 3}},
                    ],
                }
            ]
        }
        with self.assertRaises(ValidationError) as caught:
            self.make(bad)
        self.assertIn("sections.0.criteria.1.shown_when", caught.exception.message_dict)

    def test_a_new_draft_copies_conditions_onto_its_own_criteria_and_the_root_causes(self):
        v1 = services.scorecard_publish(version=self.make(), by=self.manager)
        v2 = services.scorecard_new_draft(scorecard=v1.scorecard, by=self.manager)
        asks = Criterion.objects.get(section__version=v2, text="Asks before holding")
        self.assertEqual(asks.shown_when_criterion.text, "Hold needed")
        self.assertEqual(asks.shown_when_criterion.section.version_id, v2.pk)
        self.assertEqual(RootCause.objects.filter(version=v2).count(), 2)
        self.assertEqual(version_structure(v2), version_structure(v1))

    def test_weights_without_the_bonus_must_add_up_to_100(self):
        lopsided = {**EXTENDED, "sections": [{**EXTENDED["sections"][0], "weight": 45}, *EXTENDED["sections"][1:]]}
        problems = services.scorecard_publish_problems(self.make(lopsided))
        self.assertEqual(len(problems), 1)
        self.assertIn("add up to 105", problems[0])

    def test_an_answer_keeps_its_root_cause_only_while_it_lost_points(self):
        version = services.scorecard_publish(version=self.make(), by=self.manager)
        self.lob.scorecards.add(version.scorecard)
        evaluation = Evaluation.objects.create(
            call=self.call, agent=self.agent, evaluator=self.qa, evaluator_role="qa", version=version
        )
        resolved = Criterion.objects.get(section__version=version, text="Resolved")
        system = version.root_causes.get(agent_controllable=False)
        services.answers.write_answers(evaluation, [services.AnswerInput(resolved.pk, 0, root_cause=system.pk)])
        self.assertEqual(evaluation.answers.get().root_cause, system)
        services.answers.write_answers(evaluation, [services.AnswerInput(resolved.pk, 1, root_cause=system.pk)])
        self.assertIsNone(evaluation.answers.get().root_cause)

    def test_bonus_sections_may_lift_a_score_at_most_100_points(self):
        lavish = {**EXTENDED, "sections": [*EXTENDED["sections"], {**EXTENDED["sections"][2], "weight": 96}]}
        problems = services.scorecard_publish_problems(self.make(lavish))
        self.assertEqual(problems, ["Bonus sections add up to 101; a score may go at most 100 above 100."])

    def test_a_critical_failure_put_down_to_the_process_is_not_the_agents(self):
        from scoring.services.answers import apply_score, score_afresh

        critical = {
            "root_causes": EXTENDED["root_causes"],
            "sections": [
                {
                    "title": "Compliance",
                    "weight": 50,
                    "criteria": [{"text": "Verifies identity", "points": 5, "critical": True}],
                },
                {"title": "Resolution", "weight": 50, "criteria": [{"text": "Resolved", "points": 10}]},
            ],
        }
        version = services.scorecard_publish(version=self.make(critical), by=self.manager)
        evaluation = Evaluation.objects.create(
            call=self.call, agent=self.agent, evaluator=self.qa, evaluator_role="qa", version=version
        )
        verify, resolved = Criterion.objects.filter(section__version=version).order_by("section__position")
        system = version.root_causes.get(agent_controllable=False)
        services.answers.write_answers(
            evaluation,
            [services.AnswerInput(verify.pk, 0, root_cause=system.pk), services.AnswerInput(resolved.pk, 1)],
        )
        fresh, result = score_afresh(evaluation)
        apply_score(fresh, result)
        # The call failed a critical item (the interaction scores 0), the agent did not.
        self.assertEqual((str(fresh.total), fresh.critical_failed), ("0.0", True))
        self.assertEqual((str(fresh.agent_score), fresh.agent_critical_failed), ("100.0", False))
