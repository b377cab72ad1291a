"""Functions a model calls but may not import: an app's `AppConfig.ready()` provides them.

A page model of a component (an agenda, the catalogue) answers with views and selectors that
import the model, so the model cannot import them. The model declares the attribute with
`SetInReady`, and the app's `ready()` fills it in with `provide()`. Read before that (a page
used by code that runs before the app is ready, or with the app left out of INSTALLED_APPS),
the attribute fails with a message that says what is missing and who provides it, instead of
a bare AttributeError or "'NoneType' object is not callable".
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

_UNSET: Any = object()


class NotProvidedError(ImproperlyConfigured, AttributeError):
    """Read before the app's ready() provided it. An AttributeError too, so that introspection
    (`getattr(cls, name, None)`, `hasattr`) sees a missing attribute and carries on."""


class SetInReady:
    """A class attribute that `provide()` fills in from an AppConfig.ready()."""

    def __init__(self, *, by: str) -> None:
        self.by = by
        self.value: Any = _UNSET
        self.name = "?"
        self.owner = "?"

    def __set_name__(self, owner: type, name: str) -> None:
        self.owner = owner.__name__
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if self.value is _UNSET:
            raise NotProvidedError(
                f"{self.owner}.{self.name} is not set yet: {self.by} provides it when Django "
                "starts. Use the page after django.setup() (apps ready), and check that its app "
                "is in INSTALLED_APPS."
            )
        return self.value

    @property
    def provided(self) -> bool:
        return self.value is not _UNSET


def provide(target: Any, **values: Any) -> None:
    """Fill in the `SetInReady` attributes of a class (or of an instance's class) by name."""
    owner = target if isinstance(target, type) else type(target)
    for name, value in values.items():
        declared = (klass.__dict__[name] for klass in owner.__mro__ if name in klass.__dict__)
        slot = next(declared, None)
        if not isinstance(slot, SetInReady):
            raise TypeError(f"{owner.__name__}.{name} is not declared with SetInReady")
        slot.value = value
