from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from home.shell import site_shell_for_request


def site_shell(request: HttpRequest) -> dict:
    """The header and footer data of the site being served, built only if a template asks."""
    return {"shell": SimpleLazyObject(lambda: site_shell_for_request(request=request))}
