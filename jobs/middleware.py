"""Answer /healthz before anything else: a load balancer probes by address (no site
hostname, no HTTPS), and the check must not depend on sessions, hosts or the page tree."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

HEALTH_PATHS = frozenset({"/healthz", "/healthz/"})


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info in HEALTH_PATHS and request.method in ("GET", "HEAD"):
            from jobs.views import healthz

            return healthz(request)
        return self.get_response(request)
