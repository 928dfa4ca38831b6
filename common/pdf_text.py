"""Text that must stay inside a box of a printed page (badges, sign-in sheets): lines broken
between words and after a hyphen, never inside a word, and the font size chosen to fit.

The font must be registered with reportlab first (`registration.tickets.register_fonts`)."""

from collections.abc import Iterator
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfmetrics import stringWidth

ELLIPSIS = "…"
# Half a point at a time: finer steps change nothing the eye sees and cost more measuring.
STEP = 0.5


def markup(text: str) -> str:
    """`text` as a reportlab Paragraph reads it: its own "&", "<" and ">" are not markup."""
    return escape(text)


def wrap(text: str, *, font: str, size: float, width: float) -> list[str]:
    """`text` in as few lines of `width` as breaking between words and after hyphens allows
    ("Brzęczyszczykiewicz-" / "Wojciechowska"); a piece longer than `width` gets a line of its own,
    still too long."""
    lines: list[str] = []
    line = ""
    for glue, piece in _pieces(text):
        candidate = line + glue + piece if line else piece
        if line and stringWidth(candidate, font, size) > width:
            lines.append(line)
            line = piece
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def fit_lines(
    *texts: str,
    font: str,
    largest: float,
    smallest: float,
    width: float,
    max_lines: int = 1,
    height: float | None = None,
    leading: float = 1.2,
) -> tuple[float, list[list[str]]]:
    """One font size for all `texts` and the lines of each: the largest size, from `largest` down to
    `smallest`, at which each text fits `width` in one line; failing that, in two lines, and so on
    up to `max_lines`. With `height`, all the lines together (`leading` × size each) fit it too.
    Only when nothing fits at `smallest` are lines left out and the last one kept ends with "…"."""
    sizes = _sizes(largest, smallest)
    for lines_each in range(1, max_lines + 1):
        for size in sizes:
            wrapped = [wrap(text, font=font, size=size, width=width) for text in texts]
            if all(len(lines) <= lines_each for lines in wrapped) and _fits(
                wrapped, font=font, size=size, width=width, height=height, leading=leading
            ):
                return size, wrapped
    return smallest, _truncated(
        texts, font=font, size=smallest, width=width, max_lines=max_lines, height=height, leading=leading
    )


def _pieces(text: str) -> Iterator[tuple[str, str]]:
    """The places a line may break, as (what joins the piece to the one before, the piece)."""
    for word in text.split():
        parts = word.split("-")
        for number, part in enumerate(parts):
            last = number == len(parts) - 1
            piece = part if last else part + "-"
            if piece:
                yield (" " if number == 0 else ""), piece


def _sizes(largest: float, smallest: float) -> list[float]:
    sizes = []
    size = largest
    while size > smallest:
        sizes.append(size)
        size -= STEP
    return [*sizes, smallest]


def _fits(wrapped, *, font, size, width, height, leading) -> bool:
    if any(stringWidth(line, font, size) > width for lines in wrapped for line in lines):
        return False
    return height is None or sum(map(len, wrapped)) * size * leading <= height


def _truncated(texts, *, font, size, width, max_lines, height, leading) -> list[list[str]]:
    room = max_lines * len(texts) if height is None else int(height // (size * leading))
    result = []
    for index, text in enumerate(texts):
        lines = wrap(text, font=font, size=size, width=width)
        # Every text after this one keeps a line of the room, so that no name disappears.
        keep = max(0, min(max_lines, room - (len(texts) - index - 1)))
        kept = [_shortened(line, font=font, size=size, width=width) for line in lines[:keep]]
        if len(lines) > keep and kept:
            kept[-1] = _shortened(kept[-1] + ELLIPSIS, font=font, size=size, width=width)
        room -= len(kept)
        result.append(kept)
    return result


def _shortened(line: str, *, font: str, size: float, width: float) -> str:
    """`line` cut to `width`, ending with "…" when cut."""
    if stringWidth(line, font, size) <= width:
        return line
    line = line.removesuffix(ELLIPSIS)
    while line and stringWidth(line.rstrip() + ELLIPSIS, font, size) > width:
        line = line[:-1]
    return line.rstrip() + ELLIPSIS
