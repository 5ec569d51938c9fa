"""Helpers of the AppTest page tests: read metrics, tables and errors; give the Score page its input."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from ui.components import safe_text
from ui.sections.score import input as score_input
from ui.sections.score import table as score_table

PASTED = "you idiot\nhello there\n\n   \nI hate you, stupid\n"


def metric(at: AppTest, label: str) -> str:
    """Value of the metric called ``label``."""
    values = [m.value for m in at.metric if m.label == label]
    assert values, f"no metric {label!r}; metrics: {[m.label for m in at.metric]}"
    return values[0]


def results_table(at: AppTest) -> pd.DataFrame:
    """The results table (the one with score columns)."""
    tables = [d.value for d in at.dataframe if "score_toxic" in d.value.columns]
    assert tables, "no results table"
    return tables[-1]


def errors(at: AppTest) -> list[str]:
    return [safe_text.visible_text(e.value) for e in at.error]


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key=score_input.UPLOAD).set_value((name, data, "application/octet-stream"))
    return at.run()


def paste(at: AppTest, text: str = PASTED) -> AppTest:
    at.text_area(key=score_input.PASTE).set_value(text)
    next(b for b in at.button if b.label == "Score pasted posts").click()
    return at.run()


def use_sample(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "Use sample posts").click()
    return at.run()


def pick_rows(at: AppTest, *rows: int) -> AppTest:
    """Select rows of the results table as shown (positions, as a click does); run the page next to see it."""
    key = at.session_state[score_table.SHOWN_TABLE]
    at.session_state[key] = {"selection": {"rows": list(rows), "columns": [], "cells": []}}
    return at
