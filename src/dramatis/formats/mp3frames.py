"""Join MP3 encodes of consecutive stretches of one stream into one gapless file.

A long chapter is encoded in pieces (several encoders at once, and pieces already made
survive an interrupted build).  Each piece is an ordinary LAME encode of a window of the
chapter that starts a few frames *before* its share and ends a few frames *after* it, with
the bit reservoir off, so every frame decodes on its own.  Frames sit on one grid (1152
samples, shifted by LAME's fixed delay), so taking from each piece exactly the frames of
its share gives the frames one long encode would have made, to within the coder's noise:
the decoder's overlap at a join mixes two encodes of the same samples.  The joins are put
in pauses (room tone at about -67 dBFS), where even that noise is far below hearing.

The file keeps the first piece's Xing/LAME "Info" frame, rewritten for the whole: frame
and byte counts, seek table, end padding (the last piece's), music length and both CRCs.
"""

from __future__ import annotations

import functools
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FRAME_SAMPLES = 1152  # MPEG-1 Layer III
#: Samples before the first one of the input appears in the decoder's output: LAME's
#: encoder delay (576) plus the decoder's own (528 + 1).
STREAM_DELAY = 576 + 529
_BITRATES = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_RATES = (44100, 48000, 32000)


def frame_spans(data: bytes | memoryview) -> Iterator[tuple[int, int]]:
    """(offset, size) of each MPEG-1 Layer III frame in ``data`` (no tags expected)."""
    pos = 0
    while pos + 4 <= len(data):
        h = struct.unpack_from(">I", data, pos)[0]
        if h >> 21 != 0x7FF or (h >> 19) & 3 != 3 or (h >> 17) & 3 != 1:
            raise ValueError(f"not an MPEG-1 Layer III frame at byte {pos}")
        kbps = _BITRATES[(h >> 12) & 15]
        rate = _RATES[(h >> 10) & 3]
        size = 144_000 * kbps // rate + ((h >> 9) & 1)
        yield pos, size
        pos += size


def _main_data_begin(data: bytes | memoryview, pos: int) -> int:
    """The frame's bit-reservoir back pointer (0: its data is all in the frame itself)."""
    protected = not (data[pos + 1] & 1)
    side = pos + 4 + (2 if protected else 0)
    return (data[side] << 1) | (data[side + 1] >> 7)


# --- CRC-16 (LAME's: polynomial 0x8005 reflected, initial value 0) --------------------


@functools.cache
def _crc_table() -> np.ndarray:
    table = np.zeros(256, dtype=np.uint16)
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0xA001 if c & 1 else c >> 1
        table[i] = c
    return table


def _crc_bytes(data: bytes, crc: int = 0) -> int:
    table = _crc_table()
    for b in data:
        crc = (crc >> 8) ^ int(table[(crc ^ b) & 0xFF])
    return crc


def _zeros_map(n: int) -> list[int]:
    """The CRC after ``n`` zero bytes, as the images of the 16 state bits (a linear map)."""
    one = [_crc_bytes(b"\0", 1 << i) for i in range(16)]  # one zero byte

    def apply(m: list[int], c: int) -> int:
        out = 0
        for i in range(16):
            if c >> i & 1:
                out ^= m[i]
        return out

    result = [1 << i for i in range(16)]
    power = one
    while n:
        if n & 1:
            result = [apply(power, c) for c in result]
        power = [apply(power, c) for c in power]
        n >>= 1
    return result


@functools.cache
def _zeros_table(n: int) -> np.ndarray:
    """:func:`_zeros_map` for every 16-bit state at once."""
    images = _zeros_map(n)
    states = np.arange(65536, dtype=np.uint32)
    table = np.zeros(65536, dtype=np.uint32)
    for i, image in enumerate(images):
        table ^= ((states >> i) & 1) * image
    return table.astype(np.uint16)


_LANES = 4096
_LANE_BYTES = 256


def crc16(data: bytes | memoryview, crc: int = 0) -> int:
    """CRC-16 of ``data`` continuing from ``crc``, vectorized over blocks of bytes.

    A pure-Python loop costs seconds for an hour of MP3; here blocks are cut into lanes
    whose CRCs numpy computes side by side, then combined (with an initial value of 0 the
    CRC is linear: crc(A + B) = shift(crc(A), len(B)) ^ crc(B)).
    """
    buf = np.frombuffer(data, dtype=np.uint8)
    table = _crc_table()
    block = _LANES * _LANE_BYTES
    shift_lane = _zeros_table(_LANE_BYTES)
    for start in range(0, buf.size, block):
        chunk = buf[start : start + block]
        if chunk.size < block:  # the tail: byte by byte (at most one block's worth)
            lanes = chunk.size // _LANE_BYTES
            head = chunk[: lanes * _LANE_BYTES]
            rest = chunk[lanes * _LANE_BYTES :]
        else:
            lanes, head, rest = _LANES, chunk, chunk[:0]
        if lanes:
            grid = head.reshape(lanes, _LANE_BYTES).T.copy()
            c = np.zeros(lanes, dtype=np.uint16)
            for row in grid:
                c = (c >> 8) ^ table[(c ^ row) & 0xFF]
            for lane in c.tolist():
                crc = int(shift_lane[crc]) ^ lane
        crc = _crc_bytes(rest.tobytes(), crc)
    return crc


# --- the join -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PieceFrames:
    """Which audio frames of an encoded piece belong to the whole (``count`` None: all)."""

    path: Path
    first: int
    count: int | None


@dataclass(slots=True)
class _Info:
    frame: bytearray
    xing: int  # offset of "Info"/"Xing" in the frame
    flags: int
    lame: int  # offset of the LAME extension

    @classmethod
    def parse(cls, frame: bytes) -> _Info:
        for xing in (21, 36, 13):  # mono / stereo MPEG-1, mono MPEG-2
            if frame[xing : xing + 4] in (b"Info", b"Xing"):
                break
        else:
            raise ValueError("the encode has no Info frame")
        flags = struct.unpack_from(">I", frame, xing + 4)[0]
        lame = xing + 8 + 4 * bool(flags & 1) + 4 * bool(flags & 2)
        lame += 100 * bool(flags & 4) + 4 * bool(flags & 8)
        if lame + 36 > len(frame):
            raise ValueError("the Info frame has no LAME tag")
        return cls(bytearray(frame), xing, flags, lame)

    def padding(self) -> int:
        return int.from_bytes(self.frame[self.lame + 21 : self.lame + 24], "big") & 0xFFF


def join(pieces: Sequence[PieceFrames], out: Path) -> int:
    """Write the chosen frames of ``pieces``, in order, as one file; return its frame count.

    Every piece must start with an Info frame (``-write_xing 1``); every frame but the
    first of the whole must not lean on the bit reservoir (``-reservoir 0``).
    """
    first = pieces[0].path.read_bytes()
    spans = list(frame_spans(first))
    info = _Info.parse(first[: spans[0][1]])
    last = pieces[-1].path.read_bytes() if len(pieces) > 1 else first
    end_padding = _Info.parse(last[: next(frame_spans(last))[1]]).padding()
    del last

    total_frames = 0
    sizes: list[int] = []
    crc = 0
    with out.open("wb") as f:
        f.write(bytes(len(info.frame)))  # the Info frame, written last
        for k, piece in enumerate(pieces):
            data = first if k == 0 else piece.path.read_bytes()
            frames = list(frame_spans(data))[1:]  # after the piece's own Info frame
            take = frames[piece.first :]
            if piece.count is not None:
                if len(take) < piece.count:
                    raise ValueError(f"{piece.path.name}: {len(take)} frames, {piece.count} needed")
                take = take[: piece.count]
            if not take:
                continue
            start, end = take[0][0], take[-1][0] + take[-1][1]
            if k and _main_data_begin(data, start):
                raise ValueError(f"{piece.path.name}: frames lean on the bit reservoir")
            chunk = memoryview(data)[start:end]
            f.write(chunk)
            crc = crc16(chunk, crc)
            sizes.extend(s for _o, s in take)
            total_frames += len(take)
            del chunk, data
        total_bytes = len(info.frame) + sum(sizes)
        frame = info.frame
        x, lame = info.xing, info.lame
        pos = x + 8
        if info.flags & 1:
            struct.pack_into(">I", frame, pos, total_frames)
            pos += 4
        if info.flags & 2:
            struct.pack_into(">I", frame, pos, total_bytes)
            pos += 4
        if info.flags & 4:  # seek table: where each percent of the frames starts, /256
            offsets = np.concatenate(([0], np.cumsum(sizes))) + len(frame)
            idx = (np.arange(100) * total_frames) // 100
            toc = np.minimum(255, offsets[idx] * 256 // total_bytes).astype(np.uint8)
            frame[pos : pos + 100] = toc.tobytes()
        delay = int.from_bytes(frame[lame + 21 : lame + 24], "big") >> 12
        frame[lame + 21 : lame + 24] = ((delay << 12) | end_padding).to_bytes(3, "big")
        struct.pack_into(">I", frame, lame + 28, total_bytes)
        struct.pack_into(">H", frame, lame + 32, crc)
        # As LAME and ffmpeg do: the first 190 bytes, this field still zero.
        struct.pack_into(">H", frame, lame + 34, 0)
        struct.pack_into(">H", frame, lame + 34, _crc_bytes(bytes(frame[:190])))
        f.seek(0)
        f.write(frame)
    return total_frames
