"""Audio measures of a call: talk time and ratio, dead air, holds, talk-over, call length.

Pure functions, offline on CPU, nothing downloaded. A dual-channel recording (agent and customer
on separate channels, as call recorders store them) gets per-channel voice activity from
webrtcvad; a mono recording falls back to the transcript's speaker segments.

Definitions (all times in seconds, all thresholds in `Thresholds`):

- *talk* of a party: the union of its speech intervals; *talk ratio*: agent talk / (agent + customer).
- *quiet gap*: a stretch between the first and the last speech of the call where neither party
  speaks. Gaps shorter than `ignore_gap_seconds` are natural pauses and are ignored; the rest add
  up to `dead_air_seconds`.
- *silence* (dead air): a quiet gap longer than `silence_seconds` and shorter than `hold_min_seconds`.
- *hold*: a quiet gap of at least `hold_min_seconds` (without hold signalling from the phone
  system, a long stretch with nobody speaking is taken for a hold). A hold is never also counted
  as a silence. Holds are flagged when the longest lasts more than `hold_long_seconds` or there are
  more than `hold_max_count` of them.
- *interruption* (talk-over by the agent): the agent starts speaking while the customer is already
  speaking and both speak together for at least `overlap_min_seconds`. An overlap that the customer
  starts is not the agent's interruption (it still counts in `overlap_seconds`).
- *long call*: duration over `long_call_seconds`.
"""

from __future__ import annotations

import time
import wave
from dataclasses import asdict, dataclass, field
from math import gcd
from pathlib import Path

import numpy as np

AGENT = "agent"
CUSTOMER = "customer"
FRAME_SECONDS = 0.03  # webrtcvad accepts 10, 20 or 30 ms frames
VAD_RATES = (8_000, 16_000, 32_000, 48_000)

Interval = tuple[float, float]


@dataclass(frozen=True)
class Thresholds:
    """Per line of business; defaults from common contact-centre practice."""

    silence_seconds: float = 10.0
    ignore_gap_seconds: float = 2.0
    hold_min_seconds: float = 30.0
    hold_long_seconds: float = 120.0
    hold_max_count: int = 3
    overlap_min_seconds: float = 0.5
    long_call_seconds: float = 360.0


@dataclass(frozen=True)
class VadSettings:
    """How speech intervals are found on one channel."""

    aggressiveness: int = 2  # webrtcvad 0 (lenient) … 3 (strict)
    min_gap: float = 0.3  # pauses shorter than this inside speech are filled
    min_speech: float = 0.25  # speech blips shorter than this are dropped
    floor_dbfs: float = -50.0  # frames quieter than this are never speech
    edge_drop_db: float = 20.0  # trim edge frames this far below the interval's median level…
    noise_margin_db: float = 6.0  # …or no more than this above the channel's noise floor


@dataclass(frozen=True)
class Moment:
    """Evidence: where in the recording a measure was found (for a ▶ button)."""

    start: float
    end: float

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass
class Measures:
    duration: float
    agent_talk_seconds: float
    customer_talk_seconds: float
    talk_ratio: float | None  # agent share of all talk; None when nobody spoke
    dead_air_seconds: float  # quiet gaps of at least ignore_gap_seconds, holds excluded
    silences: list[Moment] = field(default_factory=list)
    holds: list[Moment] = field(default_factory=list)
    interruptions: list[Moment] = field(default_factory=list)  # agent-started overlaps
    overlap_seconds: float = 0.0  # all simultaneous speech, whoever started it
    silence_flag: bool = False
    hold_flag: bool = False
    long_call_flag: bool = False

    @property
    def hold_count(self) -> int:
        return len(self.holds)

    @property
    def longest_hold_seconds(self) -> float:
        return max((h.seconds for h in self.holds), default=0.0)

    @property
    def interruption_count(self) -> int:
        return len(self.interruptions)

    @property
    def interruption_seconds(self) -> float:
        return sum(m.seconds for m in self.interruptions)

    def as_dict(self) -> dict:
        data = asdict(self)
        data.update(
            hold_count=self.hold_count,
            longest_hold_seconds=self.longest_hold_seconds,
            interruption_count=self.interruption_count,
            interruption_seconds=self.interruption_seconds,
        )
        return data


@dataclass
class Analysis:
    measures: Measures
    agent_intervals: list[Interval]
    customer_intervals: list[Interval]
    source: str  # "channels" or "transcript"
    sample_rate: int

    def evidence(self) -> dict[str, list[Interval]]:
        """Each measure's moments as (start, end) pairs, ready for ▶ links."""
        m = self.measures
        return {
            "silences": [(x.start, x.end) for x in m.silences],
            "holds": [(x.start, x.end) for x in m.holds],
            "interruptions": [(x.start, x.end) for x in m.interruptions],
        }


# --- decoding -------------------------------------------------------------------------------


def read_channels(path_or_file) -> tuple[int, list[np.ndarray]]:
    """PCM WAV → (sample rate, one int16 array per channel), resampled to a webrtcvad rate."""
    source = str(path_or_file) if isinstance(path_or_file, Path) else path_or_file
    try:
        with wave.open(source, "rb") as w:
            channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
            raw = w.readframes(w.getnframes())
    except (wave.Error, EOFError) as exc:
        raise ValueError(f"not a PCM WAV file: {exc}") from exc
    samples = _to_int16(raw, width)
    samples = samples[: len(samples) - len(samples) % channels].reshape(-1, channels)
    target = _vad_rate(rate)
    return target, [_resample(samples[:, c], rate, target) for c in range(channels)]


def _to_int16(raw: bytes, width: int) -> np.ndarray:
    if width == 1:  # unsigned 8-bit
        return ((np.frombuffer(raw, np.uint8).astype(np.int16) - 128) << 8).astype(np.int16)
    if width == 2:
        return np.frombuffer(raw, "<i2").copy()
    if width == 3:
        b = np.frombuffer(raw, np.uint8).reshape(-1, 3)
        return (b[:, 2].astype(np.int8).astype(np.int16) << 8 | b[:, 1]).astype(np.int16)
    if width == 4:
        return (np.frombuffer(raw, "<i4") >> 16).astype(np.int16)
    raise ValueError(f"unsupported sample width: {width} bytes")


def _vad_rate(rate: int) -> int:
    if rate in VAD_RATES:
        return rate
    return 8_000 if rate < 16_000 else 16_000


def _resample(x: np.ndarray, rate: int, target: int) -> np.ndarray:
    if rate == target:
        return np.ascontiguousarray(x, dtype=np.int16)
    from scipy.signal import resample_poly

    g = gcd(rate, target)
    y = resample_poly(x.astype(np.float64), target // g, rate // g)
    return np.clip(np.round(y), -32768, 32767).astype(np.int16)


# --- voice activity -------------------------------------------------------------------------


def speech_intervals(samples: np.ndarray, sample_rate: int, settings: VadSettings = VadSettings()) -> list[Interval]:
    """Speech intervals (seconds) of one channel of 16-bit PCM at a webrtcvad rate."""
    import webrtcvad

    if sample_rate not in VAD_RATES:
        raise ValueError(f"webrtcvad needs 8, 16, 32 or 48 kHz, not {sample_rate} Hz")
    n = int(round(FRAME_SECONDS * sample_rate))
    count = len(samples) // n
    if count == 0:
        return []
    frames = np.ascontiguousarray(samples[: count * n], dtype="<i2").reshape(count, n)
    rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    floor = 32768.0 * 10 ** (settings.floor_dbfs / 20)
    vad = webrtcvad.Vad(settings.aggressiveness)
    buf = frames.tobytes()
    step = n * 2
    voiced = np.fromiter(
        (rms[i] >= floor and vad.is_speech(buf[i * step : (i + 1) * step], sample_rate) for i in range(count)),
        dtype=bool,
        count=count,
    )
    noise = float(np.median(rms[~voiced])) if not voiced.all() else 0.0
    runs = _trim_edges(_runs(voiced), rms, settings.edge_drop_db, noise * 10 ** (settings.noise_margin_db / 20))
    intervals = [(a * FRAME_SECONDS, b * FRAME_SECONDS) for a, b in runs]
    return smooth(intervals, settings.min_gap, settings.min_speech)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    d = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist(), strict=True))


def _trim_edges(runs: list[tuple[int, int]], rms: np.ndarray, drop_db: float, noise: float) -> list[tuple[int, int]]:
    """Drop the VAD's hangover (~0.1 s): edge frames far below the run's level or near the noise floor."""
    out = []
    for a, b in runs:
        limit = max(float(np.median(rms[a:b])) * 10 ** (-drop_db / 20), noise)
        while a < b and rms[a] < limit:
            a += 1
        while b > a and rms[b - 1] < limit:
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def smooth(intervals: list[Interval], min_gap: float, min_speech: float) -> list[Interval]:
    """Fill pauses shorter than `min_gap`, then drop blips shorter than `min_speech`."""
    merged: list[list[float]] = []
    for start, end in sorted(intervals):
        if merged and start - merged[-1][1] < min_gap:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(round(a, 3), round(b, 3)) for a, b in merged if b - a >= min_speech]


def transcript_intervals(transcript: list[dict], duration: float | None = None) -> dict[str, list[Interval]]:
    """Speaker segments of a transcript → {"agent": [...], "customer": [...]} (mono fallback).

    A segment without "end" lasts until the next segment starts (or the end of the recording).
    Segments of any other speaker are ignored.
    """
    segments = sorted((s for s in transcript if "start" in s), key=lambda s: float(s["start"]))
    out: dict[str, list[Interval]] = {AGENT: [], CUSTOMER: []}
    for i, seg in enumerate(segments):
        speaker = str(seg.get("speaker", "")).strip().lower()
        if speaker not in out:
            continue
        start = float(seg["start"])
        if "end" in seg:
            end = float(seg["end"])
        elif i + 1 < len(segments):
            end = float(segments[i + 1]["start"])
        else:
            end = duration if duration is not None else start
        if end > start:
            out[speaker].append((start, end))
    return {k: _union(v) for k, v in out.items()}


# --- measures -------------------------------------------------------------------------------


def _union(intervals: list[Interval]) -> list[Interval]:
    merged: list[list[float]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def _total(intervals: list[Interval]) -> float:
    return sum(b - a for a, b in intervals)


def _intersection(xs: list[Interval], ys: list[Interval]) -> list[Interval]:
    out, i, j = [], 0, 0
    while i < len(xs) and j < len(ys):
        a, b = max(xs[i][0], ys[j][0]), min(xs[i][1], ys[j][1])
        if b > a:
            out.append((a, b))
        if xs[i][1] < ys[j][1]:
            i += 1
        else:
            j += 1
    return out


def measure(
    agent_intervals: list[Interval],
    customer_intervals: list[Interval],
    duration: float,
    thresholds: Thresholds = Thresholds(),
) -> Measures:
    t = thresholds
    agent, customer = _union(agent_intervals), _union(customer_intervals)
    agent_talk, customer_talk = _total(agent), _total(customer)
    talk = agent_talk + customer_talk
    anyone = _union(agent + customer)

    gaps = [(a[1], b[0]) for a, b in zip(anyone, anyone[1:], strict=False) if b[0] - a[1] >= t.ignore_gap_seconds]
    holds = [Moment(a, b) for a, b in gaps if b - a >= t.hold_min_seconds]
    silences = [Moment(a, b) for a, b in gaps if t.silence_seconds < b - a < t.hold_min_seconds]
    dead_air = sum(b - a for a, b in gaps if b - a < t.hold_min_seconds)

    interruptions = []
    for start, end in agent:
        for c_start, c_end in customer:
            if c_start < start < c_end:
                both = min(end, c_end) - start
                if both >= t.overlap_min_seconds:
                    interruptions.append(Moment(start, start + both))
                break
            if c_start >= start:
                break

    m = Measures(
        duration=duration,
        agent_talk_seconds=agent_talk,
        customer_talk_seconds=customer_talk,
        talk_ratio=agent_talk / talk if talk else None,
        dead_air_seconds=dead_air,
        silences=silences,
        holds=holds,
        interruptions=interruptions,
        overlap_seconds=_total(_intersection(agent, customer)),
    )
    m.silence_flag = bool(silences)
    m.hold_flag = m.longest_hold_seconds > t.hold_long_seconds or m.hold_count > t.hold_max_count
    m.long_call_flag = duration > t.long_call_seconds
    return m


# --- the whole recording --------------------------------------------------------------------


class NeedsTranscript(ValueError):
    """A one-channel recording and no transcript to tell the parties apart."""


def analyze_recording(
    path,
    channel_map: dict[str, int] | None = None,
    transcript: list[dict] | None = None,
    thresholds: Thresholds = Thresholds(),
    vad: VadSettings = VadSettings(),
) -> Analysis:
    """Measures of one recording: per channel when it has two or more, else from the transcript."""
    channel_map = {AGENT: 0, CUSTOMER: 1} if channel_map is None else channel_map
    rate, channels = read_channels(path)
    duration = len(channels[0]) / rate if channels else 0.0
    if len(channels) >= 2:
        for party in (AGENT, CUSTOMER):
            if not 0 <= channel_map.get(party, -1) < len(channels):
                raise ValueError(f"channel for {party} is not in a {len(channels)}-channel recording")
        agent = speech_intervals(channels[channel_map[AGENT]], rate, vad)
        customer = speech_intervals(channels[channel_map[CUSTOMER]], rate, vad)
        source = "channels"
    elif transcript:
        parts = transcript_intervals(transcript, duration)
        agent, customer = parts[AGENT], parts[CUSTOMER]
        source = "transcript"
    else:
        raise NeedsTranscript("a mono recording needs a transcript with speaker segments")
    return Analysis(measure(agent, customer, duration, thresholds), agent, customer, source, rate)


def timed_analysis(path, **kwargs) -> tuple[Analysis, float]:
    """The analysis and the wall-clock seconds it took (speed = duration / seconds × real time)."""
    began = time.perf_counter()
    result = analyze_recording(path, **kwargs)
    return result, time.perf_counter() - began
