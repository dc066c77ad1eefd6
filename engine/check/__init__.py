"""Checking a loaded policy set: expression types, policy checks, predecessors, scope, the load→check pipeline."""
