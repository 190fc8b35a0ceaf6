"""The demo's recording pool: short two-channel dialogues (agent on channel 0, customer on
channel 1; espeak-ng's voices where installed, a speech-like stand-in otherwise), written once to
storage and shared by the demo calls, with matching transcripts.

Beside the clean dialogues the pool holds a few planted ones (`VARIANTS`), each a clean dialogue
with something the automatic QA should find: long dead air, a long hold, the agent talking over
the customer, no greeting, no closing, a forbidden phrase. Which calls get them is decided by the
demo's own random stream (monitoring/demo.py), so the rest of the demo is drawn as before.
"""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from . import audio, demo_audio, demo_zh
from .demo_audio import (
    FORBIDDEN,
    HOLD_SECONDS,
    LONG_HOLD,
    LONG_SILENCE,
    NO_CLOSING,
    NO_GREETING,
    SILENCE_SECONDS,
    TALK_OVER,
    TALK_OVER_SECONDS,
)

POOL_DIR = "recordings/demo"
RECORDING_CONTENT_TYPE = "audio/x-wav"


@dataclass(frozen=True)
class Script:
    line: str
    turns: tuple  # English (speaker, text[, gap]), spoken when no Mandarin version or voice exists
    turns_zh: tuple = ()
    events: tuple[str, ...] = ()  # what was planted (a clean dialogue has none)
    base: int | None = None  # the clean script (index in the pool) a planted one varies


A, C = audio.AGENT, audio.CUSTOMER
SCRIPTS = (
    Script("billing", (
        (A, "Thank you for calling Billing, this is Lily. Can you confirm your name?"),
        (C, "Anna Li. My bill is much higher than usual."),
        (A, "There's a roaming charge from your trip last week. That's the difference."),
        (A, "Anything else? Thanks for calling, goodbye."),
    )),
    Script("billing", (
        (A, "Good afternoon, Billing, Kevin speaking. Can you confirm your account number?"),
        (C, "Four five one two. Can I pay this bill in two parts?"),
        (A, "Yes. Half now and half on the thirtieth, with no late fee."),
        (A, "You'll get a text to confirm. Goodbye."),
    )),
    Script("billing", (
        (A, "Thank you for calling Billing, this is Amy. Can you confirm your date of birth?"),
        (C, "Third of May. I was charged twice last month."),
        (A, "I see the duplicate payment. The refund arrives in three to five days."),
        (A, "Thank you for calling, goodbye."),
    ), turns_zh=demo_zh.SCRIPTS[2][1]),
    Script("tech-support", (
        (A, "Thank you for calling Technical support, this is Jason. Can you confirm your postcode?"),
        (C, "Two zero zero one. My internet drops every evening."),
        (A, "I've reset your line. Please restart the router after this call."),
        (A, "If it drops again, quote ticket four four seven. Goodbye."),
    )),
    Script("tech-support", (
        (A, "Thank you for calling Technical support, Emma speaking. Can you confirm your name?"),
        (C, "Peter Wang. My email won't work on my new phone."),
        (A, "Open settings, add account, and use the password from your welcome letter."),
        (A, "I can see it's connected now. Goodbye."),
    )),
    Script("tech-support", (
        (A, "Thank you for calling Technical support, this is Leo. Can you confirm your address?"),
        (C, "Eight Park Road. Our internet has been down since noon."),
        (A, "Sorry, there's an outage in your area. It should be fixed by six tonight."),
        (A, "We'll text you when it's back. Goodbye."),
    ), turns_zh=demo_zh.SCRIPTS[5][1]),
    Script("sales", (
        (A, "Thank you for calling Sales, this is Vivian. Can you confirm your phone number?"),
        (C, "It ends in three three eight. I'd like more data."),
        (A, "Our fifty gigabyte plan is the same price, with a free phone upgrade."),
        (A, "I've emailed you the offer. Goodbye."),
    )),
    Script("sales", (
        (A, "Good afternoon, this is Eric from Sales. Can you confirm your name?"),
        (C, "Anna Li. I'm thinking of switching. The other provider is cheaper."),
        (A, "If you stay, I can offer twenty percent off for a year and double data."),
        (A, "I'll email the details today. Goodbye."),
    )),
    Script("sales", (
        (A, "Thank you for calling Sales, this is Cindy. Can you confirm your phone number?"),
        (C, "One three nine, five five. We just moved and need broadband."),
        (A, "Our three hundred megabit plan is ninety-nine yuan a month, installed free."),
        (A, "The installer comes tomorrow morning. Goodbye."),
    ), turns_zh=demo_zh.SCRIPTS[8][1]),
    Script("complaints", (
        (A, "Thank you for calling Customer relations, this is Helen. Can you confirm your name?"),
        (C, "Anna Li. I've called three times about a wrong charge."),
        (A, "I'm very sorry. I've removed the charge and added a credit."),
        (A, "Thank you for your patience. Goodbye."),
    )),
)  # fmt: skip


def _vary(base: int, events: tuple[str, ...], turns: tuple) -> Script:
    return Script(SCRIPTS[base].line, turns, events=events, base=base)


# The planted dialogues: (index of the clean script they vary, what was planted, the turns).
VARIANTS = (
    _vary(0, (LONG_SILENCE,), (
        SCRIPTS[0].turns[0],
        SCRIPTS[0].turns[1],
        (A, "Let me have a look."),
        (A, SCRIPTS[0].turns[2][1], SILENCE_SECONDS),  # looking it up without a word
        SCRIPTS[0].turns[3],
    )),
    _vary(5, (LONG_HOLD,), (
        SCRIPTS[5].turns[0],
        SCRIPTS[5].turns[1],
        (A, "Let me check. Please hold."),
        (A, "Thanks for holding. There's an outage, fixed by six tonight. Goodbye.", HOLD_SECONDS),
    )),
    _vary(7, (TALK_OVER,), (
        SCRIPTS[7].turns[0],
        (C, "Anna Li. I'm thinking of switching, because the other provider is cheaper and their network is better."),
        (A, SCRIPTS[7].turns[2][1], TALK_OVER_SECONDS),
        SCRIPTS[7].turns[3],
    )),
    _vary(3, (NO_GREETING,), (
        (A, "Can you confirm your postcode?"),
        *SCRIPTS[3].turns[1:],
    )),
    _vary(6, (NO_CLOSING,), (
        *SCRIPTS[6].turns[:3],
        (A, "I've emailed you the offer."),
    )),
    _vary(9, (FORBIDDEN,), (
        SCRIPTS[9].turns[0],
        SCRIPTS[9].turns[1],
        (A, "Calm down. Wrong charges are not my problem."),
        (C, "That's no way to talk to a customer."),
        (A, "Fine. I've removed the charge. Goodbye."),
    )),
)  # fmt: skip


@dataclass(frozen=True)
class PoolRecording:
    name: str  # storage name, shared by every call that uses it
    line: str
    size: int
    seconds: float
    transcript: list[dict]
    synthesized: bool
    language: str
    events: tuple[str, ...] = ()  # planted for the automatic QA to find; () on a clean dialogue
    base: str = ""  # a planted dialogue: the storage name of the clean one it varies


# The Chinese center's pool (seed_demo --locale zh-hans): every dialogue in Mandarin, spoken by
# espeak-ng's `cmn` voice, or the stand-in signal beside the Chinese transcript without it.
SCRIPTS_ZH = tuple(Script(line, (), turns_zh=turns) for line, turns in demo_zh.SCRIPTS)
VARIANTS_ZH = tuple(
    Script(SCRIPTS_ZH[base].line, (), turns_zh=turns, events=events, base=base)
    for base, events, turns in demo_zh.VARIANTS
)


def scripts(locale: str = "en") -> tuple[Script, ...]:
    """The clean dialogues, then the planted ones."""
    return SCRIPTS_ZH + VARIANTS_ZH if demo_zh.is_zh(locale) else SCRIPTS + VARIANTS


@functools.cache
def pool_audio(locale: str = "en") -> tuple[demo_audio.Dialogue, ...]:
    """The pool's audio, one per script; deterministic, so computed once per process."""

    def render(script: Script) -> demo_audio.Dialogue:
        if script.turns_zh:
            return demo_audio.render(script.turns_zh, language="zh", fallback_turns=script.turns)
        return demo_audio.render(script.turns, language="en")

    with ThreadPoolExecutor(max_workers=4) as pool:  # espeak-ng runs as subprocesses
        return tuple(pool.map(render, scripts(locale)))


def write_recording_pool(locale: str = "en") -> list[PoolRecording]:
    """Store the pool under recordings/demo/ (the Chinese center's as pool-zh-NN.wav); an
    identical file already there is kept."""
    recordings: list[PoolRecording] = []
    prefix = "pool-zh" if demo_zh.is_zh(locale) else "pool"
    for number, (script, rendered) in enumerate(zip(scripts(locale), pool_audio(locale), strict=True), start=1):
        name = f"{POOL_DIR}/{prefix}-{number:02d}.wav"
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as existing:
                same = existing.read() == rendered.wav
            if not same:
                default_storage.delete(name)
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(rendered.wav))
        recordings.append(
            PoolRecording(
                name=name,
                line=script.line,
                size=len(rendered.wav),
                seconds=round(rendered.seconds, 2),
                transcript=rendered.segments,
                synthesized=rendered.synthesized,
                language=rendered.language,
                events=script.events,
                base=recordings[script.base].name if script.base is not None else "",
            )
        )
    return recordings
