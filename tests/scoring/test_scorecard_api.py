"""The scorecard API: create, save a draft, publish, new draft; who may read and write."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from scoring import services
from scoring.models import Criterion, Evaluation, Scorecard, ScorecardVersion, Section, VersionStatus
from tests import factories as f
from tests.personas import Personas


def structure(weights=(30, 70), criteria=1, points=5, **extra):
    return {
        "critical_zeroes": True,
        "notes": "First version",
        "sections": [
            {
                "title": f"Section {i + 1}",
                "weight": weight,
                "criteria": [
                    {
                        "text": f"Criterion {i + 1}.{j + 1}",
                        "guidance": "Listen for it.",
                        "kind": "yes_no",
                        "points": points,
                        "category": "etiquette",
                        "allow_na": j == 0,
                        "critical": False,
                    }
                    for j in range(criteria)
                ],
            }
            for i, weight in enumerate(weights)
        ],
        **extra,
    }


class ScorecardApiCase(Personas):
    def setUp(self):
        self.api = APIClient()

    def as_user(self, user):
        self.api.force_authenticate(user)
        return self.api

    def draft(self, name="Billing QA", **kwargs):
        scorecard = services.scorecard_create(name=name, by=self.manager)
        version = scorecard.versions.get()
        services.scorecard_draft_save(version=version, structure=structure(**kwargs), by=self.manager)
        return version

    def published(self, name="Billing QA", **kwargs):
        version = self.draft(name=name, **kwargs)
        return services.scorecard_publish(version=version, by=self.manager)

    def url(self, version, suffix=""):
        return f"/api/v1/scorecard-versions/{version.pk}/{suffix}"


class CreateTests(ScorecardApiCase):
    def test_a_builder_creates_a_scorecard_with_an_empty_draft_v1(self):
        response = self.as_user(self.qa).post(
            "/api/v1/scorecards/",
            {"name": "Billing QA", "description": "Inbound billing", "lines_of_business": ["billing"]},
            format="json",
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["lines_of_business"], ["billing"])
        self.assertIsNone(body["published_version"])
        self.assertEqual([(v["number"], v["status"]) for v in body["versions"]], [(1, "draft")])
        version = ScorecardVersion.objects.get(pk=body["draft_version"])
        self.assertEqual((version.number, version.status, version.created_by), (1, "draft", self.qa))
        self.assertFalse(version.sections.exists())

    def test_an_unknown_line_of_business_is_a_404_naming_the_field(self):
        response = self.as_user(self.manager).post(
            "/api/v1/scorecards/", {"name": "X", "lines_of_business": ["nope"]}, format="json"
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json(), {"lines_of_business.0": ["No line of business has code 'nope'."]})
        self.assertFalse(Scorecard.objects.exists())

    def test_a_duplicate_name_is_a_409_on_the_name(self):
        self.draft(name="Billing QA")
        response = self.as_user(self.manager).post("/api/v1/scorecards/", {"name": "billing qa"}, format="json")
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["name"], ["A scorecard with this name exists."])
        self.assertEqual(Scorecard.objects.count(), 1)

    def test_an_admin_may_build(self):
        admin = f.UserFactory(username="admin", roles=["admin"])
        response = self.as_user(admin).post("/api/v1/scorecards/", {"name": "Sales QA"}, format="json")
        self.assertEqual(response.status_code, 201)


class ReadTests(ScorecardApiCase):
    def test_the_list_pages_and_filters_by_active(self):
        self.published(name="Billing QA")
        retired = services.scorecard_create(name="Old card", by=self.manager)
        Scorecard.objects.filter(pk=retired.pk).update(active=False)
        body = self.as_user(self.supervisor).get("/api/v1/scorecards/").json()
        self.assertEqual(body["count"], 2)
        self.assertEqual([s["name"] for s in body["results"]], ["Billing QA", "Old card"])
        inactive = self.api.get("/api/v1/scorecards/", {"active": "false"}).json()
        self.assertEqual([s["name"] for s in inactive["results"]], ["Old card"])

    def test_versions_filter_by_scorecard_and_status(self):
        v1 = self.published(name="Billing QA")
        v2 = services.scorecard_new_draft(scorecard=v1.scorecard, by=self.qa)
        self.published(name="Sales QA")
        api = self.as_user(self.trainer)
        body = api.get("/api/v1/scorecard-versions/", {"scorecard": v1.scorecard_id}).json()
        self.assertEqual([(v["id"], v["number"]) for v in body["results"]], [(v2.pk, 2), (v1.pk, 1)])
        body = api.get("/api/v1/scorecard-versions/", {"status": "published"}).json()
        self.assertEqual(body["count"], 2)

    def test_a_scorecard_shows_its_versions_with_evaluation_counts(self):
        v1 = self.published()
        Evaluation.objects.create(call=self.call, agent=self.agent, evaluator=self.qa, evaluator_role="qa", version=v1)
        body = self.as_user(self.trainer).get(f"/api/v1/scorecards/{v1.scorecard_id}/").json()
        self.assertEqual(body["published_version"], v1.pk)
        self.assertIsNone(body["draft_version"])
        self.assertEqual(
            [(v["number"], v["status"], v["evaluation_count"]) for v in body["versions"]], [(1, "published", 1)]
        )

    def test_a_version_returns_its_whole_structure_in_order(self):
        version = self.published(criteria=2)
        body = self.as_user(self.supervisor).get(self.url(version)).json()
        self.assertEqual(
            {k: body[k] for k in ("id", "scorecard", "number", "status", "critical_zeroes", "notes")},
            {
                "id": version.pk,
                "scorecard": version.scorecard_id,
                "number": 1,
                "status": "published",
                "critical_zeroes": True,
                "notes": "First version",
            },
        )
        self.assertIsNotNone(body["published_at"])
        self.assertEqual(
            [(s["title"], s["weight"], s["position"]) for s in body["sections"]],
            [("Section 1", 30, 0), ("Section 2", 70, 1)],
        )
        first = body["sections"][0]["criteria"][0]
        self.assertEqual(
            {k: v for k, v in first.items() if k != "id"},
            {
                "text": "Criterion 1.1",
                "guidance": "Listen for it.",
                "kind": "yes_no",
                "scale_max": 1,
                "points": 5,
                "category": "etiquette",
                "allow_na": True,
                "critical": False,
                "position": 0,
                "section_fail": False,
                "comment_on_loss": False,
                "auto_source": "",
                "shown_when": None,
            },
        )
        self.assertEqual([s["bonus"] for s in body["sections"]], [False, False])
        self.assertEqual((body["total_weight"], body["bonus_weight"], body["root_causes"]), (100, 0, []))
        self.assertEqual(body["publish_problems"], [])

    def test_reading_a_version_costs_the_same_queries_for_3_or_12_criteria(self):
        small = self.published(name="Small", weights=(100,), criteria=3)
        large = self.published(name="Large", weights=(25, 25, 25, 25), criteria=3)
        self.assertEqual(Criterion.objects.filter(section__version=large).count(), 12)
        api = self.as_user(self.qa)

        def count(version):
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(api.get(self.url(version)).status_code, 200)
            return len(ctx.captured_queries)

        count(small)  # warm up: the user's roles are cached on the user after the first request
        self.assertEqual(count(small), count(large))

    def test_reading_a_draft_costs_the_same_queries_for_3_or_12_criteria(self):
        small = self.draft(name="Small", weights=(100,), criteria=3)
        large = self.draft(name="Large", weights=(25, 25, 25, 25), criteria=3)
        api = self.as_user(self.qa)

        def count(version):
            with CaptureQueriesContext(connection) as ctx:
                api.get(self.url(version))
            return len(ctx.captured_queries)

        count(small)  # warm up: the user's roles are cached on the user after the first request
        self.assertEqual(count(small), count(large))

    def test_the_schema_documents_the_scorecard_endpoints(self):
        self.client.force_login(self.manager)
        schema = self.client.get("/api/schema/").content.decode()
        for path in (
            "/api/v1/scorecards/",
            "/api/v1/scorecards/{id}/new-draft/",
            "/api/v1/scorecard-versions/{id}/",
            "/api/v1/scorecard-versions/{id}/publish/",
        ):
            self.assertIn(path, schema)


class DraftSaveTests(ScorecardApiCase):
    def test_saving_a_draft_replaces_its_sections_and_criteria_in_order(self):
        version = self.draft(weights=(50, 50))
        body = structure(weights=(60, 40), criteria=2)
        body["sections"].reverse()
        body["sections"][0]["criteria"][1].update(kind="scale", scale_max=4, points=10, critical=True)
        response = self.as_user(self.qa).put(self.url(version), body, format="json")
        self.assertEqual(response.status_code, 200, response.content)
        sections = list(version.sections.order_by("position"))
        self.assertEqual([(s.title, s.weight) for s in sections], [("Section 2", 40), ("Section 1", 60)])
        scale = sections[0].criteria.order_by("position")[1]
        self.assertEqual((scale.kind, scale.scale_max, scale.points, scale.critical), ("scale", 4, 10, True))
        self.assertEqual(Section.objects.filter(version=version).count(), 2)
        self.assertEqual(response.json()["publish_problems"], [])

    def test_the_response_lists_what_stops_publishing(self):
        version = self.draft()
        response = self.as_user(self.qa).put(self.url(version), structure(weights=(30, 60)), format="json")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json()["publish_problems"], ["Section weights add up to 90; they must add up to 100."]
        )

    def test_points_0_is_refused_with_its_path_and_nothing_changes(self):
        version = self.draft()
        body = structure(weights=(20, 80))
        body["sections"][0]["criteria"][0]["points"] = 0
        response = self.as_user(self.qa).put(self.url(version), body, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(list(response.json()), ["sections.0.criteria.0.points"])
        self.assertEqual([s.weight for s in version.sections.all()], [30, 70])

    def test_a_scale_without_k_is_refused(self):
        version = self.draft()
        body = structure()
        body["sections"][1]["criteria"][0].update(kind="scale", scale_max=None)
        response = self.as_user(self.qa).put(self.url(version), body, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("sections.1.criteria.0.scale_max", response.json())

    def test_each_bad_field_is_named(self):
        version = self.draft()
        body = structure(criteria=2)
        body["sections"][0]["title"] = " "
        body["sections"][1]["weight"] = 101
        body["sections"][1]["criteria"][1].update(text="", kind="stars", category="manners")
        response = self.as_user(self.qa).put(self.url(version), body, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            set(response.json()),
            {
                "sections.0.title",
                "sections.1.weight",
                "sections.1.criteria.1.text",
                "sections.1.criteria.1.kind",
                "sections.1.criteria.1.category",
            },
        )

    def test_malformed_bodies_are_400_not_500(self):
        version = self.draft()
        api = self.as_user(self.qa)
        cases = [
            ([1, 2], "non_field_errors"),
            ({"sections": "none"}, "sections"),
            ({"sections": [{"title": "A", "weight": 100, "criteria": 5}]}, "sections.0.criteria"),
            ({"sections": [{"title": "A", "weight": 100, "criteria": ["x"]}]}, "sections.0.criteria.0"),
            ({"sections": [], "critical_zeroes": "no"}, "critical_zeroes"),
            (
                {"sections": [{"title": "A", "weight": 100, "criteria": [{"text": "t", "points": 10**6}]}]},
                "sections.0.criteria.0.points",
            ),
        ]
        for body, path in cases:
            response = api.put(self.url(version), body, format="json")
            self.assertEqual(response.status_code, 400, body)
            self.assertIn(path, response.json(), body)

    def test_a_published_version_refuses_a_save_with_409_and_keeps_its_structure(self):
        version = self.published()
        before = self.as_user(self.qa).get(self.url(version)).json()
        response = self.api.put(self.url(version), structure(weights=(100,)), format="json")
        self.assertEqual(response.status_code, 409)
        self.assertIn("start a new draft", response.json()["detail"])
        self.assertEqual(self.api.get(self.url(version)).json(), before)

    def test_there_is_no_partial_update(self):
        version = self.draft()
        response = self.as_user(self.qa).patch(self.url(version), {"notes": "x"}, format="json")
        self.assertEqual(response.status_code, 405)


class PublishTests(ScorecardApiCase):
    def test_weights_of_90_are_a_409_with_the_reason(self):
        version = self.draft(weights=(30, 60))
        response = self.as_user(self.qa).post(self.url(version, "publish/"))
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["sections"], ["Section weights add up to 90; they must add up to 100."])
        self.assertIn("Section weights add up to 90", response.json()["detail"])
        version.refresh_from_db()
        self.assertEqual(version.status, VersionStatus.DRAFT)

    def test_an_empty_draft_is_refused(self):
        scorecard = services.scorecard_create(name="Empty", by=self.qa)
        response = self.as_user(self.qa).post(self.url(scorecard.versions.get(), "publish/"))
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["sections"], ["Add at least one section."])

    def test_fixing_the_weights_publishes(self):
        version = self.draft(weights=(30, 60))
        api = self.as_user(self.qa)
        self.assertEqual(api.put(self.url(version), structure(weights=(30, 70)), format="json").status_code, 200)
        response = api.post(self.url(version, "publish/"))
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "published")
        version.refresh_from_db()
        self.assertEqual((version.status, version.published_by), (VersionStatus.PUBLISHED, self.qa))
        self.assertIsNotNone(version.published_at)

    def test_publishing_twice_is_409(self):
        version = self.published()
        response = self.as_user(self.qa).post(self.url(version, "publish/"))
        self.assertEqual(response.status_code, 409)
        self.assertIn("detail", response.json())


class NewDraftTests(ScorecardApiCase):
    def test_a_new_draft_copies_v1_into_v2_with_new_rows(self):
        v1 = self.published(criteria=2)
        Criterion.objects.filter(section__version=v1, position=1).update(kind="scale", scale_max=4, critical=True)
        response = self.as_user(self.manager).post(f"/api/v1/scorecards/{v1.scorecard_id}/new-draft/")
        self.assertEqual(response.status_code, 201, response.content)
        v2 = response.json()
        self.assertEqual((v2["number"], v2["status"]), (2, "draft"))
        v1_body = self.api.get(self.url(v1)).json()

        def shape(body):
            return [
                (s["title"], s["weight"], [{k: v for k, v in c.items() if k != "id"} for c in s["criteria"]])
                for s in body["sections"]
            ]

        self.assertEqual(shape(v2), shape(v1_body))
        for body in (v1_body, v2):
            body["section_ids"] = {s["id"] for s in body["sections"]}
            body["criterion_ids"] = {c["id"] for s in body["sections"] for c in s["criteria"]}
        self.assertFalse(v1_body["section_ids"] & v2["section_ids"])
        self.assertFalse(v1_body["criterion_ids"] & v2["criterion_ids"])

    def test_asking_again_returns_the_same_draft(self):
        v1 = self.published()
        api = self.as_user(self.manager)
        first = api.post(f"/api/v1/scorecards/{v1.scorecard_id}/new-draft/")
        again = api.post(f"/api/v1/scorecards/{v1.scorecard_id}/new-draft/")
        self.assertEqual(again.status_code, 200)
        self.assertEqual(again.json()["id"], first.json()["id"])
        self.assertEqual(ScorecardVersion.objects.filter(scorecard=v1.scorecard).count(), 2)

    def test_publishing_v2_retires_v1(self):
        v1 = self.published()
        api = self.as_user(self.qa)
        v2 = api.post(f"/api/v1/scorecards/{v1.scorecard_id}/new-draft/").json()
        self.assertEqual(api.post(f"/api/v1/scorecard-versions/{v2['id']}/publish/").status_code, 200)
        v1.refresh_from_db()
        self.assertEqual(v1.status, VersionStatus.RETIRED)
        card = api.get(f"/api/v1/scorecards/{v1.scorecard_id}/").json()
        self.assertEqual(card["published_version"], v2["id"])

    def test_an_evaluation_on_v1_keeps_v1(self):
        v1 = self.published()
        evaluation = Evaluation.objects.create(
            call=self.call, agent=self.agent, evaluator=self.qa, evaluator_role="qa", version=v1
        )
        criteria_before = list(Criterion.objects.filter(section__version=v1).values_list("pk", "text", "points"))
        api = self.as_user(self.qa)
        v2 = api.post(f"/api/v1/scorecards/{v1.scorecard_id}/new-draft/").json()
        v2["sections"][0]["criteria"][0]["points"] = 9
        self.assertEqual(api.put(f"/api/v1/scorecard-versions/{v2['id']}/", v2, format="json").status_code, 200)
        self.assertEqual(api.post(f"/api/v1/scorecard-versions/{v2['id']}/publish/").status_code, 200)
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.version_id, v1.pk)
        self.assertEqual(
            list(Criterion.objects.filter(section__version=v1).values_list("pk", "text", "points")), criteria_before
        )


class PermissionTests(ScorecardApiCase):
    def test_agents_and_hr_may_not_read_scorecards(self):
        version = self.published()
        for user in (self.agent_user, self.hr):
            api = self.as_user(user)
            for url in (
                "/api/v1/scorecards/",
                f"/api/v1/scorecards/{version.scorecard_id}/",
                "/api/v1/scorecard-versions/",
                self.url(version),
            ):
                self.assertEqual(api.get(url).status_code, 403, (user.username, url))

    def test_agents_and_hr_may_not_write(self):
        version = self.draft()
        for user in (self.agent_user, self.hr):
            api = self.as_user(user)
            self.assertEqual(api.post("/api/v1/scorecards/", {"name": "Mine"}, format="json").status_code, 403)
            self.assertEqual(api.put(self.url(version), structure(), format="json").status_code, 403)
            self.assertEqual(api.post(self.url(version, "publish/")).status_code, 403)
            self.assertEqual(api.post(f"/api/v1/scorecards/{version.scorecard_id}/new-draft/").status_code, 403)
        self.assertEqual(Scorecard.objects.count(), 1)

    def test_supervisors_and_trainers_read_but_may_not_write(self):
        version = self.draft(weights=(30, 70))
        for user in (self.supervisor, self.trainer):
            api = self.as_user(user)
            self.assertEqual(api.get("/api/v1/scorecards/").status_code, 200)
            self.assertEqual(api.get(self.url(version)).status_code, 200)
            self.assertEqual(api.post("/api/v1/scorecards/", {"name": "Mine"}, format="json").status_code, 403)
            self.assertEqual(api.put(self.url(version), structure(weights=(100,)), format="json").status_code, 403)
            self.assertEqual(api.post(self.url(version, "publish/")).status_code, 403)
            self.assertEqual(api.post(f"/api/v1/scorecards/{version.scorecard_id}/new-draft/").status_code, 403)
        version.refresh_from_db()
        self.assertEqual(version.status, VersionStatus.DRAFT)
        self.assertEqual([s.weight for s in version.sections.all()], [30, 70])
        self.assertEqual(Scorecard.objects.count(), 1)

    def test_anonymous_requests_are_refused(self):
        version = self.draft()
        self.assertIn(APIClient().get(self.url(version)).status_code, (401, 403))

    def test_a_token_authenticates(self):
        from rest_framework.authtoken.models import Token

        version = self.draft()
        token = Token.objects.create(user=self.qa)
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        self.assertEqual(api.get(self.url(version)).status_code, 200)
