"""ITU-R BS.1770 loudness, computed clip by clip so a whole chapter never sits in memory.

pyloudnorm supplies the K-weighting filters (a maintained, tested implementation of the
standard); we keep the 400 ms block powers of each clip and gate them together, which gives
the chapter's (or one voice's) integrated loudness without holding its audio.
"""

from __future__ import annotations

import functools

import numpy as np

ABSOLUTE_GATE = -70.0
RELATIVE_GATE = -10.0


@functools.lru_cache(maxsize=8)
def _filters(rate: int) -> list[tuple[np.ndarray, np.ndarray]]:
    import pyloudnorm

    meter = pyloudnorm.Meter(rate)
    return [(np.asarray(f.b), np.asarray(f.a)) for f in meter._filters.values()]


def k_weight(samples: np.ndarray, rate: int) -> np.ndarray:
    from scipy.signal import lfilter

    out = samples.astype(np.float64)
    for b, a in _filters(rate):
        out = lfilter(b, a, out)
    return out


def block_powers(samples: np.ndarray, rate: int) -> np.ndarray:
    """Mean square of K-weighted 400 ms blocks, 75% overlap (float samples in [-1, 1])."""
    if samples.size == 0:
        return np.zeros(0)
    weighted = k_weight(samples, rate) ** 2
    block, step = int(0.4 * rate), int(0.1 * rate)
    if weighted.size < block:
        # Short clips (a shouted "Down!") still count, as one block of their own length.
        return np.array([weighted.mean()])
    csum = np.concatenate(([0.0], np.cumsum(weighted)))
    starts = np.arange(0, weighted.size - block + 1, step)
    return (csum[starts + block] - csum[starts]) / block


def power_to_lufs(power: float) -> float:
    return -0.691 + 10 * np.log10(max(power, 1e-20))


def integrated(powers: np.ndarray) -> float:
    """Gated integrated loudness (LUFS) of a set of block powers; -inf for silence."""
    if powers.size == 0:
        return float("-inf")
    loud = powers[powers > 10 ** ((ABSOLUTE_GATE + 0.691) / 10)]
    if loud.size == 0:
        return float("-inf")
    rel = power_to_lufs(float(loud.mean())) + RELATIVE_GATE
    gated = loud[loud > 10 ** ((rel + 0.691) / 10)]
    return power_to_lufs(float(gated.mean())) if gated.size else float("-inf")


def true_peak_db(samples: np.ndarray, oversample: int = 4) -> float:
    """Peak of the signal oversampled 4x (BS.1770 true peak), in dBFS."""
    from scipy.signal import resample_poly

    if samples.size == 0:
        return float("-inf")
    up = resample_poly(samples.astype(np.float64), oversample, 1)
    peak = float(np.abs(up).max())
    return 20 * np.log10(peak) if peak > 0 else float("-inf")


class StepMeter:
    """K-weighted energy of consecutive 100 ms steps, fed chunk by chunk (filter state kept).

    BS.1770 blocks are 400 ms with 75% overlap, i.e. four consecutive steps: keeping only
    the steps lets a checker gate any stretch of a long file (one speaker's lines, say)
    without holding the audio.
    """

    def __init__(self, rate: int) -> None:
        from scipy.signal import lfilter_zi

        self.rate = rate
        self.step = int(0.1 * rate)
        self._filters = _filters(rate)
        self._zi = [lfilter_zi(b, a) * 0.0 for b, a in self._filters]
        self._carry = np.zeros(0)
        self._steps: list[np.ndarray] = []

    def feed(self, samples: np.ndarray) -> None:
        from scipy.signal import lfilter

        out = samples.astype(np.float64)
        for k, (b, a) in enumerate(self._filters):
            out, self._zi[k] = lfilter(b, a, out, zi=self._zi[k])
        sq = np.concatenate((self._carry, out * out))
        whole = sq.size // self.step * self.step
        if whole:
            self._steps.append(sq[:whole].reshape(-1, self.step).sum(axis=1))
        self._carry = sq[whole:]

    def steps(self) -> np.ndarray:
        """Energy (sum of squares) of each complete 100 ms step so far."""
        return np.concatenate(self._steps) if self._steps else np.zeros(0)

    def block_powers(self, first: int = 0, last: int | None = None) -> np.ndarray:
        """Mean-square power of the 400 ms blocks made of steps ``first`` .. ``last - 1``."""
        e = self.steps()[first:last]
        if e.size < 4:
            return np.zeros(0)
        return (e[:-3] + e[1:-2] + e[2:-1] + e[3:]) / (4 * self.step)


class TruePeak:
    """BS.1770 true peak (4x oversampling), fed chunk by chunk, computed only near peaks.

    Interpolated values can exceed the samples around them by a few tenths of a dB at
    most for real audio, so only samples within 3 dB of the loudest so far are examined:
    three points between each such sample and each neighbour, from a windowed-sinc
    interpolator (24 taps, Kaiser beta 8), all vectorized.  That costs a few milliseconds
    per minute of audio, where oversampling everything costs seconds.
    """

    HALF = 12
    MARGIN_DB = 3.0

    def __init__(self) -> None:
        k = np.arange(-self.HALF + 1, self.HALF + 1)
        phases = []
        for p in (1, 2, 3):
            d = k - p / 4  # value at i + p/4 from x[i - HALF + 1 .. i + HALF]
            h = np.sinc(d) * np.kaiser(2 * self.HALF, 8.0)
            phases.append(h / h.sum())
        self._h = np.array(phases).T  # (taps, 3)
        self._tail = np.zeros(2 * self.HALF)
        self.peak = 0.0

    def feed(self, samples: np.ndarray) -> None:
        x = np.concatenate((self._tail, samples.astype(np.float64)))
        a = np.abs(samples)
        if a.size:
            self.peak = max(self.peak, float(a.max()))
        thr = self.peak * 10 ** (-self.MARGIN_DB / 20)
        # Positions (in x) whose following 3 interpolated points to compute: each loud
        # sample and the one before it (the points between it and both neighbours).
        loud = np.flatnonzero(np.abs(x) >= thr)
        starts = np.unique(np.concatenate((loud, loud - 1)))
        starts = starts[(starts >= self.HALF - 1) & (starts + self.HALF < x.size)]
        if starts.size and thr > 0:
            windows = np.lib.stride_tricks.sliding_window_view(x, 2 * self.HALF)
            values = windows[starts - self.HALF + 1] @ self._h
            self.peak = max(self.peak, float(np.abs(values).max()))
        self._tail = x[-2 * self.HALF :]

    def db(self) -> float:
        return 20 * np.log10(self.peak) if self.peak > 0 else float("-inf")
