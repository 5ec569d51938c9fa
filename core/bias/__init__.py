"""Identity-bias breakdowns of the classifier's scores (pure: no Streamlit).

- :mod:`~core.bias.metrics` / :mod:`~core.bias.flag_rates`: per-group metrics
  with and without labels, with vectorised bootstrap confidence intervals.
- :mod:`~core.bias.final_metric`: the Jigsaw 2019 final bias metric.
- :mod:`~core.bias.groups` / :mod:`~core.bias.lexicon`: identity groups from
  columns or from the identity lexicon.
- :mod:`~core.bias.templates` / :mod:`~core.bias.counterfactual`: model
  probes that take a ``score_fn(list[str]) -> ndarray``.
- :mod:`~core.bias.figures`: plotly figures (imported on its own, so that
  the command line does not pay for plotly).
"""

from __future__ import annotations

from core.bias.config import BiasConfig
from core.bias.counterfactual import (
    counterfactual_gap,
    counterfactual_scores,
    largest_changes,
    swap_variants,
)
from core.bias.final_metric import final_bias_metric, overall_auc, power_mean
from core.bias.flag_rates import UNLABELLED_METRICS, flag_rate_metrics
from core.bias.groups import IdentityMatches, groups_from_columns, match_identities
from core.bias.inputs import OVERALL
from core.bias.lexicon import Lexicon, TermMatch, find_terms, load_lexicon
from core.bias.metrics import LABELLED_METRICS, bias_metrics
from core.bias.ranking import auc
from core.bias.templates import (
    ScoreFn,
    TemplateResult,
    fill_templates,
    load_templates,
    summarise_templates,
    templated_test,
)

__all__ = [
    "LABELLED_METRICS",
    "OVERALL",
    "UNLABELLED_METRICS",
    "BiasConfig",
    "IdentityMatches",
    "Lexicon",
    "ScoreFn",
    "TemplateResult",
    "TermMatch",
    "auc",
    "bias_metrics",
    "counterfactual_gap",
    "counterfactual_scores",
    "fill_templates",
    "final_bias_metric",
    "find_terms",
    "flag_rate_metrics",
    "groups_from_columns",
    "largest_changes",
    "load_lexicon",
    "load_templates",
    "match_identities",
    "overall_auc",
    "power_mean",
    "summarise_templates",
    "swap_variants",
    "templated_test",
]
