"""Speed and memory benchmarks, run by ``make bench``; never part of ``make test``."""
