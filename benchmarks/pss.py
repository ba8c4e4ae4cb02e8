"""Wall time and peak memory of one command with every process it starts (Linux only).

Memory is the proportional set size (PSS: each shared page divided among the processes
sharing it) summed over the command's process tree, read from /proc/<pid>/smaps_rollup
every 50 ms by a sampler thread while the command runs; the peak of those sums is
reported. The tree is the command and its descendants, found through
/proc/<pid>/task/*/children, or through the parent field of every /proc/<pid>/stat where
the kernel does not offer that file. A process that lives less than 50 ms, or that
leaves the tree by daemonising, can be missed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SAMPLE_SECONDS = 0.05
METHOD = ("peak PSS summed over the command and all its descendants, sampled every "
          f"{SAMPLE_SECONDS * 1000:.0f} ms from /proc/<pid>/smaps_rollup")


def unsupported() -> str | None:
    """Why memory cannot be measured here, or None when it can."""
    if not sys.platform.startswith("linux"):
        return (f"memory is measured from /proc/<pid>/smaps_rollup, which only Linux has "
                f"(this is {sys.platform}); run the benchmark on Linux")
    if not Path(f"/proc/{os.getpid()}/smaps_rollup").exists():
        return "this kernel has no /proc/<pid>/smaps_rollup (Linux 4.14 or newer has)"
    return None


def _has_children_files() -> bool:
    """True when the kernel lists each thread's children (CONFIG_PROC_CHILDREN)."""
    return any(Path("/proc/self/task").glob("*/children"))


def _children_from_task_files(pid: int) -> list[int]:
    """The children of ``pid`` from /proc/<pid>/task/*/children."""
    children = []
    for path in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            children += [int(child) for child in path.read_text().split()]
        except (OSError, ValueError):  # the thread or process ended meanwhile
            continue
    return children


def _parent_map() -> dict[int, list[int]]:
    """Every process's children, from the parent field of each /proc/<pid>/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as file:
                stat = file.read()
        except OSError:
            continue
        # The name in parentheses may hold spaces and ')': the fields follow the last ')'.
        fields = stat[stat.rfind(b")") + 2:].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def process_tree(root: int, use_children_files: bool) -> list[int]:
    """``root`` and all its descendants that are alive now."""
    if use_children_files:
        def children_of(pid: int) -> list[int]:
            return _children_from_task_files(pid)
    else:
        parents = _parent_map()

        def children_of(pid: int) -> list[int]:
            return parents.get(pid, [])
    found, waiting = [], [root]
    while waiting:
        pid = waiting.pop()
        found.append(pid)
        waiting += [child for child in children_of(pid) if child not in found]
    return found


def pss_kb(pid: int) -> int:
    """The PSS of one process in KB (0 when it has ended or is a zombie)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as file:
            for line in file:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class PeakSampler:
    """Samples the PSS of a process tree in a thread until ``stop``; keeps the peak."""

    def __init__(self, root: int) -> None:
        self.root = root  #: the command's process id
        self.peak_kb = 0  #: the largest sum seen so far
        self.samples = 0  #: how many sums were taken
        self._children_files = _has_children_files()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> PeakSampler:
        """Begin sampling (the first sample is taken at once)."""
        self._thread.start()
        return self

    def _run(self) -> None:
        while True:
            total = sum(pss_kb(pid) for pid in process_tree(self.root, self._children_files))
            self.peak_kb = max(self.peak_kb, total)
            self.samples += 1
            if self._stopped.wait(SAMPLE_SECONDS):
                return

    def stop(self) -> int:
        """Stop sampling; the peak in KB."""
        self._stopped.set()
        self._thread.join()
        return self.peak_kb


def run_measured(command: list[str], folder: Path) -> tuple[float, float]:
    """Run ``command`` in ``folder``; its wall seconds and peak tree PSS in MB.

    Raises RuntimeError with the end of its error output when it fails.
    """
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=folder, stdout=subprocess.DEVNULL,
                                   stderr=errors)
        sampler = PeakSampler(process.pid).start()
        # The process is reaped only after the sampler has stopped, so its pid cannot be
        # reused meanwhile (a zombie counts 0); its children have exited by then.
        os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)
        seconds = time.perf_counter() - started
        peak_kb = sampler.stop()
        returncode = process.wait()
        if returncode != 0:
            errors.seek(0)
            tail = errors.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"{command[0]} exited with {returncode} in {folder}:\n{tail}")
    return seconds, peak_kb / 1024
