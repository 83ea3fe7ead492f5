"""What the command line shows: text made safe for a terminal, lines, tables, help.

Anything a person typed (a note, a medicine's name) or a file held is printed through
`_printable`, so that a value cannot colour, clear or retitle the terminal, nor make a
line of its own that looks like the kit's.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
from collections.abc import Sequence


def _textwrap():
    """The textwrap module, imported when text is shown (`log` and `rate` show none)."""
    import textwrap

    return textwrap


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, sized by ``os`` rather than shutil (and its compressors),
    which argparse would import for every command, even one that shows no help."""

    def __init__(self, prog: str) -> None:
        try:
            columns = os.get_terminal_size().columns
        except OSError:  # not a terminal
            columns = 80
        super().__init__(prog, width=max(columns - 2, 40))


# What a terminal would obey rather than show: C0 and C1 controls (colours, clearing the
# screen, a window title), DEL, bidirectional overrides (text shown reversed), and the lone
# surrogates that stand for bytes of a file that were not UTF-8.
_UNPRINTABLE = "[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"


@functools.cache
def _unprintable() -> re.Pattern[str]:
    """`_UNPRINTABLE` compiled on first use (it costs a cold `acutrack log` a millisecond,
    and text that `str.isprintable` passes never needs it)."""
    return re.compile(_UNPRINTABLE)


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, as ``surrogateescape`` keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _printable(text: object) -> str:
    """``text`` safe for a terminal: what it would obey is written out, e.g. ``\\x1b``."""
    text = str(text)
    # Everything `_UNPRINTABLE` matches is a control, format or surrogate character, which
    # isprintable refuses: text it accepts has nothing to write out.
    return text if text.isprintable() else _unprintable().sub(_escape, text)


def _say(text: str = "") -> None:
    """Print ``text`` line by line, each line made `_printable`: for text the kit wrote."""
    print("\n".join(_printable(line) for line in text.split("\n")))


def _line(text: str) -> None:
    """Print ``text`` as one line, its line breaks written out (``\\x0a``) like any
    control character: for anything holding a value someone typed (a medicine's name, a
    note), so that a value cannot make a line of its own that looks like the kit's."""
    print(_printable(text))


def _table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> str:
    cells = [[_printable(c) for c in headers], *[[_printable(c) for c in row] for row in rows]]
    widths = [max(len(line[i]) for line in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in cells]
    return "\n".join(line.rstrip() for line in lines)
