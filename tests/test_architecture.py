"""The layers hold (STYLE.md): import-linter checks the contracts in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_import_contracts_are_kept() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports())",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        "broken" not in done.stdout.lower().split("contracts:")[-1].split(",")[-1]
        or "0 broken" in done.stdout
    )


def test_core_holds_no_module_level_mutable_cache() -> None:
    """No dict or list filled at run time at module level in core/ (state belongs to a batch object)."""
    import ast

    offenders = []
    for path in sorted((ROOT / "kepu_inspect" / "core").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in tree.body:
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AnnAssign)
                else []
            )
            value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
            mutable = isinstance(value, ast.Dict | ast.List | ast.Set) and not (
                isinstance(value, ast.Dict | ast.List | ast.Set) and _literal(value)
            )
            if mutable or (
                isinstance(value, ast.Call) and getattr(value.func, "id", "") in ("dict", "list", "set")
            ):
                offenders.append(f"{path.name}: {[ast.unparse(t) for t in targets]}")
    assert offenders == []


def _literal(node: object) -> bool:
    """A constant table written out in the source (not a cache that starts empty)."""
    import ast

    assert isinstance(node, ast.Dict | ast.List | ast.Set)
    if isinstance(node, ast.Dict):
        return bool(node.keys)
    return bool(node.elts)
