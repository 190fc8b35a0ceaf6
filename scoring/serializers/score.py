"""`explain()`: the "why this score" block that the API, the evaluation pages and exports share
(DESIGN.md §2, "Every score explains itself"), and its shape for the OpenAPI schema."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .. import formula


def _one_decimal(value: Fraction | Decimal | None) -> str | None:
    return None if value is None else str(formula.round_half_up(value))


def explain(result: formula.ScoreResult) -> dict:
    """A ScoreResult as plain JSON: totals and points as strings with one decimal (exact
    fractions rounded half-up, as the formula rounds), ids as ints. `total` is the interaction's
    quality; `agent_total` the agent score, whose own computation is `agent` when some lost
    points were excused (outside the agent's control), else null (the same as the total)."""
    block = _explain(result)
    block["agent_total"] = _one_decimal(result.agent_total)
    block["excused"] = result.excused
    block["agent"] = _explain(result.agent) if result.agent is not None else None
    return block


def _explain(result: formula.ScoreResult) -> dict:
    return {
        "total": _one_decimal(result.total),
        "raw_total": _one_decimal(result.raw_total),
        "critical_failed": result.critical_failed,
        "critical_zeroed": result.critical_zeroed,
        "failed_critical": list(result.failed_critical),
        "weights_counted": result.weights_counted,
        "weights_all": result.weights_all,
        "unanswered": result.unanswered,
        "hidden": result.hidden,
        "failed_sections": [s.id for s in result.failed_sections],
        "bonus_points": _one_decimal(result.bonus_points),
        "bonus_weights": result.bonus_weights,
        "cap": result.cap,
        "sections": [
            {
                "id": s.id,
                "title": s.title,
                "weight": s.weight,
                "bonus": s.bonus,
                "earned": _one_decimal(s.earned),
                "possible": _one_decimal(s.possible),
                "percent": _one_decimal(s.percent),
                "counted": s.counted,
                "na_criteria": list(s.na_criteria),
                "na_points": s.na_points,
                "hidden": list(s.hidden),
                "failed_by": list(s.failed_by),
                "excused": list(s.excused),
            }
            for s in result.sections
        ],
    }


# The explain block's shape, for the OpenAPI schema (explain() builds the data).


class ExplainSectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    weight = serializers.IntegerField()
    earned = serializers.CharField(help_text=_('Points earned on the answered, non-N/A criteria, e.g. "5.0".'))
    possible = serializers.CharField(help_text=_("Points possible on the answered, non-N/A criteria."))
    percent = serializers.CharField(allow_null=True, help_text=_("earned / possible × 100; null when not counted."))
    counted = serializers.BooleanField(help_text=_("The section has a non-N/A answer, so its weight counts."))
    na_criteria = serializers.ListField(child=serializers.IntegerField(), help_text=_("Criteria answered N/A."))
    na_points = serializers.IntegerField(help_text=_("Points N/A removed from the section."))
    bonus = serializers.BooleanField(help_text=_("A bonus section: its weight adds points on top of the 100."))
    hidden = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("Conditional criteria not shown: they count as N/A.")
    )
    failed_by = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("Section-fail criteria answered no (or 0): the section scores 0.")
    )
    excused = serializers.ListField(
        child=serializers.IntegerField(),
        help_text=_("In the agent score: lost criteria whose root cause is outside the agent's control (N/A)."),
    )


class AgentExplainSerializer(serializers.Serializer):
    """The agent score's own computation: the explain block with excused criteria as N/A."""

    total = serializers.CharField(allow_null=True, help_text=_('The score, e.g. "77.5"; null before any answer.'))
    raw_total = serializers.CharField(allow_null=True, help_text=_("The score before a critical failure zeroed it."))
    critical_failed = serializers.BooleanField()
    critical_zeroed = serializers.BooleanField(help_text=_("A failed critical item set the total to 0.0."))
    failed_critical = serializers.ListField(child=serializers.IntegerField())
    weights_counted = serializers.IntegerField(help_text=_("Σ weights of the sections that count."))
    weights_all = serializers.IntegerField()
    unanswered = serializers.ListField(child=serializers.IntegerField())
    hidden = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("Conditional criteria not shown: they count as N/A.")
    )
    failed_sections = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("Sections scored 0 by a section-fail criterion.")
    )
    bonus_points = serializers.CharField(help_text=_('Points the bonus sections add on top, e.g. "5.0".'))
    bonus_weights = serializers.IntegerField(help_text=_("Σ weights of the bonus sections."))
    cap = serializers.IntegerField(help_text=_("The highest total: 100 + the bonus weights."))
    sections = ExplainSectionSerializer(many=True)


class ExplainSerializer(AgentExplainSerializer):
    """`total` is the interaction's quality; `agent_total` the agent score."""

    agent_total = serializers.CharField(
        allow_null=True,
        help_text=_("The agent score: lost points whose root cause is outside the agent's control count as N/A."),
    )
    excused = serializers.ListField(
        child=serializers.IntegerField(),
        help_text=_("Lost criteria excused in the agent score (root cause outside the agent's control)."),
    )
    agent = AgentExplainSerializer(
        allow_null=True, help_text=_("The agent score's computation; null when nothing is excused (it is the total).")
    )
