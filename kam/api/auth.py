"""Exchange a username and password for an API token — through django-axes like the login page."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from kam.users.services import token_create


class TokenLoginView(APIView):
    """POST username + password → a new token (hashed at rest, expiring, revocable)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=inline_serializer(
            "TokenLogin", {"username": serializers.CharField(), "password": serializers.CharField()}
        ),
        responses=inline_serializer(
            "TokenLoginResult", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()}
        ),
    )
    def post(self, request):
        username = request.data.get("username", "")
        password = request.data.get("password", "")
        user = authenticate(request=request._request, username=username, password=password)
        if user is None:
            return Response(
                {"detail": _("Wrong username or password, or the account is locked.")},
                status=status.HTTP_401_UNAUTHORIZED,
            )
        token, key = token_create(user=user, actor=user)
        return Response({"token": key, "expiry": token.expiry}, status=status.HTTP_201_CREATED)
