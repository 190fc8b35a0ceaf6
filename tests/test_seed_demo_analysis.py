"""The demo's automatic QA (issue 12): seed_demo's recordings are two-channel with speech where
their transcripts say, a known subset has planted events (dead air, a hold, talk-over, no
greeting or closing, a forbidden phrase), and the demo's own analysis finds exactly those; the
history's evaluations carry the analysis' suggestions, which people mostly confirm."""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import wave

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import TestCase, override_settings

from monitoring import audio as speech
from monitoring import demo_analysis, demo_audio, demo_recordings
from monitoring.analytics import audio, rules
from monitoring.models import Call
from monitoring.models_analytics import FLAG_FIELDS, CallAnalysis, PhraseRule
from scoring.models import Answer, Criterion

SIZE = {"agents": 12, "weeks": 4, "calls_per_agent_week": 8, "seed": 5}
TOLERANCE = 0.1 + 1e-6  # seconds between a transcript segment's edge and the speech found there
LOCALES = ("en", "zh-hans")


def speech_by_party(wav: bytes) -> dict[str, list[tuple[float, float]]]:
    rate, channels = audio.read_channels(io.BytesIO(wav))
    return {party: audio.speech_intervals(channels[n], rate) for party, n in demo_audio.CHANNELS.items()}


def assert_aligned(segments: list[dict], found: dict[str, list[tuple[float, float]]]) -> None:
    """Every segment is speech on its speaker's channel from its start to its end, and there is
    no speech on a channel outside its speaker's segments."""
    for seg in segments:
        inside = [(a, b) for a, b in found[seg["speaker"]] if b > seg["start"] and a < seg["end"]]
        assert inside, seg
        assert abs(inside[0][0] - seg["start"]) <= TOLERANCE, (seg, inside)
        assert abs(inside[-1][1] - seg["end"]) <= TOLERANCE, (seg, inside)
    for party, intervals in found.items():
        mine = [s for s in segments if s["speaker"] == party]
        for a, b in intervals:
            assert any(b > s["start"] and a < s["end"] for s in mine), (party, a, b)


def rule_specs(locale: str) -> list[rules.PhraseRule]:
    table = demo_analysis.RULES_ZH if locale == "zh-hans" else demo_analysis.RULES
    return [
        rules.PhraseRule(code, kind, tuple(phrases), "agent", (window, seconds) if seconds else None)
        for code, _name, kind, phrases, window, seconds in table
    ]


def expected_flags(events: tuple[str, ...]) -> set[str]:
    """The analysis' flags a planted dialogue raises (a clean one raises none)."""
    names = {
        demo_audio.NO_GREETING: "required_missing",
        demo_audio.NO_CLOSING: "required_missing",
        demo_audio.FORBIDDEN: "forbidden_phrase",
    }
    return {names.get(event, event) for event in events}


# --- the pool itself, for both centers: no database ---------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_every_pool_dialogue_is_two_channel_8_khz_pcm_and_its_transcript_matches_the_speech(locale):
    for script, rendered in zip(demo_recordings.scripts(locale), demo_recordings.pool_audio(locale), strict=True):
        with wave.open(io.BytesIO(rendered.wav)) as reader:
            assert (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == (2, 2, 8000)
        assert {s["speaker"] for s in rendered.segments} == {"agent", "customer"}, script
        assert_aligned(rendered.segments, speech_by_party(rendered.wav))


@pytest.mark.parametrize("locale", LOCALES)
def test_the_analysis_finds_what_was_planted_and_nothing_on_the_clean_dialogues(locale):
    specs = rule_specs(locale)
    for script, rendered in zip(demo_recordings.scripts(locale), demo_recordings.pool_audio(locale), strict=True):
        m = audio.analyze_recording(io.BytesIO(rendered.wav)).measures
        outcome = {r.code: r.passed for r in rules.evaluate_all(specs, rendered.segments)}
        flags = {
            "long_silence": m.silence_flag,
            "long_hold": m.hold_flag,
            "agent_interrupted": m.interruption_count > 0,
            "long_call": m.long_call_flag,
            "required_missing": not all(outcome[c] for c in ("greeting", "identity", "closing")),
            "forbidden_phrase": not outcome["forbidden"],
        }
        assert {f for f, raised in flags.items() if raised} == expected_flags(script.events), (script.events, m)
        assert outcome["greeting"] is (demo_audio.NO_GREETING not in script.events)
        assert outcome["closing"] is (demo_audio.NO_CLOSING not in script.events)


def test_the_chinese_centers_transcripts_are_chinese():
    han = re.compile(r"[\u4e00-\u9fff]")
    for rendered in demo_recordings.pool_audio("zh-hans"):
        assert all(han.search(s["text"]) and not re.search(r"[A-Za-z]{2,}", s["text"]) for s in rendered.segments)


def test_without_espeak_a_speech_like_stand_in_is_found_where_the_transcript_says(monkeypatch):
    monkeypatch.setattr(speech.shutil, "which", lambda name: None)
    for script in (demo_recordings.SCRIPTS[0], *demo_recordings.VARIANTS[:3]):
        rendered = demo_audio.render(script.turns)
        assert not rendered.synthesized
        assert_aligned(rendered.segments, speech_by_party(rendered.wav))
        m = audio.analyze_recording(io.BytesIO(rendered.wav)).measures
        assert m.silence_flag is (demo_audio.LONG_SILENCE in script.events)
        assert m.hold_flag is (demo_audio.LONG_HOLD in script.events)
        assert (m.interruption_count > 0) is (demo_audio.TALK_OVER in script.events)


def test_the_pool_stays_small():
    # Today's pool (mono, espeak's 22 kHz) was 7.3 MB; the two-minute hold alone is 3.9 MB of
    # stereo 8 kHz, so the two-channel pool is allowed half as much again.
    for locale in LOCALES:
        assert sum(len(r.wav) for r in demo_recordings.pool_audio(locale)) < 14_000_000, locale


# --- seeded: the demo's calls, their analyses and the history's auto answers -------------------


class SeededDemoAnalysis(TestCase):
    @classmethod
    def setUpClass(cls):
        media = tempfile.mkdtemp(prefix="qa-seed-analysis-")
        cls.addClassCleanup(shutil.rmtree, media, ignore_errors=True)
        cls.enterClassContext(override_settings(MEDIA_ROOT=media))
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        cls.output = io.StringIO()
        call_command("seed_demo", **SIZE, stdout=cls.output, stderr=io.StringIO())
        cls.events = {
            f"{demo_recordings.POOL_DIR}/pool-{n:02d}.wav": script.events
            for n, script in enumerate(demo_recordings.scripts("en"), start=1)
        }

    def analyses(self, event: str | None):
        """The analyses of the calls on a recording with `event` planted (None: clean ones)."""
        names = [name for name, events in self.events.items() if (event in events if event else not events)]
        return CallAnalysis.objects.filter(call__recording__in=names)

    def test_every_recorded_demo_call_was_analysed_from_its_two_channels(self):
        recorded = Call.objects.exclude(recording="")
        self.assertEqual(CallAnalysis.objects.filter(status="done", source="channels").count(), recorded.count())
        with default_storage.open(recorded.first().recording.name, "rb") as stored:
            with wave.open(stored) as reader:
                self.assertEqual((reader.getnchannels(), reader.getframerate()), (2, 8000))

    def test_a_call_sharing_a_recording_has_what_the_service_finds_for_it(self):
        from monitoring import services_analytics

        for event in (demo_audio.LONG_HOLD, None):
            analysis = self.analyses(event).order_by("-call_id").first()
            before = {f: getattr(analysis, f) for f in demo_analysis.COPIED if f != "seconds"}
            services_analytics.analyze_calls([analysis.call_id])
            analysis.refresh_from_db()
            self.assertEqual({f: getattr(analysis, f) for f in before}, before)

    def test_the_summary_says_how_many_calls_were_analysed_and_flagged(self):
        flagged = sum(a.flagged for a in CallAnalysis.objects.all())
        line = f"analysed {CallAnalysis.objects.count():,} calls ({flagged:,} flagged) in "
        self.assertIn(line, self.output.getvalue())
        self.assertTrue(PhraseRule.objects.filter(code="greeting").exists())

    def test_a_planted_subset_of_calls_has_each_event_and_the_analysis_flags_them(self):
        recorded = Call.objects.exclude(recording="").count()
        planted = self.analyses(None).count()
        self.assertLess(planted, recorded)  # most calls are clean
        self.assertGreater(recorded - planted, recorded * 0.05)
        for event in (demo_audio.LONG_SILENCE, demo_audio.LONG_HOLD, demo_audio.TALK_OVER):
            with self.subTest(event):
                calls = self.analyses(event)
                self.assertTrue(calls.exists())
                self.assertFalse(calls.filter(**{event: False}).exists())
                moment = calls.first().measures[audio_moments(event)][0]
                self.assertLess(moment["start"], moment["end"])

    def test_the_calls_without_a_greeting_fail_the_greeting_rule_and_no_other_call_does(self):
        missing = self.analyses(demo_audio.NO_GREETING)
        self.assertTrue(missing.exists())
        for analysis in CallAnalysis.objects.all():
            greeting = next(r for r in analysis.rules if r["code"] == "greeting")
            expected = demo_audio.NO_GREETING not in self.events[analysis.call.recording.name]
            self.assertIs(greeting["passed"], expected, analysis.call.recording.name)
        self.assertFalse(missing.filter(required_missing=False).exists())

    def test_the_forbidden_phrase_calls_are_flagged_with_the_words_as_evidence(self):
        calls = self.analyses(demo_audio.FORBIDDEN)
        self.assertTrue(calls.exists())
        self.assertFalse(calls.filter(forbidden_phrase=False).exists())
        hits = next(r for r in calls.first().rules if r["code"] == "forbidden")["hits"]
        self.assertEqual({h["phrase"] for h in hits}, {"calm down", "not my problem"})

    def test_clean_calls_raise_no_flag(self):
        clean = self.analyses(None)
        self.assertTrue(clean.exists())
        for flag in FLAG_FIELDS:
            self.assertFalse(clean.filter(**{flag: True}).exists(), flag)

    def test_the_greeting_and_closing_criteria_follow_their_rules(self):
        sources = set(Criterion.objects.exclude(auto_source="").values_list("auto_source", flat=True))
        self.assertEqual(sources, {"rule:greeting", "rule:closing"})

    def test_the_historys_evaluations_carry_the_suggestions_and_people_mostly_agree(self):
        answers = Answer.objects.filter(auto_value__isnull=False, evaluation__kind="regular")
        self.assertTrue(answers.filter(auto_source="rule:greeting", auto_value=0).exists())
        self.assertTrue(answers.filter(auto_source="rule:closing", auto_value=0).exists())
        pairs = list(answers.values_list("auto_value", "value"))
        agreed = sum(a == v for a, v in pairs) / len(pairs)
        self.assertGreater(len(pairs), 100)
        self.assertTrue(0.8 <= agreed < 0.97, agreed)  # mostly, not always
        fails = [(a, v) for a, v in pairs if a == 0]
        self.assertGreater(sum(v == 0 for _a, v in fails) / len(fails), 0.6)  # a miss found is mostly confirmed
        sample = answers.filter(auto_value=0).first()
        self.assertEqual(sample.auto_evidence["source"], sample.auto_source)
        self.assertFalse(sample.auto_evidence["passed"])


def audio_moments(flag: str) -> str:
    return {"long_silence": "silences", "long_hold": "holds", "agent_interrupted": "interruptions"}[flag]
