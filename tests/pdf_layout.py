"""Where the words of a PDF lie, read with pdfplumber, for the tests that keep printed text inside
its box. Boxes are (x0, top, x1, bottom) in points, measured from the page's top left corner, as
pdfplumber gives them."""

import io
from contextlib import contextmanager

import pdfplumber

Box = tuple[float, float, float, float]
# Glyph boxes are the font's, rounded: a hair over the line is not text leaving its box.
TOLERANCE = 0.5


@contextmanager
def opened(content: bytes):
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        yield pdf


def box(thing) -> Box:
    return thing["x0"], thing["top"], thing["x1"], thing["bottom"]


def inside(thing, outer: Box) -> bool:
    x0, top, x1, bottom = box(thing)
    return (
        x0 >= outer[0] - TOLERANCE
        and top >= outer[1] - TOLERANCE
        and x1 <= outer[2] + TOLERANCE
        and bottom <= outer[3] + TOLERANCE
    )


def overlaps(thing, other: Box) -> bool:
    x0, top, x1, bottom = box(thing)
    return x0 < other[2] and other[0] < x1 and top < other[3] and other[1] < bottom


def bounds(things) -> Box:
    """The smallest box around all of `things` (the QR code's squares)."""
    boxes = [box(thing) for thing in things]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def flat(text: str) -> str:
    """Text with its line breaks and runs of spaces as single spaces."""
    return " ".join(text.split())
