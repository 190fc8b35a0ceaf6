"""Forms for the scoring pages: starting an evaluation, disputing and resolving, list filters,
creating a scorecard (the builder itself saves JSON through the API).

The scorecard's controls (one radio group, comment and time per criterion) are not a Django
form: their shape comes from the scorecard version, so `answers_from_post` reads them by name
(`c-<id>`, `c-<id>-comment`, `c-<id>-time`, `c-<id>-cause`) into the services' `AnswerInput`.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitoring.models import LineOfBusiness
from qa_platform.settings_rows import SettingsRowForm

from . import formula
from .models import CalibrationPolicy, DisputeStatus, Method, ScorecardVersion
from .services import MAX_OFFSET_SECONDS, AnswerInput
from .services.calibration_policy import POLICY_FIELDS

EVALUATOR_METHODS = [(value, label) for value, label in Method.choices if value != Method.SELF]


class StartEvaluationForm(forms.Form):
    method = forms.ChoiceField(
        label=gettext_lazy("Monitoring method"),
        choices=EVALUATOR_METHODS,
        initial=Method.RECORDING,
        widget=forms.RadioSelect,
    )


class DisputeForm(forms.Form):
    # No length rule here: services.evaluation_dispute owns it, and its message is shown.
    reason = forms.CharField(
        label=gettext_lazy("Why do you dispute this score?"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Name the criteria you disagree with and what happened in the call."),
    )
    # Read as text: services.evaluation_dispute owns the 0–100 rule, and its message is shown.
    proposed_total = forms.CharField(
        label=gettext_lazy("The score you think is right (optional)"),
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
        help_text=gettext_lazy("0 to 100. The reviewer sees it only after scoring the call again themselves."),
    )


class AppealForm(DisputeForm):
    reason = forms.CharField(
        label=gettext_lazy("Why do you appeal this decision?"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("A manager who took no part decides. You may appeal once."),
    )


class ReassignReviewerForm(forms.Form):
    reviewer = forms.ChoiceField(label=gettext_lazy("Hand the re-score to"), choices=())

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(c.user.pk): c.user for c in candidates}
        self.fields["reviewer"].choices = [
            (
                str(c.user.pk),
                _("%(name)s (%(calibrated)s, %(n)s open assignments)")
                % {
                    "name": c.name,
                    "calibrated": _("calibrated") if c.calibrated else _("not calibrated"),
                    "n": c.open_assignments,
                },
            )
            for c in candidates
        ]

    def chosen(self):
        return self.candidates.get(self.cleaned_data["reviewer"])


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=[
            (DisputeStatus.UPHELD, gettext_lazy("Upheld: the score stands")),
            (DisputeStatus.ADJUSTED, gettext_lazy("Adjusted: apply the answers below")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the decision"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("The agent and the evaluator read this."),
    )


class ScorecardCreateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 40})
    )
    lines_of_business = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Lines of business"),
        queryset=LineOfBusiness.objects.filter(active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Calls of these lines are scored on this scorecard by default."),
    )


def answer_error_keys(version: ScorecardVersion) -> tuple[str, ...]:
    """The names a refusal of a version's answers comes back under: `answers` for them all,
    `criterion.<id>` for one (version prefetched)."""
    return ("answers", *(f"criterion.{c.pk}" for s in version.sections.all() for c in s.criteria.all()))


def answers_from_post(data, version: ScorecardVersion) -> tuple[list[AnswerInput], dict[str, list[str]]]:
    """The scorecard controls of a posted page form as answers (version prefetched), and the
    errors keyed `criterion.<id>` for a value the criterion cannot take — the same keys the
    services and the API use."""
    answers, errors = [], {}
    for section in version.sections.all():
        for criterion in section.criteria.all():
            key = f"c-{criterion.pk}"
            raw = (data.get(key) or "").strip()
            comment = (data.get(f"{key}-comment") or "")[:4000]
            raw_time = (data.get(f"{key}-time") or "").strip()
            raw_cause = (data.get(f"{key}-cause") or "").strip()
            try:
                value = None if raw in ("", formula.NA) else int(raw)
                time_offset = float(raw_time) if raw_time else None
                root_cause = int(raw_cause) if raw_cause else None
                if time_offset is not None and not (0 <= time_offset <= MAX_OFFSET_SECONDS):
                    raise ValueError  # also refuses inf and nan
            except ValueError:
                errors[f"criterion.{criterion.pk}"] = [_("Choose one of the offered answers.")]
                continue
            answers.append(
                AnswerInput(
                    criterion_id=criterion.pk,
                    value=value,
                    na=raw == formula.NA,
                    comment=comment,
                    time_offset=time_offset,
                    root_cause=root_cause,
                )
            )
    return answers, errors


class CalibrationPolicyForm(SettingsRowForm):
    """The calibration policy page's fields; `services.calibration_policy_update` saves them."""

    class Meta:
        model = CalibrationPolicy
        fields = list(POLICY_FIELDS)

    # The automatic answers' trust thresholds came later than the rest: a form posted without
    # them (an older page, a script) keeps the values the policy has.
    KEPT_WHEN_ABSENT = ("auto_trust_reviews", "auto_trust_kappa")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.KEPT_WHEN_ABSENT:
            self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        for name in self.KEPT_WHEN_ABSENT:
            if cleaned.get(name) is None and name not in self.errors:
                cleaned[name] = getattr(self.instance, name)
        return cleaned
