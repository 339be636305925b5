"""Turn the services' Django exceptions into the API's 400/403 with field-named messages."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from kam.core.exceptions import StaleEditError


def exception_handler(exc, context):
    if isinstance(exc, StaleEditError):
        exc = exceptions.ValidationError({"version": exc.messages}, code="stale")
        response = drf_exception_handler(exc, context)
        response.status_code = 409
        return response
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)
