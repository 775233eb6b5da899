"""The learned speaker ranker on top of the rule sieve.

- ``features``: each line's candidate speakers and their evidence (``candidates``);
- ``model``: the score (linear plus a small tanh layer) and the shipped weights;
- ``decode``: one speaker per paragraph, runs of lines decoded jointly (``rerank``).
"""

from dramatis.attribution.ranker.decode import ALT, decode, rerank
from dramatis.attribution.ranker.features import candidates
from dramatis.attribution.ranker.model import NULL, Ranker, load_weights

__all__ = ["ALT", "NULL", "Ranker", "candidates", "decode", "load_weights", "rerank"]
