"""Benchmark data for chainserve: a big fictional registry, a chain with many placements, an import workbook.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python bench/generate.py orgs --n 1000000 --placements 50000
    python bench/generate.py workbook --rows 100000 --out bench/out/import-100k.xlsx
    DATABASE_URL=… python bench/generate.py demands --n 1000000     # after `orgs`; see gen_demands.py

`orgs` migrates the database, loads the demo cluster (districts, labels, parks, users such as `office`),
then bulk-inserts N organisations with their profiles and labels (raw executemany on SQLite, COPY on
PostgreSQL; no change-history rows), and a benchmark chain with a segment tree and P enterprises placed
on it. Every name is fictional: a city prefix, a two-character brand, an industry word and a company
suffix, drawn with a fixed seed. search_text is what chainserve.core.text.search_document gives; pinyin
is cached per name component (checked against search_document on a sample at the end).

Known search targets (see TARGETS) are inserted once each so that a search for them has one answer.
"""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainserve.settings")

# Name components. No component contains a polyphone whose reading depends on its neighbour.
PREFIXES = ["明湖", "东岸", "西山", "南港", "北城", "生物城", "", "", "", ""]
BRAND_A = "澜岚澄蔚朗曜沐樾翎砚榕岱溪珩霁峤苒筠璟琮瑜珂璇煜炜晟昕昀晖曦晗骁睿宸栩桉楠柏松梧杉"
BRAND_B = "瑞康合润恒元启泽禾衡铂芯朔源研宁泰丰安达信诚益众德博凯盛嘉华通远鸿兴荣祥锦辉凌"
WORDS = ["生物医药", "医疗器械", "基因技术", "细胞科技", "生物制药", "化学制药", "中药", "药业",
         "医药研发", "药用材料", "生物试剂", "仪器", "合成生物", "医疗科技", "诊断技术", "医疗设备",
         "卫生材料", "医药物流", "医疗管理", "健康科技", "数字健康", "医学检验", "康复器材", "营养健康",
         "医美科技", "动物药业",
         "检测技术", "精准医疗", "智能医疗", "眼科医疗", "口腔医疗", "疫苗", "抗体药物", "核酸技术",
         "影像科技", "冷链物流", "养老服务", "软件", "新材料", "环保科技"]
SUFFIXES = ["有限公司"] * 6 + ["股份有限公司", "有限责任公司", "集团有限公司", "(明湖)有限公司"]
OTHER_KINDS = [  # (kind, share of the non-enterprise rows, name ending)
    ("hospital", 0.15, ["医院", "诊所", "康复中心", "体检中心"]),
    ("financial", 0.15, ["创业投资管理有限公司", "融资担保有限公司", "小额贷款有限公司"]),
    ("university", 0.15, ["研究院", "研究所", "职业技术学院"]),
    ("association", 0.15, ["产业协会", "促进会", "产业联盟"]),
    ("fund", 0.10, ["产业基金", "天使基金"]),
    ("department", 0.15, ["街道办事处", "管理委员会", "服务中心"]),
    ("party_org", 0.15, ["党支部", "联合党委"]),
]
ENTERPRISE_SHARE = 0.92
# Inserted once each; the benchmark searches for them (a unique name, its traditional form, its initials).
TARGETS = ["明湖翊纬康生物医药有限公司", "东岸珀涞思医疗器械有限公司", "生物城蓁芃基因技术有限公司",
           "西山淞霏精准医疗有限公司", "南港鹂荻细胞科技有限公司"]
CHAIN_NAME = "明湖市生物医药基准链(bench)"
STAGES = ["upstream", "midstream", "downstream"]
SEGMENT_ROOTS = {
    "upstream": ["研发外包服务", "原料药及中间体", "药用辅料", "生物试剂与培养基", "科研仪器", "合成生物学"],
    "midstream": ["化学药品制剂", "生物药品制品", "中成药", "医疗器械", "卫生材料", "体外诊断"],
    "downstream": ["医药流通", "医疗服务", "健康管理", "数字医疗", "第三方检验", "康养服务"],
}
SEGMENT_CHILDREN = ["创新药", "仿制药", "高值耗材", "低值耗材", "设备", "服务平台"]
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def setup():
    import django

    django.setup()


def uscc_for(n: int, district_code: str, mark: str) -> str:
    """A valid, unique 统一社会信用代码 for counter n (mark keeps generated ranges apart)."""
    from stdnum.cn import uscc as stdnum_uscc

    digits = []
    for _ in range(8):
        n, r = divmod(n, 31)
        digits.append(USCC_ALPHABET[r])
    body = "91" + district_code + mark + "".join(reversed(digits))
    return body + stdnum_uscc.calc_check_digit(body)


class Namer:
    """Fictional names with their search_text, pinyin cached per component."""

    def __init__(self, rng):
        from chainserve.core.text import normalize, pinyin_forms

        self.rng = rng
        self._normalize = normalize
        self.used = set()
        self._py = {}
        self._pinyin_forms = pinyin_forms

    def py(self, part):
        got = self._py.get(part)
        if got is None:
            got = self._py[part] = self._pinyin_forms(part) if part else ("", "")
        return got

    def make(self, kind):
        rng = self.rng
        for _ in range(50):
            prefix = rng.choice(PREFIXES)
            brand = rng.choice(BRAND_A) + rng.choice(BRAND_B)
            if kind == "enterprise":
                parts = (prefix, brand, rng.choice(WORDS), rng.choice(SUFFIXES))
            else:
                ending = rng.choice(next(e for k, _s, e in OTHER_KINDS if k == kind))
                parts = (prefix, brand, rng.choice(WORDS[:20]) if rng.random() < 0.5 else "", ending)
            name = "".join(parts)
            if name not in self.used:
                break
        self.used.add(name)
        return name, self.search_text(parts)

    def search_text(self, parts, uscc=""):
        name = "".join(parts)
        forms = [self.py(p) for p in parts]
        full = "".join(f for f, _i in forms)
        initials = "".join(i for _f, i in forms)
        words = [self._normalize(name)] + ([full, initials] if full else [])
        return " ".join(words)


def _now():
    return datetime.datetime.now(datetime.UTC)


def bulk_insert(table, columns, rows):
    """Insert rows fast: COPY on PostgreSQL, executemany on SQLite."""
    from django.db import connection

    if not rows:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            raw = c.cursor if hasattr(c, "cursor") else c
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
    else:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
        with connection.cursor() as c:
            c.executemany(sql, rows)


def reset_sequences(models):
    from django.core.management.color import no_style
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as c:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            c.execute(sql)


def ensure_chain(rng):
    """The benchmark chain (idempotent): 18 root segments in three stages, most with 3–6 leaves."""
    from chainserve.chains.models import Chain, Segment
    from chainserve.core.models import User

    chain, created = Chain.objects.get_or_create(
        name=CHAIN_NAME, level="city", defaults={"description": "Benchmark chain (bench/generate.py)."})
    office = User.objects.filter(username="office").first()
    if office:
        chain.staff.add(office)
    if created:
        for stage in STAGES:
            for pos, name in enumerate(SEGMENT_ROOTS[stage]):
                root = Segment.objects.create(chain=chain, name=name, stage=stage, position=pos,
                                              import_dependent=rng.random() < 0.15)
                for cpos, child in enumerate(rng.sample(SEGMENT_CHILDREN, rng.choice([0, 3, 4, 6]))):
                    Segment.objects.create(chain=chain, parent=root, name=child, stage=stage, position=cpos,
                                           import_dependent=rng.random() < 0.1)
    return chain


def leaves_of(chain):
    from chainserve.chains.models import Segment

    segs = list(Segment.objects.filter(chain=chain))
    parents = {s.parent_id for s in segs if s.parent_id}
    return [s for s in segs if s.pk not in parents]


def cmd_orgs(args):
    setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from chainserve.chains.models import Placement
    from chainserve.core.text import search_document
    from chainserve.demo import load_demo
    from chainserve.registry.models import District, Label, Organization

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_demo()
    rng = random.Random(args.seed)
    chain = ensure_chain(rng)
    print(f"[generate] {connection.vendor}: migrated, demo loaded, chain {chain.pk} "
          f"({time.perf_counter() - t0:.1f}s)", flush=True)

    districts = list(District.objects.values_list("pk", "code", "name"))
    parks = list(Organization.objects.filter(kind="park").values_list("pk", flat=True))
    labels = dict(Label.objects.values_list("slug", "pk"))
    namer = Namer(rng)
    namer.used.update(Organization.objects.values_list("name", flat=True))
    start_id = (Organization.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    n = args.n
    cols = ["id", "name", "short_name", "kind", "uscc", "district_id", "park_id", "founded_on", "size",
            "employees", "listing_status", "address", "website", "description", "search_text", "created",
            "updated"]
    now = _now()
    if connection.vendor != "postgresql":  # what Django's SQLite backend stores: naive UTC text
        now = now.replace(tzinfo=None).isoformat(" ")
    if connection.vendor == "sqlite":
        with connection.cursor() as c:  # a one-off bulk load: no need to sync every page
            c.execute("PRAGMA synchronous=OFF")
            c.execute("PRAGMA cache_size=-500000")
    enterprise_ids = []
    t1 = time.perf_counter()
    batch = 50_000
    done = 0
    kinds_w = [k for k, _s, _e in OTHER_KINDS]
    kinds_p = [s for _k, s, _e in OTHER_KINDS]
    with transaction.atomic():
        while done < n:
            rows, label_rows = [], []
            for i in range(done, min(n, done + batch)):
                pk = start_id + i
                if i < len(TARGETS):
                    kind = "enterprise"
                    name = TARGETS[i]
                    st = search_document(name)
                else:
                    kind = ("enterprise" if rng.random() < ENTERPRISE_SHARE
                            else rng.choices(kinds_w, kinds_p)[0])
                    name, st = namer.make(kind)
                did, dcode, dname = rng.choice(districts)
                uscc = None
                if kind in ("enterprise", "financial", "fund"):
                    uscc = uscc_for(pk, dcode, "B")
                    st = f"{st} {uscc.lower()}"
                if kind == "enterprise":
                    enterprise_ids.append(pk)
                    employees = int(rng.lognormvariate(3.6, 1.3)) + 1
                    size = ("large" if employees >= 1000 else "medium" if employees >= 300
                            else "small" if employees >= 20 else "micro")
                    roll = rng.random()
                    listing = "listed" if roll < 0.01 else "reserve" if roll < 0.03 else "none"
                    founded = datetime.date(rng.randint(1985, 2025), rng.randint(1, 12), rng.randint(1, 28))
                    park = rng.choice(parks) if parks and rng.random() < 0.3 else None
                    if rng.random() < 0.3:
                        label_rows.append((pk, labels["hitech"]))
                    if rng.random() < 0.08:
                        label_rows.append((pk, labels["srdi"]))
                    if rng.random() < 0.01:
                        label_rows.append((pk, labels["little-giant"]))
                else:
                    employees, size, listing, founded, park = None, "", "none", None, None
                road = rng.choice(["光明", "创新", "高新", "生命", "健康", "滨湖"])
                address = f"{dname}{road}大道{rng.randint(1, 999)}号"
                if founded is not None and connection.vendor != "postgresql":
                    founded = founded.isoformat()
                rows.append((pk, name, "", kind, uscc, did, park, founded, size, employees, listing, address,
                             "", "", st, now, now))
            bulk_insert("registry_organization", cols, rows)
            bulk_insert("registry_organization_labels", ["organization_id", "label_id"], label_rows)
            done += len(rows)
            rate = done / (time.perf_counter() - t1)
            print(f"[generate] {done:,}/{n:,} organisations ({rate:,.0f}/s)", flush=True)

        leaves = leaves_of(chain)
        already = set(Placement.objects.filter(chain=chain).values_list("organization_id", flat=True))
        want = max(0, args.placements - len(already))
        pool = [pk for pk in enterprise_ids if pk not in already]
        chosen = rng.sample(pool, min(want, len(pool)))
        pstart = (Placement.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        prows = []
        weights = [rng.paretovariate(1.2) for _ in leaves]  # some segments crowded, some nearly empty
        for j, org_id in enumerate(chosen):
            seg = rng.choices(leaves, weights)[0]
            roll = rng.random()
            role = ("owner" if roll < 0.002 else "backbone" if roll < 0.05 else "carrier" if roll < 0.07
                    else "supporting")
            prows.append((pstart + j, seg.pk, chain.pk, org_id, role, "", now, now))
        bulk_insert("chains_placement", ["id", "segment_id", "chain_id", "organization_id", "role", "note",
                                         "created", "updated"], prows)
        reset_sequences([Organization, Placement, Organization.labels.through])
    # Rows written past the services: what is cached of the registry (a shared cache) is not to be read again.
    from chainserve.registry.services import registry_changed
    registry_changed([])
    t2 = time.perf_counter()
    print(f"[generate] {n:,} organisations, {len(prows):,} placements on chain {chain.pk} in {t2 - t1:.1f}s "
          f"({n / (t2 - t1):,.0f} organisations/s)", flush=True)
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("VACUUM ANALYZE")  # as autovacuum would: visibility map for index-only scans
        else:
            c.execute("PRAGMA synchronous=NORMAL")
            c.execute("ANALYZE")
    print(f"[generate] analyzed ({time.perf_counter() - t2:.1f}s)", flush=True)

    # search_text must equal what the app computes; check a sample.
    sample = Organization.objects.filter(pk__gte=start_id).order_by("?")[:5000] if n else []
    bad = [o.name for o in sample if o.search_text != search_document(o.name, o.short_name, o.uscc or "")]
    print(f"[generate] search_text checked on {len(sample)} rows: {len(bad)} differ {bad[:3]}", flush=True)
    if bad:
        print("[generate] WARNING: pinyin of some generated names differs from search_document", flush=True)


def cmd_workbook(args):
    setup()
    from openpyxl import Workbook

    from chainserve.demo import DISTRICTS, LABELS, PARKS

    rng = random.Random(args.seed + 1)
    namer = Namer(rng)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("企业")
    ws.append(["名称", "类型", "统一社会信用代码", "所在区", "园区", "成立日期", "规模", "员工人数",
               "上市状态", "标签", "地址"])
    label_names = [n for _s, n in LABELS if n != "链主"]
    t0 = time.perf_counter()
    for i in range(args.rows):
        code, dname = rng.choice(DISTRICTS)
        name, _st = namer.make("enterprise")
        employees = int(rng.lognormvariate(3.6, 1.3)) + 1
        size = ("large" if employees >= 1000 else "medium" if employees >= 300
                else "small" if employees >= 20 else "micro")
        labs = "、".join(rng.sample(label_names, rng.choice([0, 0, 1, 2])))
        park = rng.choice(PARKS) if rng.random() < 0.3 else None
        ws.append([name, "enterprise", uscc_for(i, code, "C"), dname, park,
                   datetime.date(rng.randint(1985, 2025), rng.randint(1, 12), rng.randint(1, 28)), size,
                   employees,
                   rng.choice(["none"] * 20 + ["reserve", "listed"]), labs or None,
                   f"{dname}创新大道{rng.randint(1, 999)}号"])
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    print(f"[generate] workbook {out}: {args.rows:,} rows in {time.perf_counter() - t0:.1f}s", flush=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    o = sub.add_parser("orgs", help="bulk-load organisations and a chain with placements into DATABASE_URL")
    o.add_argument("--n", type=int, default=1_000_000)
    o.add_argument("--placements", type=int, default=50_000, help="enterprises placed on the benchmark chain")
    o.add_argument("--seed", type=int, default=20260)
    w = sub.add_parser("workbook", help="write an .xlsx import file of new enterprises")
    w.add_argument("--rows", type=int, default=100_000)
    w.add_argument("--out", default=str(ROOT / "bench" / "out" / "import-100k.xlsx"))
    w.add_argument("--seed", type=int, default=20260)
    d = sub.add_parser("demands", help="bulk-load demands with events and assignments (after `orgs`)")
    d.add_argument("--n", type=int, default=1_000_000)
    d.add_argument("--seed", type=int, default=20261)
    args = p.parse_args(argv)
    if args.cmd == "demands":
        from gen_demands import cmd_demands  # bench/ is on sys.path when run as a script

        return cmd_demands(args)
    {"orgs": cmd_orgs, "workbook": cmd_workbook}[args.cmd](args)


if __name__ == "__main__":
    main()
