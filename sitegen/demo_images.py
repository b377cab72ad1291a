"""Pictures for the demo network, drawn locally with Pillow: nothing is downloaded.

Each picture is a poster-like illustration (a colour gradient, a few shapes for the subject and
the subject's name) stored as a Wagtail image in the site's own collection, so that local
editors of the demo can pick and replace them like any upload.
"""

from __future__ import annotations

import hashlib
import io
import random
from dataclasses import dataclass

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model
from wagtail.models import Collection

WIDTH = 1600
HEIGHT = 900


@dataclass(frozen=True)
class Palette:
    top: tuple[int, int, int]
    bottom: tuple[int, int, int]
    shapes: tuple[tuple[int, int, int], ...]


PALETTES = {
    "bibliotheek": Palette(
        (11, 83, 148), (20, 140, 160), ((255, 210, 90), (240, 120, 90), (255, 255, 255))
    ),
    "cultuurcentrum": Palette(
        (74, 28, 110), (160, 40, 90), ((255, 190, 60), (255, 120, 150), (250, 240, 230))
    ),
    "gemeenschapscentrum": Palette(
        (20, 100, 60), (120, 170, 60), ((255, 220, 100), (250, 140, 60), (255, 255, 255))
    ),
    "netwerk": Palette(
        (33, 37, 41), (11, 83, 148), ((255, 210, 90), (160, 40, 90), (255, 255, 255))
    ),
}
# A region takes the colours of the sites it gathers.
PALETTES["regiobib"] = PALETTES["bibliotheek"]
PALETTES["regio-cc"] = PALETTES["cultuurcentrum"]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    # Pillow's bundled font scales too (Pillow >= 10.1).
    return ImageFont.load_default(size=size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def picture_draw(*, title: str, palette: Palette, label: str = "") -> bytes:
    """A JPEG of WIDTH x HEIGHT: a gradient and shapes seeded by the title."""
    seed = int(hashlib.sha256(title.encode()).hexdigest()[:8], 16)
    rng = random.Random(seed)
    image = PILImage.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    for y in range(HEIGHT):
        t = y / HEIGHT
        colour = tuple(
            round(a + (b - a) * t) for a, b in zip(palette.top, palette.bottom, strict=True)
        )
        draw.line([(0, y), (WIDTH, y)], fill=colour)
    overlay = PILImage.new("RGBA", (WIDTH, HEIGHT), (0, 0, 0, 0))
    shapes = ImageDraw.Draw(overlay)
    for _ in range(9):
        colour = (*rng.choice(palette.shapes), rng.randint(60, 150))
        x, y = rng.randint(-200, WIDTH), rng.randint(-200, HEIGHT)
        size = rng.randint(120, 520)
        if rng.random() < 0.5:
            shapes.ellipse([x, y, x + size, y + size], fill=colour)
        else:
            shapes.rounded_rectangle([x, y, x + size, y + size * 0.6], radius=40, fill=colour)
    image = PILImage.alpha_composite(image.convert("RGBA"), overlay)
    # No words in the picture: the card or page says the title next to it (and a picture with
    # text would need that text as its alt text). A small label marks the section.
    image = image.convert("RGB")
    if label:
        draw = ImageDraw.Draw(image)
        draw.text((60, HEIGHT - 110), label.upper(), font=_font(44), fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82, optimize=True)
    return buffer.getvalue()


def logo_draw(*, name: str, palette: Palette, initials: str = "") -> bytes:
    """A square PNG logo: the initials of the name (or `initials`) on the site's colour."""
    size = 512
    image = PILImage.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([0, 0, size, size], radius=96, fill=(*palette.top, 255))
    draw.ellipse([300, 300, 470, 470], fill=(*palette.shapes[0], 255))
    words = [w for w in name.split() if w[:1].isupper()] or [name]
    initials = initials or "".join(w[0] for w in words[-2:]).upper()
    font_size = 230
    font = _font(font_size)
    box = draw.textbbox((0, 0), initials, font=font)
    while box[2] - box[0] > 420 and font_size > 60:  # three letters fit too
        font_size -= 10
        font = _font(font_size)
        box = draw.textbbox((0, 0), initials, font=font)
    x = (size - (box[2] - box[0])) / 2 - box[0]
    y = (size - (box[3] - box[1])) / 2 - box[1] - 20
    draw.text((x, y), initials, font=font, fill=(255, 255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def demo_image_get_or_create(
    *, collection: Collection, title: str, content: bytes, extension: str, description: str = ""
):
    """Idempotent on (collection, title): a rebuilt demo reuses its pictures."""
    Image = get_image_model()
    existing = Image.objects.filter(collection=collection, title=title).first()
    if existing is not None:
        return existing
    slug = hashlib.sha1(f"{collection.pk}:{title}".encode()).hexdigest()[:12]
    image = Image(title=title, collection=collection, description=description)
    image.file = ImageFile(io.BytesIO(content), name=f"demo-{slug}.{extension}")
    image.save()
    return image


def demo_picture(*, collection: Collection, kind: str, title: str, label: str = ""):
    palette = PALETTES.get(kind, PALETTES["bibliotheek"])
    return demo_image_get_or_create(
        collection=collection,
        title=title,
        content=picture_draw(title=title, palette=palette, label=label),
        extension="jpg",
        description=f"Illustratie: {title}",
    )


def demo_logo(*, collection: Collection, kind: str, name: str, initials: str = ""):
    palette = PALETTES.get(kind, PALETTES["bibliotheek"])
    return demo_image_get_or_create(
        collection=collection,
        title=f"Logo {name}",
        content=logo_draw(name=name, palette=palette, initials=initials),
        extension="png",
        description=f"Logo van {name}",
    )
