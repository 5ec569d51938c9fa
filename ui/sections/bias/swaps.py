"""The Bias page's identity swaps: the mean score change per group over the data, and every swap of one post."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.bias import counterfactual_gap, largest_changes
from core.bias import figures as bias_figures
from core.privacy import redact_texts
from core.scoring import Scorer
from ui.components.safe_text import escape_markdown, note, post_text
from ui.components.tables import number_columns, score_bar, text_columns
from ui.sections.bias.charts import chart, plot_safe
from ui.sections.bias.settings import Settings
from ui.services import bias, privacy, session
from ui.services.results import ScoredPosts

GAP = "modlens.bias.swap_gap"
"""Key of the table of score changes per group."""
POST_SWAPS = "modlens.bias.swap_post"
"""Key of the table of one post's swaps; with the data id, the key of that post's picker."""
ABOUT = (
    "Each post that mentions an identity group is rescored with its identity terms replaced by another "
    "group's (e.g. 'muslims' by 'christians'). If only the identity changes, the score should not."
)
"""What the section shows, under its title."""


def counterfactual_section(data: str, scored: ScoredPosts, settings: Settings, model: Scorer, version: str) -> None:
    """Identity swaps: over the data, the mean absolute score change per group; for a chosen post, every swap."""
    st.header("Identity swaps")
    st.caption(ABOUT)
    if settings.label not in model.labels_:
        note(f"The model that scored these posts has no label '{settings.label}'; identity swaps need it.")
        return
    column = list(model.labels_).index(settings.label)
    texts = scored.posts.texts
    scores = scored.scores[:, settings.column].astype(float)
    matches = bias.identity_matches(data, texts)
    mentions = np.flatnonzero(matches.groups.to_numpy().any(axis=1))
    if mentions.size == 0:
        st.info(
            "No post mentions an identity term of the lexicon, so there is nothing to swap.", icon=":material/info:"
        )
        return
    rows = bias.swap_rows(mentions)
    with st.spinner("Rescoring posts with swapped identity terms..."):
        swaps = bias.data_swaps(data, settings.label, version, bias.SWAP_MAX_POSTS, rows, texts, scores, model, column)
    mentioned = set(swaps["source_group"])
    gap = counterfactual_gap(swaps, groups=[g for g in bias.lexicon().groups if g in mentioned])
    subset = (
        f"{len(rows):,} of {mentions.size:,} posts (a random sample)"
        if len(rows) < mentions.size
        else (f"all {mentions.size:,} posts")
    )
    st.subheader("Score change per group over the data")
    st.caption(f"Over {subset} that mention an identity group, one swap per other group.")
    done = bias.swapped_posts(swaps)
    if done < len(rows):
        note(
            f"Only {done:,} of these {len(rows):,} posts were rescored: their swapped copies reached the limit of "
            f"{bias.SWAP_MAX_CHARS:,} characters (long posts naming many groups have many long copies)."
        )
    chart(
        bias_figures.counterfactual_figure(plot_safe(gap)),
        "swaps",
        "Good: every bar is near 0 (swapping the group's terms for another group's leaves the score as it was).",
    )
    st.dataframe(
        gap,
        hide_index=True,
        key=GAP,
        column_config={
            **text_columns(group="Group in the post", note="Note"),
            **number_columns(n_posts="Posts", n_variants="Swaps"),
            **number_columns("%.3f", mean_abs_change="Mean |change|", max_abs_change="Largest |change|"),
            "mean_change": st.column_config.NumberColumn(
                "Mean change",
                format="%+.3f",
                help="Negative: posts score lower once the group's terms are swapped out (the model penalises it).",
            ),
        },
    )
    _post_panel(data, scored, settings, bias.terms_summary(data, matches), rows, swaps, model, column, version)


def _post_panel(
    data: str,
    scored: ScoredPosts,
    settings: Settings,
    summary: np.ndarray,
    swapped: np.ndarray,
    swaps: pd.DataFrame,
    model: Scorer,
    column: int,
    version: str,
) -> None:
    """Every swap of one chosen post, with the largest change.

    The post is picked among those rescored for the data-wide gap (``swapped``, at most
    :data:`ui.services.bias.SWAP_MAX_POSTS`) plus the post opened on the Score page, if it mentions a group.
    """
    st.subheader("Swaps of one post")
    options = [int(r) for r in swapped]
    opened = session.opened_row()
    from_score_page = session.last_result() is scored and opened is not None and 0 <= int(opened) < len(summary)
    if from_score_page and summary[int(opened)] and int(opened) not in options:
        options = sorted([*options, int(opened)])
    biggest = largest_changes(swaps)
    if from_score_page and int(opened) in options:
        default = int(opened)  # the post opened on the Score page
    elif not biggest.empty:
        default = int(biggest.loc[biggest["change"].abs().idxmax(), "post"])
    else:
        default = options[0]
    row = st.selectbox(
        "Post (those that mention an identity group)",
        options,
        index=options.index(default),
        format_func=lambda r: f"Post {scored.name_of(r)}: {summary[r]}",
        key=f"{POST_SWAPS}.{data}",
        help="Starts at the post whose score changed most, or at the post opened on the Score page.",
    )
    text = scored.posts.texts[row]
    original = float(scored.scores[row, settings.column])
    with st.spinner("Rescoring the post with swapped identity terms..."):
        variants = bias.post_swaps(text, original, settings.label, version, model, column)
    config = privacy.config_for(scored.posts.content_hash)
    post_text(privacy.shown_text(scored.posts.content_hash, row, text, config, column=str(scored.posts.text_col)))
    top = variants.iloc[0] if not variants.empty else None
    cells = st.columns(3)
    cells[0].metric(f"Score {escape_markdown(settings.label)}", f"{original:.3f}")
    if top is None:
        cells[1].metric("Largest change", "–")
        return
    cells[1].metric(
        "Largest change",
        f"{float(top['change']):+.3f}",
        help="Score after the swap minus the score of the post as written.",
    )
    cells[2].metric("Swaps", f"{len(variants):,}")
    st.caption(
        escape_markdown(
            f"Largest change: '{top['source_terms']}' ({top['source_group']}) swapped for "
            f"'{top['target_term']}' ({top['target_group']}), score {original:.3f} -> {float(top['score']):.3f}."
        )
    )
    shown = variants[["target_group", "target_term", "score", "change", "text"]]
    if config.active:  # each swapped post keeps the personal data of the original: hide it as well
        shown = shown.assign(text=redact_texts(shown["text"].tolist(), config).texts)
    st.dataframe(
        shown,
        hide_index=True,
        key=POST_SWAPS,
        column_config={
            **text_columns(target_group="Swapped to group", target_term="Term"),
            "score": score_bar("Score"),
            **number_columns("%+.3f", change="Change"),
            "text": st.column_config.TextColumn("Post after the swap", width="large"),
        },
        height=360,
    )
