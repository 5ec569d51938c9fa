"""The Model page's training form: the new version's name, the preset and its settings, debiasing."""

from __future__ import annotations

import streamlit as st

from core.model.config import ModelConfig, preset
from core.training.debias import DebiasConfig
from ui.services.training import safe_name
from ui.state import Keys


def training_settings(keys: Keys) -> tuple[str, ModelConfig, DebiasConfig | None, bool]:
    """Name, config, debias settings and baseline choice from the training form."""
    name_col, preset_col = st.columns([2, 1])
    name = name_col.text_input(
        "Name of the new version",
        value="my-model",
        max_chars=60,
        key=keys("name"),
        help="Letters, digits, '.', '_' and '-'; other characters become '-'.",
    )
    preset_name = preset_col.selectbox(
        "Preset",
        ["default", "seed"],
        key=keys("preset"),
        help="default: what measured best on the public datasets (bidirectional LSTM). "
        "seed: the classic Keras example.",
    )
    base = preset(preset_name)
    epochs_col, batch_col, rate_col = st.columns(3)
    epochs = epochs_col.number_input("Epochs (at most)", 1, 200, base.epochs, key=keys(f"{preset_name}.epochs"))
    batch = batch_col.number_input(
        "Batch size", 4, 1024, base.batch_size, step=8, key=keys(f"{preset_name}.batch_size")
    )
    rate = rate_col.number_input(
        "Learning rate",
        1e-5,
        0.1,
        base.learning_rate,
        step=1e-4,
        format="%.5f",
        key=keys(f"{preset_name}.learning_rate"),
    )
    with st.expander("More settings", icon=":material/tune:"):
        a, b, c = st.columns(3)
        lstm = a.number_input("LSTM units", 2, 512, base.lstm_units, key=keys(f"{preset_name}.lstm_units"))
        embedding = b.number_input(
            "Embedding size", 4, 512, base.embedding_dim, key=keys(f"{preset_name}.embedding_dim")
        )
        vocab = c.number_input(
            "Vocabulary size", 100, 100_000, base.vocab_size, step=1000, key=keys(f"{preset_name}.vocab")
        )
        d, e, f = st.columns(3)
        length = d.number_input(
            "Words read per post", 10, 1000, base.sequence_length, key=keys(f"{preset_name}.sequence_length")
        )
        patience = e.number_input(
            "Early-stopping patience (epochs)",
            1,
            200,
            base.patience,
            key=keys(f"{preset_name}.patience"),
            help="Stop when the validation AUC has not improved for this many epochs.",
        )
        dropout = f.number_input("Dropout", 0.0, 0.9, base.dropout, step=0.05, key=keys(f"{preset_name}.dropout"))
    config = base.with_overrides(
        epochs=int(epochs),
        batch_size=int(batch),
        learning_rate=float(rate),
        lstm_units=int(lstm),
        embedding_dim=int(embedding),
        vocab_size=int(vocab),
        sequence_length=int(length),
        patience=int(patience),
        dropout=float(dropout),
    )
    debias = st.checkbox(
        "Debias: add identity sentences and reweight harmless posts that mention identities",
        key=keys("debias"),
        help="Reduces false flags of posts that merely mention an identity group (see the Bias page).",
    )
    baseline = st.checkbox(
        "Also train without debiasing, to report before / after in the model card (takes twice as long)",
        key=keys("baseline"),
        disabled=not debias,
    )
    return safe_name(name, "my-model"), config, (DebiasConfig() if debias else None), baseline and debias
