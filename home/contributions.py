"""Registries through which components contribute to home's page shell and home page, filled
from their `AppConfig.ready()` (see home.shell). No model imports: models import this module."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from wagtail.models import Page


@dataclass(frozen=True)
class Contribution:
    values: dict[str, Any]
    valid_until: dt.datetime | None = None


ShellProvider = Callable[..., Contribution]


class ShellRegistry:
    def __init__(self, label: str) -> None:
        self.label = label
        self._providers: dict[str, Callable] = {}

    def register(self, name: str, provider: Callable) -> None:
        known = self._providers.get(name)
        if known is not None and known is not provider:
            raise ImproperlyConfigured(f"{self.label}: {name!r} is registered twice")
        self._providers[name] = provider

    def providers(self) -> list[tuple[str, Callable]]:
        return list(self._providers.items())


# Providers: provider(*, site: Site, now: datetime) -> Contribution
shell_contributions = ShellRegistry("site shell")
# Providers: provider(*, page: Page, request: HttpRequest) -> dict (added to the context)
home_page_context = ShellRegistry("home page context")


def home_page_context_for(*, page: Page, request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for _name, provider in home_page_context.providers():
        context.update(provider(page=page, request=request))
    return context
