"""Run a Jupyter server (JupyterLab or Voilà) a few seconds faster to start, and Voilà
without handing its token to a socket that asks for none.

``python -m acutrack.serve MODULE ARG...`` is ``python -m MODULE ARG...`` without
`jsonschema`'s "iri" format checker. `jsonschema` imports ``rfc3987_syntax`` whenever it is
installed (Jupyter installs it), and that module builds some 35 Lark parsers as it is
imported: 2.9 of the 3.9 s Voilà took to import here. No Jupyter schema uses the "iri"
formats it checks (jupyter-server/jupyter_server#1559, python-jsonschema/jsonschema#1428),
so the server loses nothing by going without. `acutrack.lab` and `acutrack.app` start
their servers through this module, and the app's kernel skips it too (`acutrack.app.kernel`).
"""

from __future__ import annotations

import runpy
import sys

#: Imported by `jsonschema` if found, and slow to import (see above).
SKIPPED = ("rfc3987_syntax",)


def skip_slow_imports() -> None:
    """Make importing `SKIPPED` fail at once, in this process (a None entry does that)."""
    for name in SKIPPED:
        sys.modules.setdefault(name, None)


def _voila_keeps_the_token() -> None:
    """Voilà hands a warm kernel the request that asked for its page through a websocket
    that takes no token (``/voila/query/<kernel id>``), and kernel ids show in ``ps``. The
    request's query string holds the token, so it is left out of what is handed over (the
    page does not read it), lest another user of the computer read it there."""
    from voila.request_info_handler import RequestInfoSocketHandler
    from voila.utils import ENV_VARIABLE

    send = RequestInfoSocketHandler.send_updates.__func__

    def send_updates(cls, msg: dict) -> None:
        payload = {k: v for k, v in msg["payload"].items() if k != ENV_VARIABLE.QUERY_STRING}
        send(cls, {**msg, "payload": payload})

    RequestInfoSocketHandler.send_updates = classmethod(send_updates)


#: What a server needs before it starts, by module.
PREPARE = {"voila": _voila_keeps_the_token}


def main(argv: list[str] | None = None) -> None:
    """Run the module named first in ``argv`` (``sys.argv[1:]``) as ``python -m`` would."""
    module, *args = sys.argv[1:] if argv is None else argv
    skip_slow_imports()
    if module in PREPARE:
        PREPARE[module]()
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
