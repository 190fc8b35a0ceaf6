"""Audio measures on generated recordings whose truth is known.

"Speech" is a voiced harmonic signal (a wavering 110–180 Hz pitch with its harmonics, amplitude
modulated at a syllable rate of 4 Hz), which webrtcvad takes for speech; quiet is a faint noise
floor. Silences, a hold and overlaps are placed at known times; each must be found within one
analysis frame (30 ms), and nothing where nothing was put.
"""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest

from monitoring.analytics.audio import (
    FRAME_SECONDS,
    Thresholds,
    analyze_recording,
    measure,
    read_channels,
    speech_intervals,
    timed_analysis,
)

RATE = 8_000
TOL = FRAME_SECONDS + 0.001

# Turns of the generated call (start, end); quiet everywhere else.
AGENT_TURNS = [
    (1.0, 5.0),
    (8.5, 14.0),  # 0.5 s after the customer: a natural pause
    (32.0, 38.0),  # after 12 s of dead air (20 → 32)
    (100.0, 106.0),  # after a 40 s hold (60 → 100)
    (110.0, 113.0),  # starts while the customer speaks: interruption 110.0–111.5
    (127.0, 135.0),  # the customer starts over the agent at 131.0: not an interruption
    (136.5, 140.0),  # 1.5 s after the agent's own turn… and 1.5 s gap in the call: ignored
]
CUSTOMER_TURNS = [
    (5.5, 8.0),
    (14.5, 20.0),
    (38.5, 44.0),
    (44.5, 60.0),
    (106.5, 111.5),
    (113.5, 125.5),  # 1.5 s gap before the agent's 127.0: not a silence
    (131.0, 133.0),
    (141.0, 150.0),
]
DURATION = 152.0


def _voice(seconds: float, f0: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(int(round(seconds * RATE))) / RATE
    pitch = f0 * (1 + 0.12 * np.sin(2 * np.pi * 0.7 * t + rng.uniform(0, 6)))
    phase = 2 * np.pi * np.cumsum(pitch) / RATE
    wave_ = sum(np.sin(k * phase) / k for k in range(1, 20))
    syllables = 0.6 + 0.4 * np.sin(2 * np.pi * 4 * t)
    return 4000 * syllables * wave_ / np.max(np.abs(wave_))


def _channel(turns, duration: float, f0: float, seed: int, floor: float = 30.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(int(duration * RATE)) * floor
    for i, (a, b) in enumerate(turns):
        s = int(round(a * RATE))
        v = _voice(b - a, f0, seed + i)
        x[s : s + len(v)] += v
    return np.clip(np.round(x), -32768, 32767).astype(np.int16)


def _wav(path, channels: list[np.ndarray], rate: int = RATE):
    with wave.open(str(path), "wb") as w:
        w.setnchannels(len(channels))
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.stack(channels, axis=1).astype("<i2").tobytes())
    return path


@pytest.fixture(scope="module")
def call_wav(tmp_path_factory):
    path = tmp_path_factory.mktemp("audio") / "call.wav"
    agent = _channel(AGENT_TURNS, DURATION, 175.0, 1)
    customer = _channel(CUSTOMER_TURNS, DURATION, 115.0, 50)
    return _wav(path, [agent, customer])


@pytest.fixture(scope="module")
def analysis(call_wav):
    return analyze_recording(call_wav)


def _close(found, expected, tol=TOL):
    return len(found) == len(expected) and all(
        abs(f[0] - e[0]) <= tol and abs(f[1] - e[1]) <= tol for f, e in zip(found, expected, strict=True)
    )


def test_each_party_is_heard_where_it_spoke(analysis):
    assert analysis.source == "channels"
    assert _close(analysis.agent_intervals, AGENT_TURNS), analysis.agent_intervals
    assert _close(analysis.customer_intervals, CUSTOMER_TURNS), analysis.customer_intervals


def test_talk_time_and_ratio(analysis):
    m = analysis.measures
    agent = sum(b - a for a, b in AGENT_TURNS)
    customer = sum(b - a for a, b in CUSTOMER_TURNS)
    assert m.agent_talk_seconds == pytest.approx(agent, abs=2 * TOL * len(AGENT_TURNS))
    assert m.customer_talk_seconds == pytest.approx(customer, abs=2 * TOL * len(CUSTOMER_TURNS))
    assert m.talk_ratio == pytest.approx(agent / (agent + customer), abs=0.01)
    assert m.duration == pytest.approx(DURATION)


def test_dead_air_is_found_where_it_was_put_and_short_gaps_are_not(analysis):
    m = analysis.measures
    assert [(s.start, s.end) for s in m.silences] == [(pytest.approx(20.0, abs=TOL), pytest.approx(32.0, abs=TOL))]
    assert m.silence_flag
    # Dead air counts only gaps of 2 s or more (the 12 s one), not the hold, not 0.5/1.5 s pauses.
    assert m.dead_air_seconds == pytest.approx(12.0, abs=2 * TOL)


def test_a_long_quiet_stretch_is_a_hold_not_dead_air(analysis):
    m = analysis.measures
    assert [(h.start, h.end) for h in m.holds] == [(pytest.approx(60.0, abs=TOL), pytest.approx(100.0, abs=TOL))]
    assert m.hold_count == 1
    assert m.longest_hold_seconds == pytest.approx(40.0, abs=2 * TOL)
    assert not m.hold_flag  # 40 s is under 2 minutes and one hold is not more than 3


def test_only_the_agent_starting_over_the_customer_is_an_interruption(analysis):
    m = analysis.measures
    assert [(x.start, x.end) for x in m.interruptions] == [
        (pytest.approx(110.0, abs=TOL), pytest.approx(111.5, abs=TOL))
    ]
    assert m.interruption_seconds == pytest.approx(1.5, abs=2 * TOL)
    # Both overlaps count as simultaneous speech: 1.5 s (agent's) + 2 s (customer's).
    assert m.overlap_seconds == pytest.approx(3.5, abs=4 * TOL)


def test_evidence_lists_give_each_moment_for_playback(analysis):
    ev = analysis.evidence()
    assert set(ev) == {"silences", "holds", "interruptions"}
    assert ev["silences"][0][0] == pytest.approx(20.0, abs=TOL)
    assert ev["holds"][0][0] == pytest.approx(60.0, abs=TOL)
    assert ev["interruptions"][0][0] == pytest.approx(110.0, abs=TOL)
    assert analysis.measures.as_dict()["interruption_count"] == 1


def test_call_length_against_the_line_target(analysis):
    assert not analysis.measures.long_call_flag  # 152 s < 6 minutes
    short_line = measure(
        analysis.agent_intervals, analysis.customer_intervals, DURATION, Thresholds(long_call_seconds=120)
    )
    assert short_line.long_call_flag


def test_thresholds_change_what_is_found(analysis):
    a, c = analysis.agent_intervals, analysis.customer_intervals
    assert measure(a, c, DURATION, Thresholds(silence_seconds=15)).silences == []
    strict = measure(a, c, DURATION, Thresholds(hold_long_seconds=30))
    assert strict.hold_flag
    many = measure(a, c, DURATION, Thresholds(hold_min_seconds=10, hold_max_count=0))
    assert many.hold_count == 2 and many.silences == [] and many.hold_flag
    lenient = measure(a, c, DURATION, Thresholds(overlap_min_seconds=2.0))
    assert lenient.interruptions == []


def test_holds_flagged_past_three_or_past_two_minutes():
    agent = [(0.0, 5.0), (40.0, 45.0), (80.0, 85.0), (120.0, 125.0), (160.0, 165.0)]
    four = measure(agent, [], 170.0)
    assert four.hold_count == 4 and four.hold_flag
    long_one = measure([(0.0, 5.0), (130.0, 135.0)], [], 140.0)
    assert long_one.hold_count == 1 and long_one.longest_hold_seconds == 125.0 and long_one.hold_flag


def test_channel_map_swaps_parties(call_wav):
    swapped = analyze_recording(call_wav, channel_map={"agent": 1, "customer": 0})
    assert _close(swapped.agent_intervals, CUSTOMER_TURNS)
    # Now the "agent" (customer voice) started over the other at 131.0.
    assert [round(x.start, 1) for x in swapped.measures.interruptions] == [131.0]
    with pytest.raises(ValueError):
        analyze_recording(call_wav, channel_map={"agent": 0, "customer": 2})


def test_mono_falls_back_to_transcript_speakers(tmp_path):
    mono = _channel(AGENT_TURNS + CUSTOMER_TURNS, DURATION, 150.0, 7)
    path = _wav(tmp_path / "mono.wav", [mono])
    transcript = [{"start": a, "end": b, "speaker": "agent", "text": "…"} for a, b in AGENT_TURNS] + [
        {"start": a, "end": b, "speaker": "customer", "text": "…"} for a, b in CUSTOMER_TURNS
    ]
    result = analyze_recording(path, transcript=transcript)
    m = result.measures
    assert result.source == "transcript"
    assert [(s.start, s.end) for s in m.silences] == [(20.0, 32.0)]
    assert [(h.start, h.end) for h in m.holds] == [(60.0, 100.0)]
    assert [(x.start, x.end) for x in m.interruptions] == [(110.0, 111.5)]
    with pytest.raises(ValueError):
        analyze_recording(path)


def test_silent_recording_has_no_talk_and_nothing_flagged(tmp_path):
    quiet = np.zeros(RATE * 20, np.int16)
    m = analyze_recording(_wav(tmp_path / "quiet.wav", [quiet, quiet])).measures
    assert m.talk_ratio is None and m.silences == [] and m.holds == [] and m.interruptions == []


def test_other_sample_rates_are_resampled(tmp_path):
    turns = [(0.5, 2.5), (5.0, 7.0)]
    x = _channel(turns, 8.0, 160.0, 3)
    from scipy.signal import resample_poly

    up = np.clip(resample_poly(x.astype(float), 441, 320), -32768, 32767).astype(np.int16)  # 11 025 Hz
    path = _wav(tmp_path / "odd.wav", [up], rate=11_025)
    rate, (channel,) = read_channels(path)
    assert rate == 8_000  # down to the telephone band webrtcvad accepts
    assert _close(speech_intervals(channel, rate), turns), speech_intervals(channel, rate)
    with open(path, "rb") as fh:
        assert read_channels(io.BytesIO(fh.read()))[0] == 8_000


def test_not_a_wav_is_refused():
    with pytest.raises(ValueError):
        read_channels(io.BytesIO(b"not audio at all"))


def test_analysis_runs_much_faster_than_real_time(call_wav):
    result, seconds = timed_analysis(call_wav)
    assert result.measures.duration / seconds > 20


@pytest.mark.parametrize("floor", [0.0, 250.0])
def test_digital_silence_and_a_noisy_line_give_the_same_moments(tmp_path, floor):
    agent = _channel(AGENT_TURNS, DURATION, 175.0, 1, floor)
    customer = _channel(CUSTOMER_TURNS, DURATION, 115.0, 50, floor)
    result = analyze_recording(_wav(tmp_path / "line.wav", [agent, customer]))
    assert _close(result.agent_intervals, AGENT_TURNS), result.agent_intervals
    assert _close(result.customer_intervals, CUSTOMER_TURNS), result.customer_intervals
    ev = result.evidence()
    assert [len(ev[k]) for k in ("silences", "holds", "interruptions")] == [1, 1, 1]
