"""Cover art: the user's picture when there is one, otherwise a generated title card.

Audiobook shelves and podcast apps show a square picture beside every book; ACX asks for a
square of at least 2400 pixels.  The title card is drawn with Pillow (already a dependency
of the tagging stack, and the standard imaging library) in a font found on the machine
(DejaVu, which most Linux systems ship) or the one bundled with Pillow: nothing is
downloaded.  The same story always gets the same bytes, so rebuilds stay incremental.

A story's own picture (an EPUB's cover) is embedded only as what players show: JPEG or PNG
of a sensible size.  Anything else is converted: raster formats by Pillow, SVG by resvg-py.
resvg-py was chosen over CairoSVG and svglib because it is one self-contained wheel (the
Rust resvg renderer, ~3 MB) that needs no system library: CairoSVG loads libcairo2 through
cffi at run time (and takes 0.7 s to import), svglib needs reportlab's Cairo backend.
Measured on a 1400x2100 SVG cover: resvg-py 0.5 s, CairoSVG 0.3 s; both render shapes,
text (with DejaVu named for the generic families) and embedded bitmaps.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
from pathlib import Path

from dramatis.errors import DramatisError, warn

SIZE = 3000
MAX_BYTES = 20 * 1024 * 1024
#: Longest side of an embedded picture: ACX asks for 2400+, players need no more than 3000,
#: and a 10000-pixel scan would add megabytes to every chapter file.
MAX_SIDE = 3000
#: An SVG is drawn at least this big on its longer side (its own size is often a few hundred
#: "pixels" of viewBox).
SVG_SIDE = 2400

_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/Library/Fonts"),
    Path("C:/Windows/Fonts"),
)


def image_mime(data: bytes) -> str | None:
    """``image/jpeg`` or ``image/png`` from the file's first bytes, else None."""
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    return None


def load_cover(path: Path) -> bytes:
    """The user's cover image as a picture players show (see :func:`usable_cover`).

    A missing, unreadable or undrawable file is a :class:`DramatisError` naming it.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DramatisError(f"cannot read the cover image ({exc.strerror})", path) from None
    if len(data) > MAX_BYTES:
        raise DramatisError("the cover image is over 20 MB; use a smaller one", path)
    picture, why = usable_cover(data)
    if picture is None:
        raise DramatisError(f"not an image Dramatis can read ({why}); use JPEG or PNG", path)
    return picture


def is_svg(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    if head.startswith(b"\x1f\x8b"):  # .svgz
        return False
    return head.startswith(b"<svg") or (
        head.startswith((b"<?xml", b"<!--", b"<!doctype")) and b"<svg" in head
    )


def usable_cover(data: bytes) -> tuple[bytes | None, str | None]:
    """``(picture, None)``: ``data`` as a picture players show (JPEG or PNG, at most
    :data:`MAX_SIDE` pixels a side, converted when needed), or ``(None, why)`` when it cannot
    be made one. A JPEG or PNG that is already fine is returned unchanged (same bytes, so
    rebuilds stay incremental)."""
    from PIL import Image, UnidentifiedImageError

    drawn = is_svg(data)
    if drawn:
        try:
            data = _render_svg(data)
        except (ValueError, UnicodeDecodeError) as exc:
            return None, f"the SVG cover cannot be drawn ({str(exc)[:60] or 'invalid SVG'})"
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            fine = (
                not drawn  # a drawn SVG goes out as JPEG: a fraction of the PNG's size
                and image_mime(data) is not None
                and max(img.size) <= MAX_SIDE
                and img.mode in ("RGB", "L", "RGBA", "P", "LA")
            )
            if fine:
                return data, None
            if min(img.size) < 1:
                return None, "the cover picture is empty"
            img.thumbnail((MAX_SIDE, MAX_SIDE))
            return _jpeg(_flat(img)), None
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None, "the cover is not a picture players can show (not JPEG, PNG, SVG...)"


def _flat(img):
    """RGB on white: transparent SVG/PNG areas would turn black in a JPEG."""
    from PIL import Image

    if img.mode in ("RGBA", "LA", "P"):
        img = img.convert("RGBA")
        back = Image.new("RGB", img.size, (255, 255, 255))
        back.paste(img, mask=img.getchannel("A"))
        return back
    return img.convert("RGB")


def _render_svg(data: bytes) -> bytes:
    """PNG bytes of an SVG, its longer side at least :data:`SVG_SIDE` pixels. The generic font
    families are mapped to DejaVu (resvg's defaults, Times/Arial, are often missing)."""
    import resvg_py
    from PIL import Image

    svg = data.decode("utf-8-sig")

    def render(zoom: float | None) -> bytes:
        return bytes(
            resvg_py.svg_to_bytes(
                svg_string=svg,
                zoom=zoom,
                font_family="DejaVu Sans",
                serif_family="DejaVu Serif",
                sans_serif_family="DejaVu Sans",
            )
        )

    png = render(None)
    with Image.open(io.BytesIO(png)) as img:
        side = max(img.size)
    return render(SVG_SIDE / side) if 0 < side < SVG_SIDE else png


def _font(size: int, bold: bool):
    from PIL import ImageFont

    names = ("DejaVuSerif-Bold.ttf", "DejaVuSans-Bold.ttf") if bold else ("DejaVuSans.ttf",)
    for folder in _FONT_DIRS:
        for name in names:
            candidate = folder / name
            if candidate.is_file():
                return ImageFont.truetype(str(candidate), size)
    try:
        return ImageFont.load_default(size=size)  # Pillow's bundled font (Pillow >= 10.1)
    except TypeError:  # older Pillow: a small bitmap font, still legible
        return ImageFont.load_default()


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _fit(draw, text: str, width: int, height: int, start: int, bold: bool):
    """The largest font (from ``start`` down) whose wrapped text fits the box."""
    size = start
    while True:
        font = _font(size, bold)
        lines = _wrap(draw, text, font, width)
        line_h = int(size * 1.2)
        fits = all(draw.textlength(ln, font=font) <= width for ln in lines)
        if (fits and line_h * len(lines) <= height) or size <= 40:
            return font, lines, line_h
        size = int(size * 0.9)


def title_card(title: str, author: str | None, size: int = SIZE) -> bytes:
    """A square JPEG with the title and author, its colour taken from the title."""
    from PIL import Image, ImageDraw

    digest = hashlib.sha256(title.encode("utf-8")).digest()
    hue = digest[0] / 255
    background = tuple(round(c * 255) for c in colorsys.hls_to_rgb(hue, 0.22, 0.45))
    accent = tuple(round(c * 255) for c in colorsys.hls_to_rgb(hue, 0.78, 0.55))
    img = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(img)
    margin = size // 12
    frame = max(4, size // 250)
    draw.rectangle(
        (margin // 2, margin // 2, size - margin // 2, size - margin // 2),
        outline=accent,
        width=frame,
    )
    width = size - 2 * margin - size // 10
    font, lines, line_h = _fit(draw, title, width, size // 2, size // 10, bold=True)
    y = size * 0.42 - line_h * len(lines) / 2
    for line in lines:
        draw.text((size / 2, y), line, font=font, fill=(245, 242, 235), anchor="ma")
        y += line_h
    draw.line(
        (size * 0.4, y + line_h * 0.4, size * 0.6, y + line_h * 0.4), fill=accent, width=frame
    )
    if author:
        a_font, a_lines, a_h = _fit(draw, author, width, size // 6, size // 22, bold=False)
        ay = y + line_h * 0.9
        for line in a_lines:
            draw.text((size / 2, ay), line, font=a_font, fill=accent, anchor="ma")
            ay += a_h
    small = _font(size // 60, bold=False)
    draw.text((size / 2, size - margin), "read by Dramatis", font=small, fill=accent, anchor="ms")
    return _jpeg(img)


def _jpeg(img) -> bytes:
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=88, optimize=True)
    return out.getvalue()


def embeddable(data: bytes | None, source: Path | str) -> bytes | None:
    """A story's own cover as a picture players show, or None (the caller then draws the title
    card) with a one-line warning naming the story: a build never embeds what ``dramatis
    check`` would fail, and never replaces the author's picture silently."""
    if not data:
        return None
    picture, why = usable_cover(data)
    if picture is None:
        warn(f"{why}; using a generated title card instead", source)
    return picture
