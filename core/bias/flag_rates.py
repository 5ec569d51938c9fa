"""Bias metrics without labels: how often each group's posts get flagged.

Without ground truth the only signal is disparity: a group whose posts are
flagged much more often than the rest (ratio well above 1) deserves a look.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.bias.bootstrap import bootstrap
from core.bias.config import BiasConfig
from core.bias.inputs import prepare
from core.bias.table import build_table, safe_divide, too_small, too_small_note

__all__ = ["UNLABELLED_METRICS", "flag_rate_metrics"]

#: Metric columns of :func:`flag_rate_metrics`.
UNLABELLED_METRICS = ("mean_score", "flag_rate", "background_flag_rate", "flag_rate_ratio")


def flag_rate_metrics(
    y_score: npt.ArrayLike,
    *,
    groups: pd.DataFrame,
    config: BiasConfig | None = None,
) -> pd.DataFrame:
    """Per-group mean score, flag rate and ratio to the background's flag rate.

    Parameters
    ----------
    y_score : array-like of float, shape (n,)
        Model probabilities; NaN rows are left out.
    groups : DataFrame of bool, shape (n, k)
        Identity membership, rows aligned by position.
    config : BiasConfig, optional
        ``threshold`` decides what is flagged; bootstrap settings as usual.

    Returns
    -------
    DataFrame
        One row per group plus ``overall``: ``group, n, flagged``, then each
        of :data:`UNLABELLED_METRICS` with ``_low``/``_high`` bounds, then
        ``note``. The background of a group is every post outside it; the
        overall row has no background (NaN ratio).

    """
    config = config or BiasConfig()
    prep = prepare(None, y_score, groups)
    masks = prep.members.astype(np.float64)
    flagged = prep.score >= config.threshold

    def stats(w: np.ndarray) -> dict[str, np.ndarray]:
        size, hits = w @ masks, (w * flagged) @ masks
        rate = safe_divide(hits, size)
        background = safe_divide(hits[:, -1:] - hits, size[:, -1:] - size)
        return {
            "mean_score": safe_divide((w * prep.score) @ masks, size),
            "flag_rate": rate,
            "background_flag_rate": background,
            "flag_rate_ratio": safe_divide(rate, background),
        }

    n = prep.members.sum(axis=0)
    hits = (prep.members & flagged[:, None]).sum(axis=0)
    notes = []
    for j, size in enumerate(n):
        found = ["all posts"] if j == len(n) - 1 else []
        if j == len(n) - 1 and prep.dropped:
            found.append(f"{prep.dropped} rows without a score left out")
        if size == 0:
            found.append("no posts in this group")
        elif size < config.min_group_size and j < len(n) - 1:
            found.append(too_small_note(size, config.min_group_size))
        elif j < len(n) - 1 and n[-1] == size:
            found.append("no posts outside the group: ratio undefined")
        elif j < len(n) - 1 and hits[-1] == hits[j]:
            found.append("no post outside the group flagged: ratio undefined")
        notes.append("; ".join(found))
    point = {key: v[0] for key, v in stats(np.ones((1, prep.n))).items()}
    return build_table(
        prep.names,
        {"n": n, "flagged": hits},
        point,
        bootstrap(stats, prep.n, config.n_bootstrap, config.seed),
        invalid=too_small(n, config.min_group_size),
        notes=notes,
        confidence=config.confidence,
    )
