"""API shapes of the performance score, the month close and the component import."""

from __future__ import annotations

from decimal import ROUND_HALF_UP

from rest_framework import serializers


def _score(places: int = 1, **kwargs) -> serializers.DecimalField:
    """A figure rounded half-up, as the pages and the export round it."""
    return serializers.DecimalField(
        max_digits=None, decimal_places=places, rounding=ROUND_HALF_UP, read_only=True, allow_null=True, **kwargs
    )


class ComponentValueRowSerializer(serializers.Serializer):
    """One imported value (the request body is a list of these). Validation is the import
    service's, so a file and a request are refused for the same reasons."""

    employee_id = serializers.CharField(help_text="The agent's employee id.")
    month = serializers.CharField(help_text="YYYY-MM, e.g. 2026-11.")
    component = serializers.CharField(help_text="The code of an imported component, e.g. attendance.")
    value = serializers.DecimalField(max_digits=4, decimal_places=1, help_text="0–100, at most one decimal.")


class RowProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row's position in the list, from 1.")
    field = serializers.CharField()
    reason = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    rows = serializers.IntegerField()


class MonthCloseSerializer(serializers.Serializer):
    month = serializers.DateField(format="%Y-%m")
    closed_at = serializers.DateTimeField()
    closed_by = serializers.CharField(source="closed_by.get_username", default=None)
    results = serializers.IntegerField(source="results_count", help_text="Agents whose figures were frozen.")
    adjustments = serializers.IntegerField(
        source="adjustments_count", help_text="Adjustments to earlier closed months paid with this one."
    )


class ComponentResultSerializer(serializers.Serializer):
    code = serializers.CharField(source="spec.code")
    name = serializers.CharField(source="spec.name")
    source = serializers.CharField(source="spec.source")
    weight = serializers.IntegerField(source="spec.weight", help_text="The configured weight (%).")
    raw = _score(2, help_text="The figure scored (average, CSAT, seconds…).")
    basis = serializers.IntegerField(allow_null=True, help_text="Evaluations, surveys or calls it rests on.")
    score = _score(help_text="0–100; null when the component dropped out.")
    share = _score(help_text="Its share of the total (%) once dropped-out components are taken away.")
    points = _score(2)
    dropped = serializers.BooleanField()
    dropped_because = serializers.CharField()


class AgentPerformanceSerializer(serializers.Serializer):
    employee_id = serializers.CharField()
    name = serializers.CharField()
    team = serializers.CharField(source="team_name")
    evaluations = serializers.IntegerField()
    qa_average = _score()
    critical_failures = serializers.IntegerField()
    total = _score()
    band = serializers.CharField()
    multiplier = _score(2)
    components = ComponentResultSerializer(source="performance.components", many=True)
