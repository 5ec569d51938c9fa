"""Fast inference for the recurrent token model: the LSTM loop fused with its pooling, compiled by XLA.

Keras runs a masked LSTM on CPU as a generic loop that, at every time step,
multiplies that step's input by the input kernel, keeps the whole output
sequence, and only then pools it. Scoring does not need any of that:

- the input projection ``x @ W + b`` is computed once for the whole window, and
  when the layers before the LSTM are only an ``Embedding`` (and inference-time
  no-ops such as dropout) it is folded into a lookup table ``E @ W + b``, so a
  time step is one gather and the recurrent product ``h @ U``;
- both directions of a bidirectional LSTM run in the same loop (one batched
  matrix product), and max and mean pooling are accumulated inside the loop, so
  the output sequence is never stored;
- the loop runs only to the batch's longest post, and with XLA (``jit_compile``)
  its element-wise gate arithmetic is fused into a few vectorised kernels.

Nothing here is a separate model: :class:`FusedRecurrent` is built at load time
from the Keras token model (:func:`core.model.network.token_part`), reading its
layers' weights. It takes any token model of the form *layers before the LSTM*
-> ``LSTM`` or ``Bidirectional(LSTM)`` -> optional :class:`MaskedMaxAvgPooling`
-> *layers on the pooled vector* (called as they are, so :class:`~core.model.network.CalibratedScoreHead`'s
temperatures and a :class:`~core.model.robust.WordCharEmbedding` prefix need nothing special; the robust
normaliser runs in the vectoriser, before the tokens reach this runtime); for anything else, or when a numerical check
against Keras on a probe batch fails, :meth:`FusedRecurrent.build` returns None
and the caller keeps the Keras path. Scores match Keras to about 1e-6.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from core.model.network import MaskedMaxAvgPooling, keras, tf

XLA_BATCH = 1_024
"""Rows per call of the XLA-compiled loop for large inputs (one compiled shape)."""
XLA_SMALL_ROWS = (16, 32, 48, 64, 80, 96, 112, 128, 192, 256, 384, 512, 768)
"""Row counts a smaller call is padded to (with empty rows) for the compiled loop: one compile each (about
0.4 s, on first use), and at most a third of a call's work wasted on padding. An explanation scores its
masked texts in calls of up to 100 rows; the compiled loop runs 60 rows in 6 ms against 11 ms in the
plain graph."""
_NO_OPS = (
    keras.layers.Dropout,
    keras.layers.SpatialDropout1D,
    keras.layers.GaussianNoise,
    keras.layers.GaussianDropout,
)
_PROBE_TOLERANCE = 1e-5
_SMALLEST_PART = 24
"""Fewest rows worth a scoring thread of their own in a small call."""


class FusedRecurrent:
    """Score int tokens ``(n, time)`` (or ``(n, time, channels)``, word id first) like the Keras token model.

    Use :meth:`build`; calling the object returns ``(n, labels)`` float32 scores.
    """

    def __init__(self, part: keras.Model) -> None:
        layers = [layer for layer in part.layers if not isinstance(layer, keras.layers.InputLayer)]
        at = next(i for i, layer in enumerate(layers) if _is_lstm(layer))
        recurrent = layers[at]
        self._prefix = [layer for layer in layers[:at] if not isinstance(layer, _NO_OPS)]
        after = layers[at + 1 :]
        self._pooled = bool(recurrent.return_sequences)
        if self._pooled:
            if not after or not isinstance(after[0], MaskedMaxAvgPooling):
                raise ValueError("an LSTM returning sequences must be followed by MaskedMaxAvgPooling")
            after = after[1:]
        if any(_is_recurrent(layer) for layer in self._prefix + after):
            raise ValueError("only one recurrent layer is supported")
        self._suffix = after
        self._n_out = int(part.output_shape[-1])
        cells = _cells(recurrent)
        self._units = int(cells[0].units)
        kernels = [np.asarray(cell.kernel.numpy(), np.float32) for cell in cells]
        biases = [np.asarray(cell.bias.numpy(), np.float32) for cell in cells]
        self._recurrent = tf.constant(np.stack([_gate_order(np.asarray(c.recurrent_kernel.numpy())) for c in cells]))
        embedding = self._prefix[0] if len(self._prefix) == 1 else None
        if isinstance(embedding, keras.layers.Embedding) and embedding.mask_zero:
            table = np.asarray(embedding.embeddings.numpy(), np.float32)
            self._vocab = table.shape[0]
            folded = [_gate_order(table @ k + b) for k, b in zip(kernels, biases, strict=True)]
            self._table = tf.constant(np.concatenate(folded))
        else:
            self._table = None
            self._kernel = tf.constant(np.stack([_gate_order(k) for k in kernels]))
            self._bias = tf.constant(np.stack([_gate_order(b) for b in biases]))
        forward = tf.autograph.experimental.do_not_convert(self._forward)
        self._graph = tf.function(forward, reduce_retracing=True)
        self._xla: Callable | None = tf.function(forward, jit_compile=True)

    @classmethod
    def build(cls, part: keras.Model, probe: np.ndarray | None = None) -> FusedRecurrent | None:
        """The fused runtime for a token model, or None when the model's graph is not supported.

        ``probe`` (int tokens) is scored both ways; a difference above 1e-5 also gives None.
        """
        layers = [layer for layer in part.layers if not isinstance(layer, keras.layers.InputLayer)]
        if not any(_is_lstm(layer) for layer in layers):
            return None
        try:
            fused = cls(part)
            if probe is not None:
                expected = part(tf.constant(probe), training=False).numpy()
                if not np.allclose(fused(probe), expected, atol=_PROBE_TOLERANCE, rtol=0):
                    return None
        except (ValueError, TypeError, AttributeError, tf.errors.OpError):  # a graph this runtime does not handle
            return None
        return fused

    def __call__(self, tokens: np.ndarray) -> np.ndarray:
        """Scores of int tokens through XLA: full batches of :data:`XLA_BATCH` rows, then the rest padded.

        Give rows sorted by length (each batch runs to its longest post). Batches run
        in parallel on :func:`scoring_threads` threads (TensorFlow releases the GIL).
        """
        tokens = np.asarray(tokens, dtype=np.int64)
        n = len(tokens)
        full = n - n % XLA_BATCH if self._xla is not None else 0
        if full == 0:
            return self._run_small(tokens)
        batches = [tokens[start : start + XLA_BATCH] for start in range(0, full, XLA_BATCH)]
        if full < n:
            batches.append(tokens[full:])
        workers = min(scoring_threads(), len(batches))
        if workers > 1:
            with ThreadPoolExecutor(workers, thread_name_prefix="modlens-score") as pool:
                scored = list(pool.map(self._run_batch, batches))
        else:
            scored = [self._run_batch(batch) for batch in batches]
        return np.concatenate(scored) if scored else np.zeros((0, self._n_out), np.float32)

    def _run_small(self, tokens: np.ndarray) -> np.ndarray:
        """Fewer rows than a full batch, cut into one part per scoring thread when there are enough.

        XLA runs one call's loop on one core; an explanation's calls (up to 100 rows, one
        after the other) leave the other core idle. Two parts on two threads cut the median
        explanation of a 50-word post by about 8 ms (paired over 100 posts, faster for 89%).
        """
        if len(tokens) == 0:
            return np.zeros((0, self._n_out), np.float32)
        parts = min(scoring_threads(), len(tokens) // _SMALLEST_PART)
        if parts < 2:
            return self._run_rest(tokens)
        return np.concatenate(list(_small_pool().map(self._run_rest, np.array_split(tokens, parts))))

    def _run_batch(self, batch: np.ndarray) -> np.ndarray:
        """A full batch straight through XLA; a smaller one padded first."""
        return self._run_xla(batch) if len(batch) == XLA_BATCH else self._run_rest(batch)

    def _run_rest(self, rest: np.ndarray) -> np.ndarray:
        """Fewer rows than a full batch: padded to the next :data:`XLA_SMALL_ROWS` size for XLA, else the graph."""
        rows = next((size for size in XLA_SMALL_ROWS if size >= len(rest)), XLA_BATCH)
        if self._xla is None:
            return self._graph(tf.constant(rest)).numpy()
        padded = np.zeros((rows, *rest.shape[1:]), dtype=rest.dtype)  # empty rows: length 0, skipped by the loop
        padded[: len(rest)] = rest
        return self._run_xla(padded)[: len(rest)]

    def _run_xla(self, batch: np.ndarray) -> np.ndarray:
        """One batch through the compiled loop; falls back to the graph for good if XLA is missing."""
        try:
            return self._xla(tf.constant(batch)).numpy()
        except (tf.errors.OpError, NotImplementedError, ValueError):
            self._xla = None
            return self._graph(tf.constant(batch)).numpy()

    def _forward(self, tokens: tf.Tensor) -> tf.Tensor:
        """Prefix, fused recurrent loop with pooling, then the layers on the pooled vector."""
        ids = tokens if tokens.shape.rank == 2 else tokens[:, :, 0]
        lengths = tf.math.count_nonzero(ids, axis=1, dtype=tf.int32)
        directions = int(self._recurrent.shape[0])
        if self._table is not None:
            steps = [tf.cast(ids, tf.int32)]
            if directions == 2:
                backward = tf.reverse_sequence(tf.cast(ids, tf.int32), lengths, seq_axis=1, batch_axis=0)
                steps.append(backward + self._vocab)
            inputs = tf.transpose(tf.stack(steps), [2, 0, 1])  # (time, directions, batch) ids into the table
        else:
            x = tokens
            for layer in self._prefix:
                x = layer(x, training=False)
            projected = [tf.einsum("btf,fg->btg", x, self._kernel[d]) + self._bias[d] for d in range(directions)]
            if directions == 2:
                projected[1] = tf.reverse_sequence(projected[1], lengths, seq_axis=1, batch_axis=0)
            inputs = tf.transpose(tf.stack(projected), [2, 0, 1, 3])  # (time, directions, batch, 4 units)
        features = self._loop(inputs, lengths, directions)
        for layer in self._suffix:
            features = layer(features, training=False)
        return features

    def _loop(self, inputs: tf.Tensor, lengths: tf.Tensor, directions: int) -> tf.Tensor:
        """Run the LSTM over each post's own length; return the last states or max and mean pooling."""
        units = self._units
        rows = tf.shape(lengths)[0]
        zeros = tf.zeros([directions, rows, units])
        table = self._table

        def step(t, h, c, peak, total):
            x = tf.gather(table, inputs[t]) if table is not None else inputs[t]
            z = x + tf.matmul(h, self._recurrent)
            gates = tf.sigmoid(z[..., : 3 * units])  # input, forget, output (reordered at build time)
            c_new = gates[..., units : 2 * units] * c + gates[..., :units] * tf.tanh(z[..., 3 * units :])
            h_new = gates[..., 2 * units :] * tf.tanh(c_new)
            live = (t < lengths)[None, :, None]
            h = tf.where(live, h_new, h)
            c = tf.where(live, c_new, c)
            if self._pooled:
                peak = tf.where(live, tf.maximum(peak, h_new), peak)
                total = total + tf.where(live, h_new, 0.0)
            return t + 1, h, c, peak, total

        longest = tf.reduce_max(tf.concat([lengths, [0]], axis=0))
        start = (tf.constant(0), zeros, zeros, tf.fill([directions, rows, units], -1e9), zeros)
        _, h, _, peak, total = tf.while_loop(lambda t, *_: t < longest, step, start)
        if not self._pooled:
            return tf.concat(tf.unstack(h), axis=-1)
        count = tf.cast(lengths, tf.float32)[None, :, None]
        peak = tf.where(count > 0, peak, 0.0)
        mean = total / tf.maximum(count, 1.0)
        return tf.concat([*tf.unstack(peak), *tf.unstack(mean)], axis=-1)


_threads: int | None = None
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _small_pool() -> ThreadPoolExecutor:
    """Threads kept for the parts of small calls (starting threads per call would cost more than the parts save)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(4, thread_name_prefix="modlens-small")
        return _pool


def _forget_pool() -> None:
    """In a forked child: the parent's pool threads do not exist there, so start a new pool on first use."""
    global _pool, _pool_lock
    _pool = None
    _pool_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def set_scoring_threads(threads: int | None) -> None:
    """Score this many batches at once (None: the CPUs this process may use, at most 4)."""
    global _threads
    _threads = None if threads is None else max(1, int(threads))


def scoring_threads() -> int:
    """Batches scored at once: :func:`set_scoring_threads`, else the CPUs this process may use (at most 4)."""
    if _threads is not None:
        return _threads
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(4, available))


def _is_lstm(layer: keras.layers.Layer) -> bool:
    inner = layer.forward_layer if isinstance(layer, keras.layers.Bidirectional) else layer
    return isinstance(inner, keras.layers.LSTM)


def _is_recurrent(layer: keras.layers.Layer) -> bool:
    return isinstance(layer, keras.layers.RNN | keras.layers.Bidirectional)


def _cells(recurrent: keras.layers.Layer) -> list:
    """The LSTM cells, forward first; checks what the fused loop assumes."""
    if isinstance(recurrent, keras.layers.Bidirectional):
        if recurrent.merge_mode != "concat" or recurrent.forward_layer.go_backwards:
            raise ValueError("Bidirectional must concatenate a forward and a backward LSTM")
        if not recurrent.backward_layer.go_backwards:
            raise ValueError("the backward LSTM must read backwards")
        layers = [recurrent.forward_layer, recurrent.backward_layer]
    else:
        if recurrent.go_backwards:
            raise ValueError("a lone LSTM must read forwards")
        layers = [recurrent]
    for layer in layers:
        cell = layer.cell
        if getattr(layer, "stateful", False) or not cell.use_bias:
            raise ValueError("stateful or bias-free LSTMs are not supported")
        if cell.activation is not keras.activations.tanh or cell.recurrent_activation is not keras.activations.sigmoid:
            raise ValueError("the LSTM must use tanh and sigmoid")
    return [layer.cell for layer in layers]


def _gate_order(weights: np.ndarray) -> np.ndarray:
    """Keras gate columns (input, forget, cell, output) to (input, forget, output, cell): one sigmoid slice."""
    i, f, g, o = np.split(np.asarray(weights, np.float32), 4, axis=-1)
    return np.concatenate([i, f, o, g], axis=-1)
