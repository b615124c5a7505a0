"""Pictures for the demo content, drawn with Pillow (no photo is shipped or fetched)."""

import functools
import io
import random

from PIL import Image, ImageChops, ImageDraw, ImageFilter

SIZE = (1600, 900)


def _gradient(size, top, bottom) -> Image.Image:
    height = size[1]
    column = Image.new("RGB", (1, height))
    for y in range(height):
        t = y / (height - 1)
        column.putpixel(
            (0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    return column.resize(size)


# Each picture depends on its arguments alone, so it is drawn once a process: the tests seed the
# demo many times.
@functools.cache
def supercomputer_hall() -> bytes:
    """The seed article's lead image: an aisle between rows of supercomputer racks, as JPEG."""
    rng = random.Random(2024)
    width, height = SIZE
    image = _gradient(SIZE, (14, 36, 72), (2, 6, 16))
    draw = ImageDraw.Draw(image)
    vx, vy, focal = width / 2, height * 0.45, 760

    def project(x, y, z):
        return vx + focal * x / z, vy - focal * y / z

    # The floor's tiles, running to the vanishing point.
    for x in (-1.3, -0.65, 0, 0.65, 1.3):
        draw.line([project(x, -1, 0.6), project(x, -1, 60)], fill=(24, 60, 110), width=2)
    for z in (0.8, 1.1, 1.5, 2, 2.7, 3.6, 4.8, 6.4, 8.5, 11.5, 15.5, 21):
        draw.line([project(-1.3, -1, z), project(1.3, -1, z)], fill=(24, 60, 110), width=2)
    # Light strips along the ceiling.
    for x in (-0.5, 0.5):
        draw.line([project(x, 1.5, 0.8), project(x, 1.5, 60)], fill=(150, 200, 255), width=5)

    # Racks on both walls, far to near, so the nearer ones cover the farther.
    z = 40.0
    while z > 0.9:
        near = max(z - 1.1, 0.75)
        for side in (-1, 1):
            x = 1.3 * side
            face = [project(x, -1, near), project(x, 1.1, near), project(x, 1.1, z),
                    project(x, -1, z)]  # fmt: skip
            shade = round(18 + 34 * (1 - min(z, 40) / 40))
            draw.polygon(face, fill=(shade, shade + 6, shade + 18), outline=(70, 92, 124))
            for row in range(12):
                y = -0.85 + row * 0.16
                for step in range(1, 6):
                    if rng.random() < 0.3:
                        continue
                    depth = z - (z - near) * step / 6
                    cx, cy = project(x, y, depth)
                    radius = max(0.8, 9 / depth)
                    colour = rng.choice([(70, 230, 255), (90, 255, 140), (255, 190, 60)])
                    draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill=colour)
        z = near - 0.08

    # A glow at the end of the aisle.
    glow = Image.new("RGB", SIZE, (0, 0, 0))
    ImageDraw.Draw(glow).ellipse([vx - 160, vy - 110, vx + 160, vy + 110], fill=(80, 150, 255))
    image = ImageChops.screen(image, glow.filter(ImageFilter.GaussianBlur(80)))
    return _jpeg(image)


@functools.cache
def chart(*, seed: int, colour: tuple[int, int, int]) -> bytes:
    """A market chart in the channel's colour, for the demo's other lead images, as JPEG."""
    rng = random.Random(seed)
    width, height = SIZE
    image = _gradient(SIZE, (250, 251, 253), (228, 233, 240))
    draw = ImageDraw.Draw(image)
    for y in range(150, height, 150):
        draw.line([(0, y), (width, y)], fill=(205, 212, 222), width=2)
    bar_width = width // 40
    for index in range(40):
        bar = rng.randint(60, 260)
        x = index * bar_width
        draw.rectangle(
            [x + 4, height - bar, x + bar_width - 4, height],
            fill=tuple(min(255, c + 120) for c in colour),
        )
    level, points = height * 0.55, []
    for index in range(41):
        level = min(height * 0.8, max(height * 0.15, level + rng.uniform(-60, 55)))
        points.append((index * width / 40, level))
    draw.line(points, fill=colour, width=10, joint="curve")
    return _jpeg(image)


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    return buffer.getvalue()
