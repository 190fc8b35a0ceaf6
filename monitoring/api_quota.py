"""Quota policies in the API (/api/v1/quota-policies/): managers, admins, supervisors, QA and
trainers read; managers and admins change them with PUT / PATCH. A change goes through the same
service as the page (`services_quota.quota_policy_update`): the model's rules answer 400 with the
field and the reason, and the change is kept in the policy's history."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission

from qa_platform.roles import has_role

from . import services_quota
from .models import QuotaPolicy
from .serializers_quota import QuotaPolicySerializer
from .views_quota import POLICY_EDITORS, POLICY_READERS


class CanReadOrEditPolicies(BasePermission):
    message = _("Managers and administrators change quota policies; supervisors, QA and trainers read them.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        roles = POLICY_READERS if request.method in SAFE_METHODS else POLICY_EDITORS
        return has_role(user, *roles)


UPDATE_DOC = (
    "Managers and administrators only (others: 403). Every number of the policy is validated as on the page: "
    "the QA, supervisor and trainer shares must add up to 100, the line top-up limit cannot be below the "
    "minimum, and the tier thresholds must fall (excellent > good > needs improvement). A broken rule answers "
    '400 with the field and the reason, e.g. {"share_qa": ["The QA, supervisor and trainer shares must add up '
    "to 100 %.\"]}, and nothing is saved. Every change is kept in the policy's history with who made it."
)


@extend_schema_view(
    list=extend_schema(summary="List quota policies", description="The center default and each line's override."),
    retrieve=extend_schema(summary="A quota policy"),
    update=extend_schema(
        summary="Replace a quota policy's numbers",
        description=UPDATE_DOC,
        responses={200: QuotaPolicySerializer, 400: OpenApiResponse(OpenApiTypes.OBJECT), 403: None},
    ),
    partial_update=extend_schema(
        summary="Change some of a quota policy's numbers",
        description=UPDATE_DOC,
        responses={200: QuotaPolicySerializer, 400: OpenApiResponse(OpenApiTypes.OBJECT), 403: None},
    ),
)
class QuotaPolicyViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = QuotaPolicySerializer
    permission_classes = [CanReadOrEditPolicies]
    queryset = QuotaPolicy.objects.select_related("line_of_business").order_by("line_of_business__name", "pk")
    filterset_fields = ["line_of_business"]
    http_method_names = ["get", "put", "patch", "head", "options"]

    def perform_update(self, serializer) -> None:
        policy = QuotaPolicy.objects.select_related("line_of_business").get(pk=serializer.instance.pk)
        try:
            serializer.instance = services_quota.quota_policy_update(
                policy=policy, values=dict(serializer.validated_data), by=self.request.user
            )
        except DjangoValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
            raise exceptions.ValidationError(detail) from None
