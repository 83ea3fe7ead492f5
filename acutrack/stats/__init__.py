"""Statistics for one person's pain diary: paired drops, real vs sham, responder rates.

Pure functions on arrays and tables; results are small objects with ``n``, ``estimate``,
``ci``, ``p_value`` and a plain-language ``summary()`` that states the estimate, its
uncertainty and whether the data are enough to tell, and never says "works".
"""

from .adjust import holm
from .before_after import BeforeAfter, before_after
from .paired import bootstrap_ci, hodges_lehmann, meaningful, rank_biserial, signed_rank_p
from .responders import Responders, compare_responders
from .two_groups import (
    RealVsSham,
    compared_sessions,
    hedges_g,
    randomisation_p,
    real_vs_sham,
    sessions_for_power,
)

__all__ = [
    "BeforeAfter",
    "RealVsSham",
    "Responders",
    "before_after",
    "bootstrap_ci",
    "compare_responders",
    "compared_sessions",
    "hedges_g",
    "hodges_lehmann",
    "holm",
    "meaningful",
    "randomisation_p",
    "rank_biserial",
    "real_vs_sham",
    "sessions_for_power",
    "signed_rank_p",
]
