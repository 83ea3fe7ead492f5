"""Git's clean filter for notebooks/*.ipynb: a notebook in, as the repository keeps it, out.

No outputs, no execution counts, code folded, the kernel's ``language_info`` as committed
(`acutrack.notebook_files.strip`), so that a person who runs the notebooks and saves them
has nothing to commit. `make lab` installs it, from ``.gitattributes``'s
``notebooks/*.ipynb filter=acutrack-notebook``::

    git config filter.acutrack-notebook.clean "python3 tools/strip_notebook.py"

Git runs it from the top of the checkout, with any Python 3: it needs only the standard
library and the checkout's own ``acutrack/notebook_files.py``.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from acutrack.notebook_files import LANGUAGE_INFO, strip

__all__ = ["LANGUAGE_INFO", "strip"]

if __name__ == "__main__":
    # Bytes in and out: notebooks are UTF-8 whatever the locale git runs this in.
    sys.stdout.buffer.write(strip(sys.stdin.buffer.read().decode("utf-8")).encode("utf-8"))
