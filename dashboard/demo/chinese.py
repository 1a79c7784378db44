"""The demo distributor in Chinese (``cockpit demo --language zh``).

The demo is generated once, in English words, with every random draw as before; the Chinese
install then gets the same rows with their words swapped at the point they are written
(regions, categories, product names, coupon names, team and rep names, notes and comments,
schemes, bands and rules). Words are never drawn from a different pool, so both languages
hold exactly the same figures: the same seed gives the same customers, orders and amounts.

Customer names stay as generated (most are Chinese already; the few English trading names are
real-looking English firms in China) and so do codes, SKUs, tags and e-mail addresses.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

LANGUAGES = ("en", "zh")

REGIONS = {
    "East China": "华东", "South China": "华南", "North China": "华北",
    "Central China": "华中", "Southwest": "西南", "Northeast": "东北", "Northwest": "西北",
}
TEAMS = {"East Team": "华东组", "South & West Team": "华南西南组", "North Team": "北方组"}
REPS = {"Emily Chen": "陈艾米", "Kevin Huang": "黄凯文", "Grace Lin": "林嘉慧"}
CATEGORIES = {
    "Fasteners": "紧固件", "Hand Tools": "手动工具", "Power Tools": "电动工具",
    "Electrical": "电工电气", "Lighting": "照明", "Plumbing": "管材水暖",
    "Paints & Coatings": "油漆涂料", "Adhesives & Sealants": "胶粘密封",
    "Safety Equipment": "劳保安全", "Abrasives": "磨具磨料", "Welding": "焊接",
    "Hydraulics & Pneumatics": "液压气动", "Bearings & Transmission": "轴承传动",
    "Cleaning Supplies": "清洁用品", "Packaging": "包装材料",
}
BRANDS = {"TopForce": "拓力", "恒力 Hengli": "恒力", "金马 Jinma": "金马", "BluePeak": "蓝峰",
          "东岳 Dongyue": "东岳", "IronLeaf": "铁叶", "华宇 Huayu": "华宇", "ProLine": "普朗"}
ITEMS = {
    "Hex Bolt": "六角螺栓", "Hex Nut": "六角螺母", "Flat Washer": "平垫圈",
    "Self-Tapping Screw": "自攻螺钉", "Expansion Anchor": "膨胀螺栓", "Threaded Rod": "丝杆",
    "Blind Rivet": "抽芯铆钉", "Wood Screw": "木螺钉", "Claw Hammer": "羊角锤",
    "Adjustable Wrench": "活动扳手", "Screwdriver Set": "螺丝刀套装",
    "Combination Pliers": "钢丝钳", "Tape Measure": "卷尺", "Utility Knife": "美工刀",
    "Socket Set": "套筒组套", "Hacksaw": "钢锯", "Cordless Drill": "充电钻",
    "Angle Grinder": "角磨机", "Impact Driver": "冲击起子", "Rotary Hammer": "电锤",
    "Circular Saw": "电圆锯", "Heat Gun": "热风枪", "Jigsaw": "曲线锯", "Bench Grinder": "台式砂轮机",
    "Copper Cable 2.5mm²": "铜芯电线 2.5mm²", "Wall Switch": "墙壁开关", "Power Socket": "电源插座",
    "Circuit Breaker": "断路器", "Junction Box": "接线盒", "PVC Conduit": "PVC 线管",
    "Extension Lead": "插线板", "Cable Ties": "扎带", "LED Bulb": "LED 球泡灯",
    "LED Panel": "LED 面板灯", "Floodlight": "投光灯", "LED Tube": "LED 灯管", "Downlight": "筒灯",
    "Emergency Light": "应急灯", "Work Lamp": "工作灯", "Solar Light": "太阳能灯",
    "PPR Pipe": "PPR 水管", "Ball Valve": "球阀", "Elbow Fitting": "弯头", "Basin Tap": "面盆龙头",
    "Shower Set": "淋浴套装", "PVC Pipe": "PVC 管", "Pipe Clamp": "管卡", "Floor Drain": "地漏",
    "Interior Wall Paint": "内墙乳胶漆", "Exterior Paint": "外墙涂料", "Primer": "底漆",
    "Wood Varnish": "木器清漆", "Spray Paint": "自喷漆", "Floor Coating": "地坪漆",
    "Anti-Rust Paint": "防锈漆", "Paint Roller": "滚筒刷", "Silicone Sealant": "硅酮密封胶",
    "Construction Adhesive": "结构胶", "Epoxy Glue": "环氧胶", "PU Foam": "发泡胶",
    "PTFE Tape": "生料带", "Instant Glue": "瞬干胶", "Tile Grout": "填缝剂", "Duct Tape": "布基胶带",
    "Safety Helmet": "安全帽", "Work Gloves": "劳保手套", "Safety Goggles": "护目镜",
    "Dust Mask": "防尘口罩", "Safety Shoes": "劳保鞋", "Hi-Vis Vest": "反光背心",
    "Ear Muffs": "防噪耳罩", "Safety Harness": "安全带", "Cutting Disc": "切割片",
    "Grinding Wheel": "砂轮", "Flap Disc": "百叶片", "Sandpaper Sheet": "砂纸",
    "Sanding Belt": "砂带", "Wire Brush": "钢丝刷", "Polishing Pad": "抛光轮",
    "Diamond Blade": "金刚石锯片", "Welding Rod": "焊条", "MIG Wire": "气保焊丝",
    "Inverter Welder": "逆变焊机", "Welding Helmet": "焊接面罩", "Welding Gloves": "焊工手套",
    "Earth Clamp": "地线夹", "Electrode Holder": "焊钳", "Gas Regulator": "气体减压阀",
    "Air Hose": "气管", "Quick Coupler": "快速接头", "Pressure Gauge": "压力表",
    "Hydraulic Jack": "液压千斤顶", "Air Compressor": "空压机", "Solenoid Valve": "电磁阀",
    "Air Cylinder": "气缸", "Grease Gun": "黄油枪", "Ball Bearing": "深沟球轴承",
    "V-Belt": "三角带", "Roller Chain": "滚子链", "Sprocket": "链轮", "Pillow Block": "带座轴承",
    "Oil Seal": "油封", "Shaft Coupling": "联轴器", "Gear Motor": "减速电机",
    "Degreaser": "除油剂", "Mop Set": "拖把套装", "Industrial Wipes": "工业擦拭布",
    "Push Broom": "推扫", "Floor Detergent": "地面清洁剂", "Trash Bags": "垃圾袋",
    "Pressure Washer": "高压清洗机", "Spray Bottle": "喷壶", "Stretch Film": "缠绕膜",
    "Packing Tape": "封箱胶带", "Carton Box": "纸箱", "Bubble Wrap": "气泡膜",
    "Strapping Band": "打包带", "Plastic Pallet": "塑料托盘", "Label Roll": "标签纸",
    "Foam Sheet": "珍珠棉",
}
COUPONS = {
    "New customer: ¥50 off ¥300": "新客户：满 300 减 50 元",
    "Welcome back: ¥100 off ¥800": "欢迎回来：满 800 减 100 元",
    "Spring restock: 5% off ¥2,000": "春季补货：满 2,000 元享 95 折",
    "Double Eleven: ¥200 off ¥2,000": "双十一：满 2,000 减 200 元",
    "VIP: 8% off ¥20,000": "VIP：满 20,000 元享 92 折",
}
NOTES = {
    "Restock order for the coming season.": "为下一季补货下单。",
    "Placed the usual order, wants delivery by Friday.": "下了常规订单，要求周五前送到。",
    "Will order after the site survey next week.": "下周现场勘察后下单。",
    "Promised an order once the project is confirmed.": "项目确认后就下单。",
    "Wants a quote for 500 boxes of anchors.": "要 500 盒膨胀螺栓的报价。",
    "Asked for the new price list.": "索要新价目表。",
    "Busy on site, call back tomorrow.": "在工地忙，明天再打。",
    "Owner away, talk to the buyer next time.": "老板不在，下次找采购。",
    "Late delivery last week; agreed a discount on the next order.":
        "上周送货晚了，已同意下单时给折扣。",
    "Stock is full until after the holiday.": "节后之前库存已满。",
    "Buying from a cheaper supplier now.": "现在从更便宜的供应商进货。",
    "No answer.": "无人接听。",
    "Left a message with the shop assistant.": "已给店员留言。",
    "Dropped off the new catalogue.": "送去了新产品目录。",
    "Prefers delivery before 10 am.": "希望上午 10 点前送货。",
    "Pays by bank transfer at month end.": "月底银行转账付款。",
    "Main contact: purchasing manager Mr. Li.": "主要联系人：采购经理李先生。",
    "Interested in the new TopForce cordless range.": "对拓力新款充电工具系列感兴趣。",
    "Warehouse moved to the new industrial park.": "仓库搬到了新工业园。",
    "Asked to be contacted by e-mail only.": "要求只通过电子邮件联系。",
}
SCHEMES = {
    "Risk of going away": (
        "流失风险",
        "客户偏离平时下单节奏的程度（距上次下单的天数与平时间隔之比）。本周给“即将沉睡”的客户"
        "打电话；带着优惠去拜访“有风险”的客户。"),
    "Risk change": (
        "风险变化",
        "风险分数比上一周期上升的客户：在变成有风险之前就能看到的采购变化。先检查账户，再联系。"),
    "Biggest spenders": (
        "采购大户",
        "近 12 个月按收入排名靠前的客户。先保住“大户”，再把“中等客户”培养上去。"),
    "Rising and falling stars": (
        "上升与下滑之星",
        "与前 12 个月相比的收入变化。感谢上升之星并推荐下一系列产品；问问下滑之星发生了什么。"),
    "Share of revenue": (
        "收入占比",
        "占本客户类型 80% 收入的客户。绝不能让其中任何一位悄无声息地流失。"),
    "Order volume": (
        "订单量",
        "客户 12 个月内下单的次数：为稳定的大宗买家安排每周整托送货；检查大量小单的利润。"),
}
BANDS = {
    "Loyal / regular buyer": "忠实 / 常规客户", "Sales slowing": "采购放缓",
    "Going to sleep": "即将沉睡", "At risk": "有风险",
    "Steady (up to +25 %)": "平稳（不超过 +25%）", "Need more attention": "需要更多关注",
    "Require account review": "需要检查账户", "Require contact": "需要联系",
    "Big spenders": "大户", "Mid tier": "中等客户", "Falling star": "下滑之星", "Steady": "平稳",
    "Rising star": "上升之星", "Top 80 %": "前 80%", "Occasional (up to 4)": "偶尔（4 次以内）",
    "Regular (5 to 12)": "常规（5 到 12 次）", "Frequent (13 or more)": "频繁（13 次及以上）",
}
RULES = {"Likely lost for a month": "连续一个月可能流失",
         "Churning: call this week": "流失中：本周致电"}
SEGMENTS = {"Call this week": "本周致电"}


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"the demo is written in {' or '.join(LANGUAGES)}, not {language!r}")
    return language


def words(values: pd.Series, table: dict[str, str]) -> pd.Series:
    """``values`` with every word of ``table`` replaced (others as they are)."""
    return values.map(lambda v: table.get(v, v) if isinstance(v, str) else v).astype(
        values.dtype)


_PRODUCT = re.compile("^(" + "|".join(map(re.escape, sorted(BRANDS, key=len, reverse=True)))
                      + ") (.+) (\\S+)$")


def product_names(names: pd.Series) -> pd.Series:
    """``TopForce Hex Bolt F107`` → ``拓力 六角螺栓 F107``."""
    parts = names.str.extract(_PRODUCT)
    chinese = (words(parts[0], BRANDS) + " " + words(parts[1], ITEMS) + " " + parts[2])
    return chinese.where(parts[0].notna(), names).astype(names.dtype)


# column -> table, per written table
_COLUMNS: dict[str, dict[str, dict[str, str]]] = {
    "customers": {"region": REGIONS},
    "coupons": {"name": COUPONS},
    "visits": {"note": NOTES},
    "comments": {"body": NOTES},
}


def frame(table: str, rows: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``table`` as the Chinese demo writes them."""
    changes: dict[str, Any] = {column: words(rows[column], words_of)
                               for column, words_of in _COLUMNS.get(table, {}).items()}
    if table == "products":
        changes = {"name": product_names(rows["name"]),
                   "category": words(rows["category"], CATEGORIES)}
    return rows.assign(**changes) if changes else rows


def reps(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.assign(team=words(rows["team"], TEAMS), name=words(rows["name"], REPS))


def scheme(values: dict[str, Any]) -> dict[str, Any]:
    title, comment = SCHEMES.get(values["title"], (values["title"], values["comment"]))
    bands = [{**band, "label": BANDS.get(band["label"], band["label"])}
             for band in values["bands"]]
    return {**values, "title": title, "comment": comment, "bands": bands}


def rule(values: dict[str, Any]) -> dict[str, Any]:
    return {**values, "name": RULES.get(values["name"], values["name"]),
            "segment": SEGMENTS.get(values["segment"], values["segment"])}
