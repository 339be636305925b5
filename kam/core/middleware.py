import re

from kam.core.request_context import request_id_scope

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Gives every request an id (or keeps a sane incoming X-Request-ID) and echoes it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        with request_id_scope(incoming if _SAFE_ID.match(incoming) else None) as request_id:
            request.request_id = request_id
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class HtmxVaryMiddleware:
    """htmx requests get fragments, full loads get pages: caches must key on HX-Request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        from django.utils.cache import patch_vary_headers

        patch_vary_headers(response, ("HX-Request",))
        return response
