"""The learned speaker ranker over the rule sieve's answers."""
