"""The CPU of one ``pos-tui call`` process: as the command runs it (``run()``, which marks httpx's
command line and trio absent first) against the same call through ``main()`` alone (what every
process paid before), in the same run. The call goes to a loopback port nobody listens on, so it
measures start-up and the attempt, not a server.

    .venv/bin/python benchmarks/process_start.py [--runs 10]
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import subprocess
import sys
import tempfile

ARGS = ["call", "customer_info", "code=1"]
WITH_RUN = f"import sys; sys.argv = ['pos-tui', *{ARGS!r}]; from pos_tui.cli import run; run()"
MAIN_ONLY = f"import sys; from pos_tui.cli import main; sys.exit(main({ARGS!r}))"


def cpu_per_process(code: str, runs: int, env: dict[str, str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for _ in range(runs):
        subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return used / runs


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    with socket.socket() as probe:  # a free loopback port, closed again: nobody listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory() as work:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("POS_TUI_")},
            "POS_TUI_DATA_DIR": os.path.join(work, "data"),
            "POS_TUI_CONFIG": os.path.join(work, "c.toml"),
            "POS_TUI_API_URL": f"http://127.0.0.1:{port}/api.php",
            "POS_TUI_USER_ID": "john1970",
            "POS_TUI_ACCOUNT_ID": "greatwidgets",
            "POS_TUI_API_KEY": "1959caadac9b13dcb3",
        }
        cpu_per_process(WITH_RUN, 1, env)  # warm the disk cache
        baseline = cpu_per_process(MAIN_ONLY, runs, env)
        ours = cpu_per_process(WITH_RUN, runs, env)
    print(f"main() alone: {baseline * 1000:.0f} ms CPU a process ({runs} runs)")
    print(f"run():        {ours * 1000:.0f} ms CPU a process")
    print(f"ratio {ours / baseline:.2f}")


if __name__ == "__main__":
    main()
