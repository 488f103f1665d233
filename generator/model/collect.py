"""How often Python's cyclic garbage collector runs while the generator makes many objects.

With Python's default threshold (a young-generation collection every 700 allocations, and with it
now and then a pass over everything), a stage that makes hundreds of thousands of objects it keeps
(loading and validating 10,000 studies) or throws away (WeasyPrint laying out a report) spends
much of its time in collections that find little. Those stages collect less often; the thresholds
are put back afterwards.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

LOADING_GC_THRESHOLD = 100_000
"""Allocations between two young-generation collections while the data is loaded, validated and
indexed. At 10,000 studies (a script timing the bench's stages on its synthetic data, default
threshold against this one): load 4.03 -> 3.63 s, validate 1.29 -> 0.51 s, index 1.65 -> 1.63 s;
validation grew 14x for 10x the data with the default, 9x with this."""


@contextlib.contextmanager
def fewer_collections(threshold: int, collect_after: bool = False) -> Iterator[None]:
    """Collect the young generation every `threshold` allocations inside the block; with
    `collect_after`, everything once when it ends (for a block that leaves garbage in cycles)."""
    thresholds = gc.get_threshold()
    gc.set_threshold(threshold, *thresholds[1:])
    try:
        yield
    finally:
        if collect_after:
            gc.collect()
        gc.set_threshold(*thresholds)


FULL_COLLECTIONS_DEFERRED = 1_000_000
"""Young-generation collections between two passes over everything, where those are deferred."""


@contextlib.contextmanager
def one_full_collection_after() -> Iterator[None]:
    """No pass over everything inside the block (young collections go on), one when it ends.

    Python passes over every object once the objects that survived since its last such pass are a
    quarter of those that had before: the live preview, whose every refresh makes a new index of
    the whole knowledge base, made one in nearly every refresh, at 10,000 studies half a second of
    a page's way to the screen (a script timing `pages.plan` on such an index: 0.09 s, 0.68 s when
    the pass fell in it; `gc.collect()` alone 0.50 s). Deferred to the end of the refresh, the
    pass comes after the pages are written."""
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], FULL_COLLECTIONS_DEFERRED)
    try:
        yield
    finally:
        gc.set_threshold(*gc.get_threshold()[:2], thresholds[2])
        gc.collect()


@contextlib.contextmanager
def left_out_of_collections() -> Iterator[None]:
    """Everything alive when the block begins is left out of the collector's passes until it ends
    (`gc.freeze`): the loaded index, which lives through the block.

    A full generate renders each language in a forked process. There a pass of the collector over
    the inherited index finds nothing to free, and writes to every object's header as it goes, so the
    process copies the memory it shared with the build, page by page. At 10,000 studies, a warm
    generate with one finding edited (a script timing its stages, two runs each): the languages'
    processes 5.8 and 7.0 s with the index in the collector's passes, 4.5 and 4.4 s without. Put
    back when the block ends, no pass is made then: the next one, if the process makes one,
    goes over everything again.

    The block begins before the pages are planned: a pass that fell in planning them went over the
    whole index too (at 10,000 studies `plan` took 0.8-1.0 s in a warm generate, 0.1 s in the block)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
