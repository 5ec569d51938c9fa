"""Runs of punctuation next to personal data are scanned in linear time (Presidio never tokenizes a post)."""

from __future__ import annotations

import time

import pytest

from core.privacy import redact_text
from core.privacy.config import ENTITIES, RedactionConfig
from core.privacy.engine import get_engines


@pytest.mark.parametrize(
    "text",
    ["you idiot" + "!" * 8_000 + " mail a@b.com", "x@y.com " + "?" * 8_000, "http://" + "(" * 8_000 + " a@b.com"],
)
def test_a_long_run_of_punctuation_does_not_stall_redaction(text: str) -> None:
    redact_text("warm up a@b.com")  # the engines are built once
    started = time.perf_counter()
    redacted = redact_text(text)
    assert time.perf_counter() - started < 1.5  # spaCy's tokenizer took 5-10 s on each of these
    assert "<EMAIL>" in redacted.text and "@" not in redacted.text


def test_engines_carry_artifacts_so_the_analyzer_skips_tokenizing() -> None:
    engines = get_engines(RedactionConfig().active, RedactionConfig().phone_regions)
    assert engines.artifacts is not None and len(engines.artifacts.tokens) == 0
    assert RedactionConfig().active == ENTITIES
