"""The server's start-up work: the SHAP warm-up runs in the background and never breaks the start."""

from __future__ import annotations

import logging
import threading

import pytest

from ui.services import startup


def test_start_server_warms_shap_up_in_a_background_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    ran = threading.Event()
    monkeypatch.setattr(startup, "_warm_up_shap", ran.set)
    monkeypatch.setattr(startup.training_runs, "recover", lambda: ["a left-over training folder"])
    startup.start_server.clear()
    try:
        assert startup.start_server() == ("a left-over training folder",)
    finally:
        startup.start_server.clear()
    assert ran.wait(10)


def test_a_failed_warm_up_is_logged_not_raised(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from core.explain import warm

    def broken() -> None:
        raise RuntimeError("numba is missing")

    monkeypatch.setattr(warm, "warm_up_shap", broken)
    with caplog.at_level(logging.WARNING, logger=startup.__name__):
        startup._warm_up_shap()
    assert "SHAP warm-up failed" in caplog.text
