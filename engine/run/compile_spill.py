"""Deep expressions in generated code: cut into helper functions every `SPILL` levels.

CPython refuses source nested more than 200 parentheses deep ("too many nested
parentheses"); a valid policy may nest 256 levels (`parser.MAX_DEPTH`), and one level of
the rule language can take two parentheses of Python. So every `SPILL` levels of depth the
compiler moves the Python of a sub-expression into a module-level function and calls it in
place. The call's arguments are the locals the piece reads (found with `symtable`), plain
names already bound where the piece stood, so the value, any error and the point of
evaluation (inside an `and`, `if` or `??`, only when reached) are those of the inline code.
"""
from __future__ import annotations

import builtins
import symtable

from ..lang import ast

__all__ = ["SPILL", "Spiller"]

SPILL = 32      # AST levels per piece of generated code


class Spiller:
    """The helper functions of one compilation, and the tree heights that decide the cuts."""

    def __init__(self) -> None:
        self.helpers: list[str] = []                 # source of each helper function
        self.names: set[str] = set()
        self._heights: dict[int, int] = {}

    def height(self, node: ast.Expr) -> int:
        """Levels of the tree under `node` (iteratively, memoised by node)."""
        heights = self._heights
        stack = [(node, False)]
        while stack:
            n, done = stack.pop()
            if id(n) in heights:
                continue
            kids = ast.children(n)
            if done:
                heights[id(n)] = 1 + max((heights[id(k)] for k in kids), default=0)
            else:
                stack.append((n, True))
                stack.extend((k, False) for k in kids)
        return heights[id(node)]

    def spill(self, text: str, name: str, module: dict) -> str:
        """`text` as helper `name` taking the locals it reads; returns the call that replaces it."""
        params = ", ".join(self.free_names(text, module))
        self.helpers.append(f"def {name}({params}):\n    return {text}\n")
        self.names.add(name)
        return f"{name}({params})"

    def free_names(self, text: str, module: dict) -> list[str]:
        """Names `text` reads that are locals of the code around it (not module names or builtins)."""
        table = symtable.symtable(f"def _spill():\n    return {text}\n", "<frist-spill>", "exec")
        names: set[str] = set()
        pending = list(table.get_children())
        while pending:
            t = pending.pop()
            pending.extend(t.get_children())
            names.update(sym.get_name() for sym in t.get_symbols() if sym.is_global() and sym.is_referenced())
        return sorted(n for n in names if n not in module and n not in self.names and not hasattr(builtins, n))
