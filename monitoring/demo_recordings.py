"""The demo's recording pool: a few short spoken dialogues (espeak-ng where installed, tones
otherwise), written once to storage and shared by the demo calls, with matching transcripts."""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from . import audio, demo_zh

POOL_DIR = "recordings/demo"
RECORDING_CONTENT_TYPE = "audio/x-wav"


@dataclass(frozen=True)
class Script:
    line: str
    turns: tuple[audio.Turn, ...]  # English, spoken when no Mandarin version or voice exists
    turns_zh: tuple[audio.Turn, ...] = ()


A, C = audio.AGENT, audio.CUSTOMER
SCRIPTS = (
    Script("billing", (
        (A, "Billing, this is Lily. How can I help you today?"),
        (C, "My bill is much higher than usual this month."),
        (A, "I see a one-off roaming charge from your trip last week. That's the difference."),
        (A, "Anything else? Thanks for calling, goodbye."),
    )),
    Script("billing", (
        (A, "Good afternoon, Billing, Kevin speaking. May I have your account number?"),
        (C, "It's four five one two. Can I pay this bill in two parts?"),
        (A, "Yes. I've set up a payment plan, half now and half on the thirtieth, with no late fee."),
        (A, "You'll get a text to confirm. Goodbye."),
    )),
    Script("billing", (
        (A, "Hello, Billing, this is Amy. How can I help?"),
        (C, "I was charged twice last month. I'd like a refund."),
        (A, "I see the duplicate payment. The refund arrives in three to five working days."),
        (A, "Anything else? Thank you for calling, goodbye."),
    ), turns_zh=(
        (A, "您好，账单中心，我是小王，请问有什么可以帮您？"),
        (C, "我上个月被重复扣费了，想申请退款。"),
        (A, "确实有一笔重复扣款，已经为您提交退款，三到五个工作日到账。"),
        (A, "感谢您的来电，再见。"),
    )),
    Script("tech-support", (
        (A, "Technical support, this is Jason. What's the problem?"),
        (C, "My home internet keeps dropping every evening."),
        (A, "I've reset your line and updated the router. Please restart it after this call."),
        (A, "If it drops again, quote ticket four four seven. Goodbye."),
    )),
    Script("tech-support", (
        (A, "Technical support, Emma speaking. What can I do for you?"),
        (C, "My email won't work on my new phone."),
        (A, "Open settings, then accounts, add account, and use the password from your welcome letter."),
        (A, "I can see it's connected now. Goodbye."),
    )),
    Script("tech-support", (
        (A, "Technical support, this is Leo. How can I help?"),
        (C, "Our internet has been down since noon."),
        (A, "Sorry about that. There's an outage in your area; it should be fixed by six tonight."),
        (A, "We'll text you when it's back. Goodbye."),
    ), turns_zh=(
        (A, "您好，技术支持，我是小李。请问遇到了什么问题？"),
        (C, "我家从中午开始就上不了网了。"),
        (A, "非常抱歉，您所在的小区有线路故障，预计今晚六点前恢复。"),
        (A, "恢复后会发短信通知您。再见。"),
    )),
    Script("sales", (
        (A, "Sales, this is Vivian. How can I help?"),
        (C, "My contract ends next month and I'd like more data."),
        (A, "You qualify for our fifty gigabyte plan at the same price, with a free phone upgrade."),
        (A, "I've emailed you the offer. Goodbye."),
    )),
    Script("sales", (
        (A, "Hello, this is Eric from Sales, calling about your contract."),
        (C, "I'm thinking of switching. The other provider is cheaper."),
        (A, "If you stay, I can offer twenty percent off for a year and double data."),
        (A, "I'll email the details today. Thank you, goodbye."),
    )),
    Script("sales", (
        (A, "Sales, this is Cindy. How can I help you?"),
        (C, "We just moved house and need broadband."),
        (A, "Our three hundred megabit plan is ninety-nine yuan a month, with free installation."),
        (A, "I've booked the installer for tomorrow morning. Goodbye."),
    ), turns_zh=(
        (A, "您好，销售热线，我是小陈，请问有什么可以帮您？"),
        (C, "我刚搬家，想办一个宽带套餐。"),
        (A, "三百兆的套餐每月九十九元，首月免费，还包安装。"),
        (A, "已经为您预约了明天上午安装。再见。"),
    )),
    Script("complaints", (
        (A, "Customer relations, this is Helen. I understand you have a complaint?"),
        (C, "I've called three times about a wrong charge and nobody fixed it."),
        (A, "I'm very sorry. I've removed the charge, added a credit, and I'll follow up on Friday."),
        (A, "Thank you for giving us the chance to put it right."),
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


# The Chinese center's pool (seed_demo --locale zh-hans): every dialogue in Mandarin, spoken by
# espeak-ng's `cmn` voice, or generated tones beside the Chinese transcript without it.
SCRIPTS_ZH = tuple(Script(line, (), turns_zh=turns) for line, turns in demo_zh.SCRIPTS)


def scripts(locale: str = "en") -> tuple[Script, ...]:
    return SCRIPTS_ZH if demo_zh.is_zh(locale) else SCRIPTS


@functools.cache
def pool_audio(locale: str = "en") -> tuple[audio.DialogueAudio, ...]:
    """The pool's audio, one per script; deterministic, so computed once per process."""

    def render(script: Script) -> audio.DialogueAudio:
        if script.turns_zh:
            return audio.dialogue_audio(script.turns_zh, language="zh", fallback_turns=script.turns)
        return audio.dialogue_audio(script.turns, language="en")

    with ThreadPoolExecutor(max_workers=4) as pool:  # espeak-ng runs as subprocesses
        return tuple(pool.map(render, scripts(locale)))


def write_recording_pool(locale: str = "en") -> list[PoolRecording]:
    """Store the pool under recordings/demo/ (the Chinese center's as pool-zh-NN.wav); an
    identical file already there is kept."""
    recordings = []
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
            )
        )
    return recordings
