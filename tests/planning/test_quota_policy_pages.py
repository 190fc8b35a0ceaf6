"""Quota policies in the browser and the API: who may read and edit, the model's rules as field
errors, overrides per line of business, and the history every save keeps."""

from __future__ import annotations

from rest_framework.test import APIClient

from planning.models import QuotaPolicy
from planning.policies import policy_values
from planning.services.policies import quota_policy_create
from tests import factories as f
from tests.personas import Personas


class PolicyTestCase(Personas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.admin = f.UserFactory(username="admin", roles=["admin"])
        cls.default = QuotaPolicy.objects.get(line_of_business__isnull=True)
        cls.sales = f.LineOfBusinessFactory(code="sales", name="Sales")

    def form_data(self, policy=None, **changes) -> dict:
        return {**policy_values(policy or self.default), **changes}

    def edit_url(self, policy=None) -> str:
        return f"/quotas/policies/{(policy or self.default).pk}/edit/"

    def api(self, user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client


class PolicyPageAccessTests(PolicyTestCase):
    def test_managers_admins_supervisors_qa_and_trainers_read_the_list(self):
        for user in (self.manager, self.admin, self.supervisor, self.qa, self.trainer):
            self.client.force_login(user)
            response = self.client.get("/quotas/policies/")
            self.assertEqual(response.status_code, 200, user.username)
            self.assertContains(response, "Center default")

    def test_agents_and_hr_are_refused_the_policy_pages(self):
        for user in (self.agent_user, self.hr):
            self.client.force_login(user)
            self.assertEqual(self.client.get("/quotas/policies/").status_code, 403, user.username)
            self.assertEqual(self.client.get(self.edit_url()).status_code, 403, user.username)
            self.assertEqual(self.client.get(f"/quotas/policies/new/?line={self.sales.pk}").status_code, 403)

    def test_a_supervisor_may_not_edit_a_policy(self):
        self.client.force_login(self.supervisor)
        self.assertEqual(self.client.get(self.edit_url()).status_code, 403)
        response = self.client.post(self.edit_url(), self.form_data(target_good=9))
        self.assertEqual(response.status_code, 403)
        self.default.refresh_from_db()
        self.assertEqual(self.default.target_good, 5)

    def test_qa_and_trainers_may_not_edit_either(self):
        for user in (self.qa, self.trainer):
            self.client.force_login(user)
            response = self.client.post(self.edit_url(), self.form_data(target_good=9))
            self.assertEqual(response.status_code, 403, user.username)
        self.default.refresh_from_db()
        self.assertEqual(self.default.target_good, 5)

    def test_readers_see_no_edit_buttons(self):
        self.client.force_login(self.supervisor)
        response = self.client.get("/quotas/policies/")
        self.assertNotContains(response, self.edit_url())
        self.assertNotContains(response, "Add an override")

    def test_an_anonymous_visitor_is_sent_to_log_in(self):
        response = self.client.get("/quotas/policies/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])


class PolicyFormTests(PolicyTestCase):
    def setUp(self):
        self.client.force_login(self.manager)

    def test_the_form_shows_every_setting_grouped(self):
        response = self.client.get(self.edit_url())
        self.assertEqual(response.status_code, 200)
        for name in policy_values(self.default):
            self.assertContains(response, f'name="{name}"')
            self.assertContains(response, f'for="id_{name}"')
        for group in ("Agent weekly targets by tier", "Tiers", "Line of business per month", "Eligible calls"):
            self.assertContains(response, f"<legend>{group}</legend>", html=True)

    def test_shares_that_do_not_add_up_to_100_are_an_error_on_the_field_and_nothing_is_saved(self):
        before = self.default.history.count()
        response = self.client.post(self.edit_url(), self.form_data(share_qa=60, target_good=6))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["form"].errors["share_qa"],
            ["The QA, supervisor and trainer shares must add up to 100 %."],
        )
        self.assertContains(response, 'id="id_share_qa_error"', status_code=400)
        self.default.refresh_from_db()
        self.assertEqual((self.default.share_qa, self.default.target_good), (70, 5))
        self.assertEqual(self.default.history.count(), before)

    def test_a_top_up_limit_below_the_minimum_is_refused(self):
        response = self.client.post(self.edit_url(), self.form_data(line_month_floor=25, line_month_cap=20))
        self.assertEqual(response.status_code, 400)
        self.assertIn("line_month_cap", response.context["form"].errors)
        self.default.refresh_from_db()
        self.assertEqual(self.default.line_month_floor, 15)

    def test_thresholds_that_do_not_fall_are_refused(self):
        response = self.client.post(self.edit_url(), self.form_data(good_min=95))
        self.assertEqual(response.status_code, 400)
        self.assertIn("good_min", response.context["form"].errors)

    def test_a_blank_or_negative_number_is_a_field_error(self):
        response = self.client.post(self.edit_url(), self.form_data(due_days="", capacity_qa=-1))
        self.assertEqual(response.status_code, 400)
        self.assertIn("due_days", response.context["form"].errors)
        self.assertIn("capacity_qa", response.context["form"].errors)

    def test_a_valid_save_changes_the_policy_and_writes_history_with_who(self):
        response = self.client.post(self.edit_url(), self.form_data(target_good=6, share_qa=60, share_trainer=20))
        self.assertRedirects(response, "/quotas/policies/")
        self.default.refresh_from_db()
        self.assertEqual((self.default.target_good, self.default.share_qa, self.default.share_trainer), (6, 60, 20))
        latest = self.default.history.latest()
        self.assertEqual((latest.history_user, latest.history_type), (self.manager, "~"))
        self.assertEqual(
            latest.diff_against(latest.prev_record).changed_fields, ["share_qa", "share_trainer", "target_good"]
        )
        self.client.post(self.edit_url(), self.form_data(due_days=4, share_qa=60, share_trainer=20))
        self.assertEqual(
            self.default.history.filter(history_user=self.manager, history_type="~")
            .exclude(history_change_reason="baseline")
            .count(),
            2,
        )

    def test_saving_without_a_change_writes_no_history(self):
        response = self.client.post(self.edit_url(), self.form_data(), follow=True)
        self.assertContains(response, "Nothing changed in Center default.")
        self.assertFalse(self.default.history.exists())

    def test_the_list_shows_the_last_changes_with_who_and_what(self):
        self.manager.first_name, self.manager.last_name = "Min", "Zhou"
        self.manager.save()
        self.client.post(self.edit_url(), self.form_data(target_good=6))
        response = self.client.get("/quotas/policies/")
        history = response.context["history"]
        self.assertEqual(history[0]["who"], self.manager)
        self.assertEqual(
            [(c["label"], c["old"], c["new"]) for c in history[0]["changes"]], [("weekly target: good", 5, 6)]
        )
        self.assertContains(response, "Min Zhou")
        self.assertContains(response, "Weekly target: good: 5 → <strong>6</strong>", html=True)


class OverrideTests(PolicyTestCase):
    def setUp(self):
        self.client.force_login(self.manager)

    def test_adding_an_override_starts_from_the_default(self):
        self.default.target_at_risk = 9
        self.default.save()
        response = self.client.get(f"/quotas/policies/new/?line={self.sales.pk}")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Add an override for Sales")
        self.assertContains(response, 'name="target_at_risk" value="9"')

    def test_an_odd_line_id_is_refused_not_a_500(self):
        for line in ("²", "1" * 25):
            response = self.client.get("/quotas/policies/new/", {"line": line})
            self.assertRedirects(response, "/quotas/policies/")
        self.assertFalse(QuotaPolicy.objects.filter(line_of_business__isnull=False).exists())

    def test_saving_the_new_override_creates_the_line_policy_with_history(self):
        data = self.form_data(line=self.sales.pk, line_month_floor=5, line_month_cap=8)
        response = self.client.post("/quotas/policies/new/", data)
        self.assertRedirects(response, "/quotas/policies/")
        policy = QuotaPolicy.objects.get(line_of_business=self.sales)
        self.assertEqual((policy.line_month_floor, policy.line_month_cap, policy.target_good), (5, 8, 5))
        self.assertEqual(policy.history.get().history_type, "+")
        self.assertEqual(policy.history.get().history_user, self.manager)

    def test_an_invalid_override_is_not_created(self):
        response = self.client.post("/quotas/policies/new/", self.form_data(line=self.sales.pk, share_trainer=50))
        self.assertEqual(response.status_code, 400)
        self.assertIn("share_qa", response.context["form"].errors)
        self.assertFalse(QuotaPolicy.objects.filter(line_of_business=self.sales).exists())

    def test_a_line_that_already_has_an_override_goes_to_its_edit_page(self):
        policy = quota_policy_create(line=self.sales, by=self.manager)
        response = self.client.get(f"/quotas/policies/new/?line={self.sales.pk}")
        self.assertRedirects(response, f"/quotas/policies/{policy.pk}/edit/")

    def test_the_list_highlights_what_an_override_changes(self):
        quota_policy_create(line=self.sales, by=self.manager, values={"target_good": 6})
        response = self.client.get("/quotas/policies/")
        rows = {row["name"]: row for group in response.context["groups"] for row in group["rows"]}
        self.assertEqual(rows["target_good"]["cells"], [{"value": 6, "differs": True}])
        self.assertEqual(rows["target_excellent"]["cells"], [{"value": 3, "differs": False}])
        self.assertContains(response, '<td class="num differs">6', count=1)
        # Billing has no override: offered as a line that follows the default.
        self.assertContains(response, f"/quotas/policies/new/?line={self.lob.pk}")
        self.assertNotContains(response, f"/quotas/policies/new/?line={self.sales.pk}")

    def test_deleting_an_override_returns_the_line_to_the_default(self):
        policy = quota_policy_create(line=self.sales, by=self.manager)
        response = self.client.post(f"/quotas/policies/{policy.pk}/delete/")
        self.assertRedirects(response, "/quotas/policies/")
        self.assertFalse(QuotaPolicy.objects.filter(pk=policy.pk).exists())
        deleted = QuotaPolicy.history.filter(id=policy.pk).latest()
        self.assertEqual((deleted.history_type, deleted.history_user), ("-", self.manager))

    def test_the_center_default_cannot_be_deleted(self):
        response = self.client.post(f"/quotas/policies/{self.default.pk}/delete/")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "The center default cannot be deleted.", status_code=400)
        self.assertTrue(QuotaPolicy.objects.filter(pk=self.default.pk).exists())

    def test_deleting_is_a_post_for_managers_only(self):
        policy = quota_policy_create(line=self.sales, by=self.manager)
        self.assertEqual(self.client.get(f"/quotas/policies/{policy.pk}/delete/").status_code, 405)
        self.client.force_login(self.supervisor)
        self.assertEqual(self.client.post(f"/quotas/policies/{policy.pk}/delete/").status_code, 403)
        self.assertTrue(QuotaPolicy.objects.filter(pk=policy.pk).exists())


class PolicyApiTests(PolicyTestCase):
    URL = "/api/v1/quota-policies/"

    def test_readers_list_the_policies(self):
        quota_policy_create(line=self.sales, by=self.manager, values={"target_good": 6})
        response = self.api(self.supervisor).get(self.URL)
        self.assertEqual(response.status_code, 200)
        rows = {r["line_of_business"]: r for r in response.json()["results"]}
        self.assertEqual(rows[None]["is_default"], True)
        self.assertEqual(rows["sales"]["target_good"], 6)
        self.assertEqual(rows["sales"]["line_of_business_name"], "Sales")
        detail = self.api(self.trainer).get(f"{self.URL}{self.default.pk}/")
        self.assertEqual(detail.json()["share_qa"], 70)

    def test_agents_and_hr_get_403(self):
        for user in (self.agent_user, self.hr):
            self.assertEqual(self.api(user).get(self.URL).status_code, 403, user.username)

    def test_a_manager_patches_a_policy_and_history_records_who(self):
        response = self.api(self.manager).patch(f"{self.URL}{self.default.pk}/", {"due_days": 3}, format="json")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["due_days"], 3)
        self.default.refresh_from_db()
        self.assertEqual(self.default.due_days, 3)
        self.assertEqual(self.default.history.latest().history_user, self.manager)

    def test_a_broken_rule_is_a_400_with_the_field_and_nothing_is_saved(self):
        response = self.api(self.admin).patch(f"{self.URL}{self.default.pk}/", {"share_qa": 50}, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"share_qa": ["The QA, supervisor and trainer shares must add up to 100 %."]})
        self.default.refresh_from_db()
        self.assertEqual(self.default.share_qa, 70)

    def test_a_bad_value_is_a_400_on_its_field(self):
        response = self.api(self.manager).patch(f"{self.URL}{self.default.pk}/", {"due_days": "soon"}, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("due_days", response.json())

    def test_a_manager_replaces_a_policy_with_put(self):
        payload = self.form_data(target_excellent=2, line_month_floor=10, line_month_cap=12)
        response = self.api(self.manager).put(f"{self.URL}{self.default.pk}/", payload, format="json")
        self.assertEqual(response.status_code, 200, response.content)
        self.default.refresh_from_db()
        self.assertEqual((self.default.target_excellent, self.default.line_month_cap), (2, 12))

    def test_the_line_of_a_policy_cannot_be_changed(self):
        response = self.api(self.manager).patch(
            f"{self.URL}{self.default.pk}/", {"line_of_business": "sales"}, format="json"
        )
        self.assertEqual(response.status_code, 200)
        self.default.refresh_from_db()
        self.assertIsNone(self.default.line_of_business_id)

    def test_supervisors_qa_and_trainers_may_not_change_policies(self):
        for user in (self.supervisor, self.qa, self.trainer):
            response = self.api(user).patch(f"{self.URL}{self.default.pk}/", {"due_days": 3}, format="json")
            self.assertEqual(response.status_code, 403, user.username)
        self.default.refresh_from_db()
        self.assertEqual(self.default.due_days, 5)

    def test_policies_are_not_created_or_deleted_through_the_api(self):
        client = self.api(self.manager)
        self.assertEqual(client.post(self.URL, {}, format="json").status_code, 405)
        self.assertEqual(client.delete(f"{self.URL}{self.default.pk}/").status_code, 405)
