"""The documentation keeps up with the code: checks, finding codes and checklist ids.

In the manner of Datasette's documentation tests: every installed check has a row in the
README's check table, every finding code a check can emit is listed under "Finding codes"
(and every listed code is one a check emits), and every checklist id a check cites exists in
the checklist. Codes and ids are read from the checks' source with ``ast``, so a new
``self.finding("...")`` call is seen without running the check on a document that triggers it.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.checklist import load_checklist
from workbench.registry import discover

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
#: A finding code as the README writes it.
CODE = re.compile(r"`([a-z0-9]+\.[a-z0-9_]+)`")


def installed_checks() -> dict[str, type]:
    registry = discover()
    return {name: registry.get(name) for name in registry.names()}


def check_sources(check: type) -> list[Path]:
    """The source files of a check: its module, or every module of its package."""
    source = Path(inspect.getsourcefile(check) or "")
    module = check.__module__
    if source.name == "__init__.py" or module.count(".") > 1:
        return sorted(source.parent.rglob("*.py"))
    return [source]


def finding_calls(tree: ast.AST) -> Iterator[ast.Call]:
    """Calls of ``<anything>.finding(code, ...)``: how a check makes its findings."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "finding"
            and node.args
        ):
            yield node


def code_patterns(expr: ast.expr) -> list[str]:
    """Regular expressions for the codes an expression can evaluate to.

    A literal is itself; a conditional gives both branches; an f-string gives a pattern in
    which each substituted value is a run of lower-case letters and underscores.
    """
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [re.escape(expr.value)]
    if isinstance(expr, ast.IfExp):
        return code_patterns(expr.body) + code_patterns(expr.orelse)
    if isinstance(expr, ast.JoinedStr):
        parts = []
        for value in expr.values:
            if isinstance(value, ast.Constant):
                parts.append(re.escape(str(value.value)))
            else:
                parts.append("[a-z_]+")
        return ["".join(parts)]
    raise AssertionError(f"a finding code the test cannot read: {ast.unparse(expr)}")


def emitted_codes(name: str, check: type) -> list[str]:
    """Patterns of the full codes (``<check>.<what>``) a check's source can emit."""
    patterns = []
    for path in check_sources(check):
        for call in finding_calls(ast.parse(path.read_text(encoding="utf-8"))):
            patterns += [f"{re.escape(name)}\\.{p}" for p in code_patterns(call.args[0])]
    return patterns


def cited_checklist_ids(tree: ast.AST) -> Iterator[tuple[str, int]]:
    """``(id, line)`` of every checklist id passed as ``checklist=`` in a module.

    A literal list is read directly; a variable is followed to the string literals assigned,
    appended or extended to it in the enclosing function.
    """
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    for node in ast.walk(tree):
        if not (isinstance(node, ast.keyword) and node.arg == "checklist"):
            continue
        value = node.value
        if isinstance(value, ast.Name):
            scope = next(
                f
                for f in functions
                if f.lineno <= value.lineno <= (f.end_lineno or f.lineno)
                and not any(
                    g is not f and f.lineno < g.lineno <= value.lineno <= (g.end_lineno or 0)
                    for g in functions
                )
            )
            sources: list[ast.AST] = []
            for sub in ast.walk(scope):
                if isinstance(sub, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == value.id for t in sub.targets
                ):
                    sources.append(sub.value)
                if (
                    isinstance(sub, ast.Call)
                    and isinstance(sub.func, ast.Attribute)
                    and isinstance(sub.func.value, ast.Name)
                    and sub.func.value.id == value.id
                    and sub.func.attr in {"append", "extend"}
                ):
                    sources.extend(sub.args)
            assert sources, f"line {value.lineno}: where does {value.id!r} come from?"
        else:
            sources = [value]
        for source in sources:
            for const in ast.walk(source):
                if isinstance(const, ast.Constant) and isinstance(const.value, str):
                    yield const.value, const.lineno


def readme_check_table() -> set[str]:
    """Check names in the first column of the README's check table."""
    header = README.index("| check | what it examines |")
    rows = README[header:].split("\n\n", 1)[0].splitlines()[2:]
    return {m.group(1) for row in rows if (m := re.match(r"\| `([a-z0-9_]+)` \|", row))}


def documented_codes() -> set[str]:
    """Codes listed in the README's "Finding codes" table."""
    start = README.index("### Finding codes")
    table = README[start:].split("\n#", 1)[0]
    rows = [row for row in table.splitlines() if row.startswith("| `")]
    return {code for row in rows for code in CODE.findall(row.split(" | ")[0])}


def test_every_installed_check_is_in_the_readme_table() -> None:
    installed = set(installed_checks())
    table = readme_check_table()
    assert installed - table == set(), "installed checks missing from the README's table"
    assert table - installed == set(), "README table rows for checks that are not installed"


@pytest.mark.parametrize("name", sorted(installed_checks()))
def test_every_finding_code_is_documented(name: str) -> None:
    check = installed_checks()[name]
    patterns = emitted_codes(name, check)
    documented = {c for c in documented_codes() if c.startswith(f"{name}.")}
    for pattern in patterns:
        assert any(re.fullmatch(pattern, c) for c in documented), (
            f"{name} emits {pattern!r}: list it under 'Finding codes' in README.md"
        )
    stale = {c for c in documented if not any(re.fullmatch(p, c) for p in patterns)}
    assert not stale, f"README lists codes that {name} does not emit"


def test_codes_are_read_from_every_check() -> None:
    # The collector itself: it finds the codes the samples' manifest expects of the checks.
    patterns = [p for name, check in installed_checks().items() for p in emitted_codes(name, check)]
    for code in ("dates.weekday_mismatch", "forensics.clone", "people.author_not_found"):
        assert any(re.fullmatch(p, code) for p in patterns), code
    assert len(patterns) > 60


@pytest.mark.parametrize("name", sorted(installed_checks()))
def test_every_checklist_id_a_check_cites_exists(name: str) -> None:
    known = load_checklist().item_ids()
    for path in check_sources(installed_checks()[name]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for item, line in cited_checklist_ids(tree):
            assert item in known, f"{path.name}:{line} cites checklist item {item!r}"


def test_checklist_citations_are_read() -> None:
    cited = {
        item
        for check in installed_checks().values()
        for path in check_sources(check)
        for item, _ in cited_checklist_ids(ast.parse(path.read_text(encoding="utf-8")))
    }
    # form.signature is only ever appended to a variable (the layout check's block findings).
    assert {"date.weekday", "img.clone", "form.signature"} <= cited
