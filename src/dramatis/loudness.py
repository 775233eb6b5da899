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
