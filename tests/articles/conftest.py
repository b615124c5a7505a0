"""Fixtures for the desk's tests (helpers.py has the plain functions)."""

import io

import pytest
from PIL import Image


@pytest.fixture(scope="session")
def bomb_png() -> bytes:
    """20,000 × 20,000 pixels (400 megapixels) in some 50 kB: one bit a pixel, all black."""
    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, "PNG", optimize=True)
    content = buffer.getvalue()
    assert len(content) < 100_000
    return content
