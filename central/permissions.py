"""Permission policies of central content (shared sections, page templates, campaigns, central
news).

Central editors hold every action. Local editors hold one: "choose", on the rows meant for
their sites, so that a page can embed a shared section and the choosers list nothing else.
Shared sections and page templates are made for every site; a campaign is meant for the sites
its audience reaches, a central news item for the sites it is sent to. The choosers
(central.wagtail_hooks) and the bulk-action guard (home.middleware) ask these policies.
"""

from collections.abc import Iterable

from django.db.models import QuerySet

from central.models import Campaign, CentralNewsItem
from central.selectors import campaigns_for_sites
from home.central_only import CentralOnlyPermissionPolicy
from home.selectors import sites_for_user, user_is_central

CHOOSE = "choose"


class CentralContentPermissionPolicy(CentralOnlyPermissionPolicy):
    """Every action for central editors; "choose" on the rows meant for their sites for a
    local editor."""

    def rows_for_local_editor(self, *, user) -> QuerySet:
        return self.model._default_manager.all()

    def _may_choose(self, user, actions: Iterable[str]) -> bool:
        return CHOOSE in actions and user.is_authenticated and user.is_active

    def user_has_permission(self, user, action):
        return user_is_central(user) or self._may_choose(user, [action])

    def user_has_any_permission(self, user, actions):
        return user_is_central(user) or self._may_choose(user, actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if user_is_central(user):
            return True
        return (
            self._may_choose(user, actions)
            and self.rows_for_local_editor(user=user).filter(pk=instance.pk).exists()
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if user_is_central(user):
            return self.model._default_manager.all()
        if not self._may_choose(user, actions):
            return self.model._default_manager.none()
        return self.rows_for_local_editor(user=user)


class CampaignPermissionPolicy(CentralContentPermissionPolicy):
    def rows_for_local_editor(self, *, user) -> QuerySet:
        return campaigns_for_sites(sites=sites_for_user(user=user))


class CentralNewsPermissionPolicy(CentralContentPermissionPolicy):
    def rows_for_local_editor(self, *, user) -> QuerySet:
        return CentralNewsItem.objects.filter(sites__in=sites_for_user(user=user)).distinct()


def central_content_policy(model: type) -> CentralContentPermissionPolicy:
    policies = {Campaign: CampaignPermissionPolicy, CentralNewsItem: CentralNewsPermissionPolicy}
    return policies.get(model, CentralContentPermissionPolicy)(model)
