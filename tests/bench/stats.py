"""Percentiles and formatting shared by the benchmark modules."""

import math
import os
import time
from collections.abc import Sequence


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0..100) by the nearest-rank method; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summary_ms(seconds: Sequence[float]) -> dict[str, float]:
    """p50, p90, p99, max and mean of latencies given in seconds, in milliseconds."""
    return {
        "n": len(seconds),
        "p50_ms": round(percentile(seconds, 50) * 1000, 2),
        "p90_ms": round(percentile(seconds, 90) * 1000, 2),
        "p99_ms": round(percentile(seconds, 99) * 1000, 2),
        "max_ms": round(max(seconds) * 1000, 2) if seconds else math.nan,
        "mean_ms": round(sum(seconds) / len(seconds) * 1000, 2) if seconds else math.nan,
    }


def _cpu_times() -> tuple[int, int, int, int] | None:
    """(busy, total, steal, interrupts) jiffies over all CPUs from /proc/stat; None off Linux."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    busy = user + nice + system + irq + softirq + steal
    return busy, busy + idle + iowait, steal, irq + softirq


def _processes() -> dict[int, tuple[int, str, int]]:
    """pid → (parent pid, command name, CPU jiffies used so far) of every process visible in /proc."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                text = stat.read()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        table[int(entry)] = (int(fields[1]), name, int(fields[11]) + int(fields[12]))
    return table


def _descendants(table: dict[int, tuple[int, str, int]], root: int) -> set[int]:
    found = {root}
    grew = True
    while grew:
        grew = False
        for pid, (parent, _name, _jiffies) in table.items():
            if parent in found and pid not in found:
                found.add(pid)
                grew = True
    return found


class CpuMeter:
    """How busy the machine was between creation and `read()`, in cores (of os.cpu_count()).

    `own_cores`: this process and its descendants (gunicorn and its workers), plus every `postgres` process (the
    bench's backends, those opened since included, and the WAL writer its commits need; another user's PostgreSQL
    work is counted here too), plus `extra_seconds` of CPU reported by children that have exited (the load
    generator's processes), plus the kernel's interrupt work (`interrupt_cores`: mostly the loopback traffic between
    the load generator, gunicorn and PostgreSQL, charged to no process; about 0.05 cores at 300 requests/s).
    `other_cores`: the rest, i.e. other work on the machine that competed with the bench.
    """

    def __init__(self) -> None:
        self.wall = time.monotonic()
        self.start = _cpu_times()
        self.table = _processes() if self.start is not None else {}

    def read(self, extra_seconds: float = 0.0) -> dict[str, float]:
        end = _cpu_times()
        if self.start is None or end is None or end[1] == self.start[1]:
            return {}
        table = _processes()
        tick = os.sysconf("SC_CLK_TCK")
        cores = os.cpu_count() or 1
        wall = time.monotonic() - self.wall
        ours = _descendants(table, os.getpid())
        own = sum(  # a process started since (a backend a gunicorn worker opened in the warm-up): all its CPU
            jiffies - (self.table[pid][2] if pid in self.table else 0)
            for pid, (_parent, name, jiffies) in table.items()
            if pid in ours or name == "postgres"
        )
        total = end[1] - self.start[1]
        busy = (end[0] - self.start[0]) / total * cores
        interrupts = (end[3] - self.start[3]) / total * cores
        own_cores = min(busy, own / tick / wall + extra_seconds / wall + interrupts)
        return {
            "busy_cores": round(busy, 2),
            "own_cores": round(own_cores, 2),
            "interrupt_cores": round(interrupts, 2),
            "other_cores": round(max(busy - own_cores, 0.0), 2),
            "steal_pct": round((end[2] - self.start[2]) / total * 100, 1),
        }
