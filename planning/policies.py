"""Reading quota policies (DESIGN.md §3): which policy governs a line or an agent, and the
editable numbers in the order the pages show them. Writes are in `services.policies`."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _lazy

from monitoring.models import Team

from .models import QuotaPolicy

# The editable numbers, in the order (and groups) the pages show them.
POLICY_GROUPS: list[tuple[str, Any, tuple[str, ...]]] = [
    (
        "agent_targets",
        _lazy("Agent weekly targets by tier"),
        ("target_excellent", "target_good", "target_needs_improvement", "target_at_risk", "target_no_history"),
    ),
    (
        "tiers",
        _lazy("Tiers"),
        ("excellent_min", "good_min", "needs_improvement_min", "trailing_weeks", "new_hire_days"),
    ),
    ("line_month", _lazy("Line of business per month"), ("line_month_floor", "line_month_cap")),
    ("eligibility", _lazy("Eligible calls"), ("min_talk_seconds",)),
    ("shares", _lazy("Routing: share of the work by role"), ("share_qa", "share_supervisor", "share_trainer")),
    (
        "capacities",
        _lazy("Evaluator capacity per week"),
        ("capacity_qa", "capacity_supervisor", "capacity_trainer"),
    ),
    ("reliability", _lazy("Double scoring"), ("double_scoring_percent",)),
    ("due", _lazy("Due dates"), ("due_days",)),
    (
        "flagged",
        _lazy("Flagged by automatic QA"),
        (
            "flagged_per_week",
            "flagged_forbidden_phrase",
            "flagged_long_silence",
            "flagged_long_hold",
            "flagged_csat_max",
        ),
    ),
]
POLICY_FIELDS: tuple[str, ...] = tuple(name for _key, _label, names in POLICY_GROUPS for name in names)
# History rows recorded only to show how a policy stood before its first tracked change.
BASELINE = "baseline"


def policy_display(value: Any) -> Any:
    """A setting as the pages show it: a switch as on / off, a blank (a CSAT limit left empty) as
    off, a number as itself (the template formats it)."""
    if value is None or value is False:
        return gettext("off")
    if value is True:
        return gettext("on")
    return value


def default_policy() -> QuotaPolicy:
    """The center's default (created by a migration; an unsaved one with the model's defaults
    if it was ever removed)."""
    return QuotaPolicy.objects.filter(line_of_business__isnull=True).first() or QuotaPolicy()


def policy_values(policy: QuotaPolicy) -> dict[str, Any]:
    return {name: getattr(policy, name) for name in POLICY_FIELDS}


class PolicyBook:
    """The center default and each line's own policy, loaded once per run."""

    def __init__(self) -> None:
        policies = list(QuotaPolicy.objects.all())
        self.default = next((p for p in policies if p.line_of_business_id is None), None) or QuotaPolicy()
        self.by_line = {p.line_of_business_id: p for p in policies if p.line_of_business_id}
        self._team_lines: dict[int, list[int]] = defaultdict(list)
        for team_id, line_id in Team.lines_of_business.through.objects.order_by("lineofbusiness_id").values_list(
            "team_id", "lineofbusiness_id"
        ):
            self._team_lines[team_id].append(line_id)

    def for_line(self, line_id: int | None) -> QuotaPolicy:
        return self.by_line.get(line_id, self.default)

    def for_team(self, team_id: int) -> QuotaPolicy:
        """An agent follows the policy of their team's first line that has one of its own."""
        for line_id in self._team_lines.get(team_id, ()):
            if line_id in self.by_line:
                return self.by_line[line_id]
        return self.default

    @property
    def min_talk_floor(self) -> int:
        return min([self.default.min_talk_seconds, *(p.min_talk_seconds for p in self.by_line.values())])

    @property
    def longest_trailing_weeks(self) -> int:
        return max([self.default.trailing_weeks, *(p.trailing_weeks for p in self.by_line.values())])
