"""Forms of the monitoring plan's pages.

The quota policy form: every number of a policy, grouped as the page shows them. Validation is
the model's own (`QuotaPolicy.clean()`, run by the ModelForm), so its errors land next to the
field they name; the service re-checks everything before saving."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from .models import CSAT_HIGHEST, CSAT_LOWEST, FLAGGED_MAX_PER_WEEK, QuotaPolicy, Tier
from .policies import POLICY_FIELDS, POLICY_GROUPS, policy_display
from .selectors.progress import NO_TIER

# Help shown under fields whose meaning is not obvious from the label.
HELP = {
    "target_excellent": _("Evaluations per week for an agent in this tier (1–50)."),
    "excellent_min": _("Trailing average from which an agent is excellent (with no critical failure)."),
    "good_min": _("Must be below the excellent threshold and above the needs-improvement one."),
    "needs_improvement_min": _("Below this average an agent is at risk."),
    "trailing_weeks": _("How many weeks before the monitored week the tier's average covers."),
    "new_hire_days": _("Agents hired more recently than this are monitored as at risk."),
    "line_month_floor": _("Every line gets at least this many evaluations a month; small lines are topped up."),
    "line_month_cap": _("Top-up sampling never takes a line past this (must be at least the minimum)."),
    "min_talk_seconds": _("Shorter calls are never sampled."),
    "share_qa": _("QA, supervisor and trainer shares must add up to 100 %."),
    "share_supervisor": _("Supervisors only receive calls of their own teams."),
    "capacity_supervisor": _("How many calls of their teams each supervisor spot-checks a week."),
    "double_scoring_percent": _("Share of random samples also scored blind by a second QA auditor."),
    "due_days": _("An assignment is due this many days after it is routed."),
    "flagged_per_week": _(
        "Calls flagged by automatic QA added to each agent's week on top of the random sample, most severe first; "
        "they never count in random-sample estimates. 0 switches it off."
    ),
    "flagged_csat_max": _("Calls the customer rated this low or lower count as flagged. Blank: CSAT flags nothing."),
}


class QuotaPolicyForm(forms.ModelForm):
    class Meta:
        model = QuotaPolicy
        fields = list(POLICY_FIELDS)

    def __init__(self, *args, defaults: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The center default's values, for a line's override: the page marks what differs.
        self.defaults = defaults
        for name, field in self.fields.items():
            if isinstance(field, forms.IntegerField):
                field.widget.attrs.update({"min": 0, "class": "num-input", "inputmode": "numeric"})
            if name in HELP:
                field.help_text = HELP[name]
            if name.startswith("share_") or name == "double_scoring_percent":
                field.widget.attrs["max"] = 100
        self.fields["flagged_per_week"].widget.attrs["max"] = FLAGGED_MAX_PER_WEEK
        self.fields["flagged_csat_max"].widget.attrs.update({"min": CSAT_LOWEST, "max": CSAT_HIGHEST})

    def groups(self) -> list[tuple[str, str, list[dict]]]:
        """[(key, label, [{field, default, differs}])] in the page's order."""
        out = []
        for key, label, names in POLICY_GROUPS:
            rows = []
            for name in names:
                bound = self[name]
                compared = self.defaults is not None and name in self.defaults
                default = self.defaults[name] if compared else None
                differs = compared and _as_text(bound.value()) != _as_text(default)
                rows.append(
                    {
                        "field": bound,
                        "default": default,
                        "default_label": policy_display(default),
                        "differs": differs,
                        "checkbox": isinstance(bound.field, forms.BooleanField),
                    }
                )
            out.append((key, label, rows))
        return out


def _as_text(value) -> str:
    """A field's value as posted or stored, for comparing with the default ("" for a blank)."""
    return "" if value is None else str(value)


class ProgressFilterForm(forms.Form):
    """The quota progress page's filters (GET)."""

    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    tier = forms.ChoiceField(label=_("Tier"), required=False)
    behind = forms.BooleanField(label=_("Behind schedule only"), required=False)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _gettext("All teams")), *((t.pk, t.name) for t in teams)]
        self.fields["tier"].choices = [("", _gettext("All tiers")), *Tier.choices, (NO_TIER, _gettext("Not computed"))]
