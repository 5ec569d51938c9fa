"""The Jigsaw 2019 final bias metric, computed from a :func:`bias_metrics` table."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.bias.inputs import OVERALL
from core.errors import InputError

__all__ = ["final_bias_metric", "overall_auc", "power_mean"]

_AUCS = ("subgroup_auc", "bpsn_auc", "bnsp_auc")


def power_mean(values: npt.ArrayLike, power: float) -> float:
    """Generalised mean ``(mean(v ** p)) ** (1 / p)``, ignoring NaN.

    With a negative ``power`` the smallest values dominate, so one badly
    treated group pulls the mean down. Returns NaN when no value is defined
    and 0 when a value is 0 and ``power`` is negative.
    """
    v = np.asarray(values, dtype=np.float64)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return float("nan")
    if power < 0 and (v == 0).any():
        return 0.0
    return float(np.mean(v**power) ** (1.0 / power))


def overall_auc(table: pd.DataFrame) -> float:
    """The overall AUC: ``subgroup_auc`` of the ``overall`` row."""
    rows = table.loc[table["group"] == OVERALL, "subgroup_auc"]
    if rows.empty:
        raise InputError(f"The bias table has no '{OVERALL}' row. Compute it with core.bias.bias_metrics.")
    return float(rows.iloc[0])


def final_bias_metric(table: pd.DataFrame, *, power: float = -5.0, overall_weight: float = 0.25) -> float:
    """Jigsaw final metric: ``w * overall AUC + (1 - w) * mean of power means``.

    The power means (``power`` = -5) of the subgroup, BPSN and BNSP AUCs over
    the groups are averaged; groups whose AUC is NaN are left out of that
    AUC's power mean. NaN if the overall AUC or any of the three power means
    is undefined.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`core.bias.metrics.bias_metrics`.
    power : float
        Exponent of the power mean; negative values stress the worst groups.
    overall_weight : float
        ``w`` above; 0.25 in the challenge.

    """
    groups = table[table["group"] != OVERALL]
    means = [power_mean(groups[col].to_numpy(), power) for col in _AUCS]
    return float(overall_weight * overall_auc(table) + (1 - overall_weight) * np.mean(means))
