"""Rules of the project that a test can keep: the README's commands, the layering, lazy imports."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

from .conftest import ROOT

PLAIN = [
    "pos_tui/api",
    "pos_tui/sandbox",
    "pos_tui/till",
    "pos_tui/config",
    "pos_tui/services.py",
    "pos_tui/printing",
    "pos_tui/cli/printer.py",
]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```sh\n(.+?)\n```", text)[:2]


def test_readme_starts_with_the_demo_and_test_commands():
    demo, tests = readme_commands()
    assert demo.endswith("pos-tui demo") and "pip install" in demo
    assert "pytest" in tests and "[test]" in tests


def test_ci_runs_exactly_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert readme_commands()[1] in ci


def test_the_latency_tests_are_where_the_readme_runs_them():
    """The README's first pass leaves out ``-m latency``; its second runs them from their file only
    (collecting the whole suite took seconds): a latency test elsewhere would run nowhere."""
    assert "-m 'not latency'" in readme_commands()[1]
    assert "-m latency tests/test_wedge_terminal.py" in readme_commands()[1]
    tests = [p for p in (ROOT / "tests").glob("test_*.py") if p.name != "test_project.py"]
    marked = {p.name for p in tests if "pytest.mark.latency" in p.read_text()}
    assert marked == {"test_wedge_terminal.py"}


def test_pytest_is_pinned_below_9():
    assert '"pytest>=8,<9"' in (ROOT / "pyproject.toml").read_text()


def test_the_api_layer_imports_nothing_from_textual():
    for base in PLAIN:
        path = ROOT / base
        for file in [path] if path.is_file() else path.rglob("*.py"):
            tree = ast.parse(file.read_text())
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                assert not any(n.split(".")[0] == "textual" for n in names), f"{file} imports textual"


def imported_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_using_the_api_never_loads_textual():
    modules = imported_after("from pos_tui.api.client import LoyaltyClient; import pos_tui.api.models")
    assert "textual" not in modules


def test_start_up_defers_heavy_imports():
    modules = imported_after("import pos_tui.cli, pos_tui.api")
    for heavy in ("httpx", "pydantic", "lxml", "textual", "starlette", "uvicorn"):
        assert heavy not in modules, f"{heavy} is imported at start-up"


def test_a_pos_tui_process_never_loads_httpxs_command_line_or_trio(tmp_path):
    """Both are installed here (uvicorn brings click, selenium brings trio), and httpx and httpcore
    import them whenever they are: a ``pos-tui`` process marks them absent before anything else.
    A real call, to a loopback port nobody listens on (it exits 5: cannot reach the server)."""
    import importlib.util

    from .sandbox_helpers import free_port
    from .test_journal_cli import till_env

    assert importlib.util.find_spec("click") and importlib.util.find_spec("trio")
    assert {"click", "trio"} <= imported_after("import httpx, httpcore")  # what the libraries do
    code = (
        "import atexit, runpy, sys; atexit.register(lambda: print(*(m for m, v in sys.modules.items()"
        " if v is not None), file=sys.stderr)); sys.argv = ['pos-tui', 'call', 'customer_info', 'code=1'];"
        " runpy.run_module('pos_tui', run_name='__main__')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=till_env(tmp_path, free_port()),
        capture_output=True,
        text=True,
        timeout=60,
    )
    imported = set(done.stderr.split())
    assert done.returncode == 5 and {"httpx", "httpcore", "pydantic"} <= imported, done.stderr[-2000:]
    assert not {"click", "trio", "pygments"} & imported


def test_the_first_screen_needs_no_api_stack():
    """What the till imports before its first screen: Textual and the scan screen, nothing heavier."""
    modules = imported_after(
        "import pos_tui.cli, pos_tui.config.logs, pos_tui.tui.app, pos_tui.tui.screens.scan"
    )
    for heavy in (
        "httpx",
        "pydantic",
        "pydantic_settings",
        "lxml",
        "starlette",
        "uvicorn",
        "sqlite3",
        "escpos",
    ):
        assert heavy not in modules, f"{heavy} is imported before the first screen"


def test_the_tests_bytecode_is_written_ahead_and_a_broken_module_is_left_to_collection(
    tmp_path, pytestconfig
):
    """What the first pytest process writes before the workers start (tests/conftest.py): each test
    module's rewritten asserts where pytest reads them, a helper's plain bytecode, and nothing for a
    module that does not compile (a SyntaxError there ended the whole run as an INTERNALERROR; the
    worker that collects it reports it as pytest does)."""
    from _pytest.assertion import rewrite

    from .conftest import _write_the_tests_bytecode

    (tmp_path / "test_good.py").write_text("def test_x():\n    assert 1 + 1 == 2\n")
    (tmp_path / "test_broken.py").write_text("def test_x(:\n    pass\n")
    (tmp_path / "helpers.py").write_text("X = 1\n")
    _write_the_tests_bytecode(pytestconfig, tmp_path)
    written = sorted(p.name for p in (tmp_path / "__pycache__").iterdir())
    assert written == [f"helpers.{sys.implementation.cache_tag}.pyc", "test_good" + rewrite.PYC_TAIL]
    assert rewrite._read_pyc(tmp_path / "test_good.py", tmp_path / "__pycache__" / written[1]) is not None
