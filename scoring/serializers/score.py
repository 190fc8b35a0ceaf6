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
    fractions rounded half-up, as the formula rounds), ids as ints."""
    return {
        "total": _one_decimal(result.total),
        "raw_total": _one_decimal(result.raw_total),
        "critical_failed": result.critical_failed,
        "critical_zeroed": result.critical_zeroed,
        "failed_critical": list(result.failed_critical),
        "weights_counted": result.weights_counted,
        "weights_all": result.weights_all,
        "unanswered": result.unanswered,
        "sections": [
            {
                "id": s.id,
                "title": s.title,
                "weight": s.weight,
                "earned": _one_decimal(s.earned),
                "possible": _one_decimal(s.possible),
                "percent": _one_decimal(s.percent),
                "counted": s.counted,
                "na_criteria": list(s.na_criteria),
                "na_points": s.na_points,
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


class ExplainSerializer(serializers.Serializer):
    total = serializers.CharField(allow_null=True, help_text=_('The score, e.g. "77.5"; null before any answer.'))
    raw_total = serializers.CharField(allow_null=True, help_text=_("The score before a critical failure zeroed it."))
    critical_failed = serializers.BooleanField()
    critical_zeroed = serializers.BooleanField(help_text=_("A failed critical item set the total to 0.0."))
    failed_critical = serializers.ListField(child=serializers.IntegerField())
    weights_counted = serializers.IntegerField(help_text=_("Σ weights of the sections that count."))
    weights_all = serializers.IntegerField()
    unanswered = serializers.ListField(child=serializers.IntegerField())
    sections = ExplainSectionSerializer(many=True)
