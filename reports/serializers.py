"""API shapes of the performance score, the month close and the component import."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qa_platform.schema import MONTH_PATTERN, NOT_BLANK
from qa_platform.serializers import StrictRegexField


def _score(places: int = 1, **kwargs) -> serializers.DecimalField:
    """A figure rounded half-up, as the pages and the export round it."""
    return serializers.DecimalField(
        max_digits=None, decimal_places=places, rounding=ROUND_HALF_UP, read_only=True, allow_null=True, **kwargs
    )


@extend_schema_field(
    {
        "anyOf": [
            {"type": "number", "minimum": 0, "maximum": 100, "multipleOf": 0.1},
            {"type": "string", "pattern": r"^(100(\.0)?|[0-9]{1,2}(\.[0-9])?)$"},
        ]
    }
)
class OneDecimalField(serializers.DecimalField):
    """0–100 with at most one decimal, a JSON number or the same as text ("85.5"). A float a hair
    off a tenth (0.1 × 3 is 0.30000000000000004 in binary) is read as that tenth."""

    default_error_messages = {"invalid": "A value is a number from 0 to 100 with at most one decimal."}

    def __init__(self, **kwargs):
        super().__init__(max_digits=4, decimal_places=1, min_value=0, max_value=100, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            self.fail("invalid")
        if isinstance(data, float) and math.isfinite(data) and abs(data - round(data, 1)) < 1e-9:
            data = str(round(data, 1))
        return super().to_internal_value(data)


class ComponentValueRowSerializer(serializers.Serializer):
    """One imported value (the request body is a list of these). It checks each row's shape; what
    the rows name (agents, components, months) is checked by the import service, so a file and a
    request are refused for the same reasons."""

    employee_id = StrictRegexField(NOT_BLANK, max_length=32, help_text="The agent's employee id.")
    month = StrictRegexField(MONTH_PATTERN, help_text="YYYY-MM, e.g. 2026-11; a month that has begun.")
    component = StrictRegexField(
        NOT_BLANK, max_length=32, help_text="The code of an imported component, e.g. attendance."
    )
    value = OneDecimalField(help_text="0–100, at most one decimal.")


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    rows = serializers.IntegerField()


@extend_schema_field({"type": "string", "pattern": MONTH_PATTERN, "example": "2026-11"})
class MonthOutField(serializers.DateField):
    """A month's first day, written as the month: 2026-11."""

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m", **kwargs)


class MonthCloseSerializer(serializers.Serializer):
    month = MonthOutField()
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
