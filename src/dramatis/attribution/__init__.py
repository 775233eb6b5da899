"""Who speaks each line: character discovery, a sieve of rules, and a learned ranker.

Layout (one line per module):

- ``pipeline``: ``attribute()`` (the entry point: characters, sieve, ranker, pins),
  ``sieve()``, ``Attribution``, ``line_ids``;
- ``state``: ``AttributionState``, what the rules and the ranker share;
- ``names``: ``NameIndex``, finding characters' names and their shorter forms in text;
- ``characters``: the cast's characters merged with discovered ones, ``guess_gender``;
- ``discover``: characters found in the text when no cast lists them; ``people``: one
  person's name forms merged into one character;
- ``rules``: the sieve's rules as functions over the state (``rules.sieve`` runs them in
  order: ``tags``, ``extras``, ``turns``, ``narrator``, with ``resolve`` and ``patterns``);
- ``ranker``: candidates and their features (``features``, ``narration``), the model
  (``model``), and joint decoding (``decode``).
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
