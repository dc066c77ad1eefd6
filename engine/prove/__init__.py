"""`frin validate --prove` and `frin diff --prove`: the rule language over SMT terms (z3).

The symbolic forms live beside the other forms in the semantics table
(`engine/lang/semantics/symbolic.py`); this stage holds the solver kit, the symbolic case,
the symbolic driver, the queries and their confirmation by `decide`. z3 is the optional
`prove` extra, imported only when a command asks for a proof. See docs/law-enforces.md,
"What `frin validate --prove` proves".
"""
