"""No post text reaches the logs, whatever level is set."""

from __future__ import annotations

import logging

import pytest

from core.privacy import describe_text, protect_logs, redact_texts
from core.privacy.engine import get_engines
from core.privacy.logs import TEXT_LOGGERS

SECRET = "zz-secret-post-1234@example.org"


def test_redaction_at_debug_level_logs_no_post_text(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    get_engines.cache_clear()
    engines = get_engines(("EMAIL", "PHONE", "URL", "IP", "CARD", "HANDLE"), ("US", "GB", "AU"))
    # Presidio's decision tracing writes the post's tokens to the log at INFO: the filter must stop it.
    monkeypatch.setattr(engines.analyzer, "log_decision_process", True)
    caplog.set_level(logging.DEBUG)
    for name in TEXT_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    result = redact_texts([f"mail {SECRET} or call +1 415-555-0132", "@bob http://example.com/zz-secret"])
    assert result.texts[0].startswith("mail <EMAIL>")
    assert "zz-secret" not in caplog.text
    assert "415" not in caplog.text


def test_library_loggers_drop_text_below_error_and_withhold_error_messages(caplog: pytest.LogCaptureFixture) -> None:
    protect_logs()
    caplog.set_level(logging.DEBUG)
    for name in TEXT_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
        logging.getLogger(name).debug("text %s", SECRET)
        logging.getLogger(name).info("text %s", SECRET)
        logging.getLogger(name).warning("text %s", SECRET)
    logging.getLogger("presidio-analyzer").error("failed on %s", SECRET)
    assert SECRET not in caplog.text
    assert [record.levelno for record in caplog.records] == [logging.ERROR]
    assert "message withheld" in caplog.records[0].getMessage()


def test_protect_logs_is_idempotent_and_leaves_other_loggers_alone(caplog: pytest.LogCaptureFixture) -> None:
    protect_logs()
    protect_logs()
    assert all(len(logging.getLogger(name).filters) == 1 for name in TEXT_LOGGERS)
    caplog.set_level(logging.INFO)
    logging.getLogger("core.something").info("kept")
    assert "kept" in caplog.text


def test_describe_text_gives_length_only() -> None:
    assert describe_text(SECRET) == f"<post of {len(SECRET)} characters>"
    assert describe_text(None) == "<NoneType value>"
