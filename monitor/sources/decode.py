"""Content-Encoding decoding with a hard bound on memory (gzip/deflate bombs).

Owns: undoing `Content-Encoding: gzip | deflate` (in any stacked order, a
few layers at most) in small steps, so that no single step can inflate more
than `STEP` bytes, whatever the compression ratio. httpx's own decoders
inflate each network chunk in one call: a 980-byte "gzip, gzip" response
made of 512 MB of zeros took the process to more than 1 GB before any size
check could run. Does not own: the HTTP exchange or the body size limit
(the caller counts what comes out).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from monitor.errors import FetchError

STEP = 64 * 1024  # most bytes a single inflate call may produce
MAX_LAYERS = 2  # "gzip, gzip" is legal and seen in the wild; deeper stacks are only attacks
_IDENTITY = {"", "identity"}
_GZIP = {"gzip", "x-gzip"}


class BadEncodingError(FetchError):
    """The body's Content-Encoding is unsupported or the compressed data is corrupt."""

    def __init__(self, message: str):
        super().__init__(message, reason="bad_encoding")


class _Layer:
    """One zlib stream (gzip or deflate), fed incrementally."""

    def __init__(self, coding: str) -> None:
        self._gzip = coding in _GZIP
        self._obj: zlib._Decompress | None = (
            zlib.decompressobj(16 + zlib.MAX_WBITS) if self._gzip else None
        )
        self._head = b""  # deflate: wait for two bytes to tell zlib-wrapped from raw

    def _deflate_obj(self, data: bytes) -> zlib._Decompress:
        # RFC 9110 says "deflate" is zlib-wrapped; many servers send raw deflate.
        cmf, flg = data[0], data[1]
        wrapped = cmf & 0x0F == 8 and (cmf << 8 | flg) % 31 == 0
        return zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Inflate `data`, yielding pieces of at most STEP bytes."""
        if self._obj is None:
            self._head += data
            if len(self._head) < 2:
                return
            self._obj, data, self._head = self._deflate_obj(self._head), self._head, b""
        while True:
            try:
                out = self._obj.decompress(data, STEP)
            except zlib.error as e:
                raise BadEncodingError(f"corrupt compressed body: {e}") from e
            data = self._obj.unconsumed_tail
            if out:
                yield out
            if self._obj.eof:
                data = self._obj.unused_data
                if not (self._gzip and data.startswith(b"\x1f\x8b")):
                    return  # trailing bytes after the stream are ignored, like browsers do
                self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)  # next gzip member
                continue
            if not data and not out:
                return


class BoundedDecoder:
    """Undo a Content-Encoding header's codings, STEP bytes at a time."""

    def __init__(self, content_encoding: str | None) -> None:
        codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
        codings = [c for c in codings if c not in _IDENTITY]
        for c in codings:
            if c not in _GZIP and c != "deflate":
                raise BadEncodingError(f"unsupported content encoding {c!r}")
        if len(codings) > MAX_LAYERS:
            raise BadEncodingError(f"{len(codings)} stacked content encodings refused")
        # codings are listed in the order they were applied: undo the last one first
        self._layers = [_Layer(c) for c in reversed(codings)]

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decoded pieces of `data` (raw bytes off the wire), each at most STEP bytes."""
        yield from self._push(0, data)

    def _push(self, level: int, data: bytes) -> Iterator[bytes]:
        if level == len(self._layers):
            if data:
                yield data
            return
        for piece in self._layers[level].feed(data):
            yield from self._push(level + 1, piece)
