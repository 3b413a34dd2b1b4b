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
import itertools
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
CITY_CODE = "420900"  # 明湖市, the demo's city (chainserve.demo.names.CITY_CODE)
PROVINCE_CODE = "420000"  # 江南省, the demo's province
# `orgs --cities N` (N > 1): the province's other cities, fictional, GB/T 2260-like codes; the capital first. With
# 明湖市 and the demo's 青川市 (421000) and 云岭市 (421100) they make 16. No character reads differently beside another.
NEW_CITIES = [("420100", "江城市"), ("420200", "临湖市"), ("420300", "枫林市"), ("420500", "安平市"),
              ("420600", "凤栖市"), ("420700", "清河市"), ("420800", "白沙市"), ("421200", "玉泉市"),
              ("421300", "宁远市"), ("421400", "金川市"), ("421500", "鹤鸣市"), ("421600", "丹江市"),
              ("421700", "松滋市")]
DISTRICT_NAMES = ["城关区", "东湖区", "西城区", "南湖区", "北山区", "高新区", "滨江区", "新港区"]
# A city's (and, 局 → 厅, the province's) departments: the demo's 16 and the rest of a city government's units.
DEPARTMENT_UNITS = [
    "人民政府", "产业链办公室", "发展和改革委员会", "经济和信息化局", "科学技术局", "人力资源和社会保障局",
    "地方金融管理局", "卫生健康委员会", "药品监督管理局", "自然资源和规划局", "市场监督管理局", "商务局",
    "投资促进局", "税务局", "教育局", "公安局", "民政局", "司法局", "财政局", "生态环境局", "住房和城乡建设局",
    "交通运输局", "水利和湖泊局", "农业农村局", "文化和旅游局", "应急管理局", "审计局", "国有资产监督管理委员会",
    "统计局", "医疗保障局", "城市管理执法委员会", "数据局", "政务服务管理局", "退役军人事务局", "外事办公室",
    "信访局", "知识产权局", "科学技术协会", "工商业联合会", "机关事务管理局"]
PROVINCE_CHAIN_NAME = "江南省生物医药产业链(bench)"


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

    def make(self, kind, prefixes=PREFIXES):
        rng = self.rng
        for _ in range(50):
            prefix = rng.choice(prefixes)
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


def ensure_chain(rng, name=CHAIN_NAME, level="city", region=None, parent=None, staff=("office",)):
    """A benchmark chain (idempotent): 18 root segments in three stages, most with 3–6 leaves."""
    from chainserve.chains.models import Chain, Segment
    from chainserve.core.models import User

    chain, created = Chain.objects.get_or_create(
        name=name, level=level,
        defaults={"description": "Benchmark chain (bench/generate.py).", "region": region, "parent": parent})
    if region is not None and (chain.region_id, chain.parent_id) != (region.pk, parent and parent.pk):
        chain.region, chain.parent = region, parent
        chain.save()
    chain.staff.add(*User.objects.filter(username__in=staff))
    if created:
        for stage in STAGES:
            for pos, root_name in enumerate(SEGMENT_ROOTS[stage]):
                root = Segment.objects.create(chain=chain, name=root_name, stage=stage, position=pos,
                                              import_dependent=rng.random() < 0.15)
                for cpos, child in enumerate(rng.sample(SEGMENT_CHILDREN, rng.choice([0, 3, 4, 6]))):
                    Segment.objects.create(chain=chain, parent=root, name=child, stage=stage, position=cpos,
                                           import_dependent=rng.random() < 0.1)
    return chain


def city_districts(code):
    """The district-level regions under the city with this code."""
    from chainserve.core.models import Region

    return Region.objects.filter(level="district", path__startswith=Region.objects.get(code=code).path)


def leaves_of(chain):
    from chainserve.chains.models import Segment

    segs = list(Segment.objects.filter(chain=chain))
    parents = {s.parent_id for s in segs if s.parent_id}
    return [s for s in segs if s.pk not in parents]


class City:
    """A city the organisations are spread over: its region, districts [(pk, code, name)], weight (its share of the
    organisations, relative), the name prefixes of its firms, its benchmark chain and the enterprises made in it."""

    def __init__(self, region, districts, weight, prefixes, chain=None):
        self.region, self.districts, self.weight, self.prefixes = region, districts, weight, prefixes
        self.chain = chain
        self.enterprises = []


def ensure_cities(rng, count):
    """The province's first `count` cities (idempotent): the capital, 明湖市, the demo's other two, then NEW_CITIES;
    5–8 districts each (the demo's kept, more added). Weights rank-size (Zipf-like): the capital the biggest."""
    from chainserve.core.models import Region

    province = Region.objects.get(code=PROVINCE_CODE)
    known = dict(Region.objects.filter(level="city").values_list("code", "name"))
    order = [NEW_CITIES[0], (CITY_CODE, known[CITY_CODE]), ("421000", known["421000"]), ("421100", known["421100"]),
             *NEW_CITIES[1:]]
    if count > len(order):
        raise SystemExit(f"[generate] at most {len(order)} cities")
    cities = []
    for rank, (code, name) in enumerate(order[:count]):
        region, _ = Region.objects.get_or_create(code=code, defaults={"name": name, "level": "city",
                                                                      "parent": province})
        have = list(region.children.filter(level="district"))
        want, j = rng.randint(5, 8), 1
        names = [d for d in DISTRICT_NAMES if d not in {r.name for r in have}]
        while len(have) < want:
            dcode = f"{code[:4]}{j:02d}"
            j += 1
            if not Region.objects.filter(code=dcode).exists():
                have.append(Region.objects.create(code=dcode, name=names.pop(0), level="district", parent=region))
        prefixes = [name[:-1]] * 6 + PREFIXES
        cities.append(City(region, [(r.pk, r.code, r.name) for r in have], 1 / (rank + 1) ** 0.8, prefixes))
    return province, cities


def department_rows(regions, namer, start_id, now):
    """Rows of DEPARTMENT_UNITS for each region (a province's 局 are 厅), those not there yet."""
    from chainserve.core.text import search_document

    rows = []
    for region in regions:
        for unit in DEPARTMENT_UNITS:
            if region.level == "province" and unit.endswith("局") and unit != "税务局":
                unit = unit[:-1] + "厅"
            name = region.name + unit
            if name in namer.used:
                continue
            namer.used.add(name)
            rows.append((start_id + len(rows), name, "", "department", None, region.pk, None, None, "", None,
                         "none", f"{region.name}政务服务中心", "", "", search_document(name), now, now))
    return rows


def ensure_offices(rng, province, cities):
    """Each city's office user (office-c01 …, region the city) staffing its benchmark chain, which sits under the
    province's (staffed by office-prov, region the province); the chains' office is the region's 产业链办公室."""
    from chainserve.chains.models import Chain
    from chainserve.core.choices import Role
    from chainserve.core.models import User
    from chainserve.registry.models import Organization

    def office(username, region):
        unit = Organization.objects.get(name=f"{region.name}产业链办公室", kind="department")
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, role=Role.OFFICE, first_name=f"{region.name[:2]}办",
                        organization=unit, region=region)
            user.set_unusable_password()
            user.save()
        return unit

    unit = office("office-prov", province)
    top = ensure_chain(rng, PROVINCE_CHAIN_NAME, "province", province, None, ("office-prov",))
    Chain.objects.filter(pk=top.pk).update(office=unit)
    for i, city in enumerate(cities, 1):
        username = f"office-c{i:02d}"
        unit = office(username, city.region)
        mine = city.region.code == CITY_CODE
        city.chain = ensure_chain(rng, CHAIN_NAME if mine else f"{city.region.name}生物医药基准链(bench)", "city",
                                  city.region, top, ("office", username) if mine else (username,))
        Chain.objects.filter(pk=city.chain.pk).update(office=unit)


def cmd_orgs(args):
    setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from chainserve.chains.models import Placement
    from chainserve.core.models import Region
    from chainserve.core.text import search_document
    from chainserve.demo import load_demo
    from chainserve.registry.models import Label, Organization

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_demo()
    rng = random.Random(args.seed)
    province_mode = args.cities > 1
    if province_mode:
        province, cities = ensure_cities(rng, args.cities)
    else:
        districts = list(city_districts(CITY_CODE).values_list("pk", "code", "name"))
        city = Region.objects.get(code=CITY_CODE)  # the chain of the city: its office (region 明湖市) sees it
        cities = [City(city, districts, 1.0, PREFIXES, ensure_chain(rng, region=city))]
    print(f"[generate] {connection.vendor}: migrated, demo loaded, {len(cities)} cities "
          f"({time.perf_counter() - t0:.1f}s)", flush=True)

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
    if province_mode:  # ≈ 40 departments per city and at the province, not a share of the generated rows
        with transaction.atomic():
            rows = department_rows([province] + [c.region for c in cities], namer, start_id, now)
            bulk_insert("registry_organization", cols, rows)
            start_id += len(rows)
            reset_sequences([Organization])
            ensure_offices(rng, province, cities)
        print(f"[generate] {len(rows)} departments, {len(cities)} city chains under the province's, offices "
              f"office-c01…office-c{len(cities):02d} and office-prov ({time.perf_counter() - t0:.1f}s)", flush=True)
    if connection.vendor == "sqlite":
        with connection.cursor() as c:  # a one-off bulk load: no need to sync every page
            c.execute("PRAGMA synchronous=OFF")
            c.execute("PRAGMA cache_size=-500000")
    t1 = time.perf_counter()
    batch = 50_000
    done = 0
    kinds_w = [k for k, _s, _e in OTHER_KINDS]
    kinds_p = [0 if province_mode and k == "department" else s for k, s, _e in OTHER_KINDS]
    city_cw = list(itertools.accumulate(c.weight for c in cities))
    with transaction.atomic():
        while done < n:
            rows, label_rows = [], []
            for i in range(done, min(n, done + batch)):
                pk = start_id + i
                city = rng.choices(cities, cum_weights=city_cw)[0] if province_mode else cities[0]
                if i < len(TARGETS):
                    kind = "enterprise"
                    name = TARGETS[i]
                    st = search_document(name)
                else:
                    kind = ("enterprise" if rng.random() < ENTERPRISE_SHARE
                            else rng.choices(kinds_w, kinds_p)[0])
                    name, st = namer.make(kind, city.prefixes)
                did, dcode, dname = rng.choice(city.districts)
                uscc = None
                if kind in ("enterprise", "financial", "fund"):
                    uscc = uscc_for(pk, dcode, "B")
                    st = f"{st} {uscc.lower()}"
                if kind == "enterprise":
                    city.enterprises.append(pk)
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

        pstart = (Placement.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        placed = 0
        total_w = sum(c.weight for c in cities)
        for city in cities:
            want = args.placements if not province_mode else \
                min(50_000, max(5_000, round(args.placements * city.weight / total_w)))
            placed += place(rng, city, want, pstart + placed, now)
            print(f"[generate] {city.region.name}: {len(city.districts)} districts, {len(city.enterprises):,} "
                  f"enterprises made, chain {city.chain.pk}", flush=True)
        reset_sequences([Organization, Placement, Organization.labels.through])
    # Rows written past the services: what is cached of the registry (a shared cache) is not to be read again.
    from chainserve.registry.services import registry_changed
    registry_changed([])
    t2 = time.perf_counter()
    print(f"[generate] {n:,} organisations, {placed:,} placements on {len(cities)} chains in {t2 - t1:.1f}s "
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


def place(rng, city, want, pstart, now):
    """Place up to `want` of the city's new enterprises on its chain's leaves (Pareto-weighted: some segments
    crowded, some nearly empty), with owners, backbone and carriers. Returns the number placed."""
    from chainserve.chains.models import Placement

    chain = city.chain
    leaves = leaves_of(chain)
    already = set(Placement.objects.filter(chain=chain).values_list("organization_id", flat=True))
    pool = [pk for pk in city.enterprises if pk not in already]
    chosen = rng.sample(pool, min(max(0, want - len(already)), len(pool)))
    prows = []
    weights = [rng.paretovariate(1.2) for _ in leaves]
    for j, org_id in enumerate(chosen):
        seg = rng.choices(leaves, weights)[0]
        roll = rng.random()
        role = ("owner" if roll < 0.002 else "backbone" if roll < 0.05 else "carrier" if roll < 0.07
                else "supporting")
        prows.append((pstart + j, seg.pk, chain.pk, org_id, role, "", now, now))
    bulk_insert("chains_placement", ["id", "segment_id", "chain_id", "organization_id", "role", "note",
                                     "created", "updated"], prows)
    return len(prows)


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
    o.add_argument("--placements", type=int, default=None,
                   help="enterprises placed on the benchmark chain (50,000); with --cities, in all the cities' chains "
                        "(300,000: 5,000–50,000 a city)")
    o.add_argument("--cities", type=int, default=1,
                   help="spread the organisations over a province of this many cities (up to 16), each with a "
                        "benchmark chain under the province's, an office user and ≈ 40 departments")
    o.add_argument("--seed", type=int, default=20260)
    w = sub.add_parser("workbook", help="write an .xlsx import file of new enterprises")
    w.add_argument("--rows", type=int, default=100_000)
    w.add_argument("--out", default=str(ROOT / "bench" / "out" / "import-100k.xlsx"))
    w.add_argument("--seed", type=int, default=20260)
    d = sub.add_parser("demands", help="bulk-load demands with events and assignments (after `orgs`)")
    d.add_argument("--n", type=int, default=1_000_000)
    d.add_argument("--seed", type=int, default=20261)
    args = p.parse_args(argv)
    if args.cmd == "orgs" and args.placements is None:
        args.placements = 300_000 if args.cities > 1 else 50_000
    if args.cmd == "demands":
        from gen_demands import cmd_demands  # bench/ is on sys.path when run as a script

        return cmd_demands(args)
    {"orgs": cmd_orgs, "workbook": cmd_workbook}[args.cmd](args)


if __name__ == "__main__":
    main()
