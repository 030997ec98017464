"""The IDX file format of MNIST and Fashion-MNIST (gzip-compressed, big-endian header).

A file starts with two zero bytes, a type code (0x08 = unsigned byte), the number of
dimensions, then one big-endian uint32 per dimension; the values follow in C order.
"""

from __future__ import annotations

import gzip
import io
import struct
from pathlib import Path

import numpy as np

from ..errors import DatasetError

UBYTE = 0x08


def idx_bytes(array: np.ndarray) -> bytes:
    """Gzip-compressed IDX bytes of a uint8 array; the same array always gives the same bytes."""
    data = np.ascontiguousarray(array, dtype=np.uint8)
    header = struct.pack(">BBBB", 0, 0, UBYTE, data.ndim)
    header += struct.pack(f">{data.ndim}I", *data.shape)
    buffer = io.BytesIO()
    # mtime=0 and no file name in the gzip header: byte-identical output on every run
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as out:
        out.write(header + data.tobytes())
    return buffer.getvalue()


def read_idx_shape(path: Path) -> tuple[int, ...]:
    """The dimensions an IDX(.gz) file declares; DatasetError when it is not one."""
    try:
        with _open(path) as handle:
            magic = handle.read(4)
            well_formed = len(magic) == 4 and magic[:2] == b"\0\0" and magic[2] == UBYTE
            if not well_formed or not 1 <= magic[3] <= 4:
                raise DatasetError(f"{path.name}: not an IDX file of unsigned bytes")
            ndim = magic[3]
            raw = handle.read(4 * ndim)
            if len(raw) < 4 * ndim:
                raise DatasetError(f"{path.name}: the IDX header is cut short")
            return tuple(struct.unpack(f">{ndim}I", raw))
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise DatasetError(f"{path.name}: cannot be read ({exc})") from None


def read_idx(path: Path) -> np.ndarray:
    """The whole array stored in an IDX(.gz) file."""
    shape = read_idx_shape(path)
    with _open(path) as handle:
        handle.read(4 + 4 * len(shape))
        data = np.frombuffer(handle.read(), dtype=np.uint8)
    if data.size != int(np.prod(shape)):
        raise DatasetError(f"{path.name}: holds {data.size} values, its header says {shape}")
    return data.reshape(shape)


def _open(path: Path):
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")
