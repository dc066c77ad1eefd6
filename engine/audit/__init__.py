"""The decision log: every decision appended, chained by hash, verified, replayed, exported.

A regulated collector must show, months later, which decision was made on which figures and
why. Each record names the case (its sha256, and the document itself unless the log keeps
hashes only), the policy versions and their sha256, the engine version, the decision and its
warnings, and the hash of the record before it, so an edited or deleted record breaks the
chain (`chain.py`). Two backends share one schema and one list of migrations (`schema.py`):
SQLite, one file in WAL mode (`sqlite_log.py`), and PostgreSQL for several service replicas
(`postgres_log.py`). `replay.py` decides a logged case again with the logged versions, read
from the policy folder's git history when they changed since.
"""
