"""Lead images: what an upload must be, and the renditions made from it once, after it is saved.

Renditions go through Django's default storage (STORAGES["default"]), so disk and S3 alike hold
them; their names, sizes and formats are recorded on the article, so a page needs no storage
call but `url()` to show them.
"""

import io
import warnings
from contextlib import suppress
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, JpegImagePlugin, UnidentifiedImageError

from finextra.media import STORAGE_ERRORS

ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
RENDITION_WIDTHS = (480, 960, 1440)
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
SAVE_OPTIONS = {
    "JPEG": {"quality": 82, "optimize": True, "progressive": True},
    # zlib's default level: "optimize" takes ten times as long for a file a fifth smaller.
    "PNG": {"compress_level": 6},
    "WEBP": {"quality": 80, "method": 4},
}

ACCEPT = "image/jpeg,image/png,image/webp"
LIMITS_HELP = (
    f"JPEG, PNG or WebP, up to {MAX_UPLOAD_BYTES // 2**20} MB and "
    f"{MAX_PIXELS // 1_000_000} megapixels."
)

INVALID_MESSAGE = (
    "This file is not an image we can use. Upload a JPEG, PNG or WebP photo or graphic."
)


def lead_image_check(upload) -> None:
    """Raise ValidationError unless `upload` is a whole JPEG, PNG or WebP of a sane size.

    The pixel count is read from the header before anything is decoded, and Pillow's own
    decompression-bomb guard (its warning as well as its error) counts as a refusal too.
    """
    size = upload.size
    if not size:
        raise ValidationError("The file is empty.", code="empty")
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            "The file is %(size)s; the largest we take is %(limit)s.",
            code="file_too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(MAX_UPLOAD_BYTES)},
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as image:
                image_format, (width, height) = image.format, image.size
                if image_format not in ALLOWED_FORMATS:
                    raise ValidationError(INVALID_MESSAGE, code="format")
                _check_pixels(width, height)
                image.verify()
            # verify() leaves the image unusable; decoding it whole finds a truncated file.
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            "This image has too many pixels to process safely; the most we take is "
            "%(limit)s megapixels.",
            code="too_many_pixels",
            params={"limit": MAX_PIXELS // 1_000_000},
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ValidationError(INVALID_MESSAGE, code="invalid_image") from exc
    finally:
        upload.seek(0)


def _check_pixels(width: int, height: int) -> None:
    if width * height > MAX_PIXELS:
        raise ValidationError(
            "This image is %(width)s × %(height)s pixels; the most we take is %(limit)s "
            "megapixels. Resize it and upload it again.",
            code="too_many_pixels",
            params={"width": width, "height": height, "limit": MAX_PIXELS // 1_000_000},
        )


def image_without_metadata(upload) -> ContentFile:
    """The upload turned upright by its camera orientation and saved again without EXIF (GPS
    position, camera make, model and serial number, time taken) or XMP, keeping its colour
    profile. The original is public (og:image links it), so it must say nothing of where the
    photographer stood. A JPEG is re-encoded with its own quantisation tables and subsampling,
    so it loses nothing visible."""
    upload.seek(0)
    with Image.open(upload) as opened:
        image_format = opened.format
        options: dict = {"exif": b""}
        if opened.info.get("icc_profile"):
            options["icc_profile"] = opened.info["icc_profile"]
        if image_format == "JPEG":
            options["qtables"] = opened.quantization
            options["subsampling"] = JpegImagePlugin.get_sampling(opened)
            options["progressive"] = bool(opened.info.get("progressive"))
        elif image_format == "WEBP":
            options.update({"quality": 90, "method": 4})
        elif image_format == "PNG" and "transparency" in opened.info:
            options["transparency"] = opened.info["transparency"]
        upright = ImageOps.exif_transpose(opened)
        upright.load()
    buffer = io.BytesIO()
    upright.save(buffer, image_format, **options)
    upload.seek(0)
    return ContentFile(buffer.getvalue(), name=PurePosixPath(upload.name).name)


def rendition_widths(original_width: int) -> list[int]:
    """The widths to make: the standard ones, never wider than the original."""
    return sorted({min(width, original_width) for width in RENDITION_WIDTHS})


def lead_image_renditions_make(*, article) -> list[dict]:
    """Make the renditions of `article`'s lead image (the original format and WebP at each
    width), store them, record them on the row and return them.

    Recorded with update(), not save(): renditions are derived from the image, not copy, so
    they must not bump the version an editor's open form was loaded with. Called once the save
    that stored the image has committed (articles.services), so a rollback leaves none behind.
    """
    storage = article.lead_image.storage
    with storage.open(article.lead_image.name, "rb") as source, Image.open(source) as opened:
        original_format = opened.format
        # A large JPEG is decoded at a reduced scale, never below the widest rendition.
        largest = max(RENDITION_WIDTHS)
        opened.draft(None, (largest, largest))
        image = ImageOps.exif_transpose(opened)
        image.load()
    # Palette and bilevel images resize only by nearest neighbour: work in full colour.
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    formats = [original_format] if original_format == "WEBP" else [original_format, "WEBP"]
    stem = PurePosixPath(article.lead_image.name)
    renditions = []
    try:
        for width in rendition_widths(image.width):
            height = max(1, round(image.height * width / image.width))
            resized = (
                image
                if width == image.width
                else image.resize((width, height), Image.Resampling.LANCZOS)
            )
            for image_format in formats:
                name = storage.save(
                    str(stem.with_name(f"{stem.stem}-{width}w.{EXTENSIONS[image_format]}")),
                    ContentFile(_encode(resized, image_format)),
                )
                renditions.append(
                    {"width": width, "height": height, "format": image_format.lower(), "name": name}
                )
    except STORAGE_ERRORS:
        # The store filled up (or went read-only) part way: none of this save's files stay.
        for rendition in renditions:
            with suppress(*STORAGE_ERRORS):
                storage.delete(rendition["name"])
        raise
    rows = type(article)._base_manager.filter(pk=article.pk, lead_image=article.lead_image.name)
    if not rows.update(lead_image_renditions=renditions):
        # The article moved to another image meanwhile: these renditions are nobody's.
        for rendition in renditions:
            with suppress(*STORAGE_ERRORS):
                storage.delete(rendition["name"])
        return []
    article.lead_image_renditions = renditions
    return renditions


def _encode(image: Image.Image, image_format: str) -> bytes:
    if image_format == "JPEG" and image.mode in ("RGBA", "LA"):
        image = _flatten(image)
    elif image_format == "WEBP" and image.mode in ("L", "LA"):
        image = image.convert("RGBA" if image.mode == "LA" else "RGB")
    buffer = io.BytesIO()
    image.save(buffer, image_format, **SAVE_OPTIONS[image_format])
    return buffer.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    """Transparent pixels on white, for a format without transparency."""
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, "white")
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def lead_image_renditions_discard(*, names: list[str]) -> None:
    """Delete renditions from storage once the transaction that replaced them commits (if it
    rolls back, the row still names them and they stay)."""

    def delete():
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete)


@dataclass(frozen=True)
class Picture:
    """What a template needs to show a lead image: the fallback `src`, a `srcset` per format,
    and the intrinsic size (so the browser keeps the space before the image arrives)."""

    src: str
    width: int
    height: int
    srcset: str
    webp_srcset: str


def picture_for(*, renditions: list[dict], original_url: str, width, height) -> Picture:
    """The <picture> parts from recorded renditions; the original alone when there are none."""
    by_format: dict[str, list[dict]] = {}
    for rendition in sorted(renditions, key=lambda r: r["width"]):
        by_format.setdefault(rendition["format"], []).append(rendition)
    fallback = next((items for fmt, items in by_format.items() if fmt != "webp"), None)
    fallback = fallback or by_format.get("webp")
    if not fallback:
        return Picture(original_url, width or 0, height or 0, "", "")

    def srcset(items):
        return ", ".join(f"{default_storage.url(r['name'])} {r['width']}w" for r in items)

    largest = fallback[-1]
    webp = by_format.get("webp", [])
    return Picture(
        src=default_storage.url(largest["name"]),
        width=largest["width"],
        height=largest["height"],
        srcset=srcset(fallback),
        webp_srcset=srcset(webp) if webp is not fallback else "",
    )
