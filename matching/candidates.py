"""Exact top-k candidates by blocked float32 matrix products, memory bounded by the block."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
import numpy.typing as npt

from matching.errors import MatchingInputError
from matching.types import BoolArray, Candidates, GroupMask, IntArray

__all__ = ["candidates"]

#: Default bound on one block's score matrix.
BLOCK_BYTES = 256 * 2**20

MaskArg = GroupMask | npt.ArrayLike | Callable[[IntArray], BoolArray] | None


def _as_matrix(arg: str, value: npt.ArrayLike) -> npt.NDArray[np.float32]:
    out = np.ascontiguousarray(value, dtype=np.float32)
    if out.ndim != 2:
        raise MatchingInputError(f"{arg} must be a 2-d array (n, dim), got shape {out.shape}")
    return out


def _require_finite(arg: str, value: npt.NDArray[np.float32]) -> None:
    if not np.all(np.isfinite(value)):
        raise MatchingInputError(f"{arg} must be finite")


_SMALL_BLOCK = 4_000_000  # entries of a score block below which numpy does the work


def _top_rows(block: npt.NDArray[np.float32], k: int) -> tuple[IntArray, npt.NDArray[np.float32]]:
    """Top-k of each row, best first, ties to the smaller column; -inf entries become -1."""
    n_rows, n_cols = block.shape
    kk = min(k, n_cols)
    # One more than asked for tells where the k-th value is tied with an unselected entry.
    take = min(kk + 1, n_cols)
    if block.size <= _SMALL_BLOCK:
        # Small problems (a district, the service's own runs): numpy, without importing torch.
        index = np.argpartition(-block, take - 1, axis=1)[:, :take].astype(np.int64)
        values = np.take_along_axis(block, index, axis=1)
    else:
        import torch  # torch.topk is ~10x faster than argpartition on large blocks

        values_t, index_t = torch.topk(torch.from_numpy(block), take, dim=1, sorted=False)
        values = values_t.numpy()
        index = index_t.numpy().astype(np.int64)
    order = np.lexsort((index, -values), axis=1)
    index = np.take_along_axis(index, order, axis=1)
    values = np.take_along_axis(values, order, axis=1)
    if take > kk:
        # Neither library promises which of equal values it keeps: where the k-th value equals
        # the next one, choose the smallest columns among all entries tied with it.
        theta = values[:, kk - 1]
        for r in np.flatnonzero((values[:, kk] == theta) & np.isfinite(theta)):
            row = block[r]
            cols = np.flatnonzero(row >= theta[r])
            best = np.lexsort((cols, -row[cols]))[:kk]
            index[r, :kk], values[r, :kk] = cols[best], row[cols[best]]
        index, values = index[:, :kk], values[:, :kk]
    out_index = np.full((n_rows, k), -1, dtype=np.int64)
    out_values = np.full((n_rows, k), np.nan, dtype=np.float32)
    valid = np.isfinite(values)
    out_index[:, :kk] = np.where(valid, index, -1)
    out_values[:, :kk] = np.where(valid, values, np.nan)
    return out_index, out_values


def _blocked_top(
    queries: npt.NDArray[np.float32],
    items: npt.NDArray[np.float32],
    k: int,
    block_size: int | None,
    allowed: Callable[[int, int], BoolArray] | None = None,
    items_name: str | None = None,
) -> tuple[IntArray, npt.NDArray[np.float32]]:
    """Top-k items of every query row, ``block_size`` query rows per matrix product.

    With ``items_name``, the items were not checked for NaN and infinities: each product
    block is (any non-finite entry of an item row makes its products non-finite), which for
    a few queries costs far less than a pass over all items.
    """
    n_q, n_i = queries.shape[0], items.shape[0]
    indices = np.full((n_q, k), -1, dtype=np.int64)
    scores = np.full((n_q, k), np.nan, dtype=np.float32)
    if n_q == 0 or n_i == 0:
        return indices, scores
    if block_size is None:
        block_size = max(1, min(n_q, BLOCK_BYTES // (4 * n_i)))
    rows = min(block_size, n_q)
    buffer = np.empty((rows, n_i), dtype=np.float32)
    large = rows * n_i > _SMALL_BLOCK
    if large:
        import torch  # its matrix product uses every core it is allowed; numpy's BLAS may not

        items_t = torch.from_numpy(items).T
    for start in range(0, n_q, block_size):
        stop = min(start + block_size, n_q)
        block = buffer[: stop - start]
        if large:
            torch.matmul(
                torch.from_numpy(queries[start:stop]), items_t, out=torch.from_numpy(block)
            )
        else:
            np.matmul(queries[start:stop], items.T, out=block)
        if items_name is not None and not np.all(np.isfinite(block)):
            raise MatchingInputError(f"{items_name} must be finite")
        if allowed is not None:
            ok = allowed(start, stop)
            if ok.shape != block.shape:
                raise MatchingInputError(f"mask returned shape {ok.shape}, expected {block.shape}")
            np.putmask(block, ~ok, -np.inf)
        indices[start:stop], scores[start:stop] = _top_rows(block, k)
    return indices, scores


def _grouped_top(
    queries: npt.NDArray[np.float32],
    items: npt.NDArray[np.float32],
    k: int,
    block_size: int | None,
    query_group: IntArray,
    item_group: IntArray,
    allowed: BoolArray,
    items_name: str | None,
) -> tuple[IntArray, npt.NDArray[np.float32]]:
    """Top-k where ``allowed[query_group[q], item_group[i]]`` decides which pairs may appear.

    Query groups that allow the same item groups are scored together against just those
    items: no pair outside the mask is computed, and no dense mask is built.
    """
    indices = np.full((queries.shape[0], k), -1, dtype=np.int64)
    scores = np.full((queries.shape[0], k), np.nan, dtype=np.float32)
    patterns, pattern_of_group = np.unique(allowed, axis=0, return_inverse=True)
    query_pattern = pattern_of_group.ravel()[query_group]
    for p, pattern in enumerate(patterns):
        q_rows = np.flatnonzero(query_pattern == p)
        i_rows = np.flatnonzero(pattern[item_group])
        if q_rows.size == 0 or i_rows.size == 0:
            continue
        sub_items = items if i_rows.size == items.shape[0] else items[i_rows]
        idx, val = _blocked_top(queries[q_rows], sub_items, k, block_size, None, items_name)
        indices[q_rows] = np.where(idx >= 0, i_rows[np.maximum(idx, 0)], -1)
        scores[q_rows] = val
    return indices, scores


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
    With a `GroupMask` (what `hard_requirement_mask` returns), each group of queries is
    scored only against the items it allows, so excluded pairs cost nothing; the working set
    then also holds a copy of those items' rows (at most the size of the item matrix).

    Parameters
    ----------
    talent_vectors : (n_talents, dim) array.
    demand_vectors : (n_demands, dim) array.
    k : candidates per query row.
    per : ``"demand"`` (top talents for each demand) or ``"talent"`` (top demands for each
        talent).
    mask : None; a `GroupMask`; a bool (n_talents, n_demands) array, True = allowed; or a
        callable ``mask(query_rows) -> (len(query_rows), n_items)`` bool in the query
        orientation.
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
    talents = _as_matrix("talent_vectors", talent_vectors)
    demands = _as_matrix("demand_vectors", demand_vectors)
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
    names = ("demand_vectors", "talent_vectors")
    q_name, i_name = names if per == "demand" else names[::-1]
    _require_finite(q_name, queries)
    # A new profile against the city: checking the (n_queries, n_items) products is cheaper
    # than a pass over every item; a full run checks the items once.
    check_blocks = queries.shape[0] < queries.shape[1]
    if not check_blocks:
        _require_finite(i_name, items)
    blocks_name = i_name if check_blocks else None
    if block_size is not None and (
        isinstance(block_size, bool) or not isinstance(block_size, int) or block_size < 1
    ):
        raise MatchingInputError(f"block_size must be a positive integer, not {block_size!r}")

    if isinstance(mask, GroupMask):
        if mask.talent_group.shape != (talents.shape[0],) or mask.demand_group.shape != (
            demands.shape[0],
        ):
            raise MatchingInputError(
                f"mask must label {talents.shape[0]} talents and {demands.shape[0]} demands, "
                f"got {mask.talent_group.shape[0]} and {mask.demand_group.shape[0]}"
            )
        if per == "demand":
            groups = (mask.demand_group, mask.talent_group, mask.allowed.T)
        else:
            groups = (mask.talent_group, mask.demand_group, mask.allowed)
        indices, scores = _grouped_top(queries, items, k, block_size, *groups, blocks_name)
        return Candidates(indices=indices, scores=scores, per=per)

    allowed: Callable[[int, int], BoolArray] | None = None
    if callable(mask):
        mask_fn = mask
        allowed = lambda start, stop: np.asarray(  # noqa: E731
            mask_fn(np.arange(start, stop, dtype=np.int64)), dtype=bool
        )
    elif mask is not None:
        dense_mask = np.asarray(mask, dtype=bool)
        if dense_mask.shape != (talents.shape[0], demands.shape[0]):
            raise MatchingInputError(
                f"mask must have shape (n_talents, n_demands) = "
                f"{(talents.shape[0], demands.shape[0])}, got {dense_mask.shape}"
            )
        oriented = dense_mask.T if per == "demand" else dense_mask
        allowed = lambda start, stop: oriented[start:stop]  # noqa: E731
    indices, scores = _blocked_top(queries, items, k, block_size, allowed, blocks_name)
    return Candidates(indices=indices, scores=scores, per=per)
