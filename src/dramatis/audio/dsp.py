"""Sample-level signal processing for the renderer: a look-ahead peak limiter, a room-tone
bed, and BS.1770 block powers of many short pieces at once.

Why here and not in :mod:`dramatis.audio.loudness`: these are the renderer's hot loops,
shaped by its memory and speed budgets (bounded temporaries, batched FFTs); loudness keeps
the reference meter the checker and the tests rely on.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence

import numpy as np

from dramatis.audio.loudness import impulse_response


def running_min(x: np.ndarray, radius: int) -> np.ndarray:
    """Minimum of ``x`` over ``[i - radius, i + radius]``, edges extended (van Herk/Gil-Werman).

    Blocks of the window's width: a running minimum forwards and one backwards within each
    block, and every window spans the end of one block and the start of the next, so the
    answer is the smaller of two look-ups.  O(n) and vectorized.
    """
    k = 2 * radius + 1
    padded = np.concatenate((np.full(radius, x[0]), x, np.full(radius, x[-1])))
    n = padded.size
    blocks = -(-n // k)
    tail = np.full(blocks * k - n, x[-1], dtype=x.dtype)
    grid = np.concatenate((padded, tail)).reshape(blocks, k)
    forward = np.minimum.accumulate(grid, axis=1).ravel()
    backward = np.minimum.accumulate(grid[:, ::-1], axis=1)[:, ::-1].ravel()
    return np.minimum(backward[: x.size], forward[2 * radius : 2 * radius + x.size])


def running_mean(x: np.ndarray, radius: int) -> np.ndarray:
    """Mean of ``x`` over ``[i - radius, i + radius]``, edges extended."""
    padded = np.concatenate((np.full(radius + 1, x[0]), x, np.full(radius, x[-1])))
    csum = np.cumsum(padded, dtype=np.float64)
    k = 2 * radius + 1
    return ((csum[k:] - csum[:-k]) / k).astype(x.dtype)


#: Samples per step where a whole clip's worth of temporaries is not needed (a narrated
#: paragraph can be minutes long: its float32 temporaries would be tens of megabytes each).
CHUNK = 1 << 16


def limiter_gain(y: np.ndarray, ceiling: float, rate: int) -> Iterator[tuple[int, int, np.ndarray]]:
    """The look-ahead peak limiter's gain for ``y``: ``(start, end, gain)`` for each stretch
    it touches (elsewhere the gain is exactly 1).

    The detector also sees a 4-point estimate of the value half-way between samples, so the
    true peak stays under control after resampling.  The gain is the minimum of the needed
    gain over +/-W, then smoothed by two moving averages over +/-W/2: each output gain is
    an average of values that are all <= the gain needed at that very sample, so no peak
    escapes, and the gain moves in ~10 ms ramps (no clicks, little distortion).  The gain
    is exactly 1 further than 2W from any peak, so both filters run only around the peaks.
    """
    a = np.abs(y)
    for s in range(0, max(0, y.size - 3), CHUNK):  # in steps: bounded temporaries
        e = min(s + CHUNK, y.size - 3)
        mid = np.abs(
            0.5625 * (y[s + 1 : e + 1] + y[s + 2 : e + 2]) - 0.0625 * (y[s:e] + y[s + 3 : e + 3])
        )
        np.maximum(a[s + 1 : e + 1], mid, out=a[s + 1 : e + 1])
        np.maximum(a[s + 2 : e + 2], mid, out=a[s + 2 : e + 2])
    over = np.flatnonzero(a > ceiling)
    if over.size == 0:
        return
    half = max(1, int(rate * 0.005))  # W/2: 5 ms
    w = 2 * half
    starts = np.maximum(over - 2 * w, 0)
    ends = np.minimum(over + 2 * w + 1, y.size)
    gaps = np.flatnonzero(starts[1:] > ends[:-1])
    spans = list(
        zip(
            np.concatenate(([starts[0]], starts[gaps + 1])).tolist(),
            np.concatenate((ends[gaps], [ends[-1]])).tolist(),
            strict=True,
        )
    )
    # All stretches through the filters at once (a clip has dozens: one call each cost
    # more than the filtering).  Each stretch needs no gain for 2W at both ends, so W of
    # silence between them stands in for the edge extension each would have had alone.
    sep = np.zeros(w, dtype=a.dtype)
    parts: list[np.ndarray] = []
    for s, e in spans:
        parts += [a[s:e], sep]
    peaks = np.concatenate(parts[:-1])
    need = np.minimum(np.float32(1.0), ceiling / np.maximum(peaks, np.float32(1e-9)))
    gain = running_mean(running_mean(running_min(need, w), half), half)
    o = 0
    for s, e in spans:
        yield s, e, gain[o : o + e - s]
        o += e - s + w


def limit(y: np.ndarray, ceiling: float, rate: int) -> np.ndarray:
    """Apply :func:`limiter_gain`: ``|y|`` stays <= ``ceiling``; ``y`` is modified in place."""
    for s, e, gain in limiter_gain(y, ceiling, rate):
        y[s:e] *= gain
    return y


class RoomTone:
    """A faint, steady bed of soft noise: a quiet room, never digital silence.

    One loop of noise is made once and read out continuously (at about -67 dBFS a loop of
    several seconds cannot be heard to repeat); that costs a copy, not a random generator
    per sample.
    """

    def __init__(self, rate: int, level_db: float, seconds: float = 12.0, seed: int = 0):
        rng = np.random.default_rng(seed)
        white = rng.standard_normal(int(rate * seconds))
        soft = white + np.roll(white, 1)  # a gentle low-pass; the loop stays seamless
        soft *= 10 ** (level_db / 20) / float(np.sqrt(np.mean(soft**2)))
        self.loop = soft.astype(np.float32)
        self.pos = 0

    def take(self, n: int) -> np.ndarray:
        out = np.zeros(n, dtype=np.float32)
        return self.add_to(out)

    def add_to(self, y: np.ndarray) -> np.ndarray:
        """Mix the next ``y.size`` samples of the bed into ``y``, in place (no copy of a
        long clip's worth of noise)."""
        done, n = 0, y.size
        while done < n:
            k = min(n - done, self.loop.size - self.pos)
            y[done : done + k] += self.loop[self.pos : self.pos + k]
            done += k
            self.pos = (self.pos + k) % self.loop.size
        return y


#: Batched K-weighting: FFT length of each overlap-add block.
_FFT_BLOCK = 8192


@functools.lru_cache(maxsize=4)
def _k_spectrum(rate: int) -> np.ndarray:
    """The K-weighting filters' frequency response at :data:`_FFT_BLOCK` points."""
    return np.fft.rfft(impulse_response(rate), _FFT_BLOCK).astype(np.complex64)


def _k_weight_many(pieces: Sequence[np.ndarray], rate: int) -> list[np.ndarray]:
    """Each piece through the K-weighting filters, as :func:`loudness.k_weight` does.

    Analysis filters hundreds of short pieces per chapter; one FFT each (padded to a power
    of two, in float64) cost more than the whole render.  Here they are laid end to end
    with zeros between them (as long as the filters' response, so no piece hears its
    neighbour) and convolved by overlap-add in fixed blocks, through batched float32
    FFTs: about 10x cheaper, equal to 1e-6.  The blocks are transformed
    :data:`_FFT_ROWS` at a time, so a long piece (a whole short chapter, measured in
    context) needs little more than its own size.
    """
    h = impulse_response(rate)
    gap = h.size - 1
    step = _FFT_BLOCK - gap  # new input samples per block
    starts = np.cumsum([0] + [p.size + gap for p in pieces])
    blocks = max(1, -(-int(starts[-1]) // step))
    x = np.zeros(blocks * step, dtype=np.float32)
    for p, a in zip(pieces, starts.tolist(), strict=False):
        x[a : a + p.size] = p
    rows = x.reshape(blocks, step)
    spectrum = _k_spectrum(rate)
    ring = None  # the previous batch's last block, ringing on into this batch
    for r in range(0, blocks, _FFT_ROWS):
        part = rows[r : r + _FFT_ROWS]  # filtered in place, once its input is transformed
        y = np.fft.irfft(np.fft.rfft(part, _FFT_BLOCK) * spectrum)
        part[:] = y[:, :step]
        part[1:, :gap] += y[:-1, step:]  # each block's ringing goes on into the next
        if ring is not None:
            part[0, :gap] += ring
        ring = y[-1, step:].copy()
    return [x[a : a + p.size] for p, a in zip(pieces, starts.tolist(), strict=False)]


#: FFT blocks transformed at once: bounded temporaries (~12 MB) for a piece of any length.
_FFT_ROWS = 128
#: Samples filtered per batch: a batch's buffers (~20 bytes a sample) stay near 5 MB.
_BATCH_SAMPLES = 1 << 18


def _batches(pieces: Sequence[np.ndarray]) -> Iterator[list[np.ndarray]]:
    batch: list[np.ndarray] = []
    size = 0
    for p in pieces:
        if batch and size + p.size > _BATCH_SAMPLES:
            yield batch
            batch, size = [], 0
        batch.append(p)
        size += p.size
    if batch:
        yield batch


def block_powers_many(pieces: Sequence[np.ndarray], rate: int) -> list[np.ndarray]:
    """:func:`loudness.block_powers` of each piece, filtered in batches of bounded size."""
    step = int(0.1 * rate)
    out = []
    weighted = (w for batch in _batches(pieces) for w in _k_weight_many(batch, rate))
    for w in weighted:
        if w.size == 0:
            out.append(np.zeros(0))
        elif w.size < 4 * step:  # a short clip counts as one block of its own length
            w = w.astype(np.float64)
            out.append(np.array([np.mean(w * w)]))
        else:
            e = _block_energies(w[: w.size // step * step].reshape(-1, step))
            out.append((e[:-3] + e[1:-2] + e[2:-1] + e[3:]) / (4 * step))
    return out


def _block_energies(rows: np.ndarray) -> np.ndarray:
    """Sum of squares of each row, in float64, converting a few hundred rows at a time
    (a whole piece in float64 would be four times its float32 size at once)."""
    e = np.empty(rows.shape[0])
    for r in range(0, rows.shape[0], 512):
        c = rows[r : r + 512].astype(np.float64)
        c *= c
        e[r : r + 512] = c.sum(axis=1)
    return e
