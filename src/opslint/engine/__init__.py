"""The run: discovery, parsing, rules, suppressions, baselines and fixes."""
