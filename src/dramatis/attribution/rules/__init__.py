"""The rule sieve: small functions over an AttributionState, most reliable first."""
