"""In-graph robustness to obfuscation: a normaliser and a character channel per word.

Both are part of the saved model (registered, so they load with ``safe_mode=True``),
so scoring, explanations and the raw-string model all see them:

- :func:`normalize_post` undoes spelling tricks on the whole post: symbols for
  letters (``a$$``, ``b@stard``), letters repeated for emphasis (``stooopid``),
  letters spaced out (``f u c k``); :class:`RobustVectorization` then maps digits
  used as letters inside words (``1d10t``, ``l0s3r``) while leaving numbers
  (``covid19``, ``2020``) alone; :func:`normalize_post_v2` (``normalizer="robust2"``)
  also reads typographic and other Unicode punctuation (``“idiot”``, ``idiot…``,
  ``don’t``) as its ASCII form, which :func:`normalize_post` leaves glued to words
  (kept unchanged: saved models name it);
- with ``word_chars > 0``, :class:`RobustVectorization` also passes the first
  characters of every word, and :class:`WordCharEmbedding` adds a small character
  CNN's vector to each word's embedding, so misspelt or unseen words
  (``idoit``, ``stoopid``) land near the words they imitate.

Explanations still remove whole words from the post as written; the channel only
changes how the model reads each word. :mod:`core.model.network` imports this module
right after its quiet TensorFlow import, which registers the layers for loading.
"""

from __future__ import annotations

from collections.abc import Callable

import keras
import tensorflow as tf

_PUNCTUATION = r'[!"#$%&()\*\+,\-\./:;<=>?@\[\\\]^_`{|}~]'
_LEET_DIGITS = (("0", "o"), ("1", "i"), ("3", "e"), ("4", "a"), ("5", "s"), ("7", "t"))
_LEET_WORD = r"[a-z0-9]*[a-z][0-9]+[a-z][a-z0-9]*|[0-9]+[a-z]{3,}[a-z0-9]*"
"""Words whose digits stand for letters: a digit run between letters, or leading digits before 3+ letters."""
_CHAR_BUCKETS = 256
_INVISIBLE = r"[\x{ad}\x{200b}-\x{200d}\x{2060}\x{feff}]"
"""Soft hyphen and zero-width characters: invisible, so a word with one hidden inside reads as the word."""
_UNICODE_SPACE = r"[\p{Z}\x{85}\x{1c}-\x{1f}]"
"""Unicode spaces and separators (no-break space, ideographic space, U+2028): words split there, as on a space."""
_APOSTROPHE_LIKE = r"[\x{2018}\x{2019}\x{201b}\x{2bc}\x{ff07}\x{b4}\x{5f3}\x{55a}-\x{55c}\x{55e}\x{55f}]"
"""Read as ``'`` (so deleted, ``don’t`` -> ``dont``): curly and reversed single quotes, modifier letter, fullwidth
and acute apostrophes, Hebrew geresh, and the Armenian apostrophe and marks written inside words."""
_SYMBOL_LIKE = (
    (r"[\x{ff0a}\x{fe61}\x{2217}\x{204e}\x{66d}\x{2605}\x{2606}\x{2731}]", "*"),
    (r"[\x{ff20}\x{fe6b}]", "@"),
    (r"[\x{ff04}\x{fe69}]", "$"),
)
"""Look-alikes of the symbols the normaliser reads as letters, written as those (``f＊ck``, ``f★ck``, ``a＄＄``)."""
_ANY_SYMBOL_LIKE = "(?s).*(?:" + "|".join(pattern for pattern, _ in _SYMBOL_LIKE) + ").*"
_UNICODE_PUNCTUATION = (
    r"(?:[^\x{0}-\x{7f}\P{P}]"
    r"|[\x{a6}\x{2044}\x{2190}-\x{2193}\x{21d0}-\x{21d4}\x{2212}\x{2215}\x{2219}\x{2223}\x{223c}\x{22c5}"
    r"\x{2500}\x{2501}\x{2550}\x{25a0}\x{25a1}\x{25b8}\x{25ba}\x{25cb}\x{25cf}\x{25e6}\x{2713}\x{27a4}\x{2981}"
    r"\x{ff0b}\x{ff1c}-\x{ff1e}\x{ff3e}\x{ff40}\x{ff5c}\x{ff5e}\x{ffe4}])[\x{fe0e}\x{fe0f}]?"
)
"""Split words there, as ASCII punctuation does: every non-ASCII punctuation character (``\\p{P}``: quotes, dashes,
ellipsis, ``¿ ¡``, bullets, CJK and fullwidth punctuation) and symbols used as punctuation (minus sign, bullet
and dot operators, arrows, squares and circles used as bullets, check mark, fullwidth ``+ < = > ^ ` | ~``), with a
variation selector after it. Emoji (``\\p{So}``: ``😂``, ``❤️``) are not in it and stay as written."""


@keras.saving.register_keras_serializable(package="modlens")
def normalize_post(text: tf.Tensor) -> tf.Tensor:
    """Lower-case, unify spaces, links and mentions, undo spelling tricks and strip punctuation.

    The tricks: characters hidden inside words, symbols for letters, letters repeated
    or spaced out. The robust counterpart of :func:`core.model.network.standardize_post` (which saved
    v3 models keep using unchanged).
    """
    return _normalize(text, _plain_spaces)


def _normalize(text: tf.Tensor, unicode_rules: Callable[[tf.Tensor], tf.Tensor]) -> tf.Tensor:
    """The robust normalisers' steps; ``unicode_rules`` runs on posts that are not plain ASCII only."""
    text = tf.strings.lower(text, encoding="utf-8")
    text = _only_where(text, _NOT_PLAIN_ASCII, unicode_rules)
    text = tf.strings.regex_replace(text, r"https?://\S+|www\.\S+", " xxurl ")
    text = _only_where(text, _ANY_SYMBOL, _undo_symbols)
    text = tf.strings.regex_replace(text, r"'", "")
    text = tf.strings.regex_replace(text, _PUNCTUATION, " ")
    text = _only_where(text, _ANY_TRIPLE, _collapse_repeats)
    return _only_where(text, _SPACED_RUN, _join_spaced_letters)


def _plain_spaces(text: tf.Tensor) -> tf.Tensor:
    """Invisible characters removed, Unicode spaces and separators made ASCII spaces."""
    text = tf.strings.regex_replace(text, _INVISIBLE, "")
    return tf.strings.regex_replace(text, _UNICODE_SPACE, " ")


@keras.saving.register_keras_serializable(package="modlens")
def normalize_post_v2(text: tf.Tensor) -> tf.Tensor:
    """:func:`normalize_post`, reading typographic and other Unicode punctuation as its ASCII form.

    Apostrophe look-alikes (``’ ‘ ʼ ＇ ´``) are deleted as ``'`` is (``don’t`` ->
    ``dont``); look-alikes of ``* @ $`` become those before symbols for letters are
    undone (``f＊ck`` -> ``fck``); every other Unicode punctuation character and
    symbols used as punctuation become a space, as ASCII punctuation does
    (``“idiot”``, ``idiot…``, ``idiot—seriously``, ``¿moron?``). Letters of any
    script, digits and emoji stay. Plain-ASCII posts get exactly what
    :func:`normalize_post` gives them, at the same cost: the Unicode rules run
    behind the same check as its Unicode spaces.
    """
    return _normalize(text, _plain_spaces_and_punctuation)


def _plain_spaces_and_punctuation(text: tf.Tensor) -> tf.Tensor:
    """:func:`_plain_spaces`, then Unicode punctuation as its ASCII form (see :func:`normalize_post_v2`).

    Runs before links and symbols for letters are read: a space left where
    punctuation was reads as that punctuation did in every one of their patterns
    (only ``[^a-z0-9]`` there matches a non-ASCII character), and a link ends at
    punctuation glued after it (``https://x.y/z…``).
    """
    text = _plain_spaces(text)
    text = tf.strings.regex_replace(text, _APOSTROPHE_LIKE, "'")
    text = _only_where(text, _ANY_SYMBOL_LIKE, _ascii_symbols)
    return tf.strings.regex_replace(text, _UNICODE_PUNCTUATION, " ")


def _ascii_symbols(text: tf.Tensor) -> tf.Tensor:
    """Look-alikes of ``* @ $`` written as those."""
    for pattern, symbol in _SYMBOL_LIKE:
        text = tf.strings.regex_replace(text, pattern, symbol)
    return text


def _undo_symbols(text: tf.Tensor) -> tf.Tensor:
    """Mentions become ``xxuser``, HTML entities spaces; ``@``, ``*`` and ``$`` standing for letters are undone."""
    text = tf.strings.regex_replace(text, r"([a-z])@+([a-z])", r"\1a\2")
    text = tf.strings.regex_replace(text, r"@\w+|<user>", " xxuser ")
    text = tf.strings.regex_replace(text, r"&(amp|lt|gt|quot|#\d+);", " ")
    text = tf.strings.regex_replace(text, r"([a-z])\*+([a-z])", r"\1\2")
    for _ in range(2):
        text = tf.strings.regex_replace(text, r"([a-z])\$", r"\1s")
    return tf.strings.regex_replace(text, r"(^|[^a-z0-9])\$([a-z])", r"\1s\2")


_NOT_PLAIN_ASCII = r"(?s).*[^\x{20}-\x{7e}\t\n\r].*"
"""Posts that :func:`_plain_spaces` can change (it only touches characters outside printable ASCII)."""
_ANY_SYMBOL = r"(?s).*[@<&*$].*"
"""Posts that :func:`_undo_symbols` can change: every one of its patterns needs one of these characters."""
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_ANY_TRIPLE = "(?s).*(?:" + "|".join(f"{c}{{3}}" for c in _LETTERS) + ").*"
_SPACED_RUN = r"(?s).*\b[a-z] [a-z] [a-z] [a-z]\b.*"


def _only_where(text: tf.Tensor, pattern: str, change: object) -> tf.Tensor:
    """Apply ``change`` only to the posts that fully match ``pattern`` (most posts need none of it)."""
    where = tf.where(tf.strings.regex_full_match(text, pattern))
    return tf.tensor_scatter_nd_update(text, where, change(tf.gather_nd(text, where)))


def _collapse_repeats(text: tf.Tensor) -> tf.Tensor:
    """A letter written three or more times in a row is written twice (``stooopid`` -> ``stoopid``)."""
    for letter in _LETTERS:
        text = tf.strings.regex_replace(text, letter + "{3,}", letter * 2)
    return text


def _join_spaced_letters(text: tf.Tensor) -> tf.Tensor:
    """Runs of 4 to 9 single letters separated by spaces become one word (``f u c k`` -> ``fuck``)."""
    for run in range(9, 3, -1):
        pattern = r"\b" + " ".join(["([a-z])"] * run) + r"\b"
        text = tf.strings.regex_replace(text, pattern, "".join(f"\\{i}" for i in range(1, run + 1)))
    return text


def _unleet_words(words: tf.Tensor) -> tf.Tensor:
    """Digits standing for letters inside words become letters (``1d10t`` -> ``idiot``); numbers stay.

    Only the few matching words are rewritten (the replacements on every word of a
    batch took most of the vectoriser's time).
    """
    return _only_where(words, _LEET_WORD, _digits_to_letters)


def _digits_to_letters(words: tf.Tensor) -> tf.Tensor:
    """Every leet digit of ``words`` replaced by its letter."""
    for digit, letter in _LEET_DIGITS:
        words = tf.strings.regex_replace(words, digit, letter)
    return words


@keras.saving.register_keras_serializable(package="modlens")
class RobustVectorization(keras.layers.TextVectorization):
    """Word ids of the normalised post, plus (``word_chars > 0``) the first characters of every word.

    Output: ``(batch, sequence_length)`` word ids, or ``(batch, sequence_length,
    1 + word_chars)`` with the word id first and character ids (1-255, 0 = none)
    after it. Subclasses Keras' ``TextVectorization`` (keras pinned in
    requirements.txt) and extends its ``_preprocess`` step, so ``adapt`` builds
    the vocabulary from exactly the words the model later sees.
    """

    def __init__(self, word_chars: int = 0, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.word_chars = int(word_chars)

    def _preprocess(self, inputs: tf.Tensor) -> tf.RaggedTensor:
        words = super()._preprocess(inputs)
        return words.with_flat_values(_unleet_words(words.flat_values))

    def call(self, inputs: tf.Tensor) -> tf.Tensor:
        """Ids (and character ids) of each post's first ``output_sequence_length`` words, post-padded with 0."""
        length = self._output_sequence_length
        words = self._preprocess(inputs)[:, :length]
        ids = self._lookup_layer.call(words).to_tensor(default_value=0, shape=[None, length])
        if not self.word_chars:
            return ids
        codes = tf.strings.unicode_decode(words, "UTF-8", errors="replace")[:, :, : self.word_chars]
        codes = tf.cast(codes, tf.int64)
        chars = tf.where(codes < 128, codes + 1, 129 + codes % (_CHAR_BUCKETS - 129))
        chars = chars.to_tensor(default_value=0, shape=[None, length, self.word_chars])
        return tf.concat([ids[:, :, None], chars], axis=-1)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """``(batch, length)`` or ``(batch, length, 1 + word_chars)``."""
        if not self.word_chars:
            return (input_shape[0], self._output_sequence_length)
        return (input_shape[0], self._output_sequence_length, 1 + self.word_chars)

    def get_config(self) -> dict:
        """The ``TextVectorization`` config plus ``word_chars``."""
        return {**super().get_config(), "word_chars": self.word_chars}


@keras.saving.register_keras_serializable(package="modlens")
class WordCharEmbedding(keras.layers.Layer):
    """Word embedding plus a projected character-CNN vector per word; masks padding words.

    Input ``(batch, time, 1 + chars)`` from :class:`RobustVectorization`; output
    ``(batch, time, embedding_dim)``. Adding (rather than concatenating) keeps
    the LSTM as cheap as with words alone.
    """

    def __init__(
        self,
        vocab_size: int,
        embedding_dim: int,
        char_dim: int = 16,
        char_filters: int = 64,
        char_kernel: int = 3,
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)
        self.vocab_size, self.embedding_dim = int(vocab_size), int(embedding_dim)
        self.char_dim, self.char_filters, self.char_kernel = int(char_dim), int(char_filters), int(char_kernel)
        self.words = keras.layers.Embedding(self.vocab_size, self.embedding_dim, name="word_embedding")
        self.chars = keras.layers.Embedding(_CHAR_BUCKETS, self.char_dim, name="char_embedding")
        self.conv = keras.layers.Conv1D(
            self.char_filters, self.char_kernel, padding="same", activation="relu", name="char_conv"
        )
        self.project = keras.layers.Dense(self.embedding_dim, name="char_project")

    def build(self, input_shape: tuple) -> None:
        """Build the sub-layers for ``input_shape[-1] - 1`` characters per word."""
        width = input_shape[-1] - 1
        self.words.build((None, None))
        self.chars.build((None, width))
        self.conv.build((None, width, self.char_dim))
        self.project.build((None, None, self.char_filters))
        self.built = True

    def call(self, inputs: tf.Tensor) -> tf.Tensor:
        """Word vectors plus character vectors (max over each word's characters of a ReLU convolution)."""
        ids, chars = inputs[:, :, 0], inputs[:, :, 1:]
        shape = tf.shape(chars)
        flat = tf.reshape(chars, [-1, shape[2]])
        features = self.conv(self.chars(flat))
        present = tf.cast(flat > 0, features.dtype)[:, :, None]
        pooled = tf.reduce_max(features * present, axis=1)  # ReLU >= 0, so zeroed padding never wins
        pooled = tf.reshape(pooled, [shape[0], shape[1], self.char_filters])
        return self.words(ids) + self.project(pooled)

    def compute_mask(self, inputs: tf.Tensor, mask: tf.Tensor | None = None) -> tf.Tensor:
        """A word is present where its id is not 0 (padding)."""
        return keras.ops.not_equal(inputs[:, :, 0], 0)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """``(batch, time, embedding_dim)``."""
        return (*input_shape[:-1], self.embedding_dim)

    def get_config(self) -> dict:
        """Sizes of the word and character parts."""
        return {
            **super().get_config(),
            "vocab_size": self.vocab_size,
            "embedding_dim": self.embedding_dim,
            "char_dim": self.char_dim,
            "char_filters": self.char_filters,
            "char_kernel": self.char_kernel,
        }
