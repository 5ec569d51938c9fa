"""The Model page's training panel: live progress with cancel while it runs, then the result or why it failed."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import streamlit as st

from core.plots.training import training_figure
from core.registry import ModelRegistry
from ui.components.safe_text import document, error, escape_markdown
from ui.sections.model.versions import activation_panel, ask_activation, small_split_warning
from ui.services import model_tables
from ui.services.training import CANCELLED, FAILED, TrainingJob
from ui.state import Keys


def progress_view(job: TrainingJob, keys: Keys, *, on_cancel: Callable[[str], object]) -> None:
    """Progress bar, loss, validation AUC and live curves of a running training, and Cancel (``on_cancel(job id)``)."""
    latest = job.latest()
    if latest is None:
        st.progress(0.0, text=f"Preparing the data and the model... ({job.seconds:.0f} s)")
    else:
        fits = 2 if job.spec.debias is not None and job.spec.compare_baseline else 1
        which = f"model {latest['run'] + 1} of {fits} · " if fits > 1 else ""
        st.progress(
            job.fraction(),
            text=f"{which}Epoch {latest['epoch']} of {latest['epochs']} · batch {latest['batch']:,} of "
            f"{latest['batches']:,} · loss {latest['loss']:.4f}",
        )
        aucs = [e["val_auc"] for e in job.events() if e["phase"] == "epoch" and not np.isnan(e["val_auc"])]
        a, b, c = st.columns(3)
        a.metric("Elapsed", f"{job.seconds:.0f} s")
        b.metric("Training loss", f"{latest['loss']:.4f}")
        c.metric("Validation AUC", f"{aucs[-1]:.3f}" if aucs else "after epoch 1")
        st.plotly_chart(training_figure(job.events()), key=keys("live_chart"))
    messages = job.messages()
    if messages:
        st.caption(escape_markdown(messages[-1]))
    if job.cancel_requested:
        st.info("Cancelling: the training stops at its next progress report.", icon=":material/hourglass_top:")
    else:
        st.button(
            "Cancel training",
            icon=":material/stop_circle:",
            key=keys("cancel"),
            on_click=on_cancel,
            args=(job.id,),
            help="Stops the training for everyone (it runs on the server, whichever tab started it); nothing is saved.",
        )


def finished_view(job: TrainingJob, registry: ModelRegistry, keys: Keys, *, on_dismiss: Callable[[], None]) -> None:
    """How the training this session follows ended, with a Dismiss button."""
    if job.status == CANCELLED:
        by = f" by {job.cancelled_by}" if job.cancelled_by else ""
        st.warning(
            escape_markdown(f"Training {job.spec.name} cancelled{by} after {job.seconds:.0f} s. No version was saved."),
            icon=":material/cancel:",
        )
    elif job.status == FAILED:
        error(job.error or "Training failed.")
    else:
        _done_view(job, registry, keys)
    st.button("Dismiss", key=keys("dismiss"), on_click=on_dismiss)


def _done_view(job: TrainingJob, registry: ModelRegistry, keys: Keys) -> None:
    """The new version: activate it, its curves, held-out metrics, bias summary and model card."""
    version = job.version
    metadata = job.metadata
    st.success(
        escape_markdown(f"Saved as version {version}: {job.spec.name}, trained in {job.seconds:.0f} s."),
        icon=":material/task_alt:",
    )
    if metadata is not None:
        left_out = [label for label in job.spec.labels if label not in metadata.labels]
        if left_out:
            st.info(
                escape_markdown(
                    f"This version scores {', '.join(metadata.labels)} only: no training post had a value for "
                    f"{', '.join(left_out)}, so it was left out rather than given untrained scores."
                ),
                icon=":material/label_off:",
            )
    exists = {v.version: v for v in registry.list()}
    if version in exists:
        small_split_warning([exists[version]])
    if version in exists and not exists[version].active:
        st.button(
            f"Activate version {version}",
            type="primary",
            icon=":material/check_circle:",
            key=keys("activate"),
            on_click=ask_activation,
            args=(version,),
            help="Shows what changes (thresholds, held-out metrics next to the active version), then asks.",
        )
        activation_panel(registry, version, keys)
    elif version in exists:
        st.caption(f"Version {version} is the active model.")
    else:
        st.caption(f"Version {version} has been deleted since.")
    events = job.events()
    if events:
        st.plotly_chart(training_figure(events, title="Training curves"), key=keys("final_chart"))
    st.markdown("**Held-out test metrics** (each dataset's test split, at the model's thresholds)")
    evaluation = model_tables.evaluation_table(metadata)
    if evaluation.empty:
        st.caption("No test split had labels.")
    else:
        st.dataframe(evaluation, hide_index=True, key=keys("evaluation"))
    st.markdown("**Bias summary** (templated identity test: harmless vs hostile sentences for every identity term)")
    left, right = st.columns(2)
    left.dataframe(model_tables.templated_summary(metadata), hide_index=True, key=keys("bias"))
    terms = model_tables.penalised_terms(metadata)
    if not terms.empty:
        right.caption("Terms whose harmless sentences score highest")
        right.dataframe(terms, hide_index=True, key=keys("terms"))
    debias = model_tables.debias_table(metadata)
    if debias is not None:
        st.markdown("**Debiasing: before and after**")
        st.dataframe(debias, hide_index=True, key=keys("debias_table"))
    if job.card:
        with st.expander("Model card", icon=":material/description:"):
            document(job.card)  # by ModLens, but it quotes names: no image, no HTML
