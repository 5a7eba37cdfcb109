"""A product photo's bytes → the RGB uint8 array garment_segmenter takes, or a clear refusal.

Refused (`PhotoError`, whose text the servicer puts on the `photo` field): not an image,
a truncated or corrupt file, more than 4096 px a side or 40 MP (checked from the header,
before anything is decoded), less than 32 px a side. Converted, with a warning where it
changes what can be read: transparency (composited on white, the studio sweep the
segmenter expects), palette, grayscale (colours cannot be read), CMYK, 16-bit and float
images (scaled to 8 bits), EXIF rotation.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 4096
MAX_PIXELS = 40_000_000
MIN_SIDE = 32
FORMATS = ("PNG", "JPEG", "WEBP", "BMP", "TIFF", "GIF")


class PhotoError(ValueError):
    """The photo cannot be used; the message says why, for the caller."""


@dataclass(frozen=True)
class DecodedPhoto:
    rgb: np.ndarray  # [H, W, 3] uint8
    format: str
    warnings: tuple[str, ...]
    grayscale: bool  # no colour to read: the parser drops the photo's colour readings


def decode_photo(data: bytes) -> DecodedPhoto:
    if not data:
        raise PhotoError("empty: send the photo's bytes or an S3 key")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=FORMATS)
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(f"not an image Catwalk reads ({', '.join(FORMATS)}), or far too large") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise PhotoError(f"not a readable image ({exc})") from None
    with image:
        width, height = image.size
        if max(width, height) > MAX_SIDE or width * height > MAX_PIXELS:
            raise PhotoError(f"{width}x{height} is too large: at most {MAX_SIDE} px a side and "
                             f"{MAX_PIXELS // 1_000_000} MP")
        if min(width, height) < MIN_SIDE:
            raise PhotoError(f"{width}x{height} is too small: at least {MIN_SIDE} px a side")
        try:
            image.load()
            rgb, notes = _to_rgb(ImageOps.exif_transpose(image) or image)
        except (OSError, SyntaxError, ValueError) as exc:
            raise PhotoError(f"truncated or corrupt {image.format} ({exc})") from None
        grey = any("grayscale" in note for note in notes)
        return DecodedPhoto(rgb, image.format or "", tuple(notes), grey)


def _to_rgb(image: Image.Image) -> tuple[np.ndarray, list[str]]:
    notes: list[str] = []
    mode = image.mode
    if mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
        mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        notes.append(f"the photo is {mode} grayscale: scaled to 8 bits; colours cannot be read from it")
        grey = np.asarray(image, dtype=np.float64)
        top = 65535.0 if mode.startswith("I;16") or grey.max() > 255 else 255.0
        if mode == "F":
            top = max(float(grey.max()), 1.0)
        grey8 = np.clip(grey / top * 255.0 + 0.5, 0, 255).astype(np.uint8)
        return np.repeat(grey8[..., None], 3, axis=2), notes
    if mode in ("RGBA", "LA", "PA", "RGBa", "La") or (mode in ("RGB", "L") and "transparency" in image.info):
        rgba = image.convert("RGBA")
        alpha = np.asarray(rgba)[..., 3]
        if alpha.min() < 255:
            notes.append(f"the photo is transparent ({(alpha < 128).mean():.0%} of it): composited on white")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
        if mode in ("LA", "La", "L"):
            notes.append("the photo is grayscale: colours cannot be read from it")
        return np.ascontiguousarray(np.asarray(image.convert("RGB"))), notes
    if mode in ("L", "1"):
        notes.append("the photo is grayscale: colours cannot be read from it")
    elif mode == "CMYK":
        notes.append("the photo is CMYK: converted to RGB without its colour profile")
    elif mode not in ("RGB",):
        notes.append(f"the photo is {mode}: converted to RGB")
    return np.ascontiguousarray(np.asarray(image.convert("RGB"))), notes
