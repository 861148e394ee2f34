"""Garbage-collector tuning of a long-running server (not of library code)."""

import gc


def keep_out_of_gc() -> None:
    """Move what is alive now (tables, cached snapshots: millions of small objects) out of
    the cyclic garbage collector's reach. Its full collections otherwise walk them all and
    triple the slowest rankings (p99 107 ms vs 36 ms at p50 33 ms, 5,000 employees).

    The server calls it once the serving context is loaded and after each cache fill."""
    gc.collect()
    gc.freeze()


def freeze_serving(context) -> None:
    """Freeze ``context``'s tables now and whatever its cache fills later."""
    context.after_fill = keep_out_of_gc
    keep_out_of_gc()
