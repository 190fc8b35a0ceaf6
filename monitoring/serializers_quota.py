"""Quota policies in the API: every number of a policy; the line is fixed (read-only)."""

from __future__ import annotations

from rest_framework import serializers

from .models import QuotaPolicy
from .services_quota import POLICY_FIELDS


class QuotaPolicySerializer(serializers.ModelSerializer):
    line_of_business = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    line_of_business_name = serializers.CharField(source="line_of_business.name", read_only=True, default=None)
    is_default = serializers.SerializerMethodField()

    class Meta:
        model = QuotaPolicy
        fields = ["id", "line_of_business", "line_of_business_name", "is_default", *POLICY_FIELDS, "updated_at"]
        read_only_fields = ["updated_at"]

    def get_is_default(self, obj: QuotaPolicy) -> bool:
        return obj.line_of_business_id is None
