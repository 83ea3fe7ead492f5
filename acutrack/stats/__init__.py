"""Statistics for one person's pain diary: paired drops, real vs sham, responder rates.

Pure functions on arrays and tables; results are small objects with ``n``, ``estimate``,
``ci``, ``p_value``, a short machine-readable ``verdict`` and a plain-language
``summary()`` that states the estimate, its uncertainty and whether the data are enough
to tell, and never says "works". Every verdict's false-claim rate and every interval's
coverage are measured on realistic simulated diaries (`calibration`, `simulate`).
"""

from .adjust import holm
from .before_after import BeforeAfter, before_after, mean_drop_interval
from .benefit import prob_benefit, standard_error
from .leave_one_out import LeaveOneOut, leave_one_out
from .paired import bootstrap_ci, hodges_lehmann, rank_biserial
from .planned import compared_sessions
from .randomisation import estimate, randomisation_ci, randomisation_test, smallest_p
from .real_sham import RealVsSham, carry_over, hedges_g, real_vs_sham, sham_verdict
from .responders import Responders, compare_responders

__all__ = [
    "BeforeAfter",
    "LeaveOneOut",
    "RealVsSham",
    "Responders",
    "before_after",
    "bootstrap_ci",
    "carry_over",
    "compare_responders",
    "compared_sessions",
    "estimate",
    "hedges_g",
    "hodges_lehmann",
    "holm",
    "leave_one_out",
    "mean_drop_interval",
    "prob_benefit",
    "randomisation_ci",
    "randomisation_test",
    "rank_biserial",
    "real_vs_sham",
    "sham_verdict",
    "smallest_p",
    "standard_error",
]
