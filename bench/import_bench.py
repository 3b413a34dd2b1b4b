"""Time `chainserve import organizations FILE` (the CLI, in a fresh process) against DATABASE_URL.

    DATABASE_URL=… python bench/import_bench.py bench/out/import-100k.xlsx --json bench/out/import-sqlite.json

Wall time of the whole command: reading the workbook, validating every row, then one transaction that
bulk-creates the organisations with their change history and labels. The first run creates the rows;
running it again on the same database updates them (same USCCs), which is timed as such.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file")
    p.add_argument("--user", default="office")
    p.add_argument("--json")
    args = p.parse_args(argv)
    cmd = [str(ROOT / ".venv" / "bin" / "chainserve"), "import", "organizations", args.file,
           "--user", args.user]
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy())
    wall = time.perf_counter() - t
    out = (proc.stdout + proc.stderr).strip()
    if proc.returncode != 0:
        print(out[-3000:], file=sys.stderr)
        raise SystemExit(f"[import] failed with {proc.returncode}")
    m = re.search(r"Imported (\d+) rows: (\d+) created, (\d+) updated", out)
    rows, created, updated = (int(g) for g in m.groups()) if m else (0, 0, 0)
    res = {"backend": os.environ.get("DATABASE_URL", "sqlite").split(":")[0], "command": " ".join(cmd[1:]),
           "rows": rows, "created": created, "updated": updated, "wall_s": round(wall, 1),
           "rows_per_s": round(rows / wall) if wall else None}
    print(f"[import] {rows:,} rows ({created:,} created, {updated:,} updated) in {wall:.1f}s = "
          f"{res['rows_per_s']:,} rows/s", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
