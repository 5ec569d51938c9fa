"""The Model page's Compare tab: two versions on the same labelled posts, side by side."""

from __future__ import annotations

import streamlit as st

from core.errors import ModLensError
from core.model.artifact import read_metadata
from core.plots.curves import CurveSeries, pr_curves, roc_curves
from core.registry import ModelRegistry
from ui import state
from ui.components.safe_text import error, escape_markdown
from ui.components.version_picker import pick_version
from ui.sections.model.labelled_input import scored_by, usable_labelled_input
from ui.services import comparison as compared
from ui.services.comparison import Comparison

KEYS = state.Keys("modlens.model.compare")
COMPARISON = "modlens.model.comparison"
"""Labelled posts scored by two versions (:class:`ui.services.comparison.Comparison`)."""


def compare_section(registry: ModelRegistry) -> None:
    """Two versions on the same labelled posts: metrics, ROC and PR curves, bias tables side by side."""
    versions = registry.list()
    if len(versions) < 2:
        st.info(
            "Only one version exists. Train a new version to compare it with the bundled model.",
            icon=":material/compare_arrows:",
        )
        return
    active = next(v.version for v in versions if v.active)
    newest_other = max(v.version for v in versions if v.version != active)
    left, right = st.columns(2)
    with left:
        first = pick_version("Version A", versions, active, key=KEYS("version_a"))
    with right:
        second = pick_version("Version B", versions, newest_other, key=KEYS("version_b"))
    if first.version == second.version:
        st.warning("Choose two different versions.")
        return
    labels = [label for label in first.labels if label in second.labels]
    data = usable_labelled_input(KEYS, labels, to="to compare the versions", needs="the comparison needs")
    if data is None:
        return
    if st.button("Compare", type="primary", icon=":material/compare_arrows:", key=KEYS("run")):
        try:
            scored = [scored_by(v, data) for v in (first, second)]
            metadata = [read_metadata(v.path) for v in (first, second)]
        except ModLensError as exc:
            error(str(exc))
            return
        state.put(
            COMPARISON,
            Comparison(
                versions=(first.version, second.version),
                labels=(tuple(scored[0][0]), tuple(scored[1][0])),
                scores=(scored[0][1], scored[1][1]),
                thresholds=(dict(first.thresholds), dict(second.thresholds)),
                metadata=(metadata[0], metadata[1]),
                data=data,
                names=(first.name, second.name),
            ),
        )
    comparison = state.get(COMPARISON)
    if not (
        isinstance(comparison, Comparison)
        and comparison.versions == (first.version, second.version)
        and comparison.data.key == data.key
    ):
        return
    _comparison_view(comparison)


def _comparison_view(comparison: Comparison) -> None:
    """Per label: metrics, ROC and PR curves and bias per identity group; then the templated test of both."""
    from core.bias import load_lexicon, match_identities

    a, b = comparison.columns
    groups = match_identities(list(comparison.data.texts), load_lexicon()).groups
    for label in comparison.common_labels():
        with st.container(border=True):
            st.subheader(escape_markdown(f"{label}: {a} vs {b}"))
            truth = comparison.data.labels[label]
            series = [
                CurveSeries(
                    name,
                    truth,
                    comparison.scores_of(side, label),
                    {"threshold": float(comparison.thresholds[side][label])},
                )
                for side, name in enumerate(comparison.columns)
            ]
            st.dataframe(compared.compare_metrics(comparison, label), key=KEYS(f"metrics.{label}"))
            left, right = st.columns(2)
            left.plotly_chart(roc_curves(series, label=label), key=KEYS(f"roc.{label}"))
            right.plotly_chart(pr_curves(series, label=label), key=KEYS(f"pr.{label}"))
            st.markdown(
                "**Bias per identity group mentioned in the posts** (AUCs; low BPSN = harmless posts that "
                "mention the group score like toxic ones)"
            )
            if groups.to_numpy().any():
                table = compared.compare_bias(comparison, label, groups)
                st.dataframe(table, hide_index=True, key=KEYS(f"bias.{label}"))
            else:
                st.caption("No post mentions an identity term of the lexicon.")
    st.markdown("**Templated identity test** (from each version's metadata)")
    st.dataframe(compared.compare_templated(comparison), key=KEYS("templated"))
