"""Wagtail images drawn in memory with Pillow (no files on disk needed by the test)."""

import io

import factory
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model


def _jpeg(width: int = 1600, height: int = 900) -> ImageFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (30, 90, 150)).save(buffer, format="JPEG")
    return ImageFile(buffer, name="test.jpg")


class ImageFactory(factory.django.DjangoModelFactory):
    """Pass `collection=` (a site's collection) to keep the image within that site."""

    title = factory.Sequence(lambda n: f"Afbeelding {n}")
    file = factory.LazyFunction(_jpeg)

    class Meta:
        model = get_image_model()
