"""Run one task over many items, in order, in forked worker processes when that pays.

A task is a callable object holding what every item needs (the config, the detector,
the article sets); workers get it once, by fork, through the pool's initializer, never
pickled per item. Items go out in chunks and at most ``WINDOW`` chunks are in flight,
so results stream back in order and nothing waits in memory for the whole run.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

#: Fewer items than this are done in the main process: starting workers costs ~50 ms.
PARALLEL_FROM = 24
#: Chunks in flight per worker: enough to keep every worker busy, few enough to keep
#: memory flat.
WINDOW = 4

_TASK: Callable | None = None  #: the task of this worker process (set by ``_install``)


def _install(task: Callable) -> None:
    """Pool initializer: make ``task`` this worker's task."""
    global _TASK
    _TASK = task


def _run_chunk(chunk: list) -> list:
    """Apply this worker's task to every item of ``chunk``."""
    return [_TASK(item) for item in chunk]


def chunked(items: Iterable, size: int) -> Iterator[list]:
    """``items`` in lists of ``size`` (the last one shorter)."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def run_tasks(task: Callable, items: Iterable, count: int, jobs: int,
              progress: Callable | None = None, stage: str = "",
              on_started: Callable[[], None] | None = None) -> Iterator:
    """``task(item)`` for each of the ``count`` items, yielded in order; in ``jobs``
    forked processes when there are enough items. ``progress(stage, done, count)`` is
    called as results arrive; ``on_started()`` once every worker runs (never when
    there are none: the caller does that work itself)."""
    done = 0
    if jobs <= 1 or count < PARALLEL_FROM:
        for item in items:
            yield task(item)
            done += 1
            if progress:
                progress(stage, done, count)
        return
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = max(1, min(32, count // (jobs * 8)))
    context = multiprocessing.get_context("fork")
    if hasattr(task, "prepare"):
        task.prepare()  # load once, here, what every worker needs: shared by fork
    # Objects made so far stay out of the workers' garbage collections, which would
    # otherwise touch (and so copy) every page they share with this process.
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_install,
                                 initargs=(task,)) as pool:
            pending: deque = deque()
            for chunk in chunked(items, size):
                pending.append(pool.submit(_run_chunk, chunk))
                if on_started is not None and len(pending) == 1:
                    on_started()  # every worker is forked at the first submit
                if len(pending) >= jobs * WINDOW:
                    done = yield from _finish(pending.popleft(), done, count, progress,
                                              stage)
            while pending:
                done = yield from _finish(pending.popleft(), done, count, progress, stage)
    finally:
        gc.unfreeze()


def _finish(future, done: int, count: int, progress, stage: str):
    """Yield one chunk's results; return how many items are done."""
    for result in future.result():
        yield result
        done += 1
        if progress:
            progress(stage, done, count)
    return done
