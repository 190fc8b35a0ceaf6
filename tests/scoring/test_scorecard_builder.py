"""Scorecard pages: list, scorecard, version view, builder, publish and new draft; who may do what."""

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring import services
from scoring.models import Evaluation, Scorecard, ScorecardVersion, VersionStatus
from tests import factories as f
from tests.personas import Personas
from tests.scoring.test_scorecard_api import structure
from tests.scoring.test_scorecard_api_extensions import extended


class PageCase(Personas):
    def draft(self, name="Billing QA", lines=(), **kwargs):
        scorecard = services.scorecard_create(name=name, lines_of_business=lines, by=self.manager)
        version = scorecard.versions.get()
        services.scorecard_draft_save(version=version, structure=structure(**kwargs), by=self.manager)
        return version

    def published(self, name="Billing QA", **kwargs):
        return services.scorecard_publish(version=self.draft(name=name, **kwargs), by=self.manager)


class ListPageTests(PageCase):
    def test_the_list_shows_versions_lines_and_evaluation_counts(self):
        v1 = self.published(lines=[self.lob])
        Evaluation.objects.create(call=self.call, agent=self.agent, evaluator=self.qa, evaluator_role="qa", version=v1)
        v2 = services.scorecard_new_draft(scorecard=v1.scorecard, by=self.qa)
        self.client.force_login(self.supervisor)
        response = self.client.get("/scorecards/")
        self.assertContains(response, "Billing QA")
        self.assertContains(response, "Billing")
        self.assertContains(response, f'href="/scorecards/versions/{v1.pk}/">v1</a>', count=2)
        self.assertContains(response, f'href="/scorecards/versions/{v2.pk}/">v2</a>', count=2)
        self.assertContains(response, "1 evaluation")
        self.assertContains(response, "0 evaluations")

    def test_builders_get_the_new_scorecard_form_and_readers_do_not(self):
        self.client.force_login(self.qa)
        self.assertContains(self.client.get("/scorecards/"), 'id="new-scorecard"')
        self.client.force_login(self.trainer)
        response = self.client.get("/scorecards/")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'id="new-scorecard"')

    def test_creating_a_scorecard_opens_the_builder_on_draft_v1(self):
        self.client.force_login(self.manager)
        response = self.client.post(
            "/scorecards/", {"name": "Sales QA", "description": "Outbound", "lines_of_business": [self.lob.pk]}
        )
        scorecard = Scorecard.objects.get(name="Sales QA")
        v1 = scorecard.versions.get()
        self.assertRedirects(response, f"/scorecards/versions/{v1.pk}/edit/")
        self.assertEqual(list(scorecard.lines_of_business.all()), [self.lob])
        self.assertEqual((v1.number, v1.status), (1, VersionStatus.DRAFT))

    def test_a_duplicate_name_is_shown_on_the_form(self):
        self.draft(name="Billing QA")
        self.client.force_login(self.manager)
        response = self.client.post("/scorecards/", {"name": "Billing QA"})
        self.assertContains(response, "A scorecard with this name exists.")
        self.assertEqual(Scorecard.objects.count(), 1)

    def test_the_list_filters_by_active(self):
        self.draft(name="Current")
        old = self.draft(name="Old")
        Scorecard.objects.filter(pk=old.scorecard_id).update(active=False)
        self.client.force_login(self.qa)
        response = self.client.get("/scorecards/", {"active": "0"})
        self.assertContains(response, "Old")
        self.assertNotContains(response, "Current")

    def test_the_list_costs_the_same_queries_for_1_or_4_scorecards(self):
        self.published(name="Card 0", lines=[self.lob])
        self.client.force_login(self.qa)

        def count():
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get("/scorecards/").status_code, 200)
            return len(ctx.captured_queries)

        count()  # warm up: the user's roles and the site's settings are cached after the first request
        before = count()
        for n in range(1, 4):
            v = self.published(name=f"Card {n}", lines=[self.lob])
            services.scorecard_new_draft(scorecard=v.scorecard, by=self.qa)
        self.assertEqual(count(), before)


class ScorecardPageTests(PageCase):
    def test_it_lists_every_version_with_its_status_and_notes(self):
        v1 = self.published()
        v2 = services.scorecard_new_draft(scorecard=v1.scorecard, by=self.qa)
        self.client.force_login(self.trainer)
        response = self.client.get(f"/scorecards/{v1.scorecard_id}/")
        self.assertContains(response, f"/scorecards/versions/{v1.pk}/")
        self.assertContains(response, f"/scorecards/versions/{v2.pk}/")
        self.assertContains(response, "Published")
        self.assertContains(response, "Draft")
        self.assertContains(response, "First version")
        self.assertNotContains(response, "/edit/")

    def test_a_builder_may_start_a_new_draft_from_the_latest_version(self):
        v1 = self.published()
        self.client.force_login(self.qa)
        response = self.client.get(f"/scorecards/{v1.scorecard_id}/")
        self.assertContains(response, "Start a new draft from v1")
        response = self.client.post(f"/scorecards/{v1.scorecard_id}/new-draft/")
        v2 = ScorecardVersion.objects.get(scorecard=v1.scorecard, number=2)
        self.assertRedirects(response, f"/scorecards/versions/{v2.pk}/edit/")
        self.assertEqual(v2.sections.count(), 2)
        self.assertContains(self.client.get(f"/scorecards/{v1.scorecard_id}/"), "Edit draft v2")


class VersionPageTests(PageCase):
    def test_it_shows_sections_criteria_and_settings(self):
        version = self.draft(criteria=2)
        services.scorecard_draft_save(
            version=version,
            structure={
                "critical_zeroes": False,
                "sections": [
                    {
                        "title": "Communication",
                        "weight": 100,
                        "criteria": [
                            {
                                "text": "Empathy",
                                "kind": "scale",
                                "scale_max": 4,
                                "points": 10,
                                "category": "communication",
                                "allow_na": True,
                                "guidance": "Acknowledges feelings",
                            },
                            {"text": "Correct information", "points": 10, "critical": True, "category": "knowledge"},
                        ],
                    }
                ],
            },
            by=self.manager,
        )
        self.client.force_login(self.supervisor)
        response = self.client.get(f"/scorecards/versions/{version.pk}/")
        for text in (
            "Communication",
            "weight 100 %",
            "Empathy",
            "Scale 0–4",
            "Acknowledges feelings",
            "Yes / no",
            "Knowledge",
            "critical",
            "only flags the evaluation",
        ):
            self.assertContains(response, text)
        self.assertNotContains(response, "Publish v1")

    def test_a_draft_shows_what_stops_publishing_to_builders(self):
        version = self.draft(weights=(30, 60))
        self.client.force_login(self.qa)
        response = self.client.get(f"/scorecards/versions/{version.pk}/")
        self.assertContains(response, "Section weights add up to 90; they must add up to 100.")
        self.assertContains(response, "Publish v1")
        self.assertContains(response, f"/scorecards/versions/{version.pk}/edit/")

    def test_publishing_from_the_page(self):
        version = self.draft()
        self.client.force_login(self.qa)
        response = self.client.post(f"/scorecards/versions/{version.pk}/publish/", follow=True)
        self.assertRedirects(response, f"/scorecards/versions/{version.pk}/")
        self.assertContains(response, "Version 1 is published")
        version.refresh_from_db()
        self.assertEqual((version.status, version.published_by), (VersionStatus.PUBLISHED, self.qa))

    def test_publishing_from_the_page_is_refused_with_the_reason(self):
        version = self.draft(weights=(30, 60))
        self.client.force_login(self.qa)
        response = self.client.post(f"/scorecards/versions/{version.pk}/publish/", follow=True)
        self.assertContains(response, "Section weights add up to 90")
        version.refresh_from_db()
        self.assertEqual(version.status, VersionStatus.DRAFT)

    def test_publishing_a_published_version_again_says_so(self):
        version = self.published()
        self.client.force_login(self.qa)
        response = self.client.post(f"/scorecards/versions/{version.pk}/publish/", follow=True)
        self.assertContains(response, "Only a draft can be published.")


class BuilderPageTests(PageCase):
    def test_the_builder_embeds_the_draft_and_its_script(self):
        version = self.draft()
        self.client.force_login(self.manager)
        response = self.client.get(f"/scorecards/versions/{version.pk}/edit/")
        self.assertContains(response, 'id="builder"')
        self.assertContains(response, "js/scorecard_builder.js")
        data = json.loads(
            response.content.decode()
            .split('id="scorecard-structure" type="application/json">')[1]
            .split("</script>")[0]
        )
        self.assertEqual([s["title"] for s in data["sections"]], ["Section 1", "Section 2"])
        config = json.loads(
            response.content.decode().split('id="builder-config" type="application/json">')[1].split("</script>")[0]
        )
        self.assertEqual(config["apiUrl"], f"/api/v1/scorecard-versions/{version.pk}/")
        self.assertEqual(config["publishUrl"], f"/api/v1/scorecard-versions/{version.pk}/publish/")
        self.assertIn({"value": "scale", "label": "Scale 0…k"}, config["kinds"])

    def test_a_published_version_is_immutable_and_offers_a_new_draft(self):
        version = self.published()
        self.client.force_login(self.qa)
        response = self.client.get(f"/scorecards/versions/{version.pk}/edit/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "cannot be changed")
        self.assertContains(response, "Start a new draft from v1")
        self.assertNotContains(response, 'id="builder"')
        self.assertNotContains(response, "scorecard_builder.js")

    def test_a_retired_version_points_to_the_existing_draft(self):
        v1 = self.published()
        v2 = services.scorecard_new_draft(scorecard=v1.scorecard, by=self.qa)
        services.scorecard_publish(version=v2, by=self.qa)
        v3 = services.scorecard_new_draft(scorecard=v1.scorecard, by=self.qa)
        self.client.force_login(self.qa)
        response = self.client.get(f"/scorecards/versions/{v1.pk}/edit/")
        self.assertContains(response, "retired")
        self.assertContains(response, f"/scorecards/versions/{v3.pk}/edit/")
        self.assertNotContains(response, 'id="builder"')


class PagePermissionTests(PageCase):
    def test_agents_and_hr_are_refused_every_page(self):
        version = self.draft()
        urls = [
            "/scorecards/",
            f"/scorecards/{version.scorecard_id}/",
            f"/scorecards/versions/{version.pk}/",
            f"/scorecards/versions/{version.pk}/edit/",
        ]
        for user in (self.agent_user, self.hr):
            self.client.force_login(user)
            for url in urls:
                self.assertEqual(self.client.get(url).status_code, 403, (user.username, url))
            self.assertEqual(self.client.post("/scorecards/", {"name": "Mine"}).status_code, 403)
            self.assertEqual(self.client.post(f"/scorecards/versions/{version.pk}/publish/").status_code, 403)
            self.assertEqual(self.client.post(f"/scorecards/{version.scorecard_id}/new-draft/").status_code, 403)
        self.assertEqual(Scorecard.objects.count(), 1)

    def test_supervisors_and_trainers_read_but_may_not_build(self):
        version = self.draft()
        for user in (self.supervisor, self.trainer):
            self.client.force_login(user)
            for url in ("/scorecards/", f"/scorecards/{version.scorecard_id}/", f"/scorecards/versions/{version.pk}/"):
                self.assertEqual(self.client.get(url).status_code, 200, (user.username, url))
            self.assertEqual(self.client.get(f"/scorecards/versions/{version.pk}/edit/").status_code, 403)
            self.assertEqual(self.client.post("/scorecards/", {"name": "Mine"}).status_code, 403)
            self.assertEqual(self.client.post(f"/scorecards/versions/{version.pk}/publish/").status_code, 403)
            self.assertEqual(self.client.post(f"/scorecards/{version.scorecard_id}/new-draft/").status_code, 403)
        version.refresh_from_db()
        self.assertEqual(version.status, VersionStatus.DRAFT)
        self.assertEqual(ScorecardVersion.objects.count(), 1)
        self.assertEqual(Scorecard.objects.count(), 1)

    def test_anonymous_users_go_to_login(self):
        self.assertRedirects(
            self.client.get("/scorecards/"), "/accounts/login/?next=/scorecards/", fetch_redirect_response=False
        )

    def test_publish_and_new_draft_only_accept_post(self):
        version = self.draft()
        self.client.force_login(self.qa)
        self.assertEqual(self.client.get(f"/scorecards/versions/{version.pk}/publish/").status_code, 405)
        self.assertEqual(self.client.get(f"/scorecards/{version.scorecard_id}/new-draft/").status_code, 405)

    def test_an_admin_may_build(self):
        version = self.draft()
        self.client.force_login(f.UserFactory(username="admin", roles=["admin"]))
        self.assertContains(self.client.get(f"/scorecards/versions/{version.pk}/edit/"), 'id="builder"')


class ExtensionPageTests(PageCase):
    def extended_version(self, publish=True):
        version = self.draft()
        services.scorecard_draft_save(version=version, structure=extended(), by=self.manager)
        return services.scorecard_publish(version=version, by=self.manager) if publish else version

    def test_the_version_page_shows_bonus_section_fail_comments_conditions_and_root_causes(self):
        version = self.extended_version()
        self.client.force_login(self.supervisor)
        response = self.client.get(f"/scorecards/versions/{version.pk}/")
        self.assertContains(response, '<span class="tag ok">bonus section</span>', count=1)
        self.assertContains(response, "Its points come on top of the 100: up to 5 more.")
        self.assertContains(response, "100 % · bonus sections: a score may reach 100 + 5")
        self.assertContains(response, '<span class="tag bad">fails its section</span>', count=1)
        self.assertContains(response, "<td>required</td>", count=1)
        self.assertContains(response, "Shown only when 1.1 “Hold needed” = Yes")
        self.assertContains(response, "Shown only when 2.1 “Explains” = 2")
        page = response.content.decode()
        causes = page.split('id="root-causes"')[1]
        self.assertIn("Did not follow the procedure", causes)
        self.assertIn("the agent's", causes.split("System down")[0])
        self.assertIn("the process's (not counted against the agent)", causes.split("System down")[1])

    def test_a_version_without_root_causes_says_so(self):
        version = self.published()
        self.client.force_login(self.qa)
        response = self.client.get(f"/scorecards/versions/{version.pk}/")
        self.assertContains(response, "No root causes: evaluators name none when points are lost.")
        self.assertNotContains(response, "bonus section")
        self.assertNotContains(response, "Shown only when")

    def test_the_builder_gets_the_extensions_and_their_texts(self):
        version = self.extended_version(publish=False)
        self.client.force_login(self.manager)
        response = self.client.get(f"/scorecards/versions/{version.pk}/edit/")
        page = response.content.decode()
        data = json.loads(page.split('id="scorecard-structure" type="application/json">')[1].split("</script>")[0])
        self.assertEqual(data["sections"][0]["criteria"][1]["shown_when"], {"criterion": 0, "value": 1})
        self.assertEqual([c["agent_controllable"] for c in data["root_causes"]], [True, False])
        config = json.loads(page.split('id="builder-config" type="application/json">')[1].split("</script>")[0])
        for key, text in (
            ("bonus", "Bonus section"),
            ("sectionFail", "Fails its section"),
            ("commentOnLoss", "Comment required when points are lost"),
            ("shownWhen", "Shown only when"),
            ("agentControllable", "Within the agent's control"),
        ):
            self.assertEqual(config["text"][key], text)
        self.assertContains(response, 'id="add-cause"')
        # The builder's scripts are files (the page's CSP allows no inline script).
        for script in ("scorecard_builder_dom.js", "scorecard_builder_extras.js", "scorecard_builder.js"):
            self.assertContains(response, f"js/{script}")

    def test_a_supervisor_may_not_open_the_builder_of_an_extended_draft(self):
        version = self.extended_version(publish=False)
        self.client.force_login(self.supervisor)
        self.assertEqual(self.client.get(f"/scorecards/versions/{version.pk}/edit/").status_code, 403)
        self.assertEqual(self.client.post(f"/scorecards/versions/{version.pk}/publish/").status_code, 403)
        version.refresh_from_db()
        self.assertEqual(version.status, VersionStatus.DRAFT)
