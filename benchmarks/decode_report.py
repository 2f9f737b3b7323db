"""Decode a generated 50,000-customer ``customers_all`` report, against plain lxml in the same run.

    python benchmarks/decode_report.py [--customers 50000] [--repeat 5]

Baseline: ``lxml.etree.fromstring`` and a walk that reads every element's text (the least any
decoder must do). Ours: ``pos_tui.api.calls.decode`` (repairs, checks, typed pydantic models
with ``Decimal`` and dates). Each run happens in a fresh process so peak memory (max RSS above
the process's start) is measured per workload. Prints medians and the ratio.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CUSTOMER = """<customer>
<first_name>Jane{i}</first_name>
<last_name>Doe &amp; Sons</last_name>
<phone>555-{i:04d}</phone>
<email>jane{i}@email.com</email>
<address1>{i} Main St.</address1>
<address2>Apt 3G</address2>
<city>Anytown</city>
<state>ND</state>
<zip>12345</zip>
<country>NZ</country>
<custom1>She likes cheese!</custom1>
<custom_date>1970-07-14</custom_date>
<customer_username>jdoe{i}</customer_username>
<customer_code>{code:016d}</customer_code>
<card_number>{card}</card_number>
</customer>
"""


def generate(path: Path, customers: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write('<response status="success">\n')
        for i in range(customers):
            out.write(CUSTOMER.format(i=i, code=4137071924090694 + i, card=10_000_000 + i))
        out.write("</response>\n")


def baseline(body: bytes) -> int:
    from lxml import etree

    root = etree.fromstring(body, etree.XMLParser(huge_tree=True, resolve_entities=False))
    count = 0
    for customer in root:
        record = {child.tag: child.text or "" for child in customer}
        count += len(record)
    return count


def ours(body: bytes) -> int:
    from pos_tui.api.calls import decode

    report = decode("customers_all", body)
    return len(report.customers)


def child(workload: str, path: str) -> None:
    body = Path(path).read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if workload == "ours":  # import outside the timed part, as the till has it loaded already
        import pos_tui.api.calls  # noqa: F401
        import pos_tui.api.models  # noqa: F401
    import lxml.etree  # noqa: F401

    started = time.perf_counter()
    result = (ours if workload == "ours" else baseline)(body)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(json.dumps({"seconds": elapsed, "peak_kib": peak, "result": result}))


def run(workload: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", workload, str(path)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "customers_all.xml"
        generate(path, args.customers)
        size = path.stat().st_size
        results: dict[str, list[dict[str, float]]] = {"lxml": [], "ours": []}
        for _ in range(args.repeat):  # interleaved, so both see the same machine load
            for workload in results:
                results[workload].append(run(workload, path))
    assert results["ours"][0]["result"] == args.customers
    print(f"customers_all report: {args.customers} customers, {size / 1e6:.1f} MB, {args.repeat} runs each")
    medians = {}
    for workload, runs in results.items():
        seconds = statistics.median(r["seconds"] for r in runs)
        peak = statistics.median(r["peak_kib"] for r in runs) / 1024
        medians[workload] = seconds
        print(f"  {workload:5s} median {seconds * 1000:7.0f} ms   peak memory +{peak:6.0f} MiB")
    print(f"  ratio ours / lxml parse-and-walk: {medians['ours'] / medians['lxml']:.2f}x (target: within 3x)")


if __name__ == "__main__":
    main()
