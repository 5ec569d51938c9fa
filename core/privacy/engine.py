"""Build Presidio's analyzer and anonymizer for ModLens, offline, once per setting.

The analyzer is built on the blank spaCy pipeline saved in
``assets/spacy_blank_en`` (loaded by path: nothing is downloaded) but never
tokenizes a post (:attr:`Engines.artifacts`), holds only the recognizers of
:mod:`core.privacy.recognizers`, and skips Presidio's context-word score
boosting (our matches are validated instead, and boosting costs time per
match). Building takes about a second, so engines are cached.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from core.privacy.blank_pipeline import blank_pipeline_dir
from core.privacy.config import PLACEHOLDERS, PRESIDIO_TYPES
from core.privacy.logs import protect_logs

SCORE_THRESHOLD = 0.3
"""Lowest Presidio score kept: phone numbers score 0.4, validated patterns 1.0, rejected ones 0."""


@dataclass(frozen=True)
class Engines:
    """A ready analyzer, anonymizer and the operators that write the placeholders.

    ``artifacts`` are the spaCy results of an empty text, handed to every
    ``analyzer.analyze`` call so that Presidio does not tokenize the text: no
    recognizer of ours reads tokens (patterns, ``phonenumbers``, no context
    words), and spaCy's tokenizer takes time quadratic in a run of punctuation
    (10 s for 8,000 ``(`` or 5 s for ``!!!…`` in one window).
    """

    analyzer: Any
    anonymizer: Any
    operators: dict[str, Any]
    artifacts: Any = None


def _no_context_enhancer() -> Any:
    """A Presidio context enhancer that leaves scores as the recognizers gave them."""
    from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer

    class NoContextEnhancer(ContextAwareEnhancer):
        def __init__(self) -> None:
            super().__init__(
                context_similarity_factor=0.0,
                min_score_with_context_similarity=0.0,
                context_prefix_count=0,
                context_suffix_count=0,
            )

        def enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):  # type: ignore[no-untyped-def]
            return raw_results

    return NoContextEnhancer()


@lru_cache(maxsize=8)
def get_engines(entities: tuple[str, ...], phone_regions: tuple[str, ...]) -> Engines:
    """Analyzer and anonymizer for these ModLens kinds and phone regions (cached).

    Parameters
    ----------
    entities
        ModLens kinds (``EMAIL``, ``PHONE``, ...), as in :attr:`RedactionConfig.active`.
    phone_regions
        Regions passed to the phone recognizer.

    Raises
    ------
    ModLensError
        If the saved spaCy pipeline is missing.

    """
    protect_logs()
    path = blank_pipeline_dir()
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from presidio_anonymizer import AnonymizerEngine
    from presidio_anonymizer.entities import OperatorConfig

    from core.privacy.recognizers import build_recognizers

    nlp_engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": str(path)}])
    nlp_engine.load()
    registry = RecognizerRegistry(recognizers=build_recognizers(entities, phone_regions), supported_languages=["en"])
    analyzer = AnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=["en"],
        default_score_threshold=SCORE_THRESHOLD,
        context_aware_enhancer=_no_context_enhancer(),
    )
    operators = {
        PRESIDIO_TYPES[entity]: OperatorConfig("replace", {"new_value": PLACEHOLDERS[entity]}) for entity in entities
    }
    artifacts = nlp_engine.process_text("", "en")
    return Engines(analyzer=analyzer, anonymizer=AnonymizerEngine(), operators=operators, artifacts=artifacts)


def presidio_types(entities: Sequence[str]) -> list[str]:
    """Presidio entity types of ModLens kinds."""
    return [PRESIDIO_TYPES[entity] for entity in entities]
