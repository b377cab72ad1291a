"""Admin forms name nothing of another site, even when they are handed its ids.

A refused save re-renders the form with the values that were POSTed. The chooser widgets and
the rich-text editor then look the chosen objects up and describe them: a page chooser shows
the page's title, edit URL and parent id, an image chooser its title and a thumbnail (creating
a rendition), a rich-text link the page's URL. Trying ids in turn would let a local editor read
the titles of another site's unpublished pages and see its images. The validators refuse such
references (home.validators); this module makes the re-rendered form show them as empty.

Widgets do not know the request, so home.middleware sets the local editor of the current admin
request in a context variable; outside an admin request of a local editor nothing changes.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from wagtail.admin.rich_text.converters.html_to_contentstate import PageLinkElementHandler
from wagtail.admin.widgets.chooser import BaseChooser
from wagtail.documents.rich_text.contentstate import DocumentLinkElementHandler
from wagtail.images.rich_text.contentstate import ImageElementHandler
from wagtail.models import Page

from home.permissions import instance_permitted

_local_editor: ContextVar[Any] = ContextVar("bibnet_admin_local_editor", default=None)


@contextmanager
def local_editor_request(user: Any) -> Iterator[None]:
    """Within this block, describe only what `user` (a local editor) may see."""
    token = _local_editor.set(user)
    try:
        yield
    finally:
        _local_editor.reset(token)


def instance_hidden(instance: Any) -> bool:
    """Whether the local editor of the current request must not read this object."""
    user = _local_editor.get()
    if user is None or instance is None:
        return False
    return not instance_permitted(user=user, instance=instance)


def _hidden_id(model: type, object_id: Any) -> bool:
    if _local_editor.get() is None or not str(object_id).isdigit():
        return False
    instance = model._default_manager.filter(pk=int(object_id)).first()
    return instance_hidden(instance)


def _patch_choosers() -> None:
    original = BaseChooser.get_value_data

    def get_value_data(self, value):
        hidden = (
            _local_editor.get() is not None
            and value not in (None, "")
            and instance_hidden(self.get_instance(value))
        )
        if hidden:
            return None  # the chooser shows "nothing chosen"
        return original(self, value)

    BaseChooser.get_value_data = get_value_data


def _patch_rich_text() -> None:
    page_original = PageLinkElementHandler.get_attribute_data

    def page_link_data(self, attrs):
        if _hidden_id(Page, attrs.get("id")):
            return {"id": None, "url": None, "parentId": None}
        return page_original(self, attrs)

    PageLinkElementHandler.get_attribute_data = page_link_data

    document_original = DocumentLinkElementHandler.get_attribute_data

    def document_link_data(self, attrs):
        from wagtail.documents import get_document_model

        if _hidden_id(get_document_model(), attrs.get("id")):
            return {}  # as Wagtail does for a malformed document link
        return document_original(self, attrs)

    DocumentLinkElementHandler.get_attribute_data = document_link_data

    image_original = ImageElementHandler.create_entity

    def image_entity(self, name, attrs, state, contentstate):
        from wagtail.images import get_image_model

        if _hidden_id(get_image_model(), attrs.get("id")):
            # no title, no rendition of the other site's image
            attrs = {**attrs, "id": "0"}
        return image_original(self, name, attrs, state, contentstate)

    ImageElementHandler.create_entity = image_entity


_patch_choosers()
_patch_rich_text()
