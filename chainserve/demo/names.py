"""The demo's fictional city, 明湖市 of 江南省: its districts, units, people's names and the chain's segments."""

from chainserve.chains.choices import Stage
from chainserve.core.choices import Role

PROVINCE, PROVINCE_CODE = "江南省", "420000"
CITY = "明湖"
CITY_CODE = "420900"
CHAIN_NAME = "明湖市大健康和生物技术产业链"
DISTRICT_CHAIN_NAME = "生物城新区生物医药产业链"
DEMO_FIRM = "明湖澜泽基因技术有限公司"

DISTRICTS = [("420901", "明湖区"), ("420902", "东岸区"), ("420903", "西山区"), ("420904", "南港区"),
             ("420905", "北城区"), ("420906", "生物城新区")]
NEW_DISTRICT = 5  # 生物城新区: the district chain's, and the demo firm's
LABELS = [("hitech", "高新技术企业"), ("srdi", "专精特新"), ("little-giant", "专精特新小巨人"),
          ("chain-owner", "链主"), ("gazelle", "瞪羚企业")]
PARKS = ["明湖生物城", "东岸医疗器械产业园", "西山中医药产业园", "南港大健康产业园", "北城医药物流园",
         "生物城新区细胞与基因治疗产业园", "明湖生命科学创新港", "东岸数字医疗产业园"]
GENE_PARK = 5

GOVERNMENT = "明湖市人民政府"
OFFICE = "明湖市大健康产业链办公室"
NDRC = "明湖市发展和改革委员会"
ECONOMY = "明湖市经济和信息化局"
SCIENCE = "明湖市科学技术局"
HR = "明湖市人力资源和社会保障局"
FINANCE = "明湖市地方金融管理局"
HEALTH = "明湖市卫生健康委员会"
DRUGS = "明湖市药品监督管理局"
LAND = "明湖市自然资源和规划局"
MARKET = "明湖市市场监督管理局"
COMMERCE = "明湖市商务局"
INVESTMENT = "明湖市投资促进局"
NEW_DISTRICT_ADMIN = "生物城新区管委会"
NEW_DISTRICT_OFFICE = "生物城新区产业链办公室"
TAX = "明湖市税务局"
DEPARTMENTS = [GOVERNMENT, NDRC, ECONOMY, SCIENCE, HR, FINANCE, HEALTH, DRUGS, LAND, MARKET, COMMERCE, INVESTMENT,
               OFFICE, NEW_DISTRICT_ADMIN, NEW_DISTRICT_OFFICE, TAX]
# The departments that handle demands, each with a handler account of its own (陈杰 of 药监局 is the demo's
# `handler` login; the others have no demo login): username, department, handler's name.
DEPARTMENT_HANDLERS = [
    ("handler-fgw", NDRC, "郑立新"), ("handler-jxj", ECONOMY, "何静"), ("handler-kjj", SCIENCE, "罗志刚"),
    ("handler-rsj", HR, "胡晓梅"), ("handler-jrj", FINANCE, "林涛"), ("handler-wjw", HEALTH, "马丽娟"),
    ("handler-zgj", LAND, "高建国"), ("handler-scj", MARKET, "徐明"), ("handler-swj", COMMERCE, "孙婷"),
    ("handler-tcj", INVESTMENT, "朱海峰"), ("handler-gwh", NEW_DISTRICT_ADMIN, "杨帆"), ("handler-sw", TAX, "吴敏"),
]
# Service specialists besides the demo's `specialist` login (李洋 of 经信局), with no demo login.
SPECIALISTS = [("specialist-wu", NEW_DISTRICT_ADMIN, "吴海燕"), ("specialist-guo", SCIENCE, "郭晓东")]

ALLIANCE = "明湖市大健康产业链党建联盟"
AGENCY_BRANCHES = ["明湖市经信局机关党支部", "明湖市科技局机关党支部", "明湖市药监局机关党支部",
                   "明湖市卫健委机关党支部", "明湖市人社局机关党支部", "明湖市金融局机关党支部",
                   "明湖市商务局机关党支部", "生物城新区红链先锋队", "明湖市发改委机关党支部",
                   "明湖市自然资源和规划局机关党支部", "明湖市市场监管局机关党支部", "明湖市投资促进局机关党支部",
                   "明湖市税务局机关第二党支部", "生物城新区管委会机关党支部", "东岸区卫健局机关党支部",
                   "西山区科经局机关党支部"]
PARTY_ORGS = AGENCY_BRANCHES + [ALLIANCE, "东岸区机关工委"]
HOSPITALS = ["明湖市第一人民医院", "明湖市中心医院", "明湖大学附属协和医院", "明湖市中医医院",
             "明湖市妇幼保健院", "明湖市肿瘤医院", "东岸区人民医院", "西山区中西医结合医院",
             "明湖市传染病医院", "生物城新区国际医院"]
UNION_HOSPITAL = "明湖大学附属协和医院"
BANKS = ["明湖农商银行", "明湖银行生物城支行", "江汉发展银行明湖分行", "长湖商业银行明湖分行", "华楚银行明湖分行",
         "江城银行明湖分行", "明湖村镇银行"]
PARTNER_BANK = "明湖农商银行"
LENDERS = ["明湖科技融资担保有限公司", "明湖小额贷款有限公司", "东岸融资租赁有限公司", "明湖科技保险有限公司"]
INVESTORS = ["明湖产业投资集团有限公司", "澄远创业投资管理有限公司", "岚峰资本管理有限公司", "朗曜私募基金管理有限公司"]
FINANCIAL = BANKS + LENDERS + INVESTORS
UNIVERSITIES = ["明湖大学", "明湖医科大学", "明湖中医药大学", "明湖生物医药研究院", "明湖药物创新研究院",
                "明湖医学检验中心", "明湖大学生命科学学院", "国家生物样本库明湖分库"]
ASSOCIATIONS = ["明湖市医药行业协会", "明湖市医疗器械行业协会", "明湖市生物技术产业联合会", "明湖市健康服务业协会"]
FUNDS = ["明湖生物医药产业基金", "明湖天使投资引导基金", "生物城新区创新基金", "明湖医疗器械成果转化基金",
         "明湖大健康产业母基金"]

BRAND_A = "澜岚澄蔚朗曜沐樾翎砚榕岱溪珩霁峤"
BRAND_B = "瑞康合和恒元启泽禾衡铂芯朔源研宁"
SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗"
GIVEN = ["伟", "芳", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀兰", "霞",
         "平", "刚", "桂英", "建华", "志强", "晓东", "海燕", "思远", "子涵", "雨桐", "文博", "嘉怡", "浩然", "丽华"]

# (stage, name, GB/T 4754 code, import-dependent, industry word for firms there, children)
SEGMENTS = [
    (Stage.UPSTREAM, "研发外包服务（CRO/CDMO）", "M7340", False, "医药研发", []),
    (Stage.UPSTREAM, "化学原料药及中间体", "C271", False, "化学制药", []),
    (Stage.UPSTREAM, "药用辅料及包装材料", "C278", False, "药用材料", []),
    (Stage.UPSTREAM, "生物试剂与培养基", "", True, "生物试剂", []),
    (Stage.UPSTREAM, "高端科研仪器与核心部件", "C358", True, "仪器", []),
    (Stage.UPSTREAM, "合成生物学原料", "", False, "合成生物", []),
    (Stage.MIDSTREAM, "化学药品制剂", "C272", False, "药业", []),
    (Stage.MIDSTREAM, "生物药品制品", "C276", False, "生物制药", [
        ("基因工程药物和疫苗", "C2762", False, "基因技术"),
        ("抗体药物", "C2761", False, "生物医药"),
        ("细胞与基因治疗", "C2761", False, "细胞科技"),
    ]),
    (Stage.MIDSTREAM, "中药饮片与中成药", "C274", False, "中药", []),
    (Stage.MIDSTREAM, "医疗器械", "C358", False, "医疗器械", [
        ("高值医用耗材", "C358", False, "医疗科技"),
        ("体外诊断", "C358", False, "诊断技术"),
        ("医学影像设备", "C358", True, "医疗设备"),
    ]),
    (Stage.MIDSTREAM, "卫生材料及医药用品", "C277", False, "卫生材料", []),
    (Stage.DOWNSTREAM, "医药流通与零售", "F5151", False, "医药物流", []),
    (Stage.DOWNSTREAM, "医疗服务", "Q84", False, "医疗管理", []),
    (Stage.DOWNSTREAM, "健康管理与康养", "Q85", False, "健康科技", []),
    (Stage.DOWNSTREAM, "数字医疗", "I65", False, "数字健康", []),
    (Stage.DOWNSTREAM, "第三方医学检验", "Q8492", False, "医学检验", []),
]
EMPTY_SEGMENTS = {"合成生物学原料"}  # left without firms: the demo's gaps
SINGLE_SEGMENTS = {"医学影像设备", "卫生材料及医药用品"}
GENE_SEGMENT = "细胞与基因治疗"
# Industry words of the firms that make drugs (their products go through clinical trials and registration)
DRUG_WORDS = {"生物制药", "基因技术", "生物医药", "细胞科技", "药业", "化学制药", "中药"}
DEVICE_WORDS = {"医疗器械", "医疗科技", "诊断技术", "医疗设备", "卫生材料", "仪器"}

ROLE_USERS = [
    ("admin", Role.ADMIN, None, "平台管理员"),
    ("office", Role.OFFICE, OFFICE, "周敏"),
    ("handler", Role.HANDLER, DRUGS, "陈杰"),
    ("specialist", Role.SPECIALIST, ECONOMY, "李洋"),
    ("enterprise", Role.ENTERPRISE, DEMO_FIRM, "王思远"),
    ("partner", Role.PARTNER, PARTNER_BANK, "刘芳"),
]
