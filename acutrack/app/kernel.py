"""What the app's kernel does before the page is asked for, and once it is.

Voilà keeps one kernel warm for the next page (`acutrack.app.app_command`): it runs the
app's notebook up to `page_when_asked` before anyone asks. `warm` is that head start, the
imports (about 2.5 s here), so that a page asked for only reads the journal and builds
itself. Everything read from the journal is read after the request arrives, never from
when the kernel warmed. (Building a page once on an empty journal while warming was tried:
the first page came about 1.2 s later, and reloads were no faster beyond the noise.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .page import AppPage

__all__ = ["page_when_asked", "warm"]


def warm() -> None:
    """Import what the page needs, so that a page asked for only reads the journal."""
    from ..serve import skip_slow_imports

    skip_slow_imports()  # voila.utils brings in Jupyter's server, and with it jsonschema
    import matplotlib.backends.backend_agg  # noqa: F401 (the chart)
    import pandas  # noqa: F401 (every form reads the journal with it)
    import voila.utils  # noqa: F401

    from . import page  # noqa: F401 (the forms, ipywidgets)


def page_when_asked() -> AppPage:
    """Wait until the page is asked for (at once outside a warm kernel), then build it on
    ``$ACUTRACK_HOME``."""
    from voila.utils import wait_for_request

    from .page import AppPage

    wait_for_request()
    return AppPage.for_default_journal()
