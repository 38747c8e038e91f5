"""Reading the next export's Connections.csv in a worker process while the import writes the
current one (:class:`ReadAhead`)."""

from __future__ import annotations

import gc
import multiprocessing
import pickle
import queue
import signal
import sys
from collections.abc import Iterator

from ..errors import GraphwarmError
from .linkedin import ConnectionRow, ConnectionsReader
from .linkedin_export import Part

__all__ = ["ReadAhead"]


class ReadAhead:
    """Parses the Connections.csv of several exports in a worker process, in order.

    While the import resolves and writes one export, the next one's file is being read on
    the other core. Rows come through a bounded queue in chunks, so memory stays bounded
    whatever the size of the files; each file's counts, skipped rows and notes follow its
    rows, and an error comes where it happened, with its file, line and hint, to be raised
    when the import gets there. The rows are those :meth:`ConnectionsReader.parsed` gives.
    Use it as a context manager: leaving it stops the worker.
    """

    _CHUNK_ROWS = 1000
    _QUEUE_CHUNKS = 24  # at most this many chunks read ahead (~24,000 rows, a few MB)

    def __init__(self, parts: list[Part]) -> None:
        ctx = multiprocessing.get_context("fork")
        self._parts = parts
        self._next = 0
        self._queue = ctx.Queue(maxsize=self._QUEUE_CHUNKS)
        self._process = ctx.Process(
            target=_read_ahead,
            args=(parts, self._queue, self._CHUNK_ROWS),
            name="graphwarm-read-ahead",
            daemon=True,
        )
        gc.freeze()  # the worker is a fork: keep its garbage collector off the parent's pages
        try:
            self._process.start()
        finally:
            gc.unfreeze()

    @staticmethod
    def available() -> bool:
        """Whether this platform can fork a worker (Linux and other Unixes but macOS)."""
        return "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin"

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._queue.close()

    def rows(self, reader: ConnectionsReader) -> Iterator[ConnectionRow]:
        """The parsed rows of ``reader``'s file; then its counts, skipped rows and notes."""
        index = next(i for i, p in enumerate(self._parts) if p is reader.part)
        while self._next < index:  # a file that was never read through: pass over its rows
            for _ in self._stream(None):
                pass
        if self._next != index:
            raise RuntimeError(f"{reader.part.source.name} was already read")
        return self._stream(reader)

    def _stream(self, reader: ConnectionsReader | None) -> Iterator[ConnectionRow]:
        while True:
            message = self._get()
            if message[0] == "rows":
                yield from message[1]
                continue
            self._next += 1
            if message[0] == "end":
                if reader is not None:
                    reader.rows_read, reader.skipped, reader.dates, notes = message[1:]
                    reader.notes.extend(notes)
                return
            if message[0] == "error":
                cls, text, file, line, column, hint = message[1:]
                raise cls(text, file=file, line=line, column=column, hint=hint)
            raise message[1]

    def _get(self) -> tuple:
        while True:
            try:
                return self._queue.get(timeout=1.0)
            except queue.Empty:
                if self._process.exitcode is None:
                    continue
            try:  # the worker has ended: whatever it sent is in the pipe by now
                return self._queue.get(timeout=1.0)
            except queue.Empty:
                raise RuntimeError(
                    "the process reading Connections.csv ahead stopped unexpectedly "
                    f"(exit code {self._process.exitcode})"
                ) from None


def _read_ahead(parts: list[Part], out: multiprocessing.Queue, chunk_rows: int) -> None:
    """The worker of :class:`ReadAhead`: each part's rows in chunks, then its summary."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    gc.disable()  # rows are plain tuples: no cycles to collect
    for part in parts:
        try:
            reader = ConnectionsReader(part, lookup=False)
            chunk: list[ConnectionRow] = []
            for row in reader.parsed():
                chunk.append(row)
                if len(chunk) == chunk_rows:
                    out.put(("rows", chunk))
                    chunk = []
            if chunk:
                out.put(("rows", chunk))
            out.put(("end", reader.rows_read, reader.skipped, reader.dates, reader.notes))
        except GraphwarmError as err:
            out.put(("error", type(err), err.message, err.file, err.line, err.column, err.hint))
            return
        except Exception as err:  # a bug: hand it over as it is, if it can travel
            try:
                pickle.dumps(err)
            except Exception:
                err = RuntimeError(f"reading {part.source.name}: {err!r}")
            out.put(("failed", err))
            return
