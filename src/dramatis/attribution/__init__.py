"""Who speaks each line: character discovery, a sieve of rules, and a learned ranker.

Layout (one line per module):

- ``pipeline``: ``attribute()`` (the entry point: characters, sieve, ranker, pins),
  ``sieve()``, ``Attribution``, ``line_ids``;
- ``state``: ``AttributionState``, what the rules and the ranker share;
- ``names``: ``NameIndex``, finding characters' names and their shorter forms in text;
- ``characters``: the cast's characters merged with discovered ones, ``guess_gender``;
- ``discover``: characters found in the text when no cast lists them;
- ``rules``: the sieve's rules as functions over the state (``sieve`` runs them in order);
- ``ranker``: features of candidate speakers, the model, and joint decoding.
"""

from dramatis.attribution.pipeline import (
    LOW_CONFIDENCE,
    Attribution,
    attribute,
    line_ids,
    sieve,
)
from dramatis.attribution.state import AttributionState

__all__ = ["LOW_CONFIDENCE", "Attribution", "AttributionState", "attribute", "line_ids", "sieve"]
