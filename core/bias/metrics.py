"""Labelled bias metrics: subgroup, BPSN and BNSP AUC and error rates per group.

Definitions follow the Jigsaw Unintended Bias in Toxicity Classification
challenge (2019): BPSN mixes the background's positives with the group's
negatives (low = the group's harmless posts score like toxic ones), BNSP the
background's negatives with the group's positives (low = the group's toxic
posts are missed). All replicates of the bootstrap are computed at once on a
(resamples x rows) weight matrix.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.bias.bootstrap import bootstrap
from core.bias.config import BiasConfig
from core.bias.inputs import Prepared, prepare
from core.bias.ranking import below_weight, tie_blocks
from core.bias.table import build_table, safe_divide, too_small, too_small_note

__all__ = ["LABELLED_METRICS", "bias_metrics"]

#: Metric columns of :func:`bias_metrics`, each followed by ``_low``/``_high``.
LABELLED_METRICS = (
    "subgroup_auc",
    "bpsn_auc",
    "bnsp_auc",
    "fpr",
    "fnr",
    "precision",
    "mean_score_neg",
    "mean_score_pos",
)


class _Engine:
    """Weighted sufficient statistics of every group for a weight matrix."""

    def __init__(self, prep: Prepared, threshold: float) -> None:
        assert prep.label is not None
        self.prep = prep
        self.pos = prep.label
        self.masks = prep.members.astype(np.float64)
        self.flagged = prep.score >= threshold
        self.subsets = []
        for j in range(prep.members.shape[1] - 1):
            idx = np.flatnonzero(prep.members[:, j])
            self.subsets.append((idx, *tie_blocks(prep.score[idx])))

    def __call__(self, w: np.ndarray) -> dict[str, np.ndarray]:
        prep, m = self.prep, self.masks
        wp, wn = w * self.pos, w * ~self.pos
        p, n = wp @ m, wn @ m
        p_all, n_all = p[:, -1:], n[:, -1:]
        below = below_weight(wn, prep.start, prep.end)
        above = p_all - below_weight(wp, prep.start, prep.end)
        pos_vs_all = (wp * below) @ m  # group positives vs all negatives
        all_vs_neg = (wn * above) @ m  # all positives vs group negatives
        within = np.empty_like(p)
        within[:, -1] = pos_vs_all[:, -1]
        for j, (idx, start, end) in enumerate(self.subsets):
            wg, yg = w[:, idx], self.pos[idx]
            within[:, j] = ((wg * yg) * below_weight(wg * ~yg, start, end)).sum(axis=1)
        fp = (wn * self.flagged) @ m
        fn = (wp * ~self.flagged) @ m
        return {
            "subgroup_auc": safe_divide(within, p * n),
            "bpsn_auc": safe_divide(all_vs_neg - within, (p_all - p) * n),
            "bnsp_auc": safe_divide(pos_vs_all - within, p * (n_all - n)),
            "fpr": safe_divide(fp, n),
            "fnr": safe_divide(fn, p),
            "precision": safe_divide(p - fn, p - fn + fp),
            "mean_score_neg": safe_divide((wn * prep.score) @ m, n),
            "mean_score_pos": safe_divide((wp * prep.score) @ m, p),
        }


def _notes(
    names: list[str],
    n: np.ndarray,
    pos: np.ndarray,
    flagged: np.ndarray,
    *,
    min_size: int,
    dropped: int,
) -> list[str]:
    """Explain, per row, which metrics are undefined and why."""
    neg = n - pos
    bg_pos, bg_neg = pos[-1] - pos, neg[-1] - neg
    notes = []
    for j in range(len(names)):
        found: list[str] = []
        if j == len(names) - 1:
            found.append("all posts")
            if dropped:
                found.append(f"{dropped} rows without a label or score left out")
        if n[j] == 0:
            found.append("no posts in this group")
        elif n[j] < min_size and j < len(names) - 1:
            found.append(too_small_note(int(n[j]), min_size))
        else:
            if pos[j] == 0:
                found.append("no positive posts: subgroup AUC, BNSP AUC and FNR undefined")
            if neg[j] == 0:
                found.append("no negative posts: subgroup AUC, BPSN AUC and FPR undefined")
            if j < len(names) - 1 and bg_pos[j] == 0 and neg[j] > 0:
                found.append("no positive posts outside the group: BPSN AUC undefined")
            if j < len(names) - 1 and bg_neg[j] == 0 and pos[j] > 0:
                found.append("no negative posts outside the group: BNSP AUC undefined")
            if flagged[j] == 0:
                found.append("no post flagged at the threshold: precision undefined")
        notes.append("; ".join(found))
    return notes


def bias_metrics(
    y_true: npt.ArrayLike,
    y_score: npt.ArrayLike,
    *,
    groups: pd.DataFrame,
    config: BiasConfig | None = None,
) -> pd.DataFrame:
    """Per-group bias metrics with bootstrap confidence intervals.

    Parameters
    ----------
    y_true : array-like of {0, 1}, shape (n,)
        True labels (true/false or yes/no text is read too); NaN rows are
        left out (and counted in the overall note).
    y_score : array-like of float, shape (n,)
        Model probabilities for the same label.
    groups : DataFrame of bool, shape (n, k)
        Identity membership, one column per group, rows aligned by position.
    config : BiasConfig, optional
        Threshold, resamples, minimum group size, confidence and seed.

    Returns
    -------
    DataFrame
        One row per group and a final ``overall`` row, with columns
        ``group, n, positives, negatives``, then for each of
        :data:`LABELLED_METRICS` the value and its ``_low``/``_high`` bounds,
        then ``note``. On the overall row ``subgroup_auc`` is the overall AUC
        and BPSN/BNSP are NaN. Undefined metrics are NaN, explained in ``note``.

    """
    config = config or BiasConfig()
    prep = prepare(y_true, y_score, groups)
    assert prep.label is not None
    engine = _Engine(prep, config.threshold)
    n = prep.members.sum(axis=0)
    pos = (prep.members & prep.label[:, None]).sum(axis=0)
    flagged = (prep.members & engine.flagged[:, None]).sum(axis=0)
    point = {key: v[0] for key, v in engine(np.ones((1, prep.n))).items()}
    samples = bootstrap(engine, prep.n, config.n_bootstrap, config.seed)
    return build_table(
        prep.names,
        {"n": n, "positives": pos, "negatives": n - pos},
        point,
        samples,
        invalid=too_small(n, config.min_group_size),
        notes=_notes(prep.names, n, pos, flagged, min_size=config.min_group_size, dropped=prep.dropped),
        confidence=config.confidence,
    )
