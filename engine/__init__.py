"""Frist engine: policies as data, a typed rule language, decisions that explain themselves."""
