from __future__ import annotations

import gc
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from pos_tui.config import logs
from pos_tui.services import TRAINING_PIN
from pos_tui.till import manager_pin

settings.register_profile(
    "pos", deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("pos")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REFERENCE = FIXTURES / "reference"


_hash_pin = manager_pin.hash_pin
_training_pin_hash = _hash_pin(TRAINING_PIN)


def _hash_pin_once_for_training(pin: str, *, salt: bytes | None = None) -> str:
    """Every in-process demo till hashes the training PIN (scrypt, ~0.1 s of CPU: half of making
    a test's till); the tests share one real hash of it. Any other PIN, or a given salt, is hashed
    afresh, so the tests of ``hash_pin`` itself (a new salt each time) see the real function."""
    if pin == TRAINING_PIN and salt is None:
        return _training_pin_hash
    return _hash_pin(pin, salt=salt)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets its own settings file, data dir and log, and no inherited account."""
    monkeypatch.setenv("POS_TUI_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("POS_TUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(manager_pin, "hash_pin", _hash_pin_once_for_training)
    for name in list(os.environ):
        if name.startswith("POS_TUI_") and name not in {"POS_TUI_CONFIG", "POS_TUI_DATA_DIR"}:
            monkeypatch.delenv(name)
    yield
    logger = logging.getLogger("pos_tui")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    logger.propagate = True
    logger.setLevel(logging.NOTSET)
    logs._configured = None


def reference(name: str) -> bytes:
    return (REFERENCE / f"{name}.xml").read_bytes()


def pytest_configure(config: pytest.Config) -> None:
    """Compile the package's bytecode once, before the workers start: ``pip install .`` does that
    for a store, but an editable checkout with ``PYTHONDONTWRITEBYTECODE=1`` (set on some machines)
    compiled every module again in each of the hundreds of ``pos-tui`` processes the tests start
    (0.2 s of CPU each). ``compileall`` writes ``__pycache__`` whatever that variable says."""
    if not hasattr(config, "workerinput"):  # the controller, or a run without xdist
        import compileall

        compileall.compile_dir(ROOT / "pos_tui", quiet=1)
        _write_the_tests_bytecode(config, Path(__file__).resolve().parent)
        _share_the_printer_database(config)


def _write_the_tests_bytecode(config: pytest.Config, tests: Path) -> None:
    """The same for the tests, before the workers start: each worker compiled the helpers and
    rewrote the asserts of every test module itself (pytest keeps rewritten modules in
    ``__pycache__``, but not under ``PYTHONDONTWRITEBYTECODE``, and never on a first run, where
    the workers all start at once): 1.6 s of CPU a worker. pytest reads what is written here
    whatever that variable says. Its rewriting functions are internal (pytest is pinned below 9);
    if they change, the workers rewrite as before."""
    import compileall

    try:
        from _pytest.assertion import rewrite

        state = config.stash[rewrite.assertstate_key]
        read, write, rewrite_test = rewrite._read_pyc, rewrite._write_pyc, rewrite._rewrite_test
        cache_dir, makedirs, tail = rewrite.get_cache_dir, rewrite.try_makedirs, rewrite.PYC_TAIL
    except (ImportError, AttributeError, KeyError):  # another pytest, or --assert=plain
        return
    for source in sorted(tests.glob("*.py")):
        if source.name != "conftest.py" and not source.name.startswith("test_"):
            compileall.compile_file(source, quiet=1)  # a helper: imported as usual
            continue
        pyc = cache_dir(source) / (source.name[:-3] + tail)
        if read(source, pyc, state.trace) is None and makedirs(pyc.parent):
            try:
                stat, code = rewrite_test(source, config)
            except SyntaxError:  # left to the worker that collects it, to report as pytest does
                continue
            write(state, code, stat, pyc)


def _share_the_printer_database(config: pytest.Config) -> None:
    """python-escpos parses its 1 MB printer database (0.7 s of CPU) in every process that
    imports it, unless ``ESCPOS_CAPABILITIES_PICKLE_DIR`` holds its parsed copy. A till keeps that
    copy in its data dir (``load_escpos``); the tests' processes each have a new data dir, so
    every worker (test_print_till.py imports escpos to collect) and every ``pos-tui printer``
    process parsed it again. Parsed once here, before the workers start, into pytest's cache
    folder, which they all inherit (python-escpos parses it again when the copy is stale)."""
    from pos_tui.printing.text import load_escpos

    cache = getattr(config, "cache", None)  # absent with -p no:cacheprovider: each parses it
    if cache is None or "ESCPOS_CAPABILITIES_PICKLE_DIR" in os.environ:
        return
    os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(cache.mkdir("escpos"))
    load_escpos()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Fewer, cheaper garbage collections in a test process. The pilot tests make and drop
    Textual's objects by the million, and a fifth of a worker's CPU went to the collector, most
    of it in full collections walking what collection had loaded (modules, the test items), which
    is never garbage. ``freeze`` sets that aside; a higher first threshold collects young objects
    in larger batches, and full collections come ten times less often. test_counter.py with
    test_snapshots.py, twice each way in one process: 28.2 s of CPU by default (5.6 s of it
    collecting), 24.5 s so (1.5–2.3 s collecting)."""
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest tests first (``slow(seconds=N)``, most seconds first), then the other slow ones:
    with ``--dist loadgroup`` xdist deals the tests out one by one as workers free up, so each long
    test starts at once on a worker of its own instead of ending the run alone, or three of them
    queuing on one worker (``--dist load`` deals out runs of consecutive tests).

    The rest are spread out module by module, each module's tests evenly over the run, instead of
    in file order: the tests that mostly wait (a terminal, a browser, a room's processes) are
    modules of their own, and in file order they came up together (test_kiosk_terminal.py,
    test_serve*.py) and left the CPUs a third idle for twenty seconds while the tests that need
    CPU waited for their turn."""

    slow: list[tuple[float, pytest.Item]] = []
    modules: dict[str, list[pytest.Item]] = {}
    for item in items:
        mark = item.get_closest_marker("slow")
        if mark is not None:
            slow.append((-float(mark.kwargs.get("seconds", 0)), item))
        else:
            modules.setdefault(item.nodeid.split("::")[0], []).append(item)
    slow.sort(key=lambda pair: pair[0])  # stable: the slow ones of equal seconds in file order
    spread = sorted(
        ((n + 0.5) / len(tests), m, item)
        for m, tests in enumerate(modules.values())
        for n, item in enumerate(tests)
    )
    items[:] = [item for _, item in slow] + [item for _, _, item in spread]
