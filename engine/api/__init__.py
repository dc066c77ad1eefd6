"""The Python API: decide one case, explain it, decide a table; typed results (python.py)."""
