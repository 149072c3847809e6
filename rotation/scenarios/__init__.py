"""The command layer's runs of many solves: what-if, sweep and multi-year plans (the top floor)."""
