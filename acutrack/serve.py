"""Run a Jupyter server (JupyterLab or Voilà) a few seconds faster to start.

``python -m acutrack.serve MODULE ARG...`` is ``python -m MODULE ARG...`` without
`jsonschema`'s "iri" format checker. `jsonschema` imports ``rfc3987_syntax`` whenever it is
installed (Jupyter installs it), and that module builds some 35 Lark parsers as it is
imported: 2.9 of the 3.9 s Voilà took to import here. No Jupyter schema uses the "iri"
formats it checks (jupyter-server/jupyter_server#1559, python-jsonschema/jsonschema#1428),
so the server loses nothing by going without. `acutrack.lab` and `acutrack.app` start
their servers through this module.
"""

from __future__ import annotations

import runpy
import sys

#: Imported by `jsonschema` if found, and slow to import (see above).
SKIPPED = ("rfc3987_syntax",)


def main(argv: list[str] | None = None) -> None:
    """Run the module named first in ``argv`` (``sys.argv[1:]``) as ``python -m`` would."""
    module, *args = sys.argv[1:] if argv is None else argv
    for name in SKIPPED:
        sys.modules.setdefault(name, None)  # a None entry makes its import fail at once
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
