"""Analysing stored calls (monitoring/services_analytics.py): a two-channel recording's measures
and flags with their evidence, a line's thresholds and phrase rules, a transcript-only call, what
cannot be analysed, a rerun rewriting the same row, analysis after ingest, and the command."""

import io
import shutil
import tempfile

from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.test import override_settings

from monitoring import services
from monitoring.models import AnalysisSettings, AnalysisStatus, CallAnalysis, PhraseRule
from monitoring.services_analytics import analyze_calls
from tests import factories as f
from tests.monitoring_analytics.test_audio import AGENT_TURNS, CUSTOMER_TURNS, DURATION, _channel, _wav
from tests.personas import Personas

MEDIA = tempfile.mkdtemp(prefix="qa-analysis-")
TRANSCRIPT = [
    {"start": 0.0, "end": 4.0, "speaker": "agent", "text": "您好，很高兴为您服务"},
    {"start": 4.5, "end": 9.0, "speaker": "customer", "text": "我的账单有问题"},
    {"start": 9.5, "end": 14.0, "speaker": "agent", "text": "这个我不知道，你自己去查吧"},
]


def two_channel_wav() -> bytes:
    """The generated call of test_audio (dead air at 20 s, a hold at 60 s, the agent talking over
    the customer at 110 s), agent on the left channel."""
    with tempfile.TemporaryDirectory() as folder:
        path = _wav(
            f"{folder}/call.wav",
            [_channel(AGENT_TURNS, DURATION, 175.0, 1), _channel(CUSTOMER_TURNS, DURATION, 115.0, 50)],
        )
        with open(path, "rb") as fh:
            return fh.read()


@override_settings(MEDIA_ROOT=MEDIA)
class AnalysisTests(Personas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.call.recording.save("call.wav", ContentFile(two_channel_wav()), save=True)
        cls.spoken = f.CallFactory(agent=cls.agent, line_of_business=cls.lob, transcript=TRANSCRIPT)
        PhraseRule.objects.create(
            line_of_business=cls.lob,
            code="greeting",
            name="Greeting",
            kind="required",
            phrases=["您好，很高兴为您服务", "你好"],
            speaker="agent",
            window="start",
            window_seconds=10,
        )
        PhraseRule.objects.create(
            line_of_business=cls.lob, code="dont-know", name="Says 'I don't know'", kind="forbidden", phrases=["不知道"]
        )

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def test_a_two_channel_recording_is_measured_with_its_evidence(self):
        self.assertEqual(analyze_calls([self.call.pk])["done"], 1)
        analysis = CallAnalysis.objects.get(call=self.call)
        self.assertEqual(analysis.source, "channels")
        m = analysis.measures
        self.assertEqual([round(s["start"]) for s in m["silences"]], [20])
        self.assertEqual(m["hold_count"], 1)
        self.assertEqual([round(s["start"]) for s in m["interruptions"]], [110])
        self.assertTrue(analysis.long_silence and analysis.agent_interrupted)
        self.assertFalse(analysis.long_hold or analysis.long_call)

    def test_the_lines_thresholds_decide_what_is_flagged(self):
        AnalysisSettings.objects.create(line_of_business=self.lob, silence_seconds=15, long_call_seconds=120)
        analyze_calls([self.call.pk])
        analysis = CallAnalysis.objects.get(call=self.call)
        self.assertEqual(analysis.measures["silences"], [])
        self.assertFalse(analysis.long_silence)
        self.assertTrue(analysis.long_call)

    def test_the_agent_channel_setting_swaps_the_parties(self):
        AnalysisSettings.objects.create(line_of_business=self.lob, agent_channel=1)
        analyze_calls([self.call.pk])
        m = CallAnalysis.objects.get(call=self.call).measures
        self.assertGreater(m["agent_talk_seconds"], m["customer_talk_seconds"])  # the customer talked more

    def test_a_transcript_gets_its_lines_phrase_rules_with_evidence(self):
        analyze_calls([self.spoken.pk])
        analysis = CallAnalysis.objects.get(call=self.spoken)
        self.assertEqual(analysis.source, "transcript")
        results = {r["code"]: r for r in analysis.rules}
        self.assertTrue(results["greeting"]["passed"])
        self.assertFalse(results["dont-know"]["passed"])
        self.assertEqual(results["dont-know"]["hits"][0]["start"], 9.5)
        self.assertTrue(analysis.forbidden_phrase)
        self.assertFalse(analysis.required_missing)

    def test_a_rerun_rewrites_the_same_analysis(self):
        analyze_calls([self.spoken.pk])
        first = CallAnalysis.objects.get(call=self.spoken)
        analyze_calls([self.spoken.pk])
        self.assertEqual(CallAnalysis.objects.filter(call=self.spoken).count(), 1)
        self.assertEqual(CallAnalysis.objects.get(call=self.spoken).rules, first.rules)

    def test_what_cannot_be_analysed_says_why_and_does_not_stop_the_batch(self):
        broken = f.CallFactory(agent=self.agent, line_of_business=self.lob)
        broken.recording.save("call.mp3", ContentFile(b"ID3 not a wav"), save=True)
        nothing = f.CallFactory(agent=self.agent, line_of_business=self.lob)
        counts = analyze_calls([broken.pk, nothing.pk, self.spoken.pk])
        self.assertEqual((counts["failed"], counts["done"]), (1, 1))
        self.assertIn("recording", CallAnalysis.objects.get(call=broken).error)
        self.assertFalse(CallAnalysis.objects.filter(call=nothing).exists())  # nothing to analyse

    def test_calls_with_a_transcript_are_analysed_after_ingest(self):
        row = {
            "external_id": "T-1",
            "agent": self.agent.employee_id,
            "line_of_business": self.lob.code,
            "direction": "inbound",
            "start_time": "2026-11-02T09:00:00+08:00",
            "talk_seconds": 14,
            "transcript": TRANSCRIPT,
        }
        with self.captureOnCommitCallbacks(execute=True):
            services.calls_upsert(rows=[row])
        analysis = CallAnalysis.objects.get(call__external_id="T-1")
        self.assertEqual(analysis.status, AnalysisStatus.DONE)
        self.assertTrue(analysis.forbidden_phrase)

    def test_the_command_analyses_what_is_not_analysed_yet(self):
        out = io.StringIO()
        call_command("analyze_calls", "--line", self.lob.code, stdout=out, stderr=io.StringIO())
        self.assertIn("2 calls: 2 done.", out.getvalue())
        out = io.StringIO()
        call_command("analyze_calls", stdout=out, stderr=io.StringIO())
        self.assertIn("0 calls: nothing to analyse.", out.getvalue())
        with self.assertRaisesMessage(CommandError, "--line 'nope'"):
            call_command("analyze_calls", "--line", "nope")

    def test_the_call_page_shows_the_flags_and_the_evidence_masked(self):
        secret = {"start": 15.0, "end": 18.0, "speaker": "agent", "text": "我不知道，打13812345678问问"}
        self.spoken.transcript = [*TRANSCRIPT, secret]
        self.spoken.save()
        analyze_calls([self.spoken.pk, self.call.pk])
        self.client.force_login(self.qa)
        page = self.client.get(f"/calls/{self.spoken.pk}/")
        self.assertContains(page, "forbidden phrase")
        self.assertContains(page, "Says &#x27;I don&#x27;t know&#x27;")
        self.assertNotContains(page, "13812345678")  # the rule's evidence is redacted like the transcript
        recorded = self.client.get(f"/calls/{self.call.pk}/").content.decode()
        self.assertIn("long silence", recorded)
        self.assertIn('data-t="20.', recorded)  # ▶ at the dead air

    def test_the_benchmark_prints_the_speed_and_the_months_core_hours(self):
        out = io.StringIO()
        call_command("bench_analysis", stdout=out)
        text = out.getvalue()
        self.assertIn("1 recordings (1 from channels), 152 s of audio", text)
        self.assertRegex(text, r"[\d,]+ × real time per core")
        self.assertRegex(text, r"1,000,000 calls of 5 minutes: [\d,.]+ core-hours")
