"""How a test tells that the admin refused a local editor another site's object."""

from django.contrib import messages
from django.urls import reverse
from wagtail.permission_policies.pages import PagePermissionPolicy


def refused(response, client=None, user=None) -> bool:
    """Whether a response refuses the object, as Wagtail's views and the guards do:

    - 403 or 404 (central-only areas, home.middleware's policy checks, site-scoped viewsets);
    - 405 for a GET on a POST-only action (lock, unlock: their POSTs are tested below);
    - a permission policy refusing the user in Wagtail's own view: an error message and a
      redirect to the dashboard, with nothing of the object;
    - the explorer of a page that is not explorable: a redirect to the user's own explorable
      root (with `user`);
    - a redirect to another admin URL of the same object (revisions to history) that is
      itself refused (with `client`).
    """
    if response.status_code in (403, 404, 405):
        return True
    if response.status_code != 302 or response.content != b"":
        return False
    location = response["Location"]
    if location == reverse("wagtailadmin_home"):
        # the client's message cookie also holds the messages of earlier refusals
        queued = list(messages.get_messages(response.wsgi_request))
        return bool(queued) and queued[-1].level == messages.ERROR
    if user is not None:
        own_root = PagePermissionPolicy().explorable_root_instance(user)
        if location == reverse("wagtailadmin_explore", args=[own_root.pk]):
            return True
    if client is not None and location.startswith("/admin/"):
        return refused(client.get(location))
    return False
