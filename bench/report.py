"""Render bench/out/*.json as the Markdown tables of bench/README.md: python bench/report.py bench/out"""

import json
import sys
from pathlib import Path

BACKENDS = ("sqlite", "postgresql")


def _load(out, prefix):
    return {b: json.loads((out / f"{prefix}-{b}.json").read_text()) for b in BACKENDS
            if (out / f"{prefix}-{b}.json").exists()}


def pages_table(pages):
    backends = list(pages)
    first = pages[backends[0]]
    sizes = ", ".join("{}: {:,} organisations, load {}".format(b, p["organizations"], p.get("loadavg_1min"))
                      for b, p in pages.items())
    print(f"Pages ({sizes}; {first['client']}; times in ms, p95 ≥ 300 in bold, "
          "(CPU p95 of the Django process))\n")
    print("| page | " + " | ".join(f"{b} median | {b} p95 | n" for b in backends) + " | results |")
    print("|" + "---|" * (2 + 3 * len(backends)))
    for key in [c["key"] for c in first["cases"]]:
        row = {b: next((c for c in p["cases"] if c["key"] == key), None) for b, p in pages.items()}
        c0 = next(c for c in row.values() if c)
        cells = []
        for b in backends:
            c = row[b]
            if c is None:
                cells += ["–", "–", "–"]
                continue
            p95 = "{:.0f}".format(c["p95_ms"])
            p95 = f"**{p95}**" if c["p95_ms"] >= 300 else p95
            if "cpu_p95_ms" in c:
                p95 += " ({:.0f})".format(c["cpu_p95_ms"])
            cells += ["{:.0f}".format(c["median_ms"]), p95, str(c["n"])]
        res = c0.get("results")
        res = "" if res is None else f"{res:,}"
        print(f"| {c0['description']} | " + " | ".join(cells) + f" | {res} |")
    print()


def import_table(imports):
    print("Import (`chainserve import organizations FILE --user office`, wall time)\n")
    print("| backend | rows | created | updated | wall s | rows/s |")
    print("|---|---|---|---|---|---|")
    for b, r in imports.items():
        print("| {} | {:,} | {:,} | {:,} | {} | {:,} |".format(
            b, r["rows"], r["created"], r["updated"], r["wall_s"], r["rows_per_s"]))


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/out")
    if pages := _load(out, "pages"):
        pages_table(pages)
    if imports := _load(out, "import"):
        import_table(imports)


if __name__ == "__main__":
    main()
