"""The rule language: grammar, AST, parser, types, and the operator/function table with value rendering."""
