"""Running checked policies: run-time structures, the reference evaluator, the compiler, traces."""
