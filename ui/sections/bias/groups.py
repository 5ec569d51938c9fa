"""The Bias page's per-group metrics: summary, the table with intervals, the charts and the terms found."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.bias import BiasConfig, final_bias_metric
from core.bias import figures as bias_figures
from core.bias.inputs import OVERALL
from core.bias.table import ci_columns
from core.errors import ModLensError
from core.io.export import to_csv_bytes
from ui.components.safe_text import error, escape_markdown, note
from ui.components.tables import score_bar
from ui.sections.bias.charts import METRIC_HELP, METRIC_NAMES, chart, heatmap_figure, number, plot_safe
from ui.sections.bias.settings import Settings
from ui.services import bias, privacy
from ui.services.bias import Groups
from ui.services.results import ScoredPosts

TABLE = "modlens.bias.table"
"""Key of the container of the group table."""
MATCHED_SHOWN = 1_000
"""Posts listed in the table of identity terms found (each shown post is redacted first)."""
TERMS = "modlens.bias.terms"
"""Key of the table of the identity terms found in the posts."""


def groups_section(data: str, scored: ScoredPosts, settings: Settings, version: str) -> None:
    """Group table with intervals and the charts: AUCs, error rates and heatmap, or flag rates without labels."""
    st.header("Identity groups")
    groups = settings.groups
    if groups is None:
        return
    if groups.members.shape[1] == 0:
        st.info(
            "No post mentions an identity term of the lexicon, so there are no groups to compare. "
            "Choose identity columns, or analyse posts that mention identity groups.",
            icon=":material/info:",
        )
        return
    config = settings.config
    try:
        with st.spinner("Computing the group metrics..."):
            table = bias.metrics_table(
                data,
                settings.label,
                settings.truth_col,
                groups.key,
                config.threshold,
                config.n_bootstrap,
                config.min_group_size,
                version,
                settings.truth,
                scored.scores[:, settings.column].astype(float),
                groups.members,
            )
    except ModLensError as exc:  # e.g. a group column named like the reserved 'overall' row
        error(str(exc))
        return
    labelled = settings.truth is not None
    _summary(table, settings, groups, labelled=labelled)
    _group_table(table, settings, labelled=labelled)
    charted = bias.chart_rows(table, config.min_group_size)
    left_out = [str(g) for g in table["group"] if g not in set(charted["group"])]
    if len(charted) == 1:
        note(
            f"No group has at least {config.min_group_size} posts, so there is nothing to chart. "
            "Lower 'Smallest group' to chart smaller groups (their estimates are noisy)."
        )
    else:
        if left_out:
            st.caption(
                escape_markdown(
                    f"Left out of the charts (fewer than {config.min_group_size} posts): {', '.join(left_out)}."
                )
            )
        if labelled:
            _labelled_charts(charted, config)
        else:
            _flag_rate_charts(charted)
    if groups.matches is not None:
        _matched_terms(scored, bias.terms_summary(data, groups.matches), settings.column)


def _summary(table: pd.DataFrame, settings: Settings, groups: Groups, *, labelled: bool) -> None:
    overall = table[table["group"] == OVERALL].iloc[0]
    rows = table[table["group"] != OVERALL]
    cells = st.columns(4)
    cells[0].metric("Posts", f"{int(overall['n']):,}")
    shown = int((rows["n"] >= settings.config.min_group_size).sum())
    cells[1].metric("Groups with metrics", f"{shown} of {len(rows)}")
    if labelled:
        cells[2].metric(
            "Overall AUC",
            number(float(overall["subgroup_auc"])),
            help="How well the scores separate positive from negative posts over all posts.",
        )
        final = final_bias_metric(table, power=settings.config.power, overall_weight=settings.config.overall_weight)
        cells[3].metric(
            "Final bias metric",
            number(final, 4),
            help="Jigsaw 2019: 0.25 x overall AUC + 0.75 x the mean of the power means (p = -5) of "
            "subgroup, BPSN and BNSP AUC over the groups. 1 is perfect; the worst groups weigh most.",
        )
    else:
        cells[2].metric(
            "Flag rate", number(float(overall["flag_rate"])), help="Share of all posts flagged at the threshold."
        )
        ratios = rows["flag_rate_ratio"].to_numpy(dtype=float)
        worst = float(np.nanmax(ratios)) if np.isfinite(ratios).any() else float("nan")
        cells[3].metric(
            "Highest flag rate ratio",
            number(worst, 2),
            help="The group flagged most often relative to the other posts (1 = as often).",
        )
        st.info(
            "No label column chosen, so per-group accuracy cannot be measured. Shown instead: how often each "
            "group's posts are flagged compared with the other posts. Pick a label column for AUCs and error rates.",
            icon=":material/info:",
        )
    if groups.unmentioned:
        st.caption(escape_markdown(f"Not mentioned in any post (left out): {', '.join(groups.unmentioned)}."))


def _group_table(table: pd.DataFrame, settings: Settings, *, labelled: bool) -> None:
    st.subheader("Metrics per group")
    metrics = [m for m in METRIC_NAMES if m in table.columns]
    config: dict[str, object] = {
        "group": st.column_config.TextColumn("Group", pinned=True),
        "n": st.column_config.NumberColumn("Posts", help="Posts in the group (all posts on the overall row)."),
        "note": st.column_config.TextColumn("Note", width="large"),
    }
    if labelled:
        config["positives"] = st.column_config.NumberColumn("Positives")
        config["negatives"] = st.column_config.NumberColumn("Negatives")
    else:
        config["flagged"] = st.column_config.NumberColumn("Flagged")
    order = [c for c in ("group", "n", "positives", "negatives", "flagged") if c in table.columns]
    for metric in metrics:
        fmt = "%.2f" if metric == "flag_rate_ratio" else "%.3f"
        name = METRIC_NAMES[metric]
        low, high = ci_columns(metric)
        config[metric] = st.column_config.NumberColumn(name, help=METRIC_HELP[metric], format=fmt)
        config[low] = st.column_config.NumberColumn(f"{name} low", format=fmt, help="Lower end of the 95% interval.")
        config[high] = st.column_config.NumberColumn(f"{name} high", format=fmt, help="Upper end of the 95% interval.")
        order += [metric, low, high]
    order.append("note")
    with st.container(key=TABLE):
        st.dataframe(table, hide_index=True, column_order=order, column_config=config)
    boot = settings.config.n_bootstrap
    intervals = f"low/high: 95% bootstrap interval ({boot:,} resamples). " if boot else "No intervals (0 resamples). "
    st.caption(
        f"{intervals}None means undefined: the group has fewer than {settings.config.min_group_size} posts "
        "or only one class (see the note)."
    )
    st.download_button(
        "Download the table (CSV)",
        data=to_csv_bytes(table),
        file_name=f"bias-{settings.label}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
    )


def _labelled_charts(table: pd.DataFrame, config: BiasConfig) -> None:
    safe = plot_safe(table)
    st.subheader("AUC by group")
    chart(
        bias_figures.auc_figure(safe),
        "auc",
        "Good: every bar is high (near 1) and close to the dashed overall AUC line. A low BPSN AUC means the "
        "group's harmless posts score like toxic ones; a low BNSP AUC means its toxic posts are missed.",
    )
    st.subheader("Error rates by group at the threshold")
    overall = table[table["group"] == OVERALL].iloc[0]
    st.caption(
        f"At threshold {config.threshold:.3f}: overall false positive rate {number(float(overall['fpr']))}, "
        f"false negative rate {number(float(overall['fnr']))}."
    )
    chart(
        bias_figures.error_rate_figure(safe),
        "errors",
        "Good: both rates are low and about the same for every group. A group with a higher false positive "
        "rate gets harmless posts flagged more often.",
    )
    st.subheader("All metrics at a glance")
    chart(
        heatmap_figure(table),
        "heatmap",
        "Good: no red cell. Colour is how much worse (red) or better (blue) than over all posts the group is "
        "(BPSN and BNSP AUC against the overall AUC); the number is the metric itself. Grey cells marked '?' are "
        f"inconclusive: their 95% interval is wider than {bias_figures.INCONCLUSIVE_WIDTH:.2f} (too few posts); "
        "hover a cell for its interval.",
    )


def _flag_rate_charts(table: pd.DataFrame) -> None:
    st.subheader("Flag rate by group")
    chart(
        bias_figures.flag_rate_figure(plot_safe(table)),
        "flags",
        "Good: every ratio is close to 1 (the group is flagged about as often as other posts). Without labels "
        "a high ratio is a lead, not proof: the group's posts may really be more toxic.",
    )


def shown_posts(scored: ScoredPosts, table: pd.DataFrame) -> pd.DataFrame:
    """A table of posts (index = the post's name, a ``text`` column) with personal data redacted unless revealed."""
    posts = scored.posts
    config = privacy.config_for(posts.content_hash)
    rows = [scored.row_of(str(name)) for name in table.index]
    cells = privacy.redact_cells(
        posts.content_hash, str(posts.text_col), [int(r) for r in rows], table["text"].tolist(), config
    )
    return table.assign(text=[cell.text for cell in cells])


def _matched_terms(scored: ScoredPosts, summary: np.ndarray, column: int) -> None:
    st.subheader("Identity terms found in the posts")
    table = bias.matched_terms_table(scored, summary, column)
    cut = f" The first {MATCHED_SHOWN:,} are listed." if len(table) > MATCHED_SHOWN else ""
    st.caption(f"{len(table):,} of {len(scored):,} posts mention an identity term of the lexicon.{cut}")
    table = shown_posts(scored, table.head(MATCHED_SHOWN))
    label = scored.labels[column]
    st.dataframe(
        table,
        key=TERMS,
        column_config={
            "text": st.column_config.TextColumn("Post", width="large"),
            "identity_terms": st.column_config.TextColumn("Terms matched (group)"),
            f"score_{label}": score_bar(f"Score {label}"),
        },
        height="auto" if len(table) <= 10 else 360,
    )
