"""`manage.py seed_demo --locale zh-hans` (DESIGN.md §8): a Chinese demo center — Chinese names,
lines, sites, teams, shifts, scorecard, service types, transcripts, coaching texts — whose demo
logins see Chinese pages. Seeded once for the class (a small center), rolled back afterwards."""

from __future__ import annotations

import io
import re
import shutil
import tempfile

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase, override_settings

from coaching.models import CoachingPlan, CoachingSession, DevelopmentReview, LibraryCall
from monitoring import demo
from monitoring.models import Agent, Call, LineOfBusiness, PrivateLine, Shift, Site, Team
from qa_platform.models import LanguagePreference
from scoring.models import Answer, CalibrationSession, Criterion, Dispute, Evaluation, Scorecard, Section

User = get_user_model()
# Four weeks (as tests/test_seed_history.py): coaching plans need evaluations before and since.
SMALL = {"agents": 12, "weeks": 4, "calls_per_agent_week": 8, "seed": 5}
HAN = re.compile(r"[\u4e00-\u9fff]")
MEDIA = tempfile.mkdtemp(prefix="zh-demo-media-")


def chinese(text: str) -> bool:
    """Mostly Chinese: Han characters, and no Latin word (digits and punctuation may appear)."""
    return bool(HAN.search(text)) and not re.search(r"[A-Za-z]{2,}", text)


@override_settings(MEDIA_ROOT=MEDIA)
class ChineseDemoCenter(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = io.StringIO()
        call_command("seed_demo", **SMALL, locale="zh-hans", stdout=cls.output, stderr=io.StringIO())

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def assert_chinese(self, texts, what: str):
        texts = [t for t in texts if t]
        self.assertTrue(texts, f"no {what}")
        offenders = [t for t in texts if not chinese(t)]
        self.assertEqual(offenders, [], what)

    def test_agents_have_chinese_names_family_name_first_without_a_space(self):
        names = list(Agent.objects.values_list("name", flat=True))
        self.assertEqual(len(names), SMALL["agents"])
        surnames = {s for s, _py in demo.SURNAMES}
        for name in names:
            self.assertTrue(chinese(name) and " " not in name, name)
            self.assertIn(name[0], surnames, name)
        agent = User.objects.get(username="agent")
        self.assertEqual(agent.last_name + agent.first_name, agent.agent.name)

    def test_the_demo_logins_have_chinese_names_and_stay_the_six_with_password_demo(self):
        for username in demo.DEMO_LOGINS:
            user = User.objects.get(username=username)
            self.assertTrue(user.check_password("demo"), username)
            self.assertTrue(chinese(user.last_name + user.first_name), (username, user.first_name, user.last_name))
        self.assertEqual((User.objects.get(username="manager").last_name), "周")

    def test_lines_sites_teams_shifts_and_private_lines_are_chinese(self):
        self.assertEqual(dict(LineOfBusiness.objects.values_list("code", "name"))["billing"], "账务")
        self.assertEqual(set(Site.objects.values_list("name", flat=True)), {"上海", "成都"})
        self.assert_chinese(Team.objects.values_list("name", flat=True), "team names")
        self.assertTrue(Team.objects.filter(name="上海账务一组").exists())
        shifts = dict(Shift.objects.values_list("code", "name"))
        self.assertEqual((shifts["day"], shifts["night"], shifts["peak"]), ("正常班", "夜班", "繁忙时段加班"))
        self.assert_chinese(PrivateLine.objects.values_list("reason", flat=True), "private line reasons")

    def test_service_types_and_transcripts_are_chinese(self):
        types = set(Call.objects.exclude(service_type="").values_list("service_type", flat=True))
        self.assert_chinese(types, "service types")
        self.assertIn("账单查询", types)
        transcripts = Call.objects.exclude(transcript=None).values_list("transcript", flat=True)
        texts = {seg["text"] for transcript in transcripts for seg in transcript}
        self.assert_chinese(texts, "transcript lines")
        recordings = set(Call.objects.exclude(recording="").values_list("recording", flat=True))
        self.assertTrue(recordings and all("/pool-zh-" in name for name in recordings), recordings)

    def test_the_scorecard_is_a_chinese_evaluation_standard_of_the_english_structure(self):
        from scoring import demo_scorecard, demo_scorecard_zh

        scorecard = Scorecard.objects.get()
        self.assertEqual(scorecard.name, demo_scorecard_zh.SCORECARD_NAME)
        self.assert_chinese(Section.objects.values_list("title", flat=True), "section titles")
        self.assert_chinese(Criterion.objects.values_list("text", flat=True), "criteria")
        self.assert_chinese(Criterion.objects.values_list("guidance", flat=True), "guidance")
        titles = set(Section.objects.values_list("title", flat=True))
        self.assertTrue({"礼貌用语", "业务知识", "沟通技巧", "问题解决", "合规"} <= titles, titles)

        def shape(sections):
            return [(w, [c[2:] for c in criteria]) for _title, w, criteria in sections]

        self.assertEqual(shape(demo_scorecard_zh.V1_SECTIONS), shape(demo_scorecard.V1_SECTIONS))
        self.assertEqual(demo_scorecard_zh.V2_EXTRA[1][2:], demo_scorecard.V2_EXTRA[1][2:])

    def test_evaluations_disputes_and_calibration_texts_are_chinese(self):
        self.assert_chinese(Evaluation.objects.values_list("summary", flat=True), "evaluation summaries")
        self.assert_chinese(Answer.objects.values_list("comment", flat=True), "answer comments")
        self.assert_chinese(Dispute.objects.values_list("reason", flat=True), "dispute reasons")
        self.assert_chinese(CalibrationSession.objects.values_list("title", flat=True), "calibration titles")

    def test_coaching_texts_are_chinese(self):
        self.assert_chinese(CoachingPlan.objects.values_list("title", flat=True), "coaching plan titles")
        self.assert_chinese(CoachingPlan.objects.values_list("proposal", flat=True), "proposals")
        self.assert_chinese(CoachingSession.objects.values_list("notes", flat=True), "session notes")
        self.assert_chinese(LibraryCall.objects.values_list("note", flat=True), "library notes")
        self.assert_chinese(
            DevelopmentReview.objects.exclude(summary="").values_list("summary", flat=True), "review summaries"
        )

    def test_the_generated_reports_are_chinese(self):
        from reports.models import GeneratedReport

        self.assertEqual(set(GeneratedReport.objects.values_list("language", flat=True)), {"zh-hans"})

    def test_the_demo_logins_prefer_chinese(self):
        preferences = dict(LanguagePreference.objects.values_list("user__username", "language"))
        self.assertEqual(preferences, dict.fromkeys(demo.DEMO_LOGINS, "zh-hans"))

    def test_every_role_lands_on_a_chinese_page_with_chinese_data(self):
        data = [*Team.objects.values_list("name", flat=True), *Agent.objects.values_list("name", flat=True)]
        data += [*LineOfBusiness.objects.values_list("name", flat=True), Scorecard.objects.get().name]
        data += list(CoachingPlan.objects.values_list("title", flat=True))
        data += [u.last_name + u.first_name for u in User.objects.filter(username__in=demo.DEMO_LOGINS)]  # 周敏
        for username in demo.DEMO_LOGINS:
            with self.subTest(username):
                self.client.logout()
                self.assertTrue(self.client.login(username=username, password="demo"))
                response = self.client.get("/", follow=True)
                self.assertEqual(response.status_code, 200)
                html = response.content.decode()
                self.assertRegex(html, r'<html[^>]*lang="zh-hans"')
                self.assertTrue(any(text in html for text in data), f"{username}: no Chinese demo data shown")
