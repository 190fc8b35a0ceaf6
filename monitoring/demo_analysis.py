"""The demo's automatic QA (DESIGN.md §9, `seed_demo`): each line's analysis settings and phrase
rules — a greeting in the first 15 s, an identity check, a closing in the last 30 s, no forbidden
words — worded as the demo's dialogues are (monitoring/demo_recordings.py, demo_zh.py), and
the analysis of every demo call through the product's own service, so the flags, evidence and
agreement figures have something true to show: the planted dialogues' dead air, holds,
talk-over, missing greetings and closings and forbidden phrases, and nothing on the clean ones.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from . import demo_zh, services_analytics
from .demo import BATCH_SIZE, DEMO_SOURCE
from .models import Call
from .models_analytics import FLAG_FIELDS, AnalysisSettings, CallAnalysis, PhraseRule, RuleKind, RuleWindow

# What a call's analysis holds besides the call (analyzed_at is stamped on insert).
COPIED = ("status", "version", "source", "measures", "rules", "error", "seconds", *FLAG_FIELDS)
GREETING_SECONDS = 15
CLOSING_SECONDS = 30

# (code, name, kind, phrases, where, seconds). The English center also takes Mandarin calls
# (three of its dialogues are in Mandarin), so its rules know both languages' words.
RULES = (
    ("greeting", "Greeting", RuleKind.REQUIRED,
     ["thank you for calling", "thanks for calling", "good morning", "good afternoon", "您好", "欢迎致电"],
     RuleWindow.START, GREETING_SECONDS),
    ("identity", "Identity check", RuleKind.REQUIRED,
     ["can you confirm your", "核实一下您的身份", "核实您的身份"], RuleWindow.WHOLE, None),
    ("closing", "Closing", RuleKind.REQUIRED,
     ["goodbye", "have a nice day", "再见", "祝您生活愉快"], RuleWindow.END, CLOSING_SECONDS),
    ("forbidden", "Forbidden words", RuleKind.FORBIDDEN,
     ["not my problem", "calm down", "not my job", "不归我管", "你自己看着办", "这不是我的问题"],
     RuleWindow.WHOLE, None),
)  # fmt: skip
RULES_ZH = (
    ("greeting", "开场问候", RuleKind.REQUIRED, ["您好", "欢迎致电"], RuleWindow.START, GREETING_SECONDS),
    ("identity", "身份核实", RuleKind.REQUIRED, ["核实一下您的身份", "核实您的身份"], RuleWindow.WHOLE, None),
    ("closing", "礼貌结束语", RuleKind.REQUIRED, ["再见", "祝您生活愉快"], RuleWindow.END, CLOSING_SECONDS),
    ("forbidden", "服务禁语", RuleKind.FORBIDDEN, ["不归我管", "你自己看着办", "这不是我的问题"], RuleWindow.WHOLE, None),
)  # fmt: skip


@dataclass(frozen=True)
class DemoAnalysis:
    calls: int  # analysed
    flagged: int  # with at least one flag
    seconds: float  # wall clock

    def summary(self) -> str:
        return f"analysed {self.calls:,} calls ({self.flagged:,} flagged) in {self.seconds:.1f} s"


def seed_rules(lines: dict, locale: str = "en") -> int:
    """Each line's analysis settings (the defaults, the agent on channel 0) and phrase rules; a
    line's existing settings and rules of the same code are kept. The number of rules made."""
    have_settings = set(
        AnalysisSettings.objects.filter(line_of_business__in=lines.values()).values_list("line_of_business", flat=True)
    )
    bulk_create_with_history(
        [
            AnalysisSettings(line_of_business=lob, agent_channel=0)
            for lob in lines.values()
            if lob.pk not in have_settings
        ],
        AnalysisSettings,
        default_change_reason="seed_demo",
    )
    existing = set(
        PhraseRule.objects.filter(line_of_business__in=lines.values()).values_list("line_of_business", "code")
    )
    rows = [
        PhraseRule(
            line_of_business=lob,
            code=code,
            name=name,
            kind=kind,
            phrases=list(phrases),
            speaker="agent",
            window=window,
            window_seconds=seconds,
        )
        for lob in lines.values()
        for code, name, kind, phrases, window, seconds in demo_zh.pick(locale, RULES, RULES_ZH)
        if (lob.pk, code) not in existing
    ]
    bulk_create_with_history(rows, PhraseRule, default_change_reason="seed_demo")
    return len(rows)


def analyse_calls(calls) -> DemoAnalysis:
    """Analyse `calls` (a queryset) with the product's service. The demo's calls share a small
    pool of recordings, and a call's analysis depends only on its recording, transcript and line:
    so the service analyses one call per (recording, line), in its batches, and every other call
    on that recording gets the same result in one bulk insert — the default demo's ~6,000 calls
    in seconds instead of minutes. Calls with a transcript and no recording are each analysed."""
    began = time.monotonic()
    rows = services_analytics.analysable(calls).order_by("pk").values_list("pk", "recording", "line_of_business")
    groups: dict[tuple, list[int]] = {}
    for pk, recording, line in rows:
        groups.setdefault((recording, line) if recording else (pk,), []).append(pk)
    first = [ids[0] for ids in groups.values()]
    for i in range(0, len(first), services_analytics.BATCH):
        services_analytics.analyze_calls(first[i : i + services_analytics.BATCH])
    done = {a.call_id: a for a in CallAnalysis.objects.filter(call__in=first)}
    copies = [
        CallAnalysis(call_id=pk, **{f: getattr(done[ids[0]], f) for f in COPIED})
        for ids in groups.values()
        if ids[0] in done
        for pk in ids[1:]
    ]
    CallAnalysis.objects.bulk_create(copies, batch_size=BATCH_SIZE)
    any_flag = Q()
    for flag in FLAG_FIELDS:
        any_flag |= Q(**{flag: True})
    flagged = CallAnalysis.objects.filter(any_flag, call__in=calls).count()
    analysed = len(done) + len(copies)
    return DemoAnalysis(calls=analysed, flagged=flagged, seconds=time.monotonic() - began)


def seed_analysis(org) -> DemoAnalysis:
    """The demo lines' rules and settings, then every demo call analysed."""
    org.counts["phrase rules"] = seed_rules(org.lines, org.locale)
    return analyse_calls(Call.objects.filter(source=DEMO_SOURCE))
