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


def demands_tables(out):
    """The demands figures: inbox and metrics pages, the rates cold and warm, intake under load."""
    pages = {}
    for b in BACKENDS:
        cases, info = [], None
        for name in (f"demands-pages-{b}.json", f"demands-pages-{b}-metrics.json"):
            if (out / name).exists():
                info = json.loads((out / name).read_text())
                cases += info.get("cases", [])
        if cases:
            pages[b] = {"demands": info.get("demands"), "cases": cases, "client": info.get("client"),
                        "organizations": info.get("demands"), "loadavg_1min": info.get("loadavg_1min")}
    if pages:
        print("Demands pages ({}; times in ms, p95 ≥ 300 in bold, (CPU p95 of the Django process))\n".format(
            ", ".join("{}: {:,} demands".format(b, p["demands"] or 0) for b, p in pages.items())))
        backends = list(pages)
        print("| page | " + " | ".join(f"{b} median | {b} p95 | n" for b in backends) + " | results |")
        print("|" + "---|" * (2 + 3 * len(backends)))
        keys = []
        for p in pages.values():
            keys += [c["key"] for c in p["cases"] if c["key"] not in keys]
        for key in keys:
            row = {b: next((c for c in p["cases"] if c["key"] == key), None) for b, p in pages.items()}
            c0 = next(c for c in row.values() if c)
            cells = []
            for b in backends:
                c = row[b]
                if c is None:
                    cells += ["–", "–", "–"]
                    continue
                p95 = "{:.0f}".format(c["p95_ms"])
                p95 = (f"**{p95}**" if c["p95_ms"] >= 300 else p95) + " ({:.0f})".format(c["cpu_p95_ms"])
                cells += ["{:.0f}".format(c["median_ms"]), p95, str(c["n"])]
            res = c0.get("results")
            print(f"| {c0['description']} | " + " | ".join(cells) + f" | {'' if res is None else f'{res:,}'} |")
        print()
    rows = []
    for b in BACKENDS:
        cold = out / f"demands-rates-cold-{b}.json"
        warm = out / f"demands-pages-{b}.json"
        if cold.exists() or warm.exists():
            c = json.loads(cold.read_text())["rates"] if cold.exists() else {}
            w = json.loads(warm.read_text())["rates"] if warm.exists() else c
            f = c.get("figures") or w.get("figures")
            rows.append((b, c.get("cold_ms"), w.get("warm_median_ms"), f))
    if rows:
        print("Three rates of the city for the last 365 days (`metrics.totals`), ms\n")
        print("| backend | cold | warm (median) | received | 响应率 % | 解决率 % | 满意率 % |")
        print("|---|---|---|---|---|---|---|")
        for b, cold, warm, f in rows:
            print(f"| {b} | {cold} | {warm} | {f['received']:,} | {f['response_rate']} | {f['resolution_rate']} | "
                  f"{f['satisfaction_rate']} |")
        print()
    intakes = sorted(out.glob("intake-postgresql-*.json"))
    if intakes:
        print("Intake (locust → gunicorn → PostgreSQL, POST /api/v1/demands/)\n")
        print("| run | workers | users | s | created (201) | creates/s | errors | keyed retries replayed | "
              "concurrent pairs → one demand | lost | doubled | CPU ms per request: gunicorn / PostgreSQL / locust "
              "| load |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for path in intakes:
            r = json.loads(path.read_text())
            cpu = r["cpu_ms_per_request"]
            print(f"| {path.stem} | {r['workers']} | {r['users']} | {r['seconds']} | {r['created_201']:,} | "
                  f"{r['sustained_creates_per_s']} | {r['errors']} | {r['keyed_retries_replayed']}/{r['keyed_retries']} "
                  f"| {r['concurrent_pairs_one_demand']}/{r['concurrent_pairs']} | {r['lost']} | {r['doubled']} | "
                  f"{cpu['gunicorn']} / {cpu['postgresql']} / {cpu['locust']} | {r['loadavg_1min_after']} |")
        print()


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/out")
    if pages := _load(out, "pages"):
        pages_table(pages)
    if imports := _load(out, "import"):
        import_table(imports)
    demands_tables(out)


if __name__ == "__main__":
    main()
