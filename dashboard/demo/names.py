"""Names for the demo distributor: cities and regions, trading-company names in Chinese and
English, people, and contact details.

Contact details can never reach a real person: phone numbers start with ``100`` (not a mobile
prefix in China's numbering plan) and e-mail addresses use the reserved ``.example`` domain, so
a configured SMS gateway or mail server cannot message anyone by accident.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.analytics.kinds import DISTRIBUTOR, RETAIL, TRADE

# (city, pinyin, region, weight)
CITIES = [
    ("杭州", "Hangzhou", "East China", 9), ("宁波", "Ningbo", "East China", 7),
    ("温州", "Wenzhou", "East China", 5), ("苏州", "Suzhou", "East China", 8),
    ("无锡", "Wuxi", "East China", 4), ("南京", "Nanjing", "East China", 6),
    ("上海", "Shanghai", "East China", 10), ("合肥", "Hefei", "East China", 4),
    ("济南", "Jinan", "East China", 4), ("青岛", "Qingdao", "East China", 5),
    ("义乌", "Yiwu", "East China", 4), ("台州", "Taizhou", "East China", 3),
    ("厦门", "Xiamen", "East China", 3), ("福州", "Fuzhou", "East China", 3),
    ("广州", "Guangzhou", "South China", 9), ("深圳", "Shenzhen", "South China", 8),
    ("佛山", "Foshan", "South China", 6), ("东莞", "Dongguan", "South China", 6),
    ("南宁", "Nanning", "South China", 2), ("北京", "Beijing", "North China", 8),
    ("天津", "Tianjin", "North China", 5), ("石家庄", "Shijiazhuang", "North China", 3),
    ("太原", "Taiyuan", "North China", 2), ("保定", "Baoding", "North China", 2),
    ("武汉", "Wuhan", "Central China", 5), ("长沙", "Changsha", "Central China", 4),
    ("郑州", "Zhengzhou", "Central China", 4), ("南昌", "Nanchang", "Central China", 2),
    ("成都", "Chengdu", "Southwest", 6), ("重庆", "Chongqing", "Southwest", 5),
    ("昆明", "Kunming", "Southwest", 2), ("贵阳", "Guiyang", "Southwest", 2),
    ("沈阳", "Shenyang", "Northeast", 3), ("大连", "Dalian", "Northeast", 3),
    ("长春", "Changchun", "Northeast", 2), ("哈尔滨", "Harbin", "Northeast", 2),
    ("西安", "Xi'an", "Northwest", 4), ("兰州", "Lanzhou", "Northwest", 1),
    ("乌鲁木齐", "Urumqi", "Northwest", 1),
]
REGIONS = ["East China", "South China", "North China", "Central China", "Southwest",
           "Northeast", "Northwest"]

# (Chinese trade name, pinyin)
TRADE_WORDS = [
    ("恒达", "hengda"), ("鑫隆", "xinlong"), ("宏发", "hongfa"), ("永盛", "yongsheng"),
    ("金源", "jinyuan"), ("华丰", "huafeng"), ("聚成", "jucheng"), ("鼎盛", "dingsheng"),
    ("顺通", "shuntong"), ("瑞祥", "ruixiang"), ("博远", "boyuan"), ("德信", "dexin"),
    ("建兴", "jianxing"), ("利达", "lida"), ("天成", "tiancheng"), ("百川", "baichuan"),
    ("兴旺", "xingwang"), ("汇通", "huitong"), ("凯达", "kaida"), ("众合", "zhonghe"),
    ("东方", "dongfang"), ("长江", "changjiang"), ("安泰", "antai"), ("富源", "fuyuan"),
    ("嘉禾", "jiahe"), ("新世纪", "xinshiji"), ("金桥", "jinqiao"), ("宝丰", "baofeng"),
    ("正和", "zhenghe"), ("盛世", "shengshi"), ("明辉", "minghui"), ("佳美", "jiamei"),
    ("广信", "guangxin"), ("海天", "haitian"), ("宏图", "hongtu"), ("立新", "lixin"),
    ("万通", "wantong"), ("龙腾", "longteng"), ("祥云", "xiangyun"), ("诚信", "chengxin"),
]
ENGLISH_WORDS = [
    "Evergreen", "Golden Bridge", "Harbor", "Sunrise", "Pacific", "Everbright", "Summit",
    "Unity", "Lucky Star", "Great Wall", "Silverline", "Orient", "Crown", "Pioneer", "Prosper",
    "Blue Ocean", "Red Maple", "Apex", "Bright Future", "Fortune", "Jade River", "Dragon Gate",
    "North Star", "Keystone", "Ironwood", "Riverside", "Greenfield", "Landmark", "Trident",
    "Horizon",
]
# (Chinese, English)
INDUSTRIES = [
    ("五金", "Hardware"), ("建材", "Building Materials"), ("机电", "Electromechanical"),
    ("电器", "Electrical"), ("水暖", "Plumbing"), ("工具", "Tools"),
    ("劳保用品", "Safety Supplies"), ("涂料", "Coatings"), ("紧固件", "Fasteners"),
    ("照明", "Lighting"), ("装饰材料", "Decoration Materials"), ("工业品", "Industrial Supplies"),
]
# by customer type: (Chinese suffixes, English suffixes)
SUFFIXES = {
    RETAIL: (["商行", "经营部", "门市部", "店"], ["Store", "Shop", "Trading"]),
    TRADE: (["贸易有限公司", "商贸有限公司", "实业有限公司"],
              ["Trading Co., Ltd.", "Supply Co., Ltd.", "Industrial Co., Ltd."]),
    DISTRIBUTOR: (["供应链有限公司", "集团有限公司", "贸易有限公司"],
                    ["Distribution Co., Ltd.", "Supply Chain Co., Ltd.", "Group Co., Ltd."]),
}
MAILBOXES = ["sales", "purchasing", "info", "caigou", "office", "order"]

TEAMS = [
    ("East Team", ("East China", "Central China")),
    ("South & West Team", ("South China", "Southwest")),
    ("North Team", ("North China", "Northeast", "Northwest")),
]
# (name, e-mail name); the first rep of each team handles its distributors.
REPS = [
    [("王磊", "wang.lei"), ("Emily Chen", "emily.chen"), ("李娜", "li.na"), ("周杰", "zhou.jie")],
    [("陈静", "chen.jing"), ("Kevin Huang", "kevin.huang"), ("刘洋", "liu.yang"),
     ("黄晓明", "huang.xiaoming")],
    [("张伟", "zhang.wei"), ("Grace Lin", "grace.lin"), ("赵敏", "zhao.min"),
     ("杨帆", "yang.fan")],
]
COMPANY_DOMAIN = "hengtong-supply.example"


def _pick(rng: np.random.Generator, items: list, n: int) -> np.ndarray:
    return np.asarray(items, dtype=object)[rng.integers(0, len(items), n)]


def _series(values: np.ndarray) -> pd.Series:
    return pd.Series(values, dtype="string")


def company_names(rng: np.random.Generator, city: np.ndarray, customer_type: np.ndarray,
                  english: np.ndarray) -> tuple[pd.Series, pd.Series]:
    """(name, slug for e-mail domains) per customer; ``city`` indexes :data:`CITIES`."""
    n = len(city)
    city_cn = _series(np.array([c[0] for c in CITIES], dtype=object)[city])
    city_en = _series(np.array([c[1] for c in CITIES], dtype=object)[city])
    word = rng.integers(0, len(TRADE_WORDS), n)
    word_cn = _series(np.array([w[0] for w in TRADE_WORDS], dtype=object)[word])
    word_py = _series(np.array([w[1] for w in TRADE_WORDS], dtype=object)[word])
    word_en = _series(_pick(rng, ENGLISH_WORDS, n))
    industry = rng.integers(0, len(INDUSTRIES), n)
    ind_cn = _series(np.array([i[0] for i in INDUSTRIES], dtype=object)[industry])
    ind_en = _series(np.array([i[1] for i in INDUSTRIES], dtype=object)[industry])
    suffix_cn = _series(np.empty(n, dtype=object))
    suffix_en = _series(np.empty(n, dtype=object))
    for kind, (cn, en) in SUFFIXES.items():
        mask = customer_type == kind
        suffix_cn[mask] = _pick(rng, cn, int(mask.sum()))
        suffix_en[mask] = _pick(rng, en, int(mask.sum()))
    chinese = city_cn + word_cn + ind_cn + suffix_cn
    western = city_en + " " + word_en + " " + ind_en + " " + suffix_en
    names = chinese.where(~english, western)
    slug_en = word_en.str.lower().str.replace(" ", "", regex=False)
    slug = word_py.where(~english, slug_en) + "-" + city_en.str.lower().str.replace(
        "'", "", regex=False)
    return _unique(names, english), slug


def _unique(names: pd.Series, english: np.ndarray) -> pd.Series:
    """Second and later shops of the same name get a branch number."""
    branch = names.groupby(names).cumcount().to_numpy()
    number = _series((branch + 1).astype(str))
    marked = names.where(branch == 0, names + number.radd(" Branch ").where(
        english, "（" + number + "分店）"))
    return marked


def phones(rng: np.random.Generator, n: int) -> pd.Series:
    digits = rng.integers(0, 100_000_000, n)
    text = pd.Series(digits).astype("string").str.zfill(8)
    return "100" + text.str[:4] + text.str[4:]


def emails(rng: np.random.Generator, slug: pd.Series) -> pd.Series:
    box = _series(_pick(rng, MAILBOXES, len(slug)))
    return box + "@" + slug + ".example"


def rep_email(mail_name: str) -> str:
    return f"{mail_name}@{COMPANY_DOMAIN}"
