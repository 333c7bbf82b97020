"""Exact top-k candidates by blocked float32 matrix products, memory bounded by the block."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
import numpy.typing as npt

from matching.errors import MatchingInputError
from matching.types import BoolArray, Candidates, IntArray

__all__ = ["candidates"]

#: Default bound on one block's score matrix.
BLOCK_BYTES = 256 * 2**20

MaskArg = npt.ArrayLike | Callable[[IntArray], BoolArray] | None


def _check_matrix(arg: str, value: npt.ArrayLike) -> npt.NDArray[np.float32]:
    out = np.ascontiguousarray(value, dtype=np.float32)
    if out.ndim != 2:
        raise MatchingInputError(f"{arg} must be a 2-d array (n, dim), got shape {out.shape}")
    if not np.all(np.isfinite(out)):
        raise MatchingInputError(f"{arg} must be finite")
    return out


_SMALL_BLOCK = 4_000_000  # entries of a score block below which numpy selects the top k


def _top_rows(block: npt.NDArray[np.float32], k: int) -> tuple[IntArray, npt.NDArray[np.float32]]:
    """Top-k of each row, best first, ties to the smaller column; -inf entries become -1."""
    n_rows, n_cols = block.shape
    kk = min(k, n_cols)
    if block.size <= _SMALL_BLOCK:
        # Small problems (a district, the service's own runs): numpy, without importing torch.
        index = np.argpartition(-block, kk - 1, axis=1)[:, :kk].astype(np.int64)
        values = np.take_along_axis(block, index, axis=1)
    else:
        import torch  # torch.topk is ~10x faster than argpartition on large blocks

        values_t, index_t = torch.topk(torch.from_numpy(block), kk, dim=1, sorted=False)
        values = values_t.numpy()
        index = index_t.numpy().astype(np.int64)
    # torch does not promise which of equal values it keeps: where the k-th value is tied
    # with an unselected entry, choose the smallest columns among the tied ones.
    theta = values.min(axis=1)
    n_at_least = np.count_nonzero(block >= theta[:, None], axis=1)
    for r in np.flatnonzero(n_at_least > kk):
        row = block[r]
        cols = np.flatnonzero(row >= theta[r])
        order = np.lexsort((cols, -row[cols]))[:kk]
        index[r], values[r] = cols[order], row[cols[order]]
    order = np.lexsort((index, -values), axis=1)
    index = np.take_along_axis(index, order, axis=1)
    values = np.take_along_axis(values, order, axis=1)
    out_index = np.full((n_rows, k), -1, dtype=np.int64)
    out_values = np.full((n_rows, k), np.nan, dtype=np.float32)
    valid = np.isfinite(values)
    out_index[:, :kk] = np.where(valid, index, -1)
    out_values[:, :kk] = np.where(valid, values, np.nan)
    return out_index, out_values


def candidates(
    talent_vectors: npt.ArrayLike,
    demand_vectors: npt.ArrayLike,
    *,
    k: int = 50,
    per: Literal["demand", "talent"] = "demand",
    mask: MaskArg = None,
    block_size: int | None = None,
) -> Candidates:
    """Exact top-k by inner product (cosine for unit rows) for each demand, or each talent.

    Query rows are scored ``block_size`` at a time against all items with one float32 matrix
    product; pairs the mask excludes never appear. The working set is one
    (block_size, n_items) float32 block (and its mask), whatever the number of queries.

    Parameters
    ----------
    talent_vectors : (n_talents, dim) array.
    demand_vectors : (n_demands, dim) array.
    k : candidates per query row.
    per : ``"demand"`` (top talents for each demand) or ``"talent"`` (top demands for each
        talent).
    mask : None; a bool (n_talents, n_demands) array, True = allowed; or a callable
        ``mask(query_rows) -> (len(query_rows), n_items)`` bool in the query orientation
        (`hard_requirement_mask` builds one).
    block_size : query rows per block; None keeps a block under 256 MiB.

    Returns
    -------
    Candidates

    Raises
    ------
    MatchingInputError
        Bad shapes, a non-positive ``k`` or ``block_size``, an unknown ``per``.

    Examples
    --------
    >>> t = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]])
    >>> d = np.array([[0.0, 1.0]])
    >>> c = candidates(t, d, k=2)
    >>> c.indices.tolist(), c.scores.astype(float).round(2).tolist()
    ([[2, 1]], [[1.0, 0.8]])
    >>> candidates(t, d, k=2, per="talent").indices[:, 0].tolist()
    [0, 0, 0]
    """
    talents = _check_matrix("talent_vectors", talent_vectors)
    demands = _check_matrix("demand_vectors", demand_vectors)
    if talents.shape[1] != demands.shape[1]:
        raise MatchingInputError(
            f"talent_vectors and demand_vectors differ in dim "
            f"({talents.shape[1]} != {demands.shape[1]})"
        )
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise MatchingInputError(f"k must be a positive integer, not {k!r}")
    if per == "demand":
        queries, items = demands, talents
    elif per == "talent":
        queries, items = talents, demands
    else:
        raise MatchingInputError(f"per must be 'demand' or 'talent', not {per!r}")
    n_q, n_i = queries.shape[0], items.shape[0]
    dense_mask: BoolArray | None = None
    mask_fn: Callable[[IntArray], BoolArray] | None = None
    if callable(mask):
        mask_fn = mask
    elif mask is not None:
        dense_mask = np.asarray(mask, dtype=bool)
        if dense_mask.shape != (talents.shape[0], demands.shape[0]):
            raise MatchingInputError(
                f"mask must have shape (n_talents, n_demands) = "
                f"{(talents.shape[0], demands.shape[0])}, got {dense_mask.shape}"
            )
        if per == "demand":
            dense_mask = dense_mask.T
    if block_size is None:
        block_size = max(1, min(max(n_q, 1), BLOCK_BYTES // (4 * max(n_i, 1))))
    if isinstance(block_size, bool) or not isinstance(block_size, int) or block_size < 1:
        raise MatchingInputError(f"block_size must be a positive integer, not {block_size!r}")

    indices = np.full((n_q, k), -1, dtype=np.int64)
    scores = np.full((n_q, k), np.nan, dtype=np.float32)
    if n_q == 0 or n_i == 0:
        return Candidates(indices=indices, scores=scores, per=per)
    buffer = np.empty((min(block_size, n_q), n_i), dtype=np.float32)
    items_t = items.T
    for start in range(0, n_q, block_size):
        stop = min(start + block_size, n_q)
        block = buffer[: stop - start]
        np.matmul(queries[start:stop], items_t, out=block)
        if dense_mask is not None or mask_fn is not None:
            rows = np.arange(start, stop, dtype=np.int64)
            allowed = dense_mask[start:stop] if dense_mask is not None else mask_fn(rows)  # type: ignore[misc]
            allowed = np.asarray(allowed, dtype=bool)
            if allowed.shape != block.shape:
                raise MatchingInputError(
                    f"mask returned shape {allowed.shape}, expected {block.shape}"
                )
            block[~allowed] = -np.inf
        indices[start:stop], scores[start:stop] = _top_rows(block, k)
    return Candidates(indices=indices, scores=scores, per=per)
