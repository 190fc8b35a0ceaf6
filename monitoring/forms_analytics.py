"""The call-analysis pages' forms (monitoring/views_analytics.py). They parse what was typed —
phrases one per line, numbers — and leave the rules to services_analytics_config, which gives
every refusal under its field."""

from __future__ import annotations

import re

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qa_platform.settings_rows import SettingsRowForm

from .models_analytics import AnalysisSettings, PhraseRule, RuleKind, RuleSpeaker, RuleWindow
from .services_analytics_config import MAX_PHRASE_LENGTH, MAX_PHRASES, REANALYSE_DAYS_MAX, SETTINGS_FIELDS


class AnalysisSettingsForm(SettingsRowForm):
    """A line's thresholds; number inputs carry the model's limits (SettingsRowForm)."""

    agent_channel = forms.TypedChoiceField(
        coerce=int, choices=((0, _("left (first)")), (1, _("right (second)"))), label=_("agent's channel")
    )

    class Meta:
        model = AnalysisSettings
        fields = SETTINGS_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        channel = self.fields["agent_channel"]
        channel.widget.attrs = {}
        channel.help_text = AnalysisSettings._meta.get_field("agent_channel").help_text
        # The database's small-integer range is no limit a person would set.
        self.fields["hold_max_count"].widget.attrs.pop("max", None)


def _label(name: str):
    return PhraseRule._meta.get_field(name).verbose_name


class PhraseRuleForm(forms.Form):
    """A rule as typed; `code` only while the rule is new (it never changes afterwards)."""

    code = forms.CharField(
        label=_label("code"),
        max_length=40,
        help_text=_("Letters, digits, - and _; fixed once saved (scorecard criteria link to it)."),
    )
    name = forms.CharField(label=_label("name"), max_length=120)
    kind = forms.ChoiceField(label=_label("kind"), choices=RuleKind.choices)
    phrases = forms.CharField(
        label=_label("phrases"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    speaker = forms.ChoiceField(label=_label("speaker"), choices=RuleSpeaker.choices, initial=RuleSpeaker.AGENT)
    window = forms.ChoiceField(label=_label("window"), choices=RuleWindow.choices, initial=RuleWindow.WHOLE)
    window_seconds = forms.IntegerField(
        label=_label("window_seconds"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 1, "class": "num-input"}),
        help_text=_("Needed for the first or last seconds of the call."),
    )
    threshold = forms.IntegerField(
        label=_label("threshold"),
        initial=100,
        widget=forms.NumberInput(attrs={"min": 50, "max": 100, "class": "num-input"}),
        help_text=PhraseRule._meta.get_field("threshold").help_text,
    )

    def __init__(self, *args, rule: PhraseRule | None = None, **kwargs):
        if rule is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": rule.name,
                "kind": rule.kind,
                "phrases": "\n".join(rule.phrases or ()),
                "speaker": rule.speaker,
                "window": rule.window,
                "window_seconds": rule.window_seconds,
                "threshold": rule.threshold,
            }
        super().__init__(*args, **kwargs)
        self.fields["phrases"].help_text = gettext(
            "One phrase per line; any one of them counts (a synonym is one more line). "
            "At most %(max)s phrases of up to %(length)s characters."
        ) % {"max": MAX_PHRASES, "length": MAX_PHRASE_LENGTH}
        if rule is not None:
            del self.fields["code"]

    def clean_phrases(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["phrases"].splitlines() if line.strip()]


class RuleTryForm(forms.Form):
    """ "Test this rule": lines pasted, or one of the line's recent calls with a transcript."""

    text = forms.CharField(
        label=_("Transcript lines"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One line per turn, starting “agent:” or “customer:” (座席： / 客户：); a line without "
            "either is the agent's. Pasted lines have no times: they count as inside the rule's window."
        ),
    )
    call = forms.TypedChoiceField(label=_("or a recent call"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, calls=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].choices = [("", "–"), *((c.pk, _call_label(c)) for c in calls)]


def _call_label(call) -> str:
    when = formats.date_format(timezone.localtime(call.start_time), "SHORT_DATETIME_FORMAT")
    return f"{when} · {call.agent.name} · {call.external_id}"


_TURN = re.compile(r"^\s*(agent|customer|座席|坐席|客服|客户)\s*[:：]\s*", re.IGNORECASE)
_SPEAKER = {
    "agent": "agent",
    "customer": "customer",
    "座席": "agent",
    "坐席": "agent",
    "客服": "agent",
    "客户": "customer",
}


def pasted_transcript(text: str) -> list[dict]:
    """Pasted lines as transcript segments (all at 0 s, so any window includes them)."""
    segments = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = _TURN.match(line)
        speaker = _SPEAKER[match.group(1).lower()] if match else "agent"
        said = line[match.end() :] if match else line
        segments.append({"start": 0.0, "end": 0.0, "speaker": speaker, "text": said.strip()})
    return segments


class ReanalyseForm(forms.Form):
    days = forms.IntegerField(
        label=_("days"),
        initial=7,
        widget=forms.NumberInput(attrs={"min": 1, "max": REANALYSE_DAYS_MAX, "class": "num-input"}),
    )
