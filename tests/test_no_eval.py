"""No evaluation of text (issue #15): the package never evaluates a user's string as code.

Static: an AST scan of symbound/ finds no call of eval, exec, the builtin compile, __import__ or
parse_expr; no sympify of a string literal, f-string or str(); imports by name only where the
module list below says why.  Dynamic: ``sympy.sympify`` is replaced by a guard that fails on a
string while public functions receive strings where numbers are expected (they must raise
InvalidTypeError) and while a spec with exact string numbers ("pi/4", "1/3") is parsed.
(test_symbols_validation.test_no_sympify_of_strings_in_package is the older text grep.)"""

import ast
import pathlib

import pytest
import sympy as sp

import symbound as sb
from symbound.errors import InvalidTypeError

ROOT = pathlib.Path(sb.__file__).parent

#: import_module by name: where, and why it is not user text
IMPORT_BY_NAME = {
    "__init__.py": "lazy import of the numeric layer: names from the fixed table _LAZY",
    "numeric/frameworks.py": "import_module('torch'): a literal",
    "report/problem.py": "[model] function = \"module:attribute\", the one place user text names "
                         "code (refused unless it matches module:attribute, spec.py)",
}


def _calls():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(), rel)):
            if isinstance(node, ast.Call):
                f = node.func
                name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) \
                    else None
                yield rel, node, name, f


def test_ast_scan_finds_no_evaluation_of_text():
    bad = []
    for rel, node, name, f in _calls():
        where = f"{rel}:{node.lineno}"
        if name in ("eval", "exec", "__import__", "parse_expr", "parse_latex"):
            bad.append(f"{where} calls {name}")
        elif name == "compile" and isinstance(f, ast.Name):  # the builtin (re.compile is fine)
            bad.append(f"{where} calls the builtin compile")
        elif name in ("sympify", "S") and node.args:
            a = node.args[0]
            if (isinstance(a, ast.Constant) and isinstance(a.value, str)) or isinstance(a, ast.JoinedStr) \
                    or (isinstance(a, ast.Call) and isinstance(a.func, ast.Name) and a.func.id == "str"):
                bad.append(f"{where} sympifies a string")
        elif name == "import_module" and rel not in IMPORT_BY_NAME:
            bad.append(f"{where} imports a module by name")
    assert bad == []


@pytest.fixture
def no_string_sympify(monkeypatch):
    """sympy.sympify (as the package calls it, ``sp.sympify``) fails on any string."""
    real = sp.sympify
    seen = []

    def guard(a, *args, **kw):
        if isinstance(a, str):
            seen.append(a)
            raise AssertionError(f"sympify called on the string {a!r}")
        return real(a, *args, **kw)

    monkeypatch.setattr(sp, "sympify", guard)
    return seen


STRING_FOR_NUMBER = [
    lambda: sb.Ball(2, radius="1"),
    lambda: sb.Ball(2).covering_number("0.1"),
    lambda: sb.Annulus("1", 2),
    lambda: sb.Torus(2, period="2*pi"),
    lambda: sb.quotient(sb.Ball(2), sb.groups.SO(2)).covering_number("__import__('os')"),
    lambda: sb.groups.Cyclic("4"),
    lambda: sb.groups.PartialRotations(3, "pi/4"),
    lambda: sb.generalization_bound(sb.Ball(2), lipschitz="1", n=100, delta=0.05),
    lambda: sb.empirical_covering_number([[0.0, 1.0]], "0.1"),
    lambda: sb.Ball(2, radius="exec('1')"),
]


@pytest.mark.parametrize("call", STRING_FOR_NUMBER, ids=range(len(STRING_FOR_NUMBER)))
def test_string_where_a_number_is_expected_is_a_type_error(call, no_string_sympify):
    with pytest.raises(InvalidTypeError):
        call()
    assert no_string_sympify == []


def test_spec_strings_are_matched_not_evaluated(no_string_sympify, tmp_path):
    from symbound.report.spec import SpecError, parse_text

    base = (ROOT / "report" / "example.toml").read_text()
    spec = parse_text(base, tmp_path)
    assert spec is not None and no_string_sympify == []
    target = '"symbound.report.example:model"'
    assert target in base
    for text in ("os:system('ls')", "__import__('os')", "a.b", "x:y:z", "os.system", "m:f()"):
        with pytest.raises(SpecError, match="module:attribute"):
            parse_text(base.replace(target, f'"{text}"'), tmp_path)
    assert no_string_sympify == []
