"""The Bias page's templated identity test: harmless and hostile template sentences for every identity term."""

from __future__ import annotations

import streamlit as st

from core.bias import figures as bias_figures
from core.bias.inputs import OVERALL
from core.errors import ModLensError
from core.scoring import Scorer
from ui.components.safe_text import error, note
from ui.components.tables import number_columns, score_bar, text_columns
from ui.sections.bias.charts import chart, number
from ui.services import bias

TERMS = "modlens.bias.template_terms"
"""Key of the per-term table."""
ABOUT = (
    "The same harmless and hostile sentences (assets/identity_templates.csv) filled in with every identity "
    "term of the lexicon and scored by the model. It needs no data and is computed once per model version."
)
"""What the section shows, under its title."""


def templates_section(model: Scorer, label: str, version: str) -> None:
    """The templated identity test: per term, the mean score of harmless sentences and the harmless/hostile AUC."""
    st.header("Templated identity test")
    st.caption(ABOUT)
    if label not in model.labels_:
        note(f"The model that scored these posts has no label '{label}'; the templated test needs it.")
        return
    try:
        with st.spinner("Scoring the template sentences..."):
            result = bias.templated_result(version, label, model)
    except ModLensError as exc:
        error(str(exc))
        return
    overall = result.by_term[result.by_term["group"] == OVERALL].iloc[0]
    cells = st.columns(3)
    cells[0].metric("Sentences", f"{len(result.sentences):,}")
    cells[1].metric("Mean score of harmless sentences", number(float(overall["mean_harmless"])))
    cells[2].metric("AUC hostile vs harmless", number(float(overall["auc"])))
    chart(
        bias_figures.template_figure(result.by_group),
        "templates",
        "Good: short bars on the left (harmless sentences score low whatever the group) and long bars near 1 on "
        "the right (hostile sentences are told apart for every group). The groups at the top are the most "
        "penalised.",
    )
    st.subheader("Per term")
    st.dataframe(
        result.by_term,
        hide_index=True,
        key=TERMS,
        column_config={
            **text_columns(group="Group", term="Term filled in", terms="Lexicon terms"),
            **number_columns(n_harmless="Harmless sentences", n_hostile="Hostile sentences"),
            "mean_harmless": score_bar("Mean score harmless"),
            "mean_hostile": score_bar("Mean score hostile"),
            **number_columns("%.3f", auc="AUC"),
        },
        height=360,
    )
    st.caption("Sorted by the mean score of harmless sentences, most penalised term first; the last row is overall.")
