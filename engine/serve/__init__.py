"""`frin serve`: decisions over HTTP, each logged before it is answered, and the case desk.

The HTTP layer (Starlette on uvicorn, the `serve` extra, imported only when the command runs)
is thin: `app.py` routes requests to `answers.py`, which decides, explains and projects with
the same stages the CLI uses and knows nothing of HTTP; `problems.py` turns the stages' errors
into RFC 9457 problem documents with the CLI's diagnostics; `catalog_holder.py` keeps the one
checked, locked catalog and swaps it whole on reload; `auth.py` checks the bearer token;
`openapi.py` describes the API with the project's own JSON Schemas; `desk/` is the case desk.
"""
