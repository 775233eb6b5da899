"""Who speaks each line: character discovery, rules and the learned ranker."""
