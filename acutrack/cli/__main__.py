"""``python -m acutrack.cli``, as ``python -m acutrack``."""

import sys

from . import main

sys.exit(main())
