r"""Sharding on Dask: split work into fixed shards, run them on a ``distributed.Client``, merge.

Every numeric entry point that takes ``client=`` uses this module:

* :func:`shard_ranges` cuts ``n`` items into contiguous ranges.  Where a result depends on how
  the items are grouped (random draws per block, greedy nets per shard), the ranges come from a
  fixed *block size*, never from the number of workers, so a result is the same for any cluster;
* :func:`map_shards` submits one task per range (``pure=False``: a task is never deduplicated, and
  a retried task recomputes its own range only), gathers the results in range order and updates a
  progress bar as tasks finish.  A task whose worker dies is rescheduled by the scheduler on
  another worker; a task that raises is retried ``retries`` times.  Each range is computed exactly
  once in the gathered result: a rescheduled task's first, lost attempt never reaches the client;
* :class:`RatioMoments` is the mergeable statistic of a clustered ratio estimator (Chan, Golub and
  LeVeque's pairwise update of a sum of squares, extended to ratios): workers return one per
  block, the client merges them in block order, so the merge order — and hence the floating-point
  result — does not depend on which worker ran which block.

Memory: a task holds its shard (plus the data every shard needs, broadcast once per worker);
the client holds the per-shard summaries.

Merging ratio statistics.  A block holds clusters ``i`` with a sum ``a_i`` and a count ``c_i``;
the ratio estimator is ``m = A / C`` (``A = sum a_i``, ``C = sum c_i``) and its clustered variance
needs ``Q(m) = sum_i (a_i - m c_i)^2``.  With a block's own ratio ``m_b`` and
``R_b = sum_i c_i (a_i - m_b c_i)``, ``C2_b = sum_i c_i^2``, the identity
``a_i - m c_i = (a_i - m_b c_i) + (m_b - m) c_i`` gives, squared and summed over the block,

.. math:: Q_b(m) = Q_b(m_b) + 2 (m_b - m) R_b + (m_b - m)^2 C2_b,

so ``Q(m) = sum_b Q_b(m)`` is computed from per-block numbers only, without the cancellation of
``sum a_i^2 - 2 m sum a_i c_i + m^2 sum c_i^2``.  Blocks may hold their sums in units of their own
scale ``s_b`` (``a_i = sum e^p / s_b^p``, so that no power overflows); bringing a block to a common
scale ``s >= s_b`` multiplies ``A``, ``R``, ``m_b`` by ``f = (s_b / s)^p`` and ``Q`` by ``f^2``.

Examples
--------
>>> shard_ranges(10, block=4)
[(0, 4), (4, 8), (8, 10)]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._validation import check_integer
from ..errors import InvalidTypeError

__all__ = ["Moments", "RatioMoments", "check_client", "map_shards", "n_threads", "n_workers", "shard_ranges"]


def check_client(client) -> None:
    """Raise :class:`~symbound.errors.InvalidTypeError` unless ``client`` is None or behaves like a
    ``distributed.Client`` (has ``submit``, ``gather`` and ``scatter``)."""
    if client is None:
        return
    if not all(callable(getattr(client, nm, None)) for nm in ("submit", "gather", "scatter")):
        raise InvalidTypeError(
            f"client must be a dask.distributed.Client or None, got {type(client).__name__}")


def n_workers(client) -> int:
    """Number of workers the scheduler knows (at least 1)."""
    info = getattr(client, "scheduler_info", None)
    return max(1, len(info().get("workers", {}))) if callable(info) else 1


def n_threads(client) -> int:
    """Total number of worker threads the scheduler knows (at least 1)."""
    info = getattr(client, "scheduler_info", None)
    workers = info().get("workers", {}) if callable(info) else {}
    return max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))


def shard_ranges(n: int, block: int | None = None, n_shards: int | None = None) -> list[tuple[int, int]]:
    """Contiguous ranges covering ``0..n``: of ``block`` items each (the last one shorter), or
    ``n_shards`` ranges of nearly equal length.  Empty ranges are left out.

    Examples
    --------
    >>> shard_ranges(5, n_shards=2)
    [(0, 2), (2, 5)]
    """
    if block is not None:
        block = check_integer("block", block, 1)
        return [(a, min(n, a + block)) for a in range(0, n, block)]
    n_shards = max(1, min(int(n_shards or 1), max(n, 1)))
    edges = np.linspace(0, n, n_shards + 1).astype(int)
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:]) if b > a]


#: resubmissions of a task whose inputs were lost with a worker
_RESUBMITS = 3


def _lost_worker(exc: BaseException) -> bool:
    """Whether ``exc`` says a task was lost with its worker (cancelled for lost inputs, the
    connection closed, or the worker killed), not that the task itself raised."""
    from concurrent.futures import CancelledError

    from distributed.comm.core import CommClosedError
    from distributed.scheduler import KilledWorker

    return isinstance(exc, (CancelledError, CommClosedError, KilledWorker))


def map_shards(client, fn, tasks: list[tuple], *, broadcast: tuple = (), retries: int = 1,
               bar=None, weights: list[int] | None = None, in_flight: int | None = None) -> list:
    """Run ``fn(*broadcast, *task)`` for every task on ``client`` and return the results in task
    order.

    ``broadcast`` is scattered once to every worker (data every task needs); each tuple of
    ``tasks`` is sent with its task only (arrays over 64 KiB scattered to the worker that runs
    it).  ``retries``: attempts after a task raised (a worker that dies is handled by the
    scheduler, which reruns its tasks elsewhere).  ``bar``: a tqdm bar advanced by ``weights[k]``
    when task ``k`` finishes.  ``in_flight``: tasks submitted at a time (default two per worker
    thread): worker memory is bounded by that many shards.
    """
    from distributed import as_completed

    # hash=False: a fresh key per call (scattering equal data twice under one hashed key races
    # with the release of the first call's copy: "lost dependencies")
    shared = [client.scatter(v, broadcast=True, hash=False) for v in broadcast]
    # a window of tasks in flight (two per worker thread): the next task is submitted when one
    # finishes, its arrays scattered then (sent to one worker as data, not inside the task graph),
    # and each result is fetched as its task finishes and its future released at once, so the
    # workers hold the inputs and results of the tasks in the window only
    window = max(1, int(in_flight or 2 * n_threads(client)))
    results: list = [None] * len(tasks)
    index: dict = {}
    queue = as_completed()

    def submit(k):
        args = [client.scatter(v, hash=False) if isinstance(v, np.ndarray) and v.nbytes > 2**16
                else v for v in tasks[k]]
        fut = client.submit(fn, *shared, *args, pure=False, retries=retries)
        index[fut.key] = k
        queue.add(fut)

    nxt = min(window, len(tasks))
    for k in range(nxt):
        submit(k)
    resubmitted = [0] * len(tasks)
    for fut in queue:
        k = index.pop(fut.key)
        try:
            result = fut.result()
        except Exception as exc:
            # a worker died holding this task's scattered inputs: the scheduler forgets them and
            # cancels the task ("lost dependencies"); scatter the inputs again and resubmit (the
            # result of task k is stored once, so nothing is counted twice)
            if not _lost_worker(exc) or resubmitted[k] >= _RESUBMITS:
                raise
            resubmitted[k] += 1
            fut.release()
            submit(k)
            continue
        results[k] = result
        fut.release()
        if bar is not None:
            bar.update(weights[k] if weights is not None else 1)
        if nxt < len(tasks):
            submit(nxt)
            nxt += 1
    return results


@dataclass(frozen=True)
class RatioMoments:
    """Mergeable statistics of a clustered ratio estimator (module docstring: the merge formula).

    Attributes
    ----------
    a_sum, c_sum : ``A = sum a_i`` (in units of ``scale ** p``) and ``C = sum c_i``.
    c2_sum : ``sum c_i^2``.
    q : ``sum (a_i - m c_i)^2`` at the block's own ratio ``m = A / C`` (0 when C = 0).
    r : ``sum c_i (a_i - m c_i)`` at that ratio.
    n_clusters : clusters with ``c_i > 0``.
    scale : the unit of the sums (``a_i`` holds ``sum e^p / scale^p``); 0 when every e was 0.
    p : the exponent.
    """

    a_sum: float
    c_sum: float
    c2_sum: float
    q: float
    r: float
    n_clusters: int
    scale: float
    p: float

    @classmethod
    def from_arrays(cls, a: np.ndarray, c: np.ndarray, scale: float, p: float) -> "RatioMoments":
        """Statistics of clusters with sums ``a`` (units ``scale ** p``) and counts ``c``."""
        A, C = float(a.sum()), float(c.sum())
        m = A / C if C > 0 else 0.0
        resid = a - m * c
        return cls(A, C, float(c @ c), float(resid @ resid), float(c @ resid),
                   int(np.count_nonzero(c)), float(scale), float(p))

    @property
    def ratio(self) -> float:
        """``A / C`` in units of ``scale ** p`` (0 when C = 0)."""
        return self.a_sum / self.c_sum if self.c_sum > 0 else 0.0

    def rescaled(self, scale: float) -> "RatioMoments":
        """The same statistics in units of ``scale ** p`` (``scale >= self.scale``, or 0 when both are)."""
        if scale == self.scale:
            return self
        f = (self.scale / scale) ** self.p if scale > 0 else 0.0
        return RatioMoments(f * self.a_sum, self.c_sum, self.c2_sum, f * f * self.q, f * self.r,
                            self.n_clusters, scale, self.p)

    @staticmethod
    def merge(parts: list["RatioMoments"]) -> "RatioMoments":
        """Merge blocks (in the given order) into the statistics of their union."""
        scale = max(b.scale for b in parts)
        parts = [b.rescaled(scale) for b in parts]
        A = math.fsum(b.a_sum for b in parts)
        C = math.fsum(b.c_sum for b in parts)
        m = A / C if C > 0 else 0.0
        q = math.fsum(b.q + 2.0 * (b.ratio - m) * b.r + (b.ratio - m) ** 2 * b.c2_sum for b in parts)
        r = math.fsum(b.r + (b.ratio - m) * b.c2_sum for b in parts)
        return RatioMoments(A, C, math.fsum(b.c2_sum for b in parts), max(q, 0.0), r,
                            sum(b.n_clusters for b in parts), scale, parts[0].p)


@dataclass(frozen=True)
class Moments:
    """Mergeable count, mean and centred sum of squares of vectors (columns independent), each
    column in units of its own scale (Welford; Chan, Golub and LeVeque's pairwise merge).

    For blocks ``(n_1, mean_1, M2_1)`` and ``(n_2, mean_2, M2_2)`` with ``delta = mean_2 - mean_1``
    the union has ``n = n_1 + n_2``, ``mean = mean_1 + delta n_2 / n`` and
    ``M2 = M2_1 + M2_2 + delta^2 n_1 n_2 / n``.  Values are held divided by ``scale`` (the largest
    absolute value seen in the column, 0 for an all-zero column), so squares never overflow;
    bringing a block to a larger scale multiplies its mean by ``f = scale_b / scale`` and its M2 by
    ``f^2``.  Merging fixed blocks in a fixed order gives the same floating-point result however the
    data arrived (batch sizes, threads, tasks).

    Attributes
    ----------
    n : number of rows.
    mean, m2 : (k,) arrays in units of ``scale`` and ``scale**2``.
    scale : (k,) array.
    """

    n: int
    mean: np.ndarray
    m2: np.ndarray
    scale: np.ndarray

    @classmethod
    def of_block(cls, v: np.ndarray) -> "Moments":
        """The statistics of the rows of ``v`` (shape ``(n, k)``, finite)."""
        scale = np.max(np.abs(v), axis=0) if v.shape[0] else np.zeros(v.shape[1])
        u = v / np.where(scale > 0, scale, 1.0)
        mean = u.mean(axis=0) if v.shape[0] else np.zeros(v.shape[1])
        d = u - mean
        return cls(int(v.shape[0]), mean, np.einsum("ij,ij->j", d, d), scale)

    def merge(self, other: "Moments") -> "Moments":
        """The statistics of the union of the two blocks' rows."""
        if other.n == 0:
            return self
        if self.n == 0:
            return other
        scale = np.maximum(self.scale, other.scale)
        safe = np.where(scale > 0, scale, 1.0)
        f1, f2 = self.scale / safe, other.scale / safe
        m1, m2 = self.mean * f1, other.mean * f2
        n = self.n + other.n
        delta = m2 - m1
        mean = m1 + delta * (other.n / n)
        M2 = self.m2 * f1 * f1 + other.m2 * f2 * f2 + delta * delta * (self.n * other.n / n)
        return Moments(n, mean, M2, scale)
