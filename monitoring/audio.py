"""Short generated recordings for demo data and tests.

With `espeak-ng` on PATH a scripted dialogue is spoken (agent and customer in different voices,
English or Mandarin); without it, alternating tones stand in for the two speakers. Either way
the result is a real mono 16-bit PCM WAV file and a transcript whose timed segments match it.
Only the standard library is used (``wave``, ``array``, ``subprocess``).
"""

from __future__ import annotations

import array
import io
import math
import shutil
import subprocess
import sys
import tempfile
import wave
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

AGENT = "agent"
CUSTOMER = "customer"

# espeak-ng voice (language + variant) for each speaker, by script language.
VOICES = {
    "en": {AGENT: "en-us+f3", CUSTOMER: "en-gb+m3"},
    "zh": {AGENT: "cmn+f3", CUSTOMER: "cmn+m3"},
}
# Words per minute; espeak's Mandarin is slow at the English rate.
SPEED_WPM = {"en": 180, "zh": 290}
GAP_SECONDS = 0.4  # pause between turns
LEAD_SECONDS = 0.3  # silence before the first turn (ringing has just stopped)
ESPEAK_TIMEOUT = 20

# Tone fallback: one pitch per speaker, telephone-band sample rate.
TONE_RATE = 8_000
TONE_HZ = {AGENT: 523.25, CUSTOMER: 349.23}
TONE_SECONDS_PER_CHAR = 0.055
TONE_MIN_TURN = 1.2

Turn = tuple[str, str]  # (speaker, text)


@dataclass(frozen=True)
class DialogueAudio:
    wav: bytes
    segments: list[dict] = field(default_factory=list)
    synthesized: bool = True  # False when tones stand in for speech
    language: str = "en"

    @property
    def seconds(self) -> float:
        return wav_duration(self.wav)


def wav_duration(data: bytes) -> float:
    with wave.open(io.BytesIO(data), "rb") as reader:
        return reader.getnframes() / reader.getframerate()


def espeak_path() -> str | None:
    return shutil.which("espeak-ng")


def _pcm_wav(samples: array.array, rate: int) -> bytes:
    if sys.byteorder == "big":
        samples = array.array("h", samples)
        samples.byteswap()
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(samples.tobytes())
    return buffer.getvalue()


def _silence(seconds: float, rate: int) -> array.array:
    return array.array("h", bytes(2 * int(round(seconds * rate))))


def _render_tone(seconds: float, hz: float, rate: int, amplitude: float) -> array.array:
    """A tone with a syllable-like 4 Hz swell and short fades, so it reads as a voice on a meter."""
    n = int(round(seconds * rate))
    fade = max(1, int(0.02 * rate))
    peak = 32767 * amplitude
    out = array.array("h", bytes(2 * n))
    step = 2 * math.pi * hz / rate
    swell = 2 * math.pi * 4.0 / rate
    for i in range(n):
        envelope = 0.55 + 0.45 * math.sin(swell * i)
        if i < fade:
            envelope *= i / fade
        elif i > n - fade:
            envelope *= (n - i) / fade
        # a slight vibrato keeps it from sounding like a test signal
        out[i] = int(peak * envelope * math.sin(step * i + 0.8 * math.sin(swell * i / 2)))
    return out


def make_tone_wav(
    seconds: float = 10.0,
    *,
    sample_rate: int = TONE_RATE,
    tones: Sequence[float] = (TONE_HZ[AGENT], TONE_HZ[CUSTOMER]),
    turn_seconds: float = 2.5,
    gap_seconds: float = 0.3,
    amplitude: float = 0.3,
) -> bytes:
    """`seconds` of mono 16-bit WAV: the given tones take turns, with short gaps between."""
    samples = array.array("h")
    total = int(round(seconds * sample_rate))
    turn = 0
    while len(samples) < total:
        samples.extend(_render_tone(turn_seconds, tones[turn % len(tones)], sample_rate, amplitude))
        samples.extend(_silence(gap_seconds, sample_rate))
        turn += 1
    return _pcm_wav(samples[:total], sample_rate)


def make_tone_dialogue(turns: Sequence[Turn], *, language: str = "en", sample_rate: int = TONE_RATE) -> DialogueAudio:
    """Tones timed like the dialogue would be spoken: one pitch per speaker, one span per turn."""
    samples = _silence(LEAD_SECONDS, sample_rate)
    segments = []
    per_char = TONE_SECONDS_PER_CHAR * (2.2 if language == "zh" else 1.0)  # hanzi carry more per char
    for speaker, text in turns:
        seconds = max(TONE_MIN_TURN, len(text) * per_char)
        start = len(samples) / sample_rate
        samples.extend(_render_tone(seconds, TONE_HZ.get(speaker, 440.0), sample_rate, 0.3))
        segments.append(_segment(start, len(samples) / sample_rate, speaker, text))
        samples.extend(_silence(GAP_SECONDS, sample_rate))
    return DialogueAudio(_pcm_wav(samples, sample_rate), segments, synthesized=False, language=language)


def _speak(executable: str, text: str, voice: str, speed: int) -> tuple[int, bytes] | None:
    """espeak-ng → (frame rate, 16-bit mono frames), or None if the voice or program fails."""
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "turn.wav"
        try:
            subprocess.run(
                [executable, "-v", voice, "-s", str(speed), "-w", str(target), text],
                check=True,
                capture_output=True,
                timeout=ESPEAK_TIMEOUT,
            )
            with wave.open(str(target), "rb") as reader:
                if reader.getnchannels() != 1 or reader.getsampwidth() != 2:
                    return None
                frames = reader.readframes(reader.getnframes())
                rate = reader.getframerate()
        except (OSError, subprocess.SubprocessError, wave.Error, EOFError):
            return None
    if len(frames) < rate // 10:  # under ~50 ms: the voice produced nothing usable
        return None
    return rate, frames


def make_dialogue_wav(turns: Sequence[Turn], *, language: str = "en") -> DialogueAudio | None:
    """Speak the dialogue with espeak-ng; None when espeak-ng or the language's voice is missing."""
    executable = espeak_path()
    voices = VOICES.get(language)
    if executable is None or voices is None:
        return None
    rate = None
    samples = array.array("h")
    segments = []
    for speaker, text in turns:
        spoken = _speak(executable, text, voices.get(speaker, voices[AGENT]), SPEED_WPM[language])
        if spoken is None:
            return None
        turn_rate, frames = spoken
        if rate is None:
            rate = turn_rate
            samples.extend(_silence(LEAD_SECONDS, rate))
        elif turn_rate != rate:
            return None
        pcm = array.array("h")
        pcm.frombytes(frames)
        if sys.byteorder == "big":
            pcm.byteswap()
        start = len(samples) / rate
        samples.extend(pcm)
        segments.append(_segment(start, len(samples) / rate, speaker, text))
        samples.extend(_silence(GAP_SECONDS, rate))
    if rate is None:
        return None
    return DialogueAudio(_pcm_wav(samples, rate), segments, synthesized=True, language=language)


def dialogue_audio(
    turns: Sequence[Turn], *, language: str = "en", fallback_turns: Sequence[Turn] = ()
) -> DialogueAudio:
    """Best available rendering: speech in `language`, else speech of `fallback_turns`, else tones."""
    spoken = make_dialogue_wav(turns, language=language)
    if spoken is None and fallback_turns:
        spoken = make_dialogue_wav(fallback_turns, language="en")
    if spoken is not None:
        return spoken
    return make_tone_dialogue(fallback_turns or turns, language="en" if fallback_turns else language)


def _segment(start: float, end: float, speaker: str, text: str) -> dict:
    return {"start": round(start, 2), "end": round(end, 2), "speaker": speaker, "text": text}
