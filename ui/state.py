"""Session-state primitives: the one module that touches ``st.session_state``.

It owns no key. Each feature (a section or component module) names its own keys,
namespaced ``modlens.``, as module constants or a :class:`Keys` namespace, and other
modules reach that state only through the owner's functions or by being handed a
key as an argument. ``tests/ui/test_state_keys.py`` checks both rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import streamlit as st

PREFIX = "modlens."
"""Every ModLens key starts with it, so that none collides with Streamlit's own."""


def get(key: str, default: Any = None) -> Any:
    """Value of a key, or ``default``."""
    return st.session_state.get(key, default)


def put(key: str, value: Any) -> None:
    """Set a key."""
    st.session_state[key] = value


def pop(key: str, default: Any = None) -> Any:
    """Remove a key and return its value (``default`` if absent)."""
    return st.session_state.pop(key, default)


def forget(prefixes: Iterable[str]) -> None:
    """Remove every key that starts with one of ``prefixes`` (e.g. the widgets of an input that is gone)."""
    starts = tuple(prefixes)
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(starts)]:
        del st.session_state[key]


class Keys:
    """A feature's namespace of keys: ``Keys("modlens.model.train")("upload") == "modlens.model.train.upload"``.

    The owner creates it; widgets that serve several features (a picker, an uploader)
    are handed one, so each feature's keys stay apart.
    """

    def __init__(self, prefix: str) -> None:
        if not prefix.startswith(PREFIX):
            raise ValueError(f"ModLens keys start with {PREFIX!r}; got {prefix!r}")
        self.prefix = prefix

    def __call__(self, *parts: str) -> str:
        """The key ``<prefix>.<part>.<part>...``."""
        return ".".join((self.prefix, *parts))

    def __repr__(self) -> str:
        return f"Keys({self.prefix!r})"

    def forget(self) -> None:
        """Remove every key of this namespace."""
        forget((self.prefix + ".",))
