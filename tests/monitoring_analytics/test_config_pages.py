"""The call-analysis settings pages (/calls/analysis/, monitoring/views_analytics.py): a manager
sets a line's thresholds and phrase rules, each change in the history with who made it; bad input
is a 400 naming the field, with nothing saved; only managers and admins get in; a re-analysis is
asked for through the outbox and survives a broker outage."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from monitoring import services_analytics_config as services
from monitoring.models import AnalysisSettings, CallAnalysis, PhraseRule
from qa_platform.menu import items_for
from qa_platform.models import OutboxJob
from tests import factories as f
from tests.personas import Personas

TRANSCRIPT = [
    {"start": 0.0, "end": 4.0, "speaker": "agent", "text": "您好，很高兴为您服务"},
    {"start": 4.5, "end": 9.0, "speaker": "customer", "text": "我的账单有问题"},
    {"start": 30.0, "end": 34.0, "speaker": "agent", "text": "这个我不知道，你自己去查吧"},
]
SETTINGS = {
    "agent_channel": "0",
    "silence_seconds": "8",
    "ignore_gap_seconds": "1.5",
    "hold_min_seconds": "30",
    "hold_long_seconds": "90",
    "hold_max_count": "2",
    "long_call_seconds": "300",
}
RULE = {
    "code": "greeting",
    "name": "问候语",
    "kind": "required",
    "phrases": "您好，很高兴为您服务\n\n  你好  \n",
    "speaker": "agent",
    "window": "start",
    "window_seconds": "10",
    "threshold": "90",
}


class ConfigPageTests(Personas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.admin = f.UserFactory(username="admin", roles=["admin"])
        cls.other_lob = f.LineOfBusinessFactory(code="sales", name="Sales")
        cls.rule = PhraseRule.objects.create(
            line_of_business=cls.lob, code="dont-know", name="Says I don't know", kind="forbidden", phrases=["不知道"]
        )
        cls.spoken = f.CallFactory(agent=cls.agent, line_of_business=cls.lob, transcript=TRANSCRIPT)

    def setUp(self):
        self.client.force_login(self.manager)

    def line_url(self, lob=None):
        return reverse("call-analysis-line", args=[(lob or self.lob).pk])

    def create_url(self, lob=None):
        return reverse("call-analysis-rule-create", args=[(lob or self.lob).pk])

    # --- thresholds ---------------------------------------------------------------------------

    def test_a_manager_saves_a_lines_thresholds_and_the_history_says_who_and_what(self):
        self.assertFalse(AnalysisSettings.objects.filter(line_of_business=self.lob).exists())
        response = self.client.post(self.line_url(), SETTINGS)
        self.assertRedirects(response, self.line_url(), fetch_redirect_response=False)
        row = AnalysisSettings.objects.get(line_of_business=self.lob)
        self.assertEqual((row.silence_seconds, row.ignore_gap_seconds, row.hold_long_seconds), (8, 1.5, 90))
        self.assertEqual((row.hold_max_count, row.long_call_seconds), (2, 300))
        changed, created = row.history.all()
        self.assertEqual((changed.history_user, created.history_user), (self.manager, self.manager))
        page = self.client.get(self.line_url())
        labels = {c["label"]: (c["old"], c["new"]) for c in page.context["history"][0]["changes"]}
        self.assertEqual(labels["dead air over (s)"], (10.0, 8.0))
        self.assertEqual(len(labels), 5)  # hold_min_seconds and the channel were left as they were
        self.assertContains(page, "8.0</strong>")
        # The other line keeps the defaults, and shows none of this line's history.
        self.assertEqual(self.client.get(self.line_url(self.other_lob)).context["history"], [])
        listing = self.client.get(reverse("call-analysis"))
        rows = {r.line.code: r for r in listing.context["rows"]}
        self.assertEqual(
            (rows["billing"].thresholds.silence_seconds, rows["sales"].thresholds.silence_seconds), (8, 10)
        )
        self.assertEqual((rows["billing"].forbidden, rows["billing"].required), (1, 0))

    def test_an_invalid_threshold_is_a_400_naming_the_field_and_nothing_is_saved(self):
        response = self.client.post(self.line_url(), {**SETTINGS, "silence_seconds": "0"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("silence_seconds", response.context["form"].errors)
        self.assertContains(response, "greater than or equal to 1", status_code=400)
        # Thresholds that cannot nest (a silence as long as a hold) are refused by the service.
        response = self.client.post(self.line_url(), {**SETTINGS, "silence_seconds": "40"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "A hold must be longer than a silence.", status_code=400)
        self.assertFalse(AnalysisSettings.objects.filter(line_of_business=self.lob).exists())
        self.assertFalse(AnalysisSettings.history.exists())

    # --- rules --------------------------------------------------------------------------------

    def test_a_manager_adds_a_rule_with_chinese_phrases_one_per_line(self):
        response = self.client.post(self.create_url(), RULE)
        self.assertRedirects(response, self.line_url(), fetch_redirect_response=False)
        rule = PhraseRule.objects.get(line_of_business=self.lob, code="greeting")
        self.assertEqual(rule.phrases, ["您好，很高兴为您服务", "你好"])
        self.assertEqual((rule.window, rule.window_seconds, rule.threshold, rule.active), ("start", 10, 90, True))
        self.assertEqual(rule.history.get().history_user, self.manager)
        page = self.client.get(self.line_url())
        self.assertContains(page, "您好，很高兴为您服务")
        self.assertEqual(page.context["rules_history"][0]["name"], "问候语")

    def test_a_window_at_the_start_without_seconds_is_refused(self):
        response = self.client.post(self.create_url(), {**RULE, "window_seconds": ""})
        self.assertEqual(response.status_code, 400)
        self.assertIn("window_seconds", response.context["form"].errors)
        self.assertContains(response, "Say how many seconds", status_code=400)
        self.assertFalse(PhraseRule.objects.filter(code="greeting").exists())

    def test_bad_phrases_and_a_taken_code_are_refused_by_field(self):
        response = self.client.post(self.create_url(), {**RULE, "code": "dont-know", "phrases": "x" * 201})
        self.assertEqual(response.status_code, 400)
        errors = response.context["form"].errors
        self.assertIn("at most 200", errors["phrases"][0])
        self.assertEqual(errors["code"], ["This line already has a rule with this code."])
        self.assertEqual(self.client.post(self.create_url(), {**RULE, "phrases": "\n \n"}).status_code, 400)
        # The same code on another line is fine.
        self.assertEqual(
            self.client.post(self.create_url(self.other_lob), {**RULE, "code": "dont-know"}).status_code, 302
        )
        with self.assertRaises(ValidationError) as caught:
            services.phrase_rule_create(
                line=self.lob, by=self.manager, code="many", name="Many", kind="forbidden", phrases=["a"] * 0
            )
        self.assertIn("phrases", caught.exception.message_dict)
        with self.assertRaises(ValidationError) as caught:
            services.phrase_rule_create(
                line=self.lob, by=self.manager, code="many", name="Many", kind="forbidden",
                phrases=[f"word{i}" for i in range(51)], threshold=40,
            )  # fmt: skip
        self.assertEqual(set(caught.exception.message_dict), {"phrases", "threshold"})
        self.assertEqual(PhraseRule.objects.filter(line_of_business=self.lob).count(), 1)

    def test_editing_a_rule_keeps_its_code_and_records_the_change(self):
        url = reverse("call-analysis-rule-edit", args=[self.lob.pk, self.rule.pk])
        self.assertNotIn("code", self.client.get(url).context["form"].fields)
        edit = {**RULE, "code": "renamed", "kind": "forbidden", "phrases": "不知道\n不清楚", "window": "whole"}
        self.assertEqual(self.client.post(url, edit).status_code, 302)
        self.rule.refresh_from_db()
        self.assertEqual(
            (self.rule.code, self.rule.phrases, self.rule.window_seconds), ("dont-know", ["不知道", "不清楚"], None)
        )
        latest = self.client.get(self.line_url()).context["rules_history"][0]
        self.assertEqual(latest["who"], self.manager)
        self.assertIn(("phrases", "不知道 / 不清楚"), [(c["field"], c["new"]) for c in latest["changes"]])

    def test_deactivating_a_rule_stops_it_on_newly_analysed_calls(self):
        url = reverse("call-analysis-rule-deactivate", args=[self.lob.pk, self.rule.pk])
        self.assertRedirects(self.client.post(url), self.line_url(), fetch_redirect_response=False)
        self.rule.refresh_from_db()
        self.assertFalse(self.rule.active)
        self.assertEqual(self.rule.history.first().history_user, self.manager)
        page = self.client.get(self.line_url())
        self.assertContains(page, "deactivated")
        self.assertContains(page, reverse("call-analysis-rule-activate", args=[self.lob.pk, self.rule.pk]))
        # A rule is reached through its own line only.
        other = reverse("call-analysis-rule-deactivate", args=[self.other_lob.pk, self.rule.pk])
        self.assertEqual(self.client.post(other).status_code, 404)
        self.assertEqual(self.client.get(reverse("call-analysis-line", args=[99999])).status_code, 404)

    def test_a_rule_is_tried_on_pasted_lines_or_a_recent_call_without_saving(self):
        url = self.create_url()
        pasted = {**RULE, "action": "test", "try-text": "客户：你好\n座席：您好，很高兴为您服务"}
        response = self.client.post(url, pasted)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["tried"]["result"].passed)
        self.assertContains(response, "The required phrase was said")
        forbidden = {**RULE, "kind": "forbidden", "phrases": "不知道", "window": "whole", "action": "test"}
        response = self.client.post(url, {**forbidden, "try-call": str(self.spoken.pk)})
        self.assertEqual(response.status_code, 200)
        [hit] = response.context["tried"]["result"].hits
        self.assertEqual(hit.start, 30.0)
        self.assertContains(response, "A forbidden phrase was said")
        self.assertEqual(self.client.post(url, {**forbidden, "try-text": ""}).status_code, 400)
        self.assertFalse(PhraseRule.objects.filter(code="greeting").exists())

    # --- re-analysis --------------------------------------------------------------------------

    def test_re_analysing_a_line_analyses_its_recent_calls_with_the_new_rules(self):
        old = f.CallFactory(
            agent=self.agent,
            line_of_business=self.lob,
            transcript=TRANSCRIPT,
            start_time=timezone.now() - dt.timedelta(days=30),
        )
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("call-analysis-reanalyse", args=[self.lob.pk]), {"days": "7"})
        self.assertRedirects(response, self.line_url(), fetch_redirect_response=False)
        analysis = CallAnalysis.objects.get(call=self.spoken)
        self.assertTrue(analysis.forbidden_phrase)
        self.assertFalse(CallAnalysis.objects.filter(call=old).exists())
        self.assertContains(self.client.get(self.line_url()), "1 call of the last 7 days will be analysed again.")
        self.assertEqual(
            self.client.post(reverse("call-analysis-reanalyse", args=[self.lob.pk]), {"days": "0"}).status_code, 400
        )

    @override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL="redis://127.0.0.1:1/0")
    def test_a_broker_outage_keeps_the_re_analysis_for_later_and_the_page_still_answers(self):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("call-analysis-reanalyse", args=[self.lob.pk]), {"days": "7"})
        self.assertEqual(response.status_code, 302)
        job = OutboxJob.objects.get()
        self.assertEqual((job.task, job.kwargs), ("monitoring.analyze_calls", {"call_ids": [self.spoken.pk]}))

    # --- who may -----------------------------------------------------------------------------

    def test_qa_supervisors_agents_trainers_and_hr_are_refused_on_every_page(self):
        urls = [
            reverse("call-analysis"),
            self.line_url(),
            self.create_url(),
            reverse("call-analysis-rule-edit", args=[self.lob.pk, self.rule.pk]),
        ]
        posts = [
            (self.line_url(), SETTINGS),
            (self.create_url(), RULE),
            (reverse("call-analysis-rule-deactivate", args=[self.lob.pk, self.rule.pk]), {}),
            (reverse("call-analysis-reanalyse", args=[self.lob.pk]), {"days": "7"}),
        ]
        for user in (self.qa, self.supervisor, self.agent_user, self.trainer, self.hr):
            self.client.force_login(user)
            for url in urls:
                self.assertEqual(self.client.get(url).status_code, 403, (user.username, url))
            for url, data in posts:
                self.assertEqual(self.client.post(url, data).status_code, 403, (user.username, url))
            self.assertNotIn("call-analysis", [i.url_name for i in items_for(user)])
        self.assertFalse(AnalysisSettings.objects.exists())
        self.rule.refresh_from_db()
        self.assertTrue(self.rule.active)
        self.assertFalse(PhraseRule.objects.filter(code="greeting").exists())

    def test_the_services_refuse_a_supervisor_even_of_a_team_on_the_line(self):
        # The supervisor's team takes this line's calls: that gives them its results, not its rules.
        with self.assertRaises(PermissionDenied):
            services.analysis_settings_save(line=self.lob, by=self.supervisor, values={"silence_seconds": 5.0})
        with self.assertRaises(PermissionDenied):
            services.phrase_rule_deactivate(rule=self.rule, by=self.supervisor)
        with self.assertRaises(PermissionDenied):
            services.line_reanalyse(line=self.lob, by=self.qa, days=7)

    def test_managers_and_admins_find_it_in_the_menu_and_an_admin_may_edit(self):
        self.assertIn("call-analysis", [i.url_name for i in items_for(self.manager)])
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(reverse("call-analysis")).status_code, 200)
        self.assertEqual(self.client.post(self.line_url(), SETTINGS).status_code, 302)
        self.assertEqual(AnalysisSettings.objects.get().history.first().history_user, self.admin)
