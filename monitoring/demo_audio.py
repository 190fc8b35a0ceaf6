"""Dual-channel demo dialogues: the agent on channel 0, the customer on channel 1, 8 kHz 16-bit
PCM WAV, as call recorders store them (DESIGN.md §9), with a transcript whose timed segments are
where each party's speech is in the audio.

Each turn is spoken by espeak-ng where it is installed (monitoring/audio.py's voices), else a
voiced, speech-like signal stands in (a wavering pitch with its harmonics, modulated at a
syllable rate: webrtcvad takes it for speech). A turn's `gap` is the quiet before it: 0.4 s
normally, long for dead air or a hold, negative for a turn that starts before the other party
has finished (talk-over). Edge silence of espeak's output is trimmed, so a segment starts and
ends where the voice does.
"""

from __future__ import annotations

import functools
import io
import wave
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from . import audio

RATE = 8_000
CHANNELS = {audio.AGENT: 0, audio.CUSTOMER: 1}
LEAD_SECONDS = 0.3  # quiet before the first turn (ringing has just stopped)
GAP_SECONDS = 0.4  # a natural pause between turns
PEAK = 9_000  # the loudest sample of a turn (about -11 dBFS)
TRIM_DBFS = -40.0  # espeak's edge frames quieter than this are not speech (the VAD trims alike)
SPEED_WPM = {"en": 195, "zh": 330}  # a little brisker than monitoring/audio.py's: the files stay small

# The speech-like stand-in: pitch per speaker, and its length per character of the text.
STAND_IN_F0 = {audio.AGENT: 200.0, audio.CUSTOMER: 120.0}
SECONDS_PER_CHAR = {"en": 0.06, "zh": 0.15}
MIN_TURN_SECONDS = 1.0

# What a planted dialogue of the demo holds, named as the analysis flags it where it has a flag.
LONG_SILENCE = "long_silence"
LONG_HOLD = "long_hold"
TALK_OVER = "agent_interrupted"
NO_GREETING = "no_greeting"
NO_CLOSING = "no_closing"
FORBIDDEN = "forbidden_phrase"
SILENCE_SECONDS = 12.5  # dead air: over the 10 s threshold, under a 30 s hold
HOLD_SECONDS = 122.0  # one hold, over the 2 min threshold
TALK_OVER_SECONDS = -1.8  # the agent starts 1.8 s before the customer has finished


@dataclass(frozen=True)
class Turn:
    speaker: str
    text: str
    gap: float = GAP_SECONDS  # quiet before this turn; negative: it starts over the previous one


def turn(spec) -> Turn:
    """A Turn from (speaker, text) or (speaker, text, gap)."""
    return spec if isinstance(spec, Turn) else Turn(*spec)


@dataclass(frozen=True)
class Dialogue:
    wav: bytes
    segments: list[dict] = field(default_factory=list)
    synthesized: bool = True  # False when the speech-like stand-in was used
    language: str = "en"

    @property
    def seconds(self) -> float:
        return audio.wav_duration(self.wav)


@functools.lru_cache(maxsize=256)
def _spoken(executable: str, text: str, speaker: str, language: str) -> np.ndarray | None:
    """espeak-ng's voice for the turn at 8 kHz, edge silence trimmed; None without the language's voice."""
    voices = audio.VOICES.get(language)
    if voices is None:
        return None
    spoken = audio._speak(executable, text, voices.get(speaker, voices[audio.AGENT]), SPEED_WPM[language])
    if spoken is None:
        return None
    rate, frames = spoken
    x = np.frombuffer(frames, "<i2").astype(np.float64)
    if rate != RATE:
        from math import gcd

        from scipy.signal import resample_poly

        g = gcd(rate, RATE)
        x = resample_poly(x, RATE // g, rate // g)
    x = _trim(x)
    if len(x) < RATE // 10:
        return None
    return _level(x)


def _trim(x: np.ndarray) -> np.ndarray:
    """Without the quiet 10 ms frames at either end."""
    n = RATE // 100
    count = len(x) // n
    if count == 0:
        return x[:0]
    rms = np.sqrt(np.mean(x[: count * n].reshape(count, n) ** 2, axis=1))
    loud = np.flatnonzero(rms >= 32768 * 10 ** (TRIM_DBFS / 20))
    if not len(loud):
        return x[:0]
    return x[loud[0] * n : (loud[-1] + 1) * n]


def _level(x: np.ndarray) -> np.ndarray:
    peak = float(np.max(np.abs(x))) or 1.0
    return np.round(x * (PEAK / peak)).astype(np.int16)


def _stand_in(text: str, speaker: str, language: str) -> np.ndarray:
    """A voiced, speech-like signal as long as the turn would take to say; deterministic per text."""
    seconds = max(MIN_TURN_SECONDS, len(text) * SECONDS_PER_CHAR.get(language, SECONDS_PER_CHAR["en"]))
    t = np.arange(int(round(seconds * RATE))) / RATE
    wobble = (zlib.crc32(text.encode()) % 628) / 100
    pitch = STAND_IN_F0.get(speaker, 160.0) * (1 + 0.12 * np.sin(2 * np.pi * 0.7 * t + wobble))
    phase = 2 * np.pi * np.cumsum(pitch) / RATE
    voiced = sum(np.sin(k * phase) / k for k in range(1, 16))
    syllables = 0.6 + 0.4 * np.sin(2 * np.pi * 4 * t)
    fade = np.minimum(1.0, np.minimum(t, t[-1] - t) / 0.02)  # no click at either end
    return _level(syllables * voiced * fade)


def render(turns: Sequence, *, language: str = "en", fallback_turns: Sequence = ()) -> Dialogue:
    """The dialogue spoken in `language` (espeak-ng), else `fallback_turns` spoken in English, else
    the stand-in signal beside the texts of `fallback_turns or turns`."""
    executable = audio.espeak_path()
    plans = [(turns, language)] + ([(fallback_turns, "en")] if fallback_turns else [])
    for spec, lang in plans if executable else ():
        voices = [_spoken(executable, t.text, t.speaker, lang) for t in map(turn, spec)]
        if all(v is not None for v in voices):
            return _mix(list(map(turn, spec)), voices, lang, synthesized=True)
    spec, lang = (fallback_turns, "en") if fallback_turns else (turns, language)
    spec = list(map(turn, spec))
    return _mix(spec, [_stand_in(t.text, t.speaker, lang) for t in spec], lang, synthesized=False)


def _mix(turns: list[Turn], voices: list[np.ndarray], language: str, *, synthesized: bool) -> Dialogue:
    """Each voice on its speaker's channel, one after the other with each turn's gap."""
    placed, segments = [], []
    cursor = LEAD_SECONDS
    for t, voice in zip(turns, voices, strict=True):
        start = LEAD_SECONDS if not placed else max(0.0, cursor + t.gap)
        at = int(round(start * RATE))
        placed.append((CHANNELS.get(t.speaker, 0), at, voice))
        end = (at + len(voice)) / RATE
        segments.append({"start": round(at / RATE, 2), "end": round(end, 2), "speaker": t.speaker, "text": t.text})
        cursor = end if t.gap >= 0 else max(cursor, end)
    length = max(at + len(v) for _c, at, v in placed) + int(LEAD_SECONDS * RATE)
    pcm = np.zeros((length, 2), dtype=np.int16)
    for channel, at, voice in placed:
        pcm[at : at + len(voice), channel] = voice
    return Dialogue(_wav(pcm), segments, synthesized=synthesized, language=language)


def _wav(pcm: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(2)
        writer.setsampwidth(2)
        writer.setframerate(RATE)
        writer.writeframes(pcm.astype("<i2").tobytes())
    return buffer.getvalue()
