"""Forms for the calibration session pages: creating a session by hand and changing its calls and
participants. Calls are named by their keys (`external_id`, or `source:external_id` when two
systems use the same id), one per line or separated by commas; every key that names no call the
user may see is refused by name. The consensus form is the scorecard's controls, read by
`forms.answers_from_post` like the resolve page's."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitoring.models import Call, LineOfBusiness
from monitoring.selectors import calls_visible_to
from qa_platform.roles import ROLE_LABELS

from .models import CalibrationPolicy, CalibrationSession
from .permissions import SCORING_ROLES
from .services.calibration import MAX_CALLS

KEY_SEPARATORS = re.compile(r"[\s,;]+")


def resolve_call_keys(text: str, user) -> tuple[list[Call], list[str]]:
    """The calls `text` names, in its order, and one reason per key that names none (or two)."""
    keys = list(dict.fromkeys(k for k in KEY_SEPARATORS.split(text or "") if k))
    if len(keys) > MAX_CALLS:
        return [], [_("Name at most %(n)s calls (%(given)s given).") % {"n": MAX_CALLS, "given": len(keys)}]
    if not keys:
        return [], []
    wanted = Q(pk__in=[])
    for key in keys:
        source, _sep, external_id = key.rpartition(":")
        wanted |= Q(source=source, external_id=external_id) if source else Q(external_id=external_id)
    found = list(calls_visible_to(user).filter(wanted))
    calls, errors = [], []
    for key in keys:
        source, _sep, external_id = key.rpartition(":")
        matches = [c for c in found if c.external_id == external_id and (not source or c.source == source)]
        if not matches:
            errors.append(_("“%(key)s”: there is no call with this key that you may see.") % {"key": key})
        elif len(matches) > 1:
            sources = ", ".join(sorted(c.source for c in matches))
            errors.append(
                _("“%(key)s” is the key of calls from several sources (%(sources)s): write source:%(key)s.")
                % {"key": key, "sources": sources}
            )
        else:
            calls.append(matches[0])
    return calls, errors


def scorers():
    """The people who score calls, the ones a session may invite."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=SCORING_ROLES)
        .distinct()
        .prefetch_related("groups")
        .order_by("first_name", "last_name", "username")
    )


class ParticipantsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, user) -> str:
        roles = ", ".join(str(ROLE_LABELS[g.name]) for g in user.groups.all() if g.name in SCORING_ROLES)
        name = user.get_full_name() or user.username
        return f"{name} ({user.username}) · {roles}"


class CallKeysField(forms.CharField):
    """Call keys, resolved against the calls `user` may see: cleaned to a list of calls."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 40, "spellcheck": "false"})

    def __init__(self, *, user=None, **kwargs):
        self.user = user
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        calls, errors = resolve_call_keys(text, self.user)
        if errors:
            raise forms.ValidationError(errors)
        return calls


def keys_help() -> str:
    return _(
        "The calls' keys, one per line or separated by commas (1 to %(n)s calls in a session); "
        "source:key when two systems use the same key."
    ) % {"n": MAX_CALLS}


def last_monday(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return today - dt.timedelta(days=today.weekday() + 7)


class SessionCreateForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=160)
    line_of_business = forms.ModelChoiceField(
        label=gettext_lazy("Line of business"),
        queryset=LineOfBusiness.objects.filter(active=True).order_by("name"),
        required=False,
        empty_label=gettext_lazy("— (calls of any line)"),
    )
    week_start = forms.DateField(
        label=gettext_lazy("Week of the calls"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Any day of the week the calls come from; the session is filed under its Monday."),
    )
    scheduled_at = forms.DateTimeField(
        label=gettext_lazy("Meeting"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    tolerance = forms.DecimalField(
        label=gettext_lazy("Tolerance (points)"),
        min_value=Decimal("0.5"),
        max_value=Decimal("50"),
        decimal_places=1,
        help_text=gettext_lazy("A participant further than this from the consensus (on the 0–100 total) is outside."),
    )
    calls = CallKeysField(label=gettext_lazy("Calls"))
    participants = ParticipantsField(
        label=gettext_lazy("Participants"),
        queryset=get_user_model().objects.none(),
        help_text=gettext_lazy("Who scores the calls, blind: e.g. a supervisor, a QA auditor and a trainer."),
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["calls"].user = user
        self.fields["calls"].help_text = keys_help()
        self.fields["participants"].queryset = scorers()
        if not self.is_bound:
            self.initial.setdefault("week_start", last_monday())
            self.initial.setdefault("tolerance", CalibrationPolicy.current().tolerance)


class SessionEditForm(forms.Form):
    """Calls while the session is proposed; participants until the reveal."""

    add_calls = CallKeysField(label=gettext_lazy("Add calls"), required=False)
    remove_calls = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Remove calls"),
        queryset=Call.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    invite = ParticipantsField(label=gettext_lazy("Invite"), queryset=get_user_model().objects.none(), required=False)
    uninvite = ParticipantsField(
        label=gettext_lazy("Remove participants"), queryset=get_user_model().objects.none(), required=False
    )

    def __init__(self, *args, session: CalibrationSession, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls_editable = session.status == "proposed"
        if self.calls_editable:
            self.fields["add_calls"].user = user
            self.fields["add_calls"].help_text = keys_help()
            self.fields["remove_calls"].queryset = Call.objects.filter(calibration_items__session=session).order_by(
                "calibration_items__position"
            )
            self.fields["remove_calls"].label_from_instance = lambda call: (
                f"{call.external_id} · {timezone.localtime(call.start_time):%Y-%m-%d}"
            )
        else:
            del self.fields["add_calls"]
            del self.fields["remove_calls"]
        taking_part = session.participants.values("user_id")
        self.fields["invite"].queryset = scorers().exclude(pk__in=taking_part)
        self.fields["uninvite"].queryset = scorers().filter(pk__in=taking_part)

    def changes(self) -> dict:
        data = self.cleaned_data
        return {
            "add_calls": data.get("add_calls") or [],
            "remove_calls": list(data.get("remove_calls") or []),
            "invite": list(data.get("invite") or []),
            "uninvite": list(data.get("uninvite") or []),
        }
