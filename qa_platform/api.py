from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken


@extend_schema(
    summary="Trade a username and password for an API token",
    description="For telephony and HR integrations: send the token as `Authorization: Token <key>`.",
    responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
)
class ObtainTokenView(ObtainAuthToken):
    pass
