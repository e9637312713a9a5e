"""Streaming a CSV report as it is read.

One thread runs the report on its own connection and writes CSV into a bounded queue the
response reads, so memory holds a few chunks whatever the report's length, and a download the
browser drops stops the query.
"""
from __future__ import annotations

import io
import logging
import queue
import threading
from typing import AsyncIterator, BinaryIO, Callable

import anyio
from starlette.requests import Request

log = logging.getLogger("cstrain.server")


class _Cancelled(Exception):
    pass


class _Pipe(io.RawIOBase):
    """A bounded queue of byte chunks: the report thread writes, the response reads, so memory
    holds a few chunks however long the report is."""

    def __init__(self):
        self.chunks: queue.Queue = queue.Queue(maxsize=8)
        self.cancelled = threading.Event()
        self.failed = False

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        chunk = bytes(data)
        while True:
            if self.cancelled.is_set():
                raise _Cancelled()
            try:
                self.chunks.put(chunk, timeout=0.5)
                return len(chunk)
            except queue.Full:
                continue


async def stream(request: Request, name: str, write: Callable[[BinaryIO], object]) -> AsyncIterator[bytes]:
    """The bytes ``write(out)`` writes, as it writes them, in a thread of its own. A failure
    part-way breaks the connection: a cut-off file must not look complete."""
    pipe = _Pipe()
    out = io.BufferedWriter(pipe, buffer_size=64 * 1024)

    def produce():  # one thread owns the connection from start to end
        try:
            write(out)
            out.flush()
        except _Cancelled:
            pass
        except Exception:
            log.exception("report %s failed", name)
            pipe.failed = True
        finally:
            try:
                pipe.chunks.put_nowait(None)
            except queue.Full:
                pass  # the reader is gone; nobody waits for the end

    threading.Thread(target=produce, name=f"report-{name}", daemon=True).start()
    try:
        while True:
            chunk = await anyio.to_thread.run_sync(pipe.chunks.get)
            if chunk is None:
                break
            yield chunk
            # uvicorn drops writes to a closed connection silently: ask, so a dropped
            # download stops the report instead of reading it to the end for nobody
            if await request.is_disconnected():
                return
        if pipe.failed:
            raise RuntimeError(f"report {name} failed part-way")
    finally:
        pipe.cancelled.set()
