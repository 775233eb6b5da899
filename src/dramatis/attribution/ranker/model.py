"""The speaker ranker's model: a linear score plus a small hidden layer, and its weights.

The weights come from ``benchmarks/train_attribution.py`` and ship as a small JSON file
(``dramatis/data/speaker_ranker.json``); inference is a few numpy products, so ``dramatis
script`` stays quick.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from importlib import resources

import numpy as np

NULL = "null"  # the score of "someone else": the speaker is not among the candidates


class Ranker:
    """Scores candidate speakers: a linear part plus a small hidden layer.

    ``score = w . x + v . tanh(W x + b)``: the hidden units let the model learn that, say,
    a pronoun match counts for more when the candidate spoke two lines ago than when it is
    only mentioned, which a purely linear model cannot express.  Without ``hidden`` it is
    the plain conditional logit.  numpy does the arithmetic for all candidates at once.
    """

    def __init__(self, features: list[str], weights: list[float], hidden: dict | None = None):
        self.features = list(features)
        self.index = {n: i for i, n in enumerate(self.features)}
        self.w = np.asarray(weights, dtype=float)
        self.hidden = None
        # the model of the second (joint-decoding) pass, whose context is the first pass's
        # answers rather than the sieve's; None: the same model for both passes
        self.second: Ranker | None = None
        if hidden is not None:
            self.hidden = (
                np.asarray(hidden["W"], dtype=float),
                np.asarray(hidden["b"], dtype=float),
                np.asarray(hidden["v"], dtype=float),
            )

    def matrix(self, feats: list[dict[str, float]]) -> np.ndarray:
        x = np.zeros((len(feats), len(self.features)))
        idx = self.index
        for r, f in enumerate(feats):
            for n, v in f.items():
                j = idx.get(n)
                if j is not None:
                    x[r, j] = v
        return x

    def score(self, x: np.ndarray) -> np.ndarray:
        s = x @ self.w
        if self.hidden is not None:
            w1, b1, v = self.hidden
            s = s + np.tanh(x @ w1.T + b1) @ v
        return s

    def to_json(self) -> dict:
        out: dict = {"features": self.features, "weights": _round(self.w)}
        if self.hidden is not None:
            w1, b1, v = self.hidden
            out["hidden"] = {"W": [_round(r) for r in w1], "b": _round(b1), "v": _round(v)}
        if self.second is not None:
            out["second"] = self.second.to_json()
        return out

    @classmethod
    def from_json(cls, data: dict) -> Ranker:
        r = cls(data["features"], data["weights"], data.get("hidden"))
        if "second" in data:
            r.second = cls.from_json(data["second"])
        return r


def _round(a: np.ndarray) -> list[float]:
    return [round(float(x), 4) for x in a]


@lru_cache(maxsize=1)
def load_weights() -> Ranker | None:
    """The shipped ranker, or None when the file is absent."""
    try:
        raw = resources.files("dramatis.data").joinpath("speaker_ranker.json").read_text()
    except (FileNotFoundError, ModuleNotFoundError):
        # Said, not silent: the rules alone get noticeably more speakers wrong.
        logging.getLogger(__name__).warning(
            "the speaker ranker's weights (dramatis/data/speaker_ranker.json) are missing; "
            "speakers come from the rules alone, less accurately (reinstall Dramatis)"
        )
        return None
    data = json.loads(raw)
    return Ranker.from_json(data)
