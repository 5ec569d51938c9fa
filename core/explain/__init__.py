"""Explanations of the classifier's scores: token attributions and what to do with them.

Pure functions over a ``predict_fn: list[str] -> (n, n_labels)`` probability
function and the label names, so they work with any model and are testable with
a fake one. No Streamlit here. Modules, one job each:

- :mod:`~core.explain.config`: :class:`ExplainConfig` (SHAP budget and caps).
- :mod:`~core.explain.tokens`: word tokens with exact character spans.
- :mod:`~core.explain.shap_values`: SHAP Partition attributions, tidy tables.
- :mod:`~core.explain.global_view`: attributions aggregated over many posts.
- :mod:`~core.explain.occlusion`: one-token-removed scores and what-if edits.
- :mod:`~core.explain.faithfulness`: top-k versus random-k removal.
- :mod:`~core.explain.highlight`: text segments and escaped HTML highlighting.
- :mod:`~core.explain.figures`: Plotly figures from the tables.
- :mod:`~core.explain.warm`: compiles SHAP's code at server start-up.

Names are imported lazily, so ``import core.explain`` does not load SHAP or
Plotly until a function that needs them is used.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "ExplainConfig": "config",
    "PredictFn": "predict",
    "label_indexes": "predict",
    "ProgressFn": "progress",
    "token_spans": "tokens",
    "tokenize": "tokens",
    "remove_spans": "tokens",
    "Attributions": "shap_values",
    "explain_text": "shap_values",
    "explain_texts": "shap_values",
    "GlobalView": "global_view",
    "explain_global": "global_view",
    "select_posts": "global_view",
    "aggregate_tokens": "global_view",
    "token_posts": "global_view",
    "occlusion_scores": "occlusion",
    "what_if": "occlusion",
    "post_faithfulness": "faithfulness",
    "faithfulness_table": "faithfulness",
    "summarize_faithfulness": "faithfulness",
    "segments": "highlight",
    "highlight_html": "highlight",
    "token_bar_figure": "figures",
    "global_tokens_figure": "figures",
    "faithfulness_figure": "figures",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import the module that defines ``name`` on first use."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'core.explain' has no attribute {name!r}")
    module = importlib.import_module(f"core.explain.{_EXPORTS[name]}")
    return getattr(module, name)


def __dir__() -> list[str]:
    """List the public names for tab completion."""
    return __all__
