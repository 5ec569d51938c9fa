"""Generalisation checks for a trained model, beyond held-out splits of its training sets.

- the templated identity test (project templates x identity lexicon) summarised as
  the Jigsaw final bias metric, with the worst-treated terms;
- the project's hand-written functional cases (negation, counter-speech, obfuscation...);
- unseen Jigsaw comments from the Kaggle *test* set, when the shared data is present.

Each check returns plain data (for ``metadata.json``) and the model card renders it.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from core.bias import BiasConfig, bias_metrics, final_bias_metric, load_lexicon, load_templates, templated_test
from core.evaluation.metrics import evaluate_scores
from core.paths import ASSETS_DIR
from core.training.datasets import DEFAULT_DATA_DIR
from core.training.frames import clean_text

FUNCTIONAL_CASES = ASSETS_DIR / "functional_cases.csv"


def templated_identity_check(clf: Any, label: str = "toxic") -> dict[str, Any]:
    """Final bias metric and per-term AUCs of ``label`` on the templated identity sentences."""
    column = clf.labels_.index(label)
    result = templated_test(lambda texts: clf.predict_proba(texts)[:, column], load_templates(), load_lexicon())
    sentences = result.sentences
    groups = pd.get_dummies(sentences["group"]).astype(bool)
    hostile = (sentences["kind"] == "hostile").to_numpy(dtype=float)
    table = bias_metrics(
        hostile,
        sentences["score"].to_numpy(),
        groups=groups,
        config=BiasConfig(threshold=clf.thresholds_[label], n_bootstrap=0),
    )
    terms = result.by_term[result.by_term["group"] != "overall"]
    return {
        "label": label,
        "sentences": len(sentences),
        "final_bias_metric": final_bias_metric(table),
        "overall_auc": float(table.loc[table["group"] == "overall", "subgroup_auc"].iloc[0]),
        "min_subgroup_auc": float(table.loc[table["group"] != "overall", "subgroup_auc"].min()),
        "min_bpsn_auc": float(table.loc[table["group"] != "overall", "bpsn_auc"].min()),
        "min_bpsn_group": str(
            table.loc[table["group"] != "overall"].sort_values("bpsn_auc", kind="stable")["group"].iloc[0]
        ),
        "max_term_mean_harmless": float(terms["mean_harmless"].max()),
        "terms_above_0_25_harmless": int((terms["mean_harmless"] > 0.25).sum()),
        "min_term_auc": float(terms["auc"].min()),
        "terms_below_0_90_auc": int((terms["auc"] < 0.90).sum()),
        "harmless_flag_rate": float(
            (sentences.loc[sentences["kind"] == "harmless", "score"] >= clf.thresholds_[label]).mean()
        ),
        "most_penalised_terms": [
            {
                "term": str(r["term"]),
                "group": str(r["group"]),
                "mean_harmless": float(r["mean_harmless"]),
                "auc": float(r["auc"]),
            }
            for _, r in terms.head(8).iterrows()
        ],
    }


def functional_check(clf: Any, path: Path = FUNCTIONAL_CASES) -> dict[str, Any]:
    """Accuracy of the ``toxic`` flag on the project's functional cases, per functionality."""
    cases = pd.read_csv(path, keep_default_na=False)
    column = clf.labels_.index("toxic")
    flags = clf.predict_proba(cases["text"].tolist())[:, column] >= clf.thresholds_["toxic"]
    cases["correct"] = flags == cases["toxic"].astype(bool)
    per = cases.groupby("functionality")["correct"].agg(["mean", "size"]).reset_index()
    return {
        "accuracy": float(cases["correct"].mean()),
        "by_functionality": {
            r["functionality"]: {"accuracy": float(r["mean"]), "n": int(r["size"])} for _, r in per.iterrows()
        },
    }


def unseen_jigsaw_check(clf: Any, data_dir: Path = DEFAULT_DATA_DIR) -> list[dict[str, Any]]:
    """Metrics on Jigsaw comments from the Kaggle test set (not in any training split)."""
    path = data_dir / "jigsaw_toxic" / "multilabel_samples" / "ibm_max_test_examples.csv"
    if not path.exists():
        return []
    raw = pd.read_csv(path)
    scores = clf.predict_proba([clean_text(t) for t in raw["comment_text"].astype(str)])
    rows = []
    for label, source in (("toxic", "toxic"), ("hate", "identity_hate")):
        if label in clf.labels_:
            j = clf.labels_.index(label)
            rows.append(
                {
                    "label": label,
                    "source_column": source,
                    **evaluate_scores(raw[source].to_numpy(float), scores[:, j], threshold=clf.thresholds_[label]),
                }
            )
    return rows


def run_checks(clf: Any, data_dir: Path = DEFAULT_DATA_DIR) -> dict[str, Any]:
    """All checks, as JSON-ready data for ``metadata.json``.

    The templated identity test and the functional cases judge the ``toxic`` label: a model
    without one (trained on a file with other labels) gets neither, and an empty result for each.
    """
    has_toxic = "toxic" in clf.labels_
    return {
        "templated_identity": templated_identity_check(clf) if has_toxic else {},
        "functional": functional_check(clf) if has_toxic else {},
        "unseen_jigsaw_test": unseen_jigsaw_check(clf, data_dir),
    }


def format_figure(value: float | None) -> str:
    """A metric for the model card: three decimals, or ``n/a`` when it is missing or undefined (NaN)."""
    return "n/a" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.3f}"


def render_checks(checks: dict[str, Any]) -> dict[str, str]:
    """Markdown sections (title -> body) for the model card."""
    sections: dict[str, str] = {}
    tmpl = checks.get("templated_identity")
    if tmpl:
        lines = [
            f"{tmpl['sentences']:,} sentences from the project's own templates (harmless vs hostile) filled with every "
            f"identity term of the lexicon, label `{tmpl['label']}`.",
            "",
            f"- final bias metric (Jigsaw 2019 definition): **{format_figure(tmpl['final_bias_metric'])}**",
            f"- overall AUC hostile vs harmless: {format_figure(tmpl['overall_auc'])}; lowest group subgroup AUC: "
            f"{format_figure(tmpl['min_subgroup_auc'])}; terms below 0.90 AUC: {tmpl['terms_below_0_90_auc']}",
            f"- harmless template sentences flagged at the threshold: {tmpl['harmless_flag_rate']:.1%}",
            *(
                [
                    f"- lowest group BPSN AUC: {format_figure(tmpl['min_bpsn_auc'])} "
                    f"({tmpl.get('min_bpsn_group')}); highest mean score of harmless sentences for one term: "
                    f"{format_figure(tmpl['max_term_mean_harmless'])}; terms above 0.25: "
                    f"{tmpl.get('terms_above_0_25_harmless')}"
                ]
                if "min_bpsn_auc" in tmpl
                else []
            ),
            "",
            "Terms with the highest mean score on harmless sentences:",
            "",
            "| term | group | mean harmless score | AUC |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {t['term']} | {t['group']} | {format_figure(t['mean_harmless'])} | {format_figure(t['auc'])} |"
            for t in tmpl["most_penalised_terms"]
        ]
        sections["Templated identity test"] = "\n".join(lines)
    func = checks.get("functional")
    if func:
        lines = [
            f"Accuracy of the `toxic` flag on the project's hand-written functional cases: **{func['accuracy']:.1%}**.",
            "",
            "| functionality | accuracy | cases |",
            "|---|---|---|",
        ]
        lines += [f"| {name} | {v['accuracy']:.0%} | {v['n']} |" for name, v in func["by_functionality"].items()]
        sections["Functional cases"] = "\n".join(lines)
    unseen = checks.get("unseen_jigsaw_test")
    if unseen:
        lines = [
            "Jigsaw comments from the Kaggle *test* set (IBM sample; never in training).",
            "",
            "| label | n | positives | ROC AUC | F1 |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {r['label']} (`{r['source_column']}`) | {r['n']} | {r['positives']} | {format_figure(r['roc_auc'])} | "
            f"{format_figure(r['f1'])} |"
            for r in unseen
        ]
        sections["Unseen data"] = "\n".join(lines)
    tuned = checks.get("dataset_tuned")
    if tuned:
        lines = [
            "The `toxic` threshold re-chosen on each dataset's own validation split (best macro-F1), as published "
            "results do; the model's stored threshold is unchanged.",
            "",
            "| dataset | threshold | macro-F1 | F1 | precision | recall |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {r['dataset']} | {r['threshold']:.3f} | {format_figure(r['macro_f1'])} | {format_figure(r['f1'])} | "
            f"{format_figure(r['precision'])} | {format_figure(r['recall'])} |"
            for r in tuned
        ]
        sections["Test metrics with per-dataset thresholds"] = "\n".join(lines)
    return sections
