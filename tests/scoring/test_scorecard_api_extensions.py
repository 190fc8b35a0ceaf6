"""The scorecard API with the extensions: every new field round-trips, conditions point
backwards, a new draft copies conditions and root causes, publish checks the weights without
the bonus, the new booleans are strict, and only builders may write."""


from scoring.models import Criterion
from tests.scoring.test_scorecard_api import ScorecardApiCase


def extended():
    """A draft with every extension: a condition, a section-fail criterion with a required comment
    on loss, a scale trigger, a bonus section and two root causes (one not the agent's)."""
    return {
        "critical_zeroes": True,
        "notes": "Extensions",
        "root_causes": [
            {"text": "Did not follow the procedure", "agent_controllable": True},
            {"text": "System down", "agent_controllable": False},
        ],
        "sections": [
            {
                "title": "Etiquette",
                "weight": 40,
                "bonus": False,
                "criteria": [
                    {"text": "Hold needed", "points": 1},
                    {"text": "Asks before holding", "points": 5, "shown_when": {"criterion": 0, "value": 1}},
                    {"text": "Closing", "points": 5, "section_fail": True, "comment_on_loss": True},
                ],
            },
            {
                "title": "Resolution",
                "weight": 60,
                "criteria": [
                    {"text": "Explains", "kind": "scale", "scale_max": 4, "points": 10},
                    {"text": "Offers a callback", "points": 5, "shown_when": {"criterion": 3, "value": 2}},
                ],
            },
            {"title": "Extra mile", "weight": 5, "bonus": True, "criteria": [{"text": "Delights", "points": 5}]},
        ],
    }


def shape(body):
    """The version's structure without ids, as a client compares two versions."""
    return {
        "root_causes": [{k: v for k, v in c.items() if k != "id"} for c in body["root_causes"]],
        "sections": [
            {
                **{k: v for k, v in s.items() if k not in ("id", "criteria")},
                "criteria": [{k: v for k, v in c.items() if k != "id"} for c in s["criteria"]],
            }
            for s in body["sections"]
        ],
    }


class ExtensionApiTests(ScorecardApiCase):
    def test_every_new_field_is_saved_read_back_and_round_trips(self):
        version = self.draft()
        api = self.as_user(self.manager)
        response = api.put(self.url(version), extended(), format="json")
        self.assertEqual(response.status_code, 200, response.content)
        body = api.get(self.url(version)).json()
        self.assertEqual([(s["title"], s["bonus"]) for s in body["sections"]][2], ("Extra mile", True))
        etiquette = body["sections"][0]["criteria"]
        self.assertEqual(
            [(c["section_fail"], c["comment_on_loss"], c["shown_when"]) for c in etiquette],
            [(False, False, None), (False, False, {"criterion": 0, "value": 1}), (True, True, None)],
        )
        self.assertEqual(body["sections"][1]["criteria"][1]["shown_when"], {"criterion": 3, "value": 2})
        self.assertEqual(
            [(c["text"], c["agent_controllable"]) for c in body["root_causes"]],
            [("Did not follow the procedure", True), ("System down", False)],
        )
        self.assertEqual((body["total_weight"], body["bonus_weight"]), (100, 5))
        self.assertEqual(body["publish_problems"], [])
        # What GET returns, PUT takes back unchanged.
        again = api.put(self.url(version), body, format="json")
        self.assertEqual(again.status_code, 200, again.content)
        self.assertEqual(shape(again.json()), shape(body))
        asks = Criterion.objects.get(section__version=version, text="Asks before holding")
        self.assertEqual((asks.shown_when_criterion.text, asks.shown_when_value), ("Hold needed", 1))

    def test_a_condition_pointing_forwards_is_a_400_naming_its_path(self):
        version = self.draft()
        body = extended()
        body["sections"][0]["criteria"][0]["shown_when"] = {"criterion": 2, "value": 1}
        response = self.as_user(self.qa).put(self.url(version), body, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(list(response.json()), ["sections.0.criteria.0.shown_when"])
        self.assertIn("earlier criterion", response.json()["sections.0.criteria.0.shown_when"][0])
        self.assertEqual([s.title for s in version.sections.all()], ["Section 1", "Section 2"])

    def test_a_condition_on_itself_or_on_an_answer_the_trigger_cannot_take_is_refused(self):
        version = self.draft()
        api = self.as_user(self.qa)
        itself = extended()
        itself["sections"][1]["criteria"][0]["shown_when"] = {"criterion": 3, "value": 1}
        no_such_answer = extended()
        no_such_answer["sections"][0]["criteria"][1]["shown_when"] = {"criterion": 0, "value": 2}
        malformed = extended()
        malformed["sections"][0]["criteria"][1]["shown_when"] = "Hold needed"
        for body, path in (
            (itself, "sections.1.criteria.0.shown_when"),
            (no_such_answer, "sections.0.criteria.1.shown_when"),
            (malformed, "sections.0.criteria.1.shown_when"),
        ):
            response = api.put(self.url(version), body, format="json")
            self.assertEqual(response.status_code, 400, body)
            self.assertIn(path, response.json())
        self.assertFalse(version.root_causes.exists())

    def test_the_new_flags_take_true_or_false_only_and_root_causes_are_listed_once(self):
        version = self.draft()
        api = self.as_user(self.qa)
        flags = extended()
        flags["sections"][2]["bonus"] = "yes"
        flags["sections"][0]["criteria"][2]["section_fail"] = 1
        flags["root_causes"][1]["agent_controllable"] = "no"
        response = api.put(self.url(version), flags, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            set(response.json()),
            {"sections.2.bonus", "sections.0.criteria.2.section_fail", "root_causes.1.agent_controllable"},
        )
        twice = extended()
        twice["root_causes"][1]["text"] = "did not follow the procedure"
        response = api.put(self.url(version), twice, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"root_causes.1.text": ["This root cause is listed twice."]})

    def test_a_new_draft_copies_conditions_onto_its_own_criteria_and_the_root_causes(self):
        v1 = self.draft()
        api = self.as_user(self.manager)
        self.assertEqual(api.put(self.url(v1), extended(), format="json").status_code, 200)
        self.assertEqual(api.post(self.url(v1, "publish/")).status_code, 200)
        v1_body = api.get(self.url(v1)).json()
        response = api.post(f"/api/v1/scorecards/{v1.scorecard_id}/new-draft/")
        self.assertEqual(response.status_code, 201, response.content)
        v2 = response.json()
        self.assertEqual(shape(v2), shape(v1_body))
        asks = Criterion.objects.get(section__version_id=v2["id"], text="Asks before holding")
        self.assertEqual(asks.shown_when_criterion.section.version_id, v2["id"])
        self.assertEqual(asks.shown_when_criterion.text, "Hold needed")
        self.assertFalse({c["id"] for c in v1_body["root_causes"]} & {c["id"] for c in v2["root_causes"]})

    def test_publishing_needs_100_without_the_bonus_sections(self):
        version = self.draft()
        api = self.as_user(self.qa)
        body = extended()
        body["sections"][1]["weight"] = 55  # 40 + 55, and 5 of bonus: 100 only with the bonus
        self.assertEqual(api.put(self.url(version), body, format="json").status_code, 200)
        response = api.post(self.url(version, "publish/"))
        self.assertEqual(response.status_code, 409)
        self.assertEqual(
            response.json()["sections"],
            ["Section weights (bonus sections aside) add up to 95; they must add up to 100."],
        )
        body["sections"][1]["weight"] = 60
        self.assertEqual(api.put(self.url(version), body, format="json").status_code, 200)
        self.assertEqual(api.post(self.url(version, "publish/")).status_code, 200)

    def test_a_supervisor_or_trainer_may_not_save_the_extensions(self):
        version = self.draft()
        for user in (self.supervisor, self.trainer):
            response = self.as_user(user).put(self.url(version), extended(), format="json")
            self.assertEqual(response.status_code, 403, user.username)
        self.assertFalse(version.root_causes.exists())
        self.assertFalse(version.sections.filter(bonus=True).exists())

    def test_the_schema_documents_the_new_fields_for_reading_and_writing(self):
        self.client.force_login(self.manager)
        schemas = self.client.get("/api/schema/?format=json").json()["components"]["schemas"]
        criterion = schemas["CriterionInputRequest"]["properties"]
        self.assertEqual(criterion["section_fail"]["type"], "boolean")
        self.assertEqual(criterion["comment_on_loss"]["type"], "boolean")
        self.assertTrue(criterion["shown_when"]["nullable"])
        self.assertEqual(schemas["ConditionRequest"]["required"], ["criterion", "value"])
        self.assertIn("bonus", schemas["SectionInputRequest"]["properties"])
        self.assertEqual(schemas["DraftInputRequest"]["properties"]["root_causes"]["maxItems"], 50)
        self.assertIn("agent_controllable", schemas["RootCauseInputRequest"]["properties"])
        self.assertIn("shown_when", schemas["Criterion"]["properties"])
        self.assertIn("root_causes", schemas["Version"]["properties"])
