"""The set-up files `frin init` writes beside the policies: the pre-commit config and the CI
workflow. docs/ci.md shows exactly these (tests/review/test_init.py checks it and runs both on a
scratch git repository: a law change, a new policy's first version, a locale edit).

Why these steps: `validate` takes the changed files (any kind: a policy version, a
jurisdiction or a locale file) and checks each with the catalog around it; `lock --check`
keeps published versions immutable; `test` runs the embedded examples; the diff step
writes each changed version's diff against the one before it to the job summary and says
so, without failing, for a policy's first version (nothing to diff) and for data files.
"""
from __future__ import annotations

__all__ = ["pre_commit_config", "ci_workflow", "gitignore"]

_PRE_COMMIT = """\
# pre-commit (https://pre-commit.com): `pre-commit install` once; then every commit that
# touches a file under policies/ is checked. Made by `frin init`.
repos:
  - repo: local
    hooks:
      - id: frin-validate
        name: frin validate (the changed files under policies/)
        entry: frin validate
        language: python
        additional_dependencies: ["frist-inkasso=={version}"]
        files: ^policies/.*\\.yaml$
      - id: frin-lock-check
        name: frin lock --check (published versions are immutable)
        entry: frin lock --check
        language: python
        additional_dependencies: ["frist-inkasso=={version}"]
        files: ^(policies/.*\\.yaml|policies\\.lock)$
        pass_filenames: false
      - id: frin-fmt
        name: frin fmt --check (policy and case files in one layout; `frin fmt` fixes them)
        entry: frin fmt --check
        language: python
        additional_dependencies: ["frist-inkasso=={version}"]
        files: ^(policies|tests/cases)/.*\\.yaml$
"""

_WORKFLOW = """\
# GitHub Actions: check every pull request that changes the policies. Made by `frin init`.
name: policies
on: [pull_request]
jobs:
  check:
    runs-on: ubuntu-latest
    env:
      BASE: origin/${{{{ github.base_ref }}}}
    steps:
      - uses: actions/checkout@v4
        with: {{fetch-depth: 0}}
      - uses: actions/setup-python@v5
        with: {{python-version: "3.11"}}
      - run: pip install 'frist-inkasso=={version}'
      - name: validate the changed files under policies/
        run: |
          files=$(git diff --name-only --diff-filter=AM "$BASE" -- 'policies/*.yaml' 'policies/**/*.yaml')
          if [ -n "$files" ]; then frin validate $files --format github; fi
      - run: frin lock --check
      - run: frin fmt --check
      - run: frin test
      - name: diff each changed policy version against the one before it
        run: |
          summary="${{GITHUB_STEP_SUMMARY:-/dev/stdout}}"
          for f in $(git diff --name-only --diff-filter=AM "$BASE" -- 'policies/*/*.yaml'); do
            name=$(basename "$(dirname "$f")")
            case "$name" in jurisdictions|locales|drafts) echo "$f: validated above (a data file or a draft)" >> "$summary"; continue ;; esac
            prev=$(ls policies/"$name"/*.yaml | sort | grep -x -B1 "$f" | head -1)
            if [ "$prev" = "$f" ]; then
              echo "$f: the first version of $name (nothing to diff against)" >> "$summary"
            else
              frin diff "$prev" "$f" --format markdown >> "$summary"
            fi
          done
"""


def pre_commit_config(version: str) -> str:
    """.pre-commit-config.yaml for a policy folder: the hooks run the pinned `frin`."""
    return _PRE_COMMIT.format(version=version)


def ci_workflow(version: str) -> str:
    """.github/workflows/policies.yml for a policy folder."""
    return _WORKFLOW.format(version=version)


def gitignore() -> str:
    """.gitignore for a policy folder: the decision log `frin serve` and `--log` write here by
    default holds the cases decided (personal data) and must never be committed with the policies."""
    from ..core.names import DEFAULT_LOG
    return (f"# the decision log (`frin serve`, `--log`): decided cases are personal data, kept out of git\n"
            f"{DEFAULT_LOG}\n{DEFAULT_LOG}-wal\n{DEFAULT_LOG}-shm\n")
