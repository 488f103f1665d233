"""What a process that renders reports does around WeasyPrint: collect less often, measure its peak memory.

Peak RSS is measured instead of tracemalloc: tracemalloc made WeasyPrint five times slower
(1.0 s -> 5.9 s for a 14-page report), which would falsify the timings, and it misses what Pango
and HarfBuzz allocate.
"""

from __future__ import annotations

import contextlib
import resource
from pathlib import Path

from generator.model.collect import fewer_collections

RENDERING_GC_THRESHOLD = 50_000
"""Allocations between two young-generation collections while WeasyPrint renders (Python's default: 700)."""


def fewer_rendering_collections() -> contextlib.AbstractContextManager[None]:
    """WeasyPrint makes millions of short-lived objects (boxes, styles, lines): with Python's default
    threshold the cyclic collector runs thousands of times a report, over everything the build holds.
    Collecting the young generation every 50,000 allocations instead, and everything once when the
    report is written (a report leaves some 400,000 objects in cycles: without it a rendering
    process grows by 150 MB over a few reports), renders the same bytes with less CPU (README,
    issue 16). The thresholds are reset afterwards."""
    return fewer_collections(RENDERING_GC_THRESHOLD, collect_after=True)


def reset_peak_rss() -> None:
    """Start a new peak-memory measurement (Linux: '5' resets VmHWM to the current RSS)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass  # elsewhere the figure is the process's peak so far


def peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
