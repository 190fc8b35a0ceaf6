from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken


@extend_schema(
    summary="Trade a username and password for an API token",
    description=(
        "For telephony and HR integrations: send the token as `Authorization: Token <key>`. "
        "Failed attempts count towards the same lockout as the login form: after "
        "LOGIN_FAILURE_LIMIT failures for a username or from an address, every attempt is a 403 "
        "until the cool-off has passed."
    ),
    responses={
        200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
        400: OpenApiResponse(description="Wrong or missing username or password: `{field: [reason]}`."),
        403: OpenApiResponse(
            inline_serializer("TokenLockout", {"detail": serializers.CharField()}),
            description="Too many failed attempts: locked out until the cool-off has passed.",
        ),
    },
)
class ObtainTokenView(ObtainAuthToken):
    def get_serializer_context(self):
        # authenticate() gets Django's request rather than DRF's wrapper around it, so the
        # lockout mark axes sets on it reaches AxesMiddleware, which answers 403 JSON
        # (qa_platform/security.py lockout_response).
        return {**super().get_serializer_context(), "request": self.request._request}
