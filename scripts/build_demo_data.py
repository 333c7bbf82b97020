"""Build the demo city in app/demo_data/ from the public data in ../shared/data (seeded).

Run from the repository root: `.venv/bin/python scripts/build_demo_data.py [--data DIR]`.
The output is committed; `app/demo.py` reads only that output, so the demo loads on a clean
clone. Rerunning with the same inputs rewrites byte-identical files.

What comes from where (licences in app/demo_data/README.md):
- occupation codes, names, definitions and task lists: CSCO 2022 (职业分类大典), csco22.csv;
- major names with discipline codes and the education-requirement mix: the Henan 2024
  civil-service position table (an official public notice);
- English occupation descriptions for the few English demands and profiles: ESCO (CC BY 4.0).
The Liepin postings and the resume NER corpus carry no licence for redistribution (their
READMEs forbid shipping them as demo data), so nothing of them is used here. Everything else
(names, companies, skills, templates) is written below by hand; people and firms are fictional.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import phonenumbers
from stdnum.cn import ric, uscc

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.demands.schemas import DemandCreate  # noqa: E402
from app.enterprises.schemas import EnterpriseCreate  # noqa: E402
from app.talents.schemas import TalentCreate  # noqa: E402

T = TypeVar("T")
SEED = 20261101
DEMO_DATE = dt.date(2026, 11, 1)  # keep in step with app.demo.DEMO_DATE
OUT = ROOT / "app" / "demo_data"

CITY = "临江市"
CITY_EN = "Linjiang"
# District -> administrative-division code used inside credit codes (fictional 4199xx range).
DISTRICTS = {
    "滨江区": "419902",
    "江北区": "419903",
    "鹤鸣区": "419904",
    "青山区": "419905",
    "临港新区": "419911",
    "高新区": "419971",
    "经开区": "419972",
    "云溪县": "419921",
}
DISTRICTS_EN = {
    "滨江区": "Binjiang District",
    "江北区": "Jiangbei District",
    "鹤鸣区": "Heming District",
    "青山区": "Qingshan District",
    "临港新区": "Lingang New Area",
    "高新区": "the High-tech Zone",
    "经开区": "the Economic Development Zone",
    "云溪县": "Yunxi County",
}
DISTRICT_WEIGHTS = [18, 12, 8, 7, 10, 22, 16, 7]

ORGS = [
    ("talent_office", "临江市人才办", "Linjiang Talent Office"),
    ("general_chamber", "临江市总商会", "Linjiang General Chamber of Commerce"),
    ("youth_chamber", "临江市青商会", "Linjiang Young Entrepreneurs' Association"),
    ("science_bureau", "临江市科技局", "Linjiang Science and Technology Bureau"),
    ("hrss_bureau", "临江市人社局", "Linjiang Human Resources and Social Security Bureau"),
    ("science_association", "临江市科协", "Linjiang Association for Science and Technology"),
    ("overseas_federation", "临江市侨联", "Linjiang Overseas Chinese Federation"),
    ("overseas_affairs_office", "临江市侨办", "Linjiang Overseas Chinese Affairs Office"),
    ("foreign_affairs_office", "临江市外事办", "Linjiang Foreign Affairs Office"),
]

# username, display name, role, organisation kind, enterprise (index into the chamber's members)
USERS = [
    ("office", "陈静（人才办）", "office_admin", "talent_office", None),
    ("reviewer", "周立新（人才办）", "office_reviewer", "talent_office", None),
    ("chamber", "王海燕（总商会）", "chamber_staff", "general_chamber", None),
    ("chamber2", "刘建军（总商会）", "chamber_staff", "general_chamber", None),
    ("youth", "赵一鸣（青商会）", "chamber_staff", "youth_chamber", None),
    ("enterprise", "孙晓东（星河软件）", "enterprise_user", "general_chamber", 0),
    ("enterprise2", "林可欣（青禾农业）", "enterprise_user", "youth_chamber", 0),
    ("kejiju", "杨帆（科技局）", "agency_staff", "science_bureau", None),
    ("renshe", "李娜（人社局）", "agency_staff", "hrss_bureau", None),
    ("kexie", "黄志强（科协）", "agency_staff", "science_association", None),
    ("qiaolian", "何美玲（侨联）", "agency_staff", "overseas_federation", None),
    ("qiaoban", "郑国华（侨办）", "agency_staff", "overseas_affairs_office", None),
    ("waiban", "许文博（外事办）", "agency_staff", "foreign_affairs_office", None),
]

AGENCIES = {  # kind: (talent count, external-key prefix)
    "science_bureau": (170, "KJJ"),
    "hrss_bureau": (200, "RSJ"),
    "science_association": (110, "KX"),
    "overseas_federation": (100, "QL"),
    "overseas_affairs_office": (70, "QB"),
    "foreign_affairs_office": (70, "WB"),
}

# ---------------------------------------------------------------------------------------------
# Domains: what the city's firms do. Occupations are CSCO 2022 level-4 codes; job titles,
# skills and project topics are hand-written. `majors` are discipline codes looked up in the
# Henan position table; `major_names` are specific undergraduate majors for talent profiles.
# ---------------------------------------------------------------------------------------------

DOMAINS: dict[str, dict[str, Any]] = {
    "software": {
        "industries": "I",
        "infix": ["软件科技", "信息技术", "数据科技", "网络科技", "智能科技"],
        "jobs": [
            (
                "2-02-10-03",
                17000,
                [
                    "Java后端开发工程师",
                    "Python开发工程师",
                    "前端开发工程师",
                    "软件架构师",
                    "移动端开发工程师",
                ],
            ),
            (
                "2-02-38-01",
                24000,
                ["算法工程师", "机器学习工程师", "计算机视觉算法工程师", "自然语言处理工程师"],
            ),
            ("2-02-38-03", 20000, ["大数据开发工程师", "数据仓库工程师", "数据平台工程师"]),
            ("2-02-10-07", 18000, ["信息安全工程师", "渗透测试工程师", "安全运营工程师"]),
            ("2-02-38-04", 18000, ["云平台运维工程师", "DevOps工程师", "云原生开发工程师"]),
            ("4-04-05-02", 10000, ["软件测试工程师", "自动化测试工程师"]),
            ("2-02-30-09", 15000, ["数据分析师", "商业数据分析师"]),
            ("4-04-05-05", 8000, ["人工智能训练师", "数据标注主管"]),
        ],
        "majors": ["0809", "0812", "0835", "0839", "0807", "0701"],
        "major_names": [
            "计算机科学与技术",
            "软件工程",
            "数据科学与大数据技术",
            "网络空间安全",
            "人工智能",
            "信息管理与信息系统",
            "数学与应用数学",
        ],
        "skills": [
            "Java",
            "Python",
            "Go",
            "Spring Boot",
            "MySQL",
            "PostgreSQL",
            "Redis",
            "Kafka",
            "Linux",
            "Docker",
            "Kubernetes",
            "Vue.js",
            "React",
            "TypeScript",
            "微服务架构",
            "分布式系统",
            "机器学习",
            "深度学习",
            "PyTorch",
            "TensorFlow",
            "自然语言处理",
            "计算机视觉",
            "大模型应用开发",
            "Spark",
            "Flink",
            "Hadoop",
            "数据仓库",
            "ETL",
            "等保测评",
            "渗透测试",
            "网络安全",
            "CI/CD",
            "自动化测试",
            "Selenium",
            "SQL",
            "数据可视化",
            "Tableau",
        ],
        "leading": ["人工智能与大模型应用", "工业软件", "数据要素与隐私计算"],
        "titles": "eng",
    },
    "electronics": {
        "industries": "C",
        "infix": ["微电子", "半导体", "电子科技", "光电科技"],
        "jobs": [
            (
                "2-02-38-09",
                26000,
                ["数字IC设计工程师", "模拟IC设计工程师", "芯片验证工程师", "版图设计工程师"],
            ),
            ("2-02-09-02", 15000, ["电子元器件工程师", "硬件工程师", "射频工程师"]),
            ("2-02-10-06", 18000, ["嵌入式软件工程师", "嵌入式Linux驱动工程师"]),
            ("2-02-09-01", 16000, ["电子材料工程师", "封装工艺工程师"]),
            ("2-02-09-04", 13000, ["电子测量工程师", "测试开发工程师"]),
        ],
        "majors": ["0807", "0809", "0808", "0806", "0702"],
        "major_names": [
            "微电子科学与工程",
            "电子信息工程",
            "集成电路设计与集成系统",
            "通信工程",
            "电子科学与技术",
            "物理学",
        ],
        "skills": [
            "Verilog",
            "SystemVerilog",
            "UVM",
            "Cadence",
            "Synopsys工具链",
            "模拟电路设计",
            "PCB设计",
            "Altium Designer",
            "射频电路",
            "嵌入式C",
            "ARM Cortex-M",
            "RTOS",
            "Linux驱动开发",
            "FPGA",
            "信号完整性",
            "半导体工艺",
            "失效分析",
            "晶圆测试",
            "示波器与频谱仪",
            "SPI/I2C/UART",
        ],
        "leading": ["集成电路设计", "第三代半导体材料与器件"],
        "titles": "eng",
    },
    "manufacturing": {
        "industries": "C",
        "infix": ["智能装备", "精密机械", "机器人", "汽车零部件", "重工"],
        "jobs": [
            ("2-02-07-01", 13000, ["机械设计工程师", "结构工程师", "非标设备设计工程师"]),
            ("2-02-07-02", 11000, ["工艺工程师", "机械制造工程师", "生产工程师"]),
            ("2-02-38-05", 16000, ["智能制造工程师", "MES实施工程师"]),
            ("2-02-38-10", 18000, ["机器人工程师", "运动控制工程师", "机器人应用工程师"]),
            ("2-02-07-07", 15000, ["自动化工程师", "PLC电气工程师"]),
            ("2-02-29-03", 10000, ["质量工程师", "质量主管", "供应商质量工程师"]),
            ("2-02-07-11", 15000, ["汽车电子工程师", "新能源汽车底盘工程师"]),
            ("6-20-01-01", 7000, ["装配钳工", "设备装配调试工"]),
            ("6-18-01-07", 7500, ["数控车工", "数控铣工", "加工中心操作工"]),
            ("6-18-02-04", 7500, ["焊工", "机器人焊接操作工"]),
        ],
        "majors": ["0802", "0808", "0806", "0804"],
        "major_names": [
            "机械设计制造及其自动化",
            "机械电子工程",
            "自动化",
            "车辆工程",
            "测控技术与仪器",
            "工业工程",
            "材料成型及控制工程",
        ],
        "skills": [
            "SolidWorks",
            "AutoCAD",
            "UG NX",
            "CATIA",
            "有限元分析",
            "ANSYS",
            "GD&T",
            "PLC编程",
            "西门子S7",
            "运动控制",
            "ROS",
            "工业机器人编程",
            "精益生产",
            "六西格玛",
            "IATF 16949",
            "FMEA",
            "SPC",
            "数控编程",
            "焊接工艺",
            "MES系统",
            "液压与气动",
            "8D问题分析",
        ],
        "leading": ["高端装备与智能制造", "工业机器人核心部件"],
        "titles": "eng",
    },
    "materials": {
        "industries": "C",
        "infix": ["新材料", "化工", "高分子材料", "新能源材料"],
        "jobs": [
            ("2-02-05-04", 13000, ["金属材料工程师", "材料研发工程师"]),
            ("2-02-06-01", 11000, ["化工实验工程师", "分析检测工程师"]),
            ("2-02-06-03", 12000, ["化工工艺工程师", "生产技术主管"]),
            ("2-02-19-03", 12000, ["无机非金属材料工程师", "陶瓷材料研发工程师"]),
            ("2-02-36-05", 10000, ["塑料加工工艺工程师", "改性塑料研发工程师"]),
            ("2-01-06-03", 16000, ["化学研究员", "电池材料研究员"]),
        ],
        "majors": ["0804", "0813", "0703", "0817"],
        "major_names": [
            "材料科学与工程",
            "高分子材料与工程",
            "化学工程与工艺",
            "应用化学",
            "无机非金属材料工程",
            "金属材料工程",
            "新能源材料与器件",
        ],
        "skills": [
            "材料表征",
            "XRD",
            "SEM",
            "热分析",
            "高分子合成",
            "配方设计",
            "锂电正极材料",
            "固态电解质",
            "化工工艺设计",
            "Aspen Plus",
            "DCS操作",
            "安全生产管理",
            "实验设计DOE",
            "色谱分析",
            "质谱分析",
            "中试放大",
            "ISO 14001",
        ],
        "leading": ["先进电池材料", "高性能复合材料"],
        "titles": "eng",
    },
    "biomed": {
        "industries": "CM",
        "infix": ["生物医药", "生物科技", "医疗器械", "药业"],
        "jobs": [
            ("2-02-32-01", 13000, ["制药工程师", "制剂研发工程师", "药物分析工程师"]),
            ("2-02-32-02", 14000, ["生物工程师", "细胞培养工程师", "发酵工艺工程师"]),
            ("2-01-06-05", 16000, ["生物学研究员", "分子生物学研究员"]),
            ("2-01-08-00", 18000, ["医学研究员", "临床研究医学经理"]),
            ("2-02-07-05", 12000, ["医疗器械研发工程师", "医疗设备工程师"]),
            ("2-06-07-07", 9000, ["医药代表", "学术推广专员"]),
            ("2-05-06-01", 8000, ["药师", "药品质量受权人"]),
        ],
        "majors": ["1007", "0710", "0836", "1002", "1008", "0830"],
        "major_names": [
            "药学",
            "生物技术",
            "生物工程",
            "制药工程",
            "临床医学",
            "生物医学工程",
            "中药学",
        ],
        "skills": [
            "GMP",
            "药物分析",
            "HPLC",
            "细胞培养",
            "分子克隆",
            "PCR",
            "蛋白纯化",
            "抗体药物",
            "临床试验管理",
            "GCP",
            "注册申报",
            "医疗器械法规",
            "ISO 13485",
            "生物统计",
            "SAS",
            "发酵工艺",
            "无菌工艺验证",
        ],
        "leading": ["创新药物研发", "高端医疗器械"],
        "titles": "research",
    },
    "energy": {
        "industries": "DC",
        "infix": ["新能源", "能源科技", "电力科技", "储能科技"],
        "jobs": [
            ("2-02-12-01", 12000, ["光伏电站设计工程师", "发电工程师"]),
            ("2-02-12-02", 11000, ["供配电工程师", "电气设计工程师"]),
            ("2-02-30-06", 12000, ["能源管理工程师", "综合能源服务工程师"]),
            ("2-02-27-07", 13000, ["碳管理工程师", "碳排放核算工程师"]),
            ("2-02-11-01", 11000, ["电工电器工程师", "储能系统工程师"]),
        ],
        "majors": ["0806", "0805", "0807", "0830"],
        "major_names": [
            "电气工程及其自动化",
            "能源与动力工程",
            "新能源科学与工程",
            "智能电网信息工程",
            "环境工程",
        ],
        "skills": [
            "电力系统分析",
            "PVsyst",
            "储能BMS",
            "电力电子",
            "继电保护",
            "高低压配电",
            "能源审计",
            "碳足迹核算",
            "ISO 14064",
            "MATLAB/Simulink",
            "逆变器设计",
            "EPC项目管理",
            "电气CAD",
        ],
        "leading": ["新型储能", "氢能与燃料电池"],
        "titles": "eng",
    },
    "construction": {
        "industries": "EK",
        "infix": ["建设工程", "建筑设计", "市政工程", "置业"],
        "jobs": [
            ("2-02-18-01", 12000, ["建筑设计师", "市政设计工程师"]),
            ("2-02-18-02", 10000, ["土建工程师", "结构设计工程师", "施工技术负责人"]),
            ("2-02-30-10", 9500, ["造价工程师", "预算员"]),
            ("2-02-30-07", 9000, ["监理工程师"]),
            ("2-02-18-08", 11000, ["道路桥梁工程师"]),
            ("2-02-30-04", 13000, ["项目经理", "工程项目经理"]),
        ],
        "majors": ["0810", "0828", "1201", "0814"],
        "major_names": [
            "土木工程",
            "建筑学",
            "工程管理",
            "工程造价",
            "给排水科学与工程",
            "道路桥梁与渡河工程",
        ],
        "skills": [
            "AutoCAD",
            "Revit",
            "BIM",
            "广联达",
            "PKPM",
            "施工组织设计",
            "工程造价",
            "招投标",
            "安全文明施工",
            "装配式建筑",
            "绿色建筑评价",
            "工程监理",
        ],
        "leading": ["智能建造"],
        "titles": "eng",
    },
    "finance": {
        "industries": "JL",
        "infix": ["投资管理", "财务咨询", "融资担保", "企业管理咨询"],
        "jobs": [
            ("2-06-03-00", 9000, ["会计", "财务主管", "总账会计"]),
            ("2-06-04-00", 10000, ["审计专员", "内审经理"]),
            ("2-06-09-04", 11000, ["信贷审核经理", "风控专员"]),
            ("2-06-11-03", 16000, ["投资经理", "行业研究员"]),
            ("2-06-14-00", 18000, ["金融科技工程师", "量化分析师"]),
            ("2-06-07-08", 13000, ["管理咨询顾问", "企业咨询顾问"]),
            ("2-06-08-01", 9000, ["人力资源经理", "招聘主管", "薪酬绩效专员"]),
            ("2-06-12-01", 12000, ["专利代理师", "知识产权专员"]),
            ("2-06-07-16", 12000, ["技术经理人", "科技成果转化专员"]),
        ],
        "majors": ["0202", "0203", "1202", "0201", "0301"],
        "major_names": [
            "会计学",
            "财务管理",
            "金融学",
            "审计学",
            "经济学",
            "工商管理",
            "人力资源管理",
            "法学",
        ],
        "skills": [
            "财务报表分析",
            "企业会计准则",
            "税务筹划",
            "用友",
            "金蝶",
            "SAP FICO",
            "内部审计",
            "风险管理",
            "信贷评审",
            "估值建模",
            "行业研究",
            "尽职调查",
            "Excel高级应用",
            "Python量化",
            "知识产权布局",
            "专利撰写",
            "招聘面试",
            "绩效管理",
            "CPA",
            "CFA",
        ],
        "leading": ["科技金融"],
        "titles": "finance",
    },
    "trade": {
        "industries": "FG",
        "infix": ["国际贸易", "供应链管理", "物流", "电子商务"],
        "jobs": [
            ("2-06-07-01", 10000, ["国际业务经理", "外贸业务员", "海外销售经理"]),
            ("2-02-30-11", 13000, ["供应链经理", "采购计划主管"]),
            ("2-02-30-02", 11000, ["物流工程师", "仓储规划工程师"]),
            ("2-06-07-12", 7500, ["报关员", "关务专员"]),
            ("4-01-06-01", 8000, ["电子商务运营", "跨境电商运营专员"]),
            ("4-01-06-02", 8000, ["直播电商运营", "互联网营销师"]),
            ("2-06-07-02", 10000, ["市场营销经理", "品牌市场专员"]),
        ],
        "majors": ["0204", "1206", "1202", "0502"],
        "major_names": ["国际经济与贸易", "物流管理", "电子商务", "市场营销", "英语", "商务英语"],
        "skills": [
            "外贸单证",
            "国际结算",
            "报关报检",
            "跨境电商平台运营",
            "亚马逊运营",
            "供应链计划",
            "ERP",
            "WMS",
            "采购谈判",
            "数据化运营",
            "短视频运营",
            "客户关系管理",
            "商务英语",
            "市场调研",
        ],
        "leading": ["国际供应链"],
        "titles": "finance",
    },
    "agrifood": {
        "industries": "AC",
        "infix": ["农业科技", "食品", "生态农业", "种业"],
        "jobs": [
            ("2-01-07-00", 12000, ["农业科学研究员", "育种研究员"]),
            ("2-02-24-00", 10000, ["食品工程师", "食品研发工程师"]),
            ("2-03-05-00", 9000, ["作物育种技术员", "栽培技术员"]),
            ("2-03-02-00", 7500, ["农业技术推广员", "农技服务主管"]),
            ("4-03-02-11", 7000, ["食品安全管理师", "食品质量主管"]),
        ],
        "majors": ["0827", "0901", "0902", "0710"],
        "major_names": [
            "食品科学与工程",
            "食品质量与安全",
            "农学",
            "园艺",
            "植物保护",
            "种子科学与工程",
        ],
        "skills": [
            "作物育种",
            "分子标记辅助选择",
            "设施农业",
            "水肥一体化",
            "植保无人机",
            "食品配方研发",
            "HACCP",
            "ISO 22000",
            "食品微生物检测",
            "感官评价",
            "农产品电商",
        ],
        "leading": ["现代种业"],
        "titles": "agri",
    },
    "health": {
        "industries": "Q",
        "infix": ["医院管理", "健康管理", "康复医疗"],
        "jobs": [
            ("2-05-01-01", 15000, ["内科医师", "心内科主治医师"]),
            ("2-05-01-13", 18000, ["麻醉科医师"]),
            ("2-05-01-12", 12000, ["康复科医师"]),
            ("2-05-08-01", 7500, ["内科护士", "护理组长"]),
            ("2-05-07-13", 7000, ["康复治疗师"]),
            ("2-05-07-01", 9000, ["影像技师", "放射科技师"]),
        ],
        "majors": ["1002", "1011", "1008", "1005"],
        "major_names": ["临床医学", "护理学", "康复治疗学", "医学影像学", "麻醉学", "中医学"],
        "skills": [
            "内科常见病诊疗",
            "心血管介入",
            "重症监护",
            "麻醉管理",
            "康复评定",
            "运动疗法",
            "CT/MRI操作",
            "护理质量管理",
            "医院感染防控",
            "病历书写",
            "执业医师资格",
            "护士执业资格",
        ],
        "leading": ["临床医学重点专科"],
        "titles": "health",
    },
    "culture": {
        "industries": "RP",
        "infix": ["文化传媒", "设计", "教育科技", "数字创意"],
        "jobs": [
            ("2-02-34-02", 12000, ["工业设计师", "产品设计师"]),
            ("2-09-06-01", 9000, ["视觉设计师", "UI设计师"]),
            ("2-09-06-03", 10000, ["动画设计师", "三维动画师"]),
            ("2-09-06-07", 11000, ["数字媒体设计师", "游戏美术设计师"]),
            ("2-10-05-00", 9000, ["英语翻译", "日语翻译", "技术文档翻译"]),
            ("4-07-03-05", 8000, ["职业培训师", "企业内训讲师"]),
            ("2-08-01-02", 9000, ["高职专业教师", "实训指导教师"]),
        ],
        "majors": ["1305", "0503", "0502", "0401"],
        "major_names": [
            "工业设计",
            "视觉传达设计",
            "数字媒体艺术",
            "动画",
            "英语",
            "日语",
            "教育技术学",
        ],
        "skills": [
            "Photoshop",
            "Illustrator",
            "Figma",
            "Blender",
            "Maya",
            "C4D",
            "Rhino",
            "KeyShot",
            "用户研究",
            "交互设计",
            "品牌设计",
            "短视频剪辑",
            "口译",
            "笔译",
            "课程开发",
            "教学设计",
        ],
        "leading": ["数字创意"],
        "titles": "culture",
    },
    "hospitality": {
        "industries": "HO",
        "infix": ["酒店管理", "餐饮管理", "物业服务", "旅游发展"],
        "jobs": [
            ("4-03-02-01", 7000, ["中式烹调师", "厨师长"]),
            ("4-03-01-01", 5000, ["前厅经理", "前厅接待主管"]),
            ("4-07-04-07", 8000, ["景区运营经理", "文旅项目运营主管"]),
            ("4-07-02-03", 6000, ["客户服务主管"]),
            ("4-02-06-01", 6000, ["仓储管理员", "仓库主管"]),
        ],
        "majors": ["1209", "1202", "1206"],
        "major_names": ["酒店管理", "旅游管理", "烹饪与营养教育", "物业管理"],
        "skills": [
            "酒店运营",
            "收益管理",
            "宴会策划",
            "中式烹饪",
            "菜品研发",
            "成本控制",
            "客户服务",
            "团队管理",
            "景区运营",
            "食品安全",
        ],
        "leading": [],
        "titles": "skill",
    },
}

# Core skills of each occupation used above: demands require them, talents list them.
JOB_SKILLS: dict[str, list[str]] = {
    # software
    "2-02-10-03": [
        "Java",
        "Python",
        "Spring Boot",
        "MySQL",
        "Redis",
        "微服务架构",
        "Vue.js",
        "TypeScript",
        "Git",
        "Linux",
    ],
    "2-02-38-01": [
        "Python",
        "PyTorch",
        "深度学习",
        "机器学习",
        "计算机视觉",
        "自然语言处理",
        "大模型应用开发",
        "TensorFlow",
    ],
    "2-02-38-03": ["Spark", "Flink", "Hadoop", "Kafka", "数据仓库", "SQL", "ETL", "Python"],
    "2-02-10-07": ["网络安全", "渗透测试", "等保测评", "安全运维", "Linux", "漏洞分析"],
    "2-02-38-04": ["Docker", "Kubernetes", "Linux", "CI/CD", "云原生", "Prometheus"],
    "4-04-05-02": ["功能测试", "自动化测试", "Selenium", "接口测试", "Python", "JMeter"],
    "2-02-30-09": ["SQL", "Python", "数据可视化", "Tableau", "统计分析", "Excel高级应用"],
    "4-04-05-05": ["数据标注", "数据清洗", "大模型应用开发", "质量抽检", "Python"],
    # electronics
    "2-02-38-09": [
        "Verilog",
        "SystemVerilog",
        "UVM",
        "Cadence",
        "Synopsys工具链",
        "模拟电路设计",
        "版图设计",
    ],
    "2-02-09-02": [
        "模拟电路设计",
        "PCB设计",
        "Altium Designer",
        "射频电路",
        "信号完整性",
        "示波器与频谱仪",
    ],
    "2-02-10-06": ["嵌入式C", "ARM Cortex-M", "RTOS", "Linux驱动开发", "SPI/I2C/UART", "FPGA"],
    "2-02-09-01": ["半导体工艺", "封装工艺", "失效分析", "材料表征", "晶圆测试"],
    "2-02-09-04": ["电子测量", "示波器与频谱仪", "LabVIEW", "自动化测试", "晶圆测试"],
    # manufacturing
    "2-02-07-01": ["SolidWorks", "AutoCAD", "UG NX", "有限元分析", "GD&T", "机构设计"],
    "2-02-07-02": ["工艺规划", "精益生产", "FMEA", "SPC", "AutoCAD", "工装夹具设计"],
    "2-02-38-05": ["MES系统", "工业互联网", "PLC编程", "精益生产", "数字孪生", "SQL"],
    "2-02-38-10": ["ROS", "运动控制", "工业机器人编程", "C++", "机器视觉", "SLAM"],
    "2-02-07-07": ["PLC编程", "西门子S7", "运动控制", "电气CAD", "变频器调试", "HMI组态"],
    "2-02-29-03": ["IATF 16949", "FMEA", "SPC", "8D问题分析", "六西格玛", "ISO 9001"],
    "2-02-07-11": ["汽车电子", "CAN总线", "AUTOSAR", "整车测试", "CATIA", "功能安全ISO 26262"],
    "6-20-01-01": ["钳工装配", "设备调试", "机械识图", "精密测量", "液压与气动"],
    "6-18-01-07": ["数控编程", "FANUC系统", "加工中心操作", "机械识图", "精密测量"],
    "6-18-02-04": ["焊接工艺", "氩弧焊", "二氧化碳保护焊", "机器人焊接", "焊缝检验"],
    # materials
    "2-02-05-04": ["金属材料", "热处理工艺", "材料表征", "SEM", "力学性能测试"],
    "2-02-06-01": ["色谱分析", "质谱分析", "实验设计DOE", "化学分析", "实验室安全管理"],
    "2-02-06-03": ["化工工艺设计", "Aspen Plus", "DCS操作", "中试放大", "安全生产管理"],
    "2-02-19-03": ["陶瓷材料", "粉体工艺", "烧结工艺", "XRD", "材料表征"],
    "2-02-36-05": ["改性塑料", "配方设计", "注塑工艺", "高分子合成", "流变测试"],
    "2-01-06-03": ["锂电正极材料", "固态电解质", "电化学测试", "材料表征", "XRD", "SEM"],
    # biomed
    "2-02-32-01": ["GMP", "制剂工艺", "药物分析", "HPLC", "工艺验证"],
    "2-02-32-02": ["细胞培养", "发酵工艺", "蛋白纯化", "无菌工艺验证", "GMP"],
    "2-01-06-05": ["分子克隆", "PCR", "细胞培养", "蛋白纯化", "抗体药物", "生物信息分析"],
    "2-01-08-00": ["临床试验管理", "GCP", "医学统计", "SAS", "医学写作"],
    "2-02-07-05": ["医疗器械法规", "ISO 13485", "嵌入式C", "医疗器械注册", "风险管理"],
    "2-06-07-07": ["学术推广", "医药市场营销", "客户关系管理", "药品知识"],
    "2-05-06-01": ["药品质量管理", "GMP", "处方审核", "药物警戒"],
    # energy
    "2-02-12-01": ["PVsyst", "光伏电站设计", "电力系统分析", "EPC项目管理", "电气CAD"],
    "2-02-12-02": ["高低压配电", "继电保护", "电气CAD", "供配电设计", "电力系统分析"],
    "2-02-30-06": ["能源审计", "节能诊断", "能耗监测", "综合能源服务", "ISO 50001"],
    "2-02-27-07": ["碳足迹核算", "ISO 14064", "碳排放核查", "碳资产管理", "LCA生命周期评价"],
    "2-02-11-01": ["储能BMS", "电力电子", "逆变器设计", "MATLAB/Simulink", "电池管理"],
    # construction
    "2-02-18-01": ["AutoCAD", "Revit", "BIM", "天正建筑", "方案设计", "绿色建筑评价"],
    "2-02-18-02": ["PKPM", "施工组织设计", "结构设计", "AutoCAD", "装配式建筑"],
    "2-02-30-10": ["工程造价", "广联达", "工程量清单", "招投标", "合同管理"],
    "2-02-30-07": ["工程监理", "质量控制", "安全文明施工", "监理规范"],
    "2-02-18-08": ["道路设计", "桥梁设计", "Midas Civil", "AutoCAD", "施工组织设计"],
    "2-02-30-04": ["项目管理", "PMP", "进度控制", "成本控制", "合同管理"],
    # finance and services
    "2-06-03-00": ["企业会计准则", "财务报表分析", "税务申报", "用友", "金蝶", "Excel高级应用"],
    "2-06-04-00": ["内部审计", "风险管理", "内控体系", "财务报表分析", "CPA"],
    "2-06-09-04": ["信贷评审", "风险管理", "财务报表分析", "征信分析"],
    "2-06-11-03": ["行业研究", "估值建模", "尽职调查", "财务报表分析", "CFA"],
    "2-06-14-00": ["Python量化", "风控模型", "机器学习", "SQL", "金融数据分析"],
    "2-06-07-08": ["战略咨询", "组织设计", "流程优化", "PPT汇报", "行业研究"],
    "2-06-08-01": ["招聘面试", "绩效管理", "薪酬设计", "劳动法", "培训体系"],
    "2-06-12-01": ["专利撰写", "知识产权布局", "专利检索", "专利代理师资格"],
    "2-06-07-16": ["科技成果转化", "技术评估", "商务谈判", "知识产权运营", "项目申报"],
    # trade and logistics
    "2-06-07-01": ["外贸单证", "国际结算", "商务英语", "客户开发", "展会营销"],
    "2-02-30-11": ["供应链计划", "ERP", "采购谈判", "库存管理", "S&OP"],
    "2-02-30-02": ["仓储规划", "WMS", "物流系统仿真", "运输管理", "精益物流"],
    "2-06-07-12": ["报关报检", "HS编码归类", "海关法规", "外贸单证"],
    "4-01-06-01": ["跨境电商平台运营", "亚马逊运营", "数据化运营", "店铺运营"],
    "4-01-06-02": ["直播运营", "短视频运营", "社群营销", "内容策划"],
    "2-06-07-02": ["市场调研", "品牌策划", "数字营销", "客户关系管理", "活动策划"],
    # agriculture and food
    "2-01-07-00": ["作物育种", "分子标记辅助选择", "田间试验设计", "农业统计分析"],
    "2-02-24-00": ["食品配方研发", "HACCP", "食品工艺", "感官评价", "ISO 22000"],
    "2-03-05-00": ["作物育种", "栽培技术", "田间管理", "种子检验"],
    "2-03-02-00": ["农技推广", "设施农业", "水肥一体化", "植保无人机", "病虫害防治"],
    "4-03-02-11": ["食品安全管理", "HACCP", "食品微生物检测", "ISO 22000"],
    # health
    "2-05-01-01": ["内科常见病诊疗", "心血管介入", "病历书写", "执业医师资格"],
    "2-05-01-13": ["麻醉管理", "重症监护", "疼痛治疗", "执业医师资格"],
    "2-05-01-12": ["康复评定", "运动疗法", "神经康复", "执业医师资格"],
    "2-05-08-01": ["临床护理", "护理质量管理", "医院感染防控", "护士执业资格"],
    "2-05-07-13": ["康复评定", "运动疗法", "作业治疗", "康复治疗师资格"],
    "2-05-07-01": ["CT/MRI操作", "影像质量控制", "放射防护", "DR操作"],
    # culture, design, education
    "2-02-34-02": ["Rhino", "KeyShot", "SolidWorks", "用户研究", "手绘表达", "CMF设计"],
    "2-09-06-01": ["Photoshop", "Illustrator", "Figma", "品牌设计", "交互设计"],
    "2-09-06-03": ["Maya", "Blender", "三维建模", "角色动画", "After Effects"],
    "2-09-06-07": ["C4D", "Blender", "Unreal Engine", "数字内容制作", "短视频剪辑"],
    "2-10-05-00": ["笔译", "口译", "CAT工具", "技术文档写作", "英语"],
    "4-07-03-05": ["课程开发", "培训授课", "教学设计", "培训评估"],
    "2-08-01-02": ["教学设计", "课程开发", "实训指导", "教学科研"],
    # hospitality and services
    "4-03-02-01": ["中式烹饪", "菜品研发", "成本控制", "食品安全"],
    "4-03-01-01": ["前厅管理", "客户服务", "酒店运营", "收益管理"],
    "4-07-04-07": ["景区运营", "活动策划", "文旅营销", "团队管理"],
    "4-07-02-03": ["客户服务", "投诉处理", "CRM系统", "团队管理"],
    "4-02-06-01": ["仓储管理", "WMS", "库存盘点", "安全管理"],
}

# Research and development cooperation topics, each with the occupation it calls for.
PROJECTS: dict[str, list[tuple[str, str]]] = {
    "software": [
        ("基于大模型的企业知识库问答系统", "2-02-38-01"),
        ("城市交通流量预测平台", "2-02-38-03"),
        ("工业视觉缺陷检测算法", "2-02-38-01"),
        ("政务数据共享交换平台安全加固", "2-02-10-07"),
        ("供应链数据中台建设", "2-02-38-03"),
    ],
    "electronics": [
        ("低功耗物联网SoC芯片联合研发", "2-02-38-09"),
        ("车规级功率器件封装可靠性提升", "2-02-09-01"),
        ("毫米波雷达模组研发", "2-02-09-02"),
    ],
    "manufacturing": [
        ("柔性装配产线数字化改造", "2-02-38-05"),
        ("工业机器人减速器国产化攻关", "2-02-38-10"),
        ("新能源汽车电驱壳体轻量化", "2-02-07-01"),
    ],
    "materials": [
        ("钠离子电池正极材料中试", "2-01-06-03"),
        ("可降解高分子材料配方开发", "2-02-36-05"),
        ("高性能陶瓷基复合材料", "2-02-19-03"),
    ],
    "biomed": [
        ("创新抗体药物临床前研究", "2-01-06-05"),
        ("可穿戴心电监测设备研发", "2-02-07-05"),
        ("中药经典名方二次开发", "2-02-32-01"),
    ],
    "energy": [
        ("工商业储能系统集成示范", "2-02-11-01"),
        ("零碳工厂碳排放监测系统", "2-02-27-07"),
        ("园区源网荷储一体化规划", "2-02-30-06"),
    ],
    "construction": [
        ("装配式建筑智能建造示范", "2-02-18-02"),
        ("老旧小区改造BIM全过程管理", "2-02-18-01"),
    ],
    "finance": [
        ("企业数字化财务共享中心建设", "2-06-03-00"),
        ("科技型中小企业知识产权质押融资服务", "2-06-07-16"),
    ],
    "trade": [("跨境电商海外仓数字化管理", "2-02-30-02"), ("冷链物流温控追溯系统", "2-02-30-11")],
    "agrifood": [
        ("小麦耐旱新品种联合选育", "2-01-07-00"),
        ("预制菜保鲜工艺研究", "2-02-24-00"),
        ("设施蔬菜智能温室环境控制", "2-03-02-00"),
    ],
    "health": [("智慧康复病房建设", "2-05-01-12")],
    "culture": [("智能家电工业设计联合攻关", "2-02-34-02"), ("城市文旅数字IP开发", "2-09-06-07")],
    "hospitality": [("全域旅游数字导览系统", "4-07-04-07")],
}

# English-language postings: ESCO occupation (its description is quoted), CSCO code, skills.
ESCO_JOBS: dict[str, list[tuple[str, str, list[str]]]] = {
    "software": [
        (
            "software developer",
            "2-02-10-03",
            ["Python", "Java", "PostgreSQL", "Docker", "REST APIs", "Git"],
        ),
        (
            "data scientist",
            "2-02-38-01",
            ["Python", "machine learning", "PyTorch", "SQL", "statistics"],
        ),
    ],
    "electronics": [
        (
            "integrated circuit design engineer",
            "2-02-38-09",
            ["Verilog", "SystemVerilog", "UVM", "Cadence"],
        ),
        (
            "microelectronics engineer",
            "2-02-09-02",
            ["analog circuit design", "PCB layout", "RF design"],
        ),
    ],
    "manufacturing": [
        ("mechanical engineer", "2-02-07-01", ["SolidWorks", "finite element analysis", "GD&T"]),
        ("robotics engineer", "2-02-38-10", ["ROS", "C++", "motion control", "machine vision"]),
    ],
    "materials": [
        (
            "materials engineer",
            "2-02-05-04",
            ["materials characterisation", "SEM", "XRD", "heat treatment"],
        ),
        (
            "chemical engineer",
            "2-02-06-03",
            ["process design", "Aspen Plus", "scale-up", "process safety"],
        ),
    ],
    "biomed": [
        (
            "pharmaceutical engineer",
            "2-02-32-01",
            ["GMP", "process validation", "HPLC", "formulation"],
        ),
        (
            "biomedical engineer",
            "2-02-07-05",
            ["ISO 13485", "medical device regulation", "embedded C", "risk management"],
        ),
    ],
    "energy": [
        ("energy engineer", "2-02-30-06", ["energy audit", "energy modelling", "ISO 50001"]),
        (
            "solar energy engineer",
            "2-02-12-01",
            ["PVsyst", "photovoltaic system design", "EPC project management"],
        ),
    ],
    "construction": [("civil engineer", "2-02-18-02", ["structural design", "BIM", "AutoCAD"])],
    "finance": [
        (
            "financial analyst",
            "2-06-11-03",
            ["financial modelling", "valuation", "industry research", "CFA"],
        )
    ],
    "trade": [
        ("supply chain manager", "2-02-30-11", ["supply planning", "ERP", "procurement", "S&OP"]),
        ("logistics analyst", "2-02-30-02", ["WMS", "logistics modelling", "Excel"]),
    ],
    "agrifood": [
        ("food technologist", "2-02-24-00", ["HACCP", "product development", "ISO 22000"])
    ],
    "culture": [
        ("industrial designer", "2-02-34-02", ["Rhino", "KeyShot", "user research", "CMF design"])
    ],
}

TITLE_LADDERS = {
    "eng": ["助理工程师", "工程师", "高级工程师", "正高级工程师"],
    "research": ["研究实习员", "助理研究员", "副研究员", "研究员"],
    "finance": ["助理会计师", "会计师", "高级会计师", "正高级会计师"],
    "agri": ["助理农艺师", "农艺师", "高级农艺师", "农业技术推广研究员"],
    "health": ["住院医师", "主治医师", "副主任医师", "主任医师"],
    "culture": ["助理讲师", "讲师", "副教授", "教授"],
    "skill": ["高级工", "技师", "高级技师", "高级技师"],
}
WORKER_TITLES = ["中级工", "高级工", "技师", "高级技师"]

# Enterprises: (domain, count) -> 48 in all. A few chamber members outside the main domains.
ENTERPRISE_PLAN = [
    ("software", 7),
    ("electronics", 4),
    ("manufacturing", 6),
    ("materials", 4),
    ("biomed", 4),
    ("energy", 3),
    ("construction", 3),
    ("finance", 3),
    ("trade", 3),
    ("agrifood", 3),
    ("health", 1),
    ("culture", 2),
    ("hospitality", 1),
]
OTHER_ENTERPRISES = [  # industries the domains above leave out
    ("鑫源矿业", "B", "materials", "有限公司"),
    ("临江水务环境", "N", "energy", "集团有限公司"),
    ("临江城市运营服务", "O", "hospitality", "有限公司"),
    ("国际教育交流服务", "P", "culture", "有限公司"),
]
BRANDS = [
    "星河",
    "海川",
    "青禾",
    "云帆",
    "鼎盛",
    "华瑞",
    "智联",
    "润泽",
    "天衡",
    "博远",
    "恒通",
    "晨曦",
    "远景",
    "泰和",
    "启明",
    "中研",
    "汇能",
    "瑞康",
    "嘉禾",
    "蓝湾",
    "卓越",
    "新锐",
    "同创",
    "众诚",
    "科达",
    "弘毅",
    "明德",
    "益康",
    "长风",
    "锦程",
    "翔宇",
    "凯瑞",
    "金桥",
    "方圆",
    "正泰",
    "宏图",
    "万象",
    "力拓",
    "安信",
    "聚源",
    "佳和",
    "曜石",
    "澜沧",
    "松柏",
    "银杏",
    "北辰",
    "南风",
    "东升",
]

SURNAMES = (
    "王:wang 李:li 张:zhang 刘:liu 陈:chen 杨:yang 黄:huang 赵:zhao 吴:wu 周:zhou "
    "徐:xu 孙:sun 马:ma 朱:zhu 胡:hu 郭:guo 何:he 林:lin 高:gao 罗:luo 郑:zheng "
    "梁:liang 谢:xie 宋:song 唐:tang 许:xu 韩:han 冯:feng 邓:deng 曹:cao 彭:peng "
    "曾:zeng 肖:xiao 田:tian 董:dong 潘:pan 袁:yuan 蔡:cai 蒋:jiang 余:yu 于:yu 杜:du "
    "叶:ye 程:cheng 魏:wei 苏:su 吕:lv 丁:ding 任:ren 沈:shen 姚:yao 卢:lu 傅:fu "
    "钟:zhong 姜:jiang 崔:cui 谭:tan 廖:liao 范:fan 汪:wang 陆:lu 金:jin 石:shi "
    "戴:dai 贾:jia 夏:xia 邱:qiu 方:fang 侯:hou 邹:zou 熊:xiong 孟:meng 秦:qin "
    "白:bai 江:jiang 薛:xue 尹:yin 段:duan 雷:lei 龙:long 陶:tao 贺:he 顾:gu 毛:mao "
    "郝:hao 龚:gong 邵:shao 万:wan 严:yan 武:wu 欧阳:ouyang 司马:sima"
)
MALE_CHARS = (
    "伟:wei 强:qiang 磊:lei 军:jun 洋:yang 勇:yong 杰:jie 涛:tao 明:ming 超:chao "
    "斌:bin 鹏:peng 辉:hui 华:hua 飞:fei 刚:gang 健:jian 波:bo 宇:yu 浩:hao 凯:kai "
    "峰:feng 鑫:xin 博:bo 俊:jun 昊:hao 晨:chen 翔:xiang 泽:ze 林:lin 文:wen 志:zhi "
    "宏:hong 建:jian 国:guo 平:ping 亮:liang 成:cheng 东:dong 海:hai 天:tian 一:yi "
    "子:zi 思:si 远:yuan 锐:rui 航:hang 铭:ming 哲:zhe 睿:rui 晓:xiao 振:zhen "
    "嘉:jia 立:li 朝:chao 正:zheng 启:qi 家:jia 永:yong 卫:wei 德:de 彬:bin"
)
FEMALE_CHARS = (
    "芳:fang 娜:na 敏:min 静:jing 丽:li 艳:yan 娟:juan 霞:xia 秀:xiu 玲:ling "
    "婷:ting 雪:xue 慧:hui 颖:ying 琳:lin 晶:jing 倩:qian 欣:xin 悦:yue 佳:jia "
    "怡:yi 瑶:yao 梦:meng 雨:yu 萍:ping 红:hong 燕:yan 蕾:lei 洁:jie 璐:lu "
    "晓:xiao 思:si 可:ke 心:xin 宁:ning 彤:tong 诗:shi 涵:han 妍:yan 琪:qi "
    "文:wen 雅:ya 婧:jing 莉:li 薇:wei 岚:lan 春:chun 冰:bing 楠:nan 清:qing"
)

SCHOOLS_TOP = [
    "清华大学",
    "北京大学",
    "浙江大学",
    "上海交通大学",
    "复旦大学",
    "南京大学",
    "中国科学技术大学",
    "华中科技大学",
    "武汉大学",
    "西安交通大学",
    "哈尔滨工业大学",
    "同济大学",
    "东南大学",
    "北京航空航天大学",
    "天津大学",
    "中山大学",
    "四川大学",
    "电子科技大学",
    "华南理工大学",
    "大连理工大学",
    "山东大学",
    "吉林大学",
    "湖南大学",
    "重庆大学",
    "西北工业大学",
    "北京理工大学",
    "厦门大学",
    "南开大学",
    "中南大学",
    "中国科学院大学",
]
SCHOOLS_MID = [
    "郑州大学",
    "河南大学",
    "苏州大学",
    "南京理工大学",
    "西安电子科技大学",
    "北京邮电大学",
    "江南大学",
    "中国药科大学",
    "华东理工大学",
    "合肥工业大学",
    "河南科技大学",
    "河南理工大学",
    "郑州轻工业大学",
    "河南农业大学",
    "南京农业大学",
    "武汉理工大学",
    "长安大学",
    "燕山大学",
    "浙江工业大学",
    "杭州电子科技大学",
    "临江大学",
    "临江理工学院",
    "临江医学院",
]
SCHOOLS_VOC = [
    "临江职业技术学院",
    "河南工业职业技术学院",
    "无锡职业技术学院",
    "浙江机电职业技术学院",
    "郑州铁路职业技术学院",
    "深圳职业技术大学",
    "黄河水利职业技术学院",
    "临江技师学院",
]
SCHOOLS_ABROAD = [  # (zh, en, country zh)
    ("新加坡国立大学", "National University of Singapore", "新加坡"),
    ("帝国理工学院", "Imperial College London", "英国"),
    ("曼彻斯特大学", "University of Manchester", "英国"),
    ("伦敦大学学院", "University College London", "英国"),
    ("慕尼黑工业大学", "Technical University of Munich", "德国"),
    ("亚琛工业大学", "RWTH Aachen University", "德国"),
    ("东京大学", "University of Tokyo", "日本"),
    ("大阪大学", "Osaka University", "日本"),
    ("加州大学伯克利分校", "University of California, Berkeley", "美国"),
    ("卡内基梅隆大学", "Carnegie Mellon University", "美国"),
    ("密歇根大学", "University of Michigan", "美国"),
    ("多伦多大学", "University of Toronto", "加拿大"),
    ("悉尼大学", "University of Sydney", "澳大利亚"),
    ("墨尔本大学", "University of Melbourne", "澳大利亚"),
    ("苏黎世联邦理工学院", "ETH Zurich", "瑞士"),
    ("代尔夫特理工大学", "Delft University of Technology", "荷兰"),
    ("首尔国立大学", "Seoul National University", "韩国"),
    ("香港科技大学", "Hong Kong University of Science and Technology", "中国香港"),
]
FOREIGNERS = {  # nationality zh: (given names, family names, sep, language, phone region, schools)
    "美国": (
        ["Michael", "Emily", "David", "Sarah", "Kevin", "Jessica", "Ryan", "Laura"],
        ["Turner", "Carter", "Brooks", "Mitchell", "Lin", "Wong", "Patel", "Foster"],
        " ",
        "英语",
        "US",
        [8, 9, 10],
    ),
    "英国": (
        ["James", "Olivia", "Thomas", "Charlotte", "Harry", "Emma"],
        ["Whitfield", "Hughes", "Reid", "Evans", "Clarke", "Walker"],
        " ",
        "英语",
        "GB",
        [1, 2, 3],
    ),
    "德国": (
        ["Lukas", "Anna", "Felix", "Julia", "Jonas", "Lena", "Maximilian"],
        ["Schneider", "Becker", "Wagner", "Hoffmann", "Keller", "Fischer", "Richter"],
        " ",
        "德语",
        "DE",
        [4, 5],
    ),
    "法国": (
        ["Julien", "Camille", "Antoine", "Chloé", "Hugo"],
        ["Moreau", "Laurent", "Dubois", "Lefèvre", "Girard"],
        " ",
        "法语",
        "FR",
        [14, 15],
    ),
    "日本": (
        ["健太", "美咲", "翔", "由美", "大輔", "彩"],
        ["佐藤", "鈴木", "高橋", "田中", "渡辺", "伊藤"],
        " ",
        "日语",
        "JP",
        [6, 7],
    ),
    "韩国": (
        ["Min-jun", "Seo-yeon", "Ji-hoon", "Yu-na", "Hyun-woo", "Soo-ah"],
        ["Kim", "Lee", "Park", "Choi", "Jung"],
        " ",
        "韩语",
        "KR",
        [16],
    ),
    "新加坡": (
        ["Wei Ming", "Hui Ling", "Jun Jie", "Mei Xin"],
        ["Tan", "Lim", "Ng", "Goh"],
        " ",
        "英语",
        "SG",
        [0],
    ),
    "加拿大": (
        ["Daniel", "Sophie", "Ethan", "Madison"],
        ["Chen", "Tremblay", "Wu", "Roy"],
        " ",
        "英语",
        "CA",
        [11],
    ),
    "澳大利亚": (
        ["Liam", "Chloe", "Jack", "Mia"],
        ["O'Connor", "Nguyen", "Taylor", "Smith"],
        " ",
        "英语",
        "AU",
        [12, 13],
    ),
    "俄罗斯": (
        ["Dmitry", "Elena", "Alexei", "Olga"],
        ["Volkov", "Smirnova", "Ivanov", "Petrova"],
        " ",
        "俄语",
        "RU",
        [4],
    ),
    "意大利": (
        ["Marco", "Giulia", "Luca", "Francesca"],
        ["Rossi", "Bianchi", "Romano", "Conti"],
        " ",
        "意大利语",
        "IT",
        [14],
    ),
    "马来西亚": (
        ["Kai Wen", "Siew Ling", "Jia Hao"],
        ["Chong", "Lee", "Wong"],
        " ",
        "马来语",
        "MY",
        [0],
    ),
}
LANGUAGE_OF = {"日本": "日语", "德国": "德语", "韩国": "韩语", "法国": "法语"}
ROMAJI = {
    "佐藤": "Sato",
    "鈴木": "Suzuki",
    "高橋": "Takahashi",
    "田中": "Tanaka",
    "渡辺": "Watanabe",
    "伊藤": "Ito",
    "健太": "Kenta",
    "美咲": "Misaki",
    "翔": "Sho",
    "由美": "Yumi",
    "大輔": "Daisuke",
    "彩": "Aya",
}
FAMILY_FIRST = {"日本", "韩国", "新加坡", "马来西亚"}
COUNTRY_PREFIX = {
    "US": "+1",
    "GB": "+44",
    "DE": "+49",
    "FR": "+33",
    "JP": "+81",
    "KR": "+82",
    "SG": "+65",
    "CA": "+1",
    "AU": "+61",
    "RU": "+7",
    "IT": "+39",
    "MY": "+60",
}
OVERSEAS_EMPLOYERS = [
    "Rheinland Automation GmbH",
    "Pacific BioLabs Inc.",
    "Northbridge Analytics Ltd.",
    "Kanto Precision Co., Ltd.",
    "Maple Leaf Energy Systems",
    "Harbour Semiconductor Pte. Ltd.",
    "Southern Cross Materials Pty Ltd",
    "Alpen Medical AG",
    "Lumen Design Studio",
    "Seoul Mobility Tech",
    "Lakeside Capital Partners",
    "Atlas Supply Chain Solutions",
]
INSTITUTES = {
    "software": ["临江大数据研究院", "临江大学计算机学院"],
    "electronics": ["临江集成电路创新中心", "临江大学电子信息学院"],
    "manufacturing": ["临江智能装备研究院", "临江理工学院机械学院"],
    "materials": ["临江先进材料研究院", "临江大学化学化工学院"],
    "biomed": ["临江生物医药研究院", "临江医学院药学院"],
    "energy": ["临江供电公司", "临江新能源研究院"],
    "construction": ["临江市建筑设计研究院", "临江城建集团"],
    "finance": ["临江农商银行", "临江市科技金融服务中心"],
    "trade": ["临江综合保税区服务中心", "临江港务集团"],
    "agrifood": ["临江市农业科学院", "临江市农技推广中心"],
    "health": ["临江市第一人民医院", "临江市中心医院", "临江市中医院"],
    "culture": ["临江大学艺术学院", "临江职业技术学院"],
    "hospitality": ["临江国际大酒店", "临江文旅集团"],
}
ID_REGIONS = [
    "410102",
    "410105",
    "410302",
    "411102",
    "410103",
    "420102",
    "430104",
    "320102",
    "330106",
    "340104",
    "370102",
    "510104",
    "610113",
    "130102",
    "220102",
    "360102",
    "440106",
    "310104",
]
CONSENT_SCOPES = [
    "同意将本人信息用于临江市人才超市岗位匹配、项目对接及工作联系，有效期两年",
    "同意人才办及需求企业在人才超市内查看本人信息并与本人联系",
    "同意用于岗位推荐与人才项目申报，不得向平台以外第三方提供",
    "同意用于人才匹配；联系方式仅限提交单位和人才办查看",
]
CONSENT_SCOPE_EN = (
    "Consents to matching and contact through the Linjiang Talent Supermarket (2 years)"
)


# ------------------------------------------------------------------------------- source data


def norm_occupation(name: str) -> str:
    """CSCO names carry L/S/P markers (e.g. `...人员L/S`); drop them."""
    return re.sub(r"[LSPlsp/]+$", "", name).strip()


def load_csco(path: Path) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["level"] != "4" or row["code"] in out:
                continue
            tasks = [
                t.strip(" ；;。") for t in re.split(r"\s*\d{1,2}[.．、]", row["tasks"]) if t.strip()
            ]
            out[row["code"]] = {
                "code": row["code"],
                "name": norm_occupation(row["name"]),
                "definition": row["definition"].strip(),
                "tasks": [t for t in tasks if 6 <= len(t) <= 80],
            }
    return out


def load_henan(path: Path) -> tuple[dict[str, list[str]], Counter[str]]:
    """Discipline code -> major names seen for it; and the education-requirement mix."""
    names: dict[str, Counter[str]] = defaultdict(Counter)
    education: Counter[str] = Counter()
    pattern = re.compile(r"([^：:；;，,、（()）]+)（(\d{4})）")
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            education[row["educationRequirement"]] += 1
            for name, code in pattern.findall(row["majorType"]):
                name = re.sub(r"^(专科|本科|研究生)", "", name).strip()
                if 2 <= len(name) <= 16:
                    names[code][name] += 1
    return {code: [n for n, _ in c.most_common(4)] for code, c in names.items()}, education


def load_esco(path: Path, labels: set[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["preferredLabel"] in labels:
                out[row["preferredLabel"]] = " ".join(row["description"].split())
    return out


# ------------------------------------------------------------------------------------ helpers


def pairs(spec: str) -> list[tuple[str, str]]:
    return [tuple(p.split(":")) for p in spec.split()]  # type: ignore[misc]


SURNAME_LIST = pairs(SURNAMES)
MALE = pairs(MALE_CHARS)
FEMALE = pairs(FEMALE_CHARS)


class Builder:
    def __init__(self, data: Path) -> None:
        self.rng = random.Random(SEED)
        self.csco = load_csco(data / "csco2022_occupations_zh" / "csco22.csv")
        self.majors, self.education_mix = load_henan(
            data / "civil_service_positions_zh_henan2024" / "positions.csv"
        )
        esco_labels = {job[0] for jobs in ESCO_JOBS.values() for job in jobs}
        self.esco = load_esco(data / "esco_taxonomy_en" / "occupations_en.csv", esco_labels)
        codes = [j[0] for d in DOMAINS.values() for j in d["jobs"]]
        codes += [c for ps in PROJECTS.values() for _, c in ps]
        codes += [j[1] for js in ESCO_JOBS.values() for j in js]
        missing = [c for c in codes if c not in self.csco or c not in JOB_SKILLS]
        if missing:
            raise SystemExit(f"occupation codes not in CSCO 2022: {missing}")
        self.used_phones: set[str] = set()
        self.used_emails: set[str] = set()
        self.used_names: set[str] = set()

    # -- small pickers
    def pick(self, seq: list[T]) -> T:
        return seq[self.rng.randrange(len(seq))]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def district(self) -> str:
        return self.rng.choices(list(DISTRICTS), weights=DISTRICT_WEIGHTS)[0]

    def timestamp(self, days_back_max: int, days_back_min: int = 1) -> str:
        day = DEMO_DATE - dt.timedelta(days=self.rng.randint(days_back_min, days_back_max))
        moment = dt.datetime.combine(day, dt.time(1, 0)) + dt.timedelta(
            minutes=self.rng.randint(0, 9 * 60)
        )  # 09:00-18:00 Beijing time, stored as UTC
        return moment.isoformat() + "+00:00"

    def person_name(self, gender: str) -> tuple[str, str]:
        surname, s_py = self.pick(SURNAME_LIST)
        chars = MALE if gender == "male" else FEMALE
        given = [self.pick(chars) for _ in range(1 if self.chance(0.3) else 2)]
        if len(given) == 2 and given[0][0] == given[1][0]:
            given = given[:1]
        name = surname + "".join(c for c, _ in given)
        return name, s_py + "".join(p for _, p in given)

    def cn_mobile(self) -> str:
        prefixes = [
            "130",
            "131",
            "132",
            "133",
            "135",
            "136",
            "137",
            "138",
            "139",
            "150",
            "151",
            "152",
            "155",
            "156",
            "157",
            "158",
            "159",
            "166",
            "176",
            "177",
            "180",
            "181",
            "182",
            "183",
            "185",
            "186",
            "187",
            "188",
            "189",
            "191",
            "198",
            "199",
        ]
        while True:
            number = self.pick(prefixes) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.used_phones and phonenumbers.is_valid_number(
                phonenumbers.parse(number, "CN")
            ):
                self.used_phones.add(number)
                return number

    def foreign_phone(self, region: str) -> str:
        while True:
            digits = f"{self.rng.randrange(10**9, 10**10)}"
            if region in ("SG",):
                digits = self.pick(["8", "9"]) + f"{self.rng.randrange(10**7):07d}"
            elif region == "GB":
                digits = "7" + f"{self.rng.randrange(10**9):09d}"
            elif region in ("DE",):
                digits = "151" + f"{self.rng.randrange(10**8):08d}"
            elif region == "JP":
                digits = self.pick(["80", "90"]) + f"{self.rng.randrange(10**8):08d}"
            elif region == "KR":
                digits = "10" + f"{self.rng.randrange(10**8):08d}"
            elif region == "FR":
                digits = self.pick(["6", "7"]) + f"{self.rng.randrange(10**8):08d}"
            elif region == "AU":
                digits = "4" + f"{self.rng.randrange(10**8):08d}"
            elif region == "IT":
                digits = "3" + f"{self.rng.randrange(10**9):09d}"
            elif region == "MY":
                digits = "1" + f"{self.rng.randrange(10**8):08d}"
            elif region == "RU":
                digits = "9" + f"{self.rng.randrange(10**9):09d}"
            number = phonenumbers.parse(COUNTRY_PREFIX[region] + digits, None)
            if phonenumbers.is_valid_number(number):
                e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
                if e164 not in self.used_phones:
                    self.used_phones.add(e164)
                    return e164

    def email(self, local: str) -> str:
        local = re.sub(r"[^a-z0-9.]", "", local.lower()) or "talent"
        domain = self.pick(["example.com", "example.net", "example.org"])
        candidate = f"{local}@{domain}"
        while candidate in self.used_emails:
            candidate = f"{local}{self.rng.randint(1, 99)}@{domain}"
        self.used_emails.add(candidate)
        return candidate

    def credit_code(self, district: str, n: int) -> str:
        body = f"{self.rng.randrange(10**7, 10**8)}"[:8]
        weights = [3, 7, 9, 10, 5, 8, 4, 2]  # GB 11714 organisation code check
        check = 11 - sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11
        org_code = body + {10: "X", 11: "0"}.get(check, str(check))
        prefix = "91" if n % 9 else "92"  # mostly companies, the odd individual business
        code = prefix + DISTRICTS[district] + org_code
        return code + uscc.calc_check_digit(code)

    def id_number(self, birth_year: int, gender: str) -> str:
        day = dt.date(birth_year, 1, 1) + dt.timedelta(days=self.rng.randrange(365))
        while True:  # a region code must have existed in the birth year
            seq = self.rng.randrange(0, 500) * 2 + (1 if gender == "male" else 0)
            body = self.pick(ID_REGIONS) + day.strftime("%Y%m%d") + f"{seq:03d}"
            number = body + ric.calc_check_digit(body + "0")
            if ric.is_valid(number):
                return number

    def salary(self, base: int, factor: float) -> tuple[int, int]:
        low = round(base * factor * self.rng.uniform(0.85, 1.1) / 500) * 500
        high = round(low * self.rng.uniform(1.3, 1.8) / 500) * 500
        return max(low, 3000), max(high, low + 1000)

    def majors_for(self, domain: dict[str, Any], k: int) -> list[str]:
        names: list[str] = []
        for code in domain["majors"]:
            names.extend(self.majors.get(code, [])[:2])
        names = list(dict.fromkeys(names)) or list(domain["major_names"])
        return self.rng.sample(names, min(k, len(names)))

    def tasks(self, code: str, k: int) -> list[str]:
        tasks = self.csco[code]["tasks"] or [self.csco[code]["definition"].rstrip("。")]
        return self.rng.sample(tasks, min(k, len(tasks)))

    # ------------------------------------------------------------------------- enterprises
    def enterprises(self) -> list[dict[str, Any]]:
        plan: list[tuple[str, str, str, str]] = []  # (domain, industry, name, suffix)
        brands = list(BRANDS)
        self.rng.shuffle(brands)
        brands.remove("星河")
        brands.remove("青禾")
        brands[0:0] = ["星河", "青禾"]  # the demo's enterprise users work at these two
        for domain, count in ENTERPRISE_PLAN:
            spec = DOMAINS[domain]
            for i in range(count):
                industry = spec["industries"][i % len(spec["industries"])]
                plan.append((domain, industry, self.pick(spec["infix"]), ""))
        self.rng.shuffle(plan)
        # Put a software firm first (general chamber, user "enterprise") and an agrifood firm
        # second (youth chamber, user "enterprise2").
        plan.sort(key=lambda p: {"software": 0, "agrifood": 1}.get(p[0], 2))
        first_agri = next(i for i, p in enumerate(plan) if p[0] == "agrifood")
        plan.insert(1, plan.pop(first_agri))
        plan = [
            (d, ind, "软件科技" if i == 0 else ("农业科技" if i == 1 else infix), s)
            for i, (d, ind, infix, s) in enumerate(plan)
        ]
        out: list[dict[str, Any]] = []
        sizes = ["micro", "small", "small", "small", "medium", "medium", "medium", "large"]
        for n, (domain, industry, infix, _) in enumerate(plan):
            size = self.pick(sizes) if n > 1 else ("medium" if n == 0 else "small")
            suffix = {"large": "集团有限公司", "medium": "股份有限公司"}.get(size, "有限公司")
            name = f"临江{brands[n]}{infix}{suffix}"
            out.append(self._enterprise(n, name, industry, size, domain))
        for i, (stem, industry, domain, suffix) in enumerate(OTHER_ENTERPRISES):
            n = len(out)
            name = f"{stem}{suffix}" if suffix else stem
            if not name.startswith("临江"):
                name = "临江" + name
            out.append(
                self._enterprise(
                    n, name, industry, ["medium", "large", "medium", "small"][i], domain
                )
            )
        # Chambers: 总商会 takes the larger, older firms, 青商会 the younger ones.
        for n, e in enumerate(out):
            if n == 0:
                e["chamber"] = "general_chamber"
            elif n == 1:
                e["chamber"] = "youth_chamber"
            else:
                young = e["size"] in ("micro", "small")
                e["chamber"] = (
                    "youth_chamber" if self.chance(0.75 if young else 0.15) else ("general_chamber")
                )
        return out

    def _enterprise(
        self, n: int, name: str, industry: str, size: str, domain: str
    ) -> dict[str, Any]:
        district = self.district()
        gender = self.pick(["male", "female"])
        contact, _ = self.person_name(gender)
        role = self.pick(["经理", "总监", "主管", None])
        phone = self.cn_mobile() if self.chance(0.8) else self.landline()
        return {
            "name": name,
            "credit_code": self.credit_code(district, n + 1),
            "industry": industry,
            "district": district,
            "size": size,
            "contact_name": f"{contact}（人力资源{role}）" if role else contact,
            "contact_phone": phone,
            "domain": domain,
            "created_at": self.timestamp(420, 200),
        }

    def landline(self) -> str:
        while True:
            number = "0371" + f"{self.rng.randrange(6 * 10**7, 7 * 10**7)}"  # area code + 8
            parsed = phonenumbers.parse(number, "CN")
            if phonenumbers.is_valid_number(parsed):
                national = phonenumbers.format_number(
                    parsed, phonenumbers.PhoneNumberFormat.NATIONAL
                ).replace(" ", "")
                if national not in self.used_phones:
                    self.used_phones.add(national)
                    return national

    # ----------------------------------------------------------------------------- demands
    def demands(self, enterprises: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        # Every enterprise posts at least two; bigger ones more. 150 in all.
        weights = {"micro": 1, "small": 2, "medium": 3, "large": 4}
        slots = [i for i, e in enumerate(enterprises) for _ in range(2)]
        pool = [i for i, e in enumerate(enterprises) for _ in range(weights[e["size"]])]
        while len(slots) < 150:
            slots.append(self.pick(pool))
        slots.sort()
        kinds = ["job"] * 118 + ["project"] * 20 + ["leading_talent"] * 12
        self.rng.shuffle(kinds)
        statuses = (
            ["open"] * 112 + ["draft"] * 12 + ["paused"] * 8 + ["filled"] * 10 + ["closed"] * 8
        )
        self.rng.shuffle(statuses)
        english = set(self.rng.sample(range(150), 9))
        for i, idx in enumerate(slots):
            e = enterprises[idx]
            domain = DOMAINS[e["domain"]]
            kind = kinds[i]
            if kind == "leading_talent" and not domain["leading"]:
                kind = "project" if e["domain"] in PROJECTS else "job"
            lang_en = i in english and e["domain"] in ESCO_JOBS and kind == "job"
            build = {"job": self.job, "project": self.project, "leading_talent": self.leading}
            d = build[kind](e, domain, lang_en)
            d["kind"] = kind
            d["status"] = statuses[i]
            d["enterprise"] = e["credit_code"]
            if statuses[i] in ("filled", "closed"):
                d["deadline"] = (DEMO_DATE - dt.timedelta(days=self.rng.randint(5, 60))).isoformat()
                d["created_at"] = self.timestamp(200, 70)
            else:
                if self.chance(0.9):
                    d["deadline"] = (
                        DEMO_DATE + dt.timedelta(days=self.rng.randint(20, 300))
                    ).isoformat()
                d["created_at"] = self.timestamp(90, 1)
            out.append(d)
        return out

    def seniority(self) -> tuple[str, int, float]:
        return self.rng.choices(
            [
                ("", 1, 1.0),
                ("初级", 0, 0.75),
                ("高级", 5, 1.35),
                ("资深", 8, 1.6),
                ("主管", 6, 1.45),
            ],
            weights=[40, 12, 28, 10, 10],
        )[0]

    def education_req(self, base_code: str) -> str | None:
        skilled = base_code.startswith(("4-", "6-"))
        if skilled:
            return self.rng.choices([None, "high_school", "associate"], weights=[2, 3, 5])[0]
        # The mix of the Henan table (本科及以上 dominates), shifted up for R&D roles.
        research = base_code.startswith("2-01")
        if research:
            return self.rng.choices(["master", "doctor"], weights=[5, 5])[0]
        return self.rng.choices(
            ["associate", "bachelor", "master"],
            weights=[
                self.education_mix["大专及以上"] + self.education_mix["大专或本科"],
                self.education_mix["本科及以上"] + self.education_mix["仅限本科"],
                self.education_mix["硕士研究生及以上"] + self.education_mix["仅限硕士研究生"],
            ],
        )[0]

    def job(self, e: dict[str, Any], domain: dict[str, Any], english: bool) -> dict[str, Any]:
        code, base, titles = self.pick(domain["jobs"])
        prefix, years, factor = self.seniority()
        title = self.pick(titles)
        if prefix == "主管":
            title = title.replace("工程师", "主管") if "工程师" in title else prefix + title
        elif prefix and not title.startswith(("高级", "资深", "初级")):
            title = prefix + title
        core = JOB_SKILLS[code]
        required = self.rng.sample(core, 3)
        rest = [x for x in core if x not in required]
        extra = [x for x in domain["skills"] if x not in core]
        preferred = self.rng.sample(rest, min(len(rest), self.rng.randint(1, 2)))
        preferred += self.rng.sample(extra, self.rng.randint(0, 1))
        education = self.education_req(code)
        majors = self.majors_for(domain, self.rng.randint(1, 3)) if education else []
        min_years = max(0, years + self.rng.choice([-1, 0, 0, 1]))
        salary_min, salary_max = self.salary(base, factor)
        overseas = self.chance(0.08)
        languages = ["中文"] + (["英语"] if overseas or self.chance(0.2) else [])
        location = f"{CITY}{e['district']}"
        if english:
            return self._job_en(e, years, factor, majors)
        lines = ["【岗位职责】"]
        lines += [f"{n}. {t}；" for n, t in enumerate(self.tasks(code, 3), 1)]
        lines[-1] = lines[-1].rstrip("；") + "。"
        req = []
        if education:
            edu = {
                "high_school": "高中（中专）及以上学历",
                "associate": "大专及以上学历",
                "bachelor": "本科及以上学历，取得相应学位",
                "master": "硕士研究生及以上学历",
                "doctor": "博士研究生学历",
            }[education]
            req.append(edu + (f"，{'、'.join(majors)}等相关专业" if majors else ""))
        req.append(f"{min_years}年以上相关工作经验" if min_years else "经验不限，欢迎应届毕业生")
        req.append(
            f"熟悉{'、'.join(required)}"
            + (f"，掌握{'、'.join(preferred)}者优先" if preferred else "")
        )
        if overseas:
            req.append("具有海外学习或工作经历，英语可作为工作语言")
        req.append(
            self.pick(
                [
                    "责任心强，具备良好的沟通协调能力和团队合作精神",
                    "学习能力强，能适应快节奏的工作环境",
                    "具备独立分析和解决问题的能力",
                    "持有相关职业资格证书者优先",
                ]
            )
        )
        lines.append("【任职要求】")
        lines += [f"{n}. {r}；" for n, r in enumerate(req, 1)]
        lines[-1] = lines[-1].rstrip("；") + "。"
        lines.append(
            f"【工作地点】{location}。"
            + self.pick(
                [
                    "五险一金，带薪年假，年度体检。",
                    "提供人才公寓，符合条件者可申请临江市人才补贴。",
                    "双休，项目奖金，定期技术培训。",
                    "六险一金，餐补、交通补贴。",
                ]
            )
        )
        return {
            "title": title,
            "description": "\n".join(lines),
            "headcount": self.rng.choices([1, 2, 3, 4, 5], weights=[40, 30, 15, 8, 7])[0],
            "occupation_code": code,
            "min_education": education,
            "majors": majors,
            "min_years_experience": min_years,
            "required_skills": required,
            "preferred_skills": preferred,
            "languages": languages,
            "work_location": location,
            "salary_min": salary_min,
            "salary_max": salary_max,
            "overseas_required": overseas,
        }

    def _job_en(
        self, e: dict[str, Any], years: int, factor: float, majors: list[str]
    ) -> dict[str, Any]:
        label, code, skills = self.pick(ESCO_JOBS[e["domain"]])
        base = next(j[1] for d in DOMAINS.values() for j in d["jobs"] if j[0] == code)
        salary_min, salary_max = self.salary(int(base * 1.2), factor)
        education = "master" if code.startswith("2-01") or self.chance(0.3) else "bachelor"
        required = self.rng.sample(skills, 3)
        preferred = [x for x in skills if x not in required][:2]
        title = f"{'Senior ' if years >= 5 else ''}{label.title()}"
        years_text = f"{years}+ years of relevant experience" if years else "graduates welcome"
        edu = {"bachelor": "a bachelor's degree", "master": "a master's degree"}[education]
        district = DISTRICTS_EN[e["district"]]
        text = (
            f"About the role: {self.esco.get(label, '')}\n"
            f"You will join our R&D team in {district}, {CITY_EN}, working with colleagues in "
            "China and abroad on products for overseas customers.\n"
            f"Requirements: {edu} in a related field; {years_text}; hands-on experience with "
            f"{', '.join(required)}; working English (Chinese is a plus).\n"
            f"Nice to have: {', '.join(preferred) or 'experience in a multinational company'}.\n"
            "We offer: relocation support, a talent apartment, and help with the work permit "
            "and residence formalities."
        )
        return {
            "title": title,
            "description": text,
            "headcount": self.rng.randint(1, 2),
            "occupation_code": code,
            "min_education": education,
            "majors": majors,
            "min_years_experience": years,
            "required_skills": required,
            "preferred_skills": preferred,
            "languages": ["英语"] + (["中文"] if self.chance(0.5) else []),
            "work_location": f"{CITY}{e['district']}",
            "salary_min": salary_min,
            "salary_max": salary_max,
            "overseas_required": self.chance(0.6),
        }

    def project(self, e: dict[str, Any], domain: dict[str, Any], english: bool) -> dict[str, Any]:
        topic, code = self.pick(PROJECTS[e["domain"]])
        mode = self.pick(["委托研发", "联合攻关", "技术入股", "联合申报省级科技计划", "揭榜挂帅"])
        months = self.rng.choice([6, 12, 18, 24])
        budget = self.rng.choice([30, 50, 80, 120, 200, 300])
        skills = self.rng.sample(JOB_SKILLS[code], 4)
        tasks = self.tasks(code, 2)
        description = (
            f"【项目背景】{e['name']}拟开展“{topic}”，现面向高校、科研院所及个人专家征集合作团队。\n"
            f"【合作内容】{'；'.join(tasks)}。\n"
            f"【合作方式】{mode}，周期约{months}个月，企业投入研发经费约{budget}万元。\n"
            f"【对合作方要求】在{'、'.join(skills[:2])}方面有研究积累或工程经验，"
            "近三年主持或参与过相关项目。\n"
            f"【预期成果】形成样机或工艺包，申请发明专利不少于{self.rng.randint(1, 3)}项。"
        )
        return {
            "title": f"{topic}项目合作",
            "description": description,
            "headcount": self.rng.randint(1, 3),
            "occupation_code": code if self.chance(0.85) else None,
            "min_education": self.pick(["bachelor", "master", "doctor"]),
            "majors": self.majors_for(domain, 2),
            "min_years_experience": self.rng.choice([3, 5, 8]),
            "required_skills": skills[:2],
            "preferred_skills": skills[2:],
            "languages": ["中文"],
            "work_location": f"{CITY}{e['district']}",
            "salary_min": None,
            "salary_max": None,
            "overseas_required": self.chance(0.15),
        }

    def leading(self, e: dict[str, Any], domain: dict[str, Any], english: bool) -> dict[str, Any]:
        field = self.pick(domain["leading"])
        codes = [c for _, c in PROJECTS[e["domain"]]] or [j[0] for j in domain["jobs"]]
        code = self.pick(codes)
        role = self.pick(["首席科学家", "技术带头人", "研究院院长", "首席技术官"])
        funding = self.rng.choice([100, 200, 300, 500])
        skills = self.rng.sample(JOB_SKILLS[code], 4)
        low = self.rng.choice([40000, 50000, 60000, 80000])
        occupation = self.csco[code]
        description = (
            f"面向{field}领域引进领军人才，担任{e['name']}{role}，牵头组建研发团队。\n"
            "【申报条件】1. 一般应具有博士学位或正高级职称；2. 近五年主持过国家级或省部级重大项目，"
            "或在国际知名企业担任核心技术岗位；3. 年龄一般不超过55周岁，全职来临江工作。\n"
            f"【支持政策】入选后可申报临江市领军人才项目，给予最高{funding}万元项目资助，"
            "提供人才公寓、子女入学和配偶就业服务；年薪面议。\n"
            f"【岗位定位】参照《职业分类大典》“{occupation['name']}”：{occupation['definition']}"
        )
        return {
            "title": f"{field}领军人才（{role}）",
            "description": description,
            "headcount": 1,
            "occupation_code": code,
            "min_education": "doctor",
            "majors": self.majors_for(domain, 2),
            "min_years_experience": self.rng.choice([8, 10, 12]),
            "required_skills": skills[:2],
            "preferred_skills": skills[2:],
            "languages": ["中文", "英语"],
            "work_location": f"{CITY}{e['district']}",
            "salary_min": low,
            "salary_max": low + self.rng.choice([20000, 40000, 60000]),
            "overseas_required": self.chance(0.5),
        }

    # ----------------------------------------------------------------------------- talents
    AGENCY_DOMAINS: ClassVar[dict[str, dict[str, int]]] = {
        "science_bureau": {
            "software": 5,
            "electronics": 4,
            "manufacturing": 4,
            "materials": 3,
            "biomed": 3,
            "energy": 3,
            "agrifood": 1,
        },
        "hrss_bureau": {
            "manufacturing": 6,
            "software": 3,
            "finance": 3,
            "trade": 3,
            "construction": 3,
            "hospitality": 3,
            "health": 2,
            "culture": 1,
            "agrifood": 1,
            "energy": 1,
        },
        "science_association": {
            "biomed": 3,
            "materials": 3,
            "manufacturing": 2,
            "agrifood": 2,
            "health": 2,
            "energy": 2,
            "electronics": 1,
            "software": 1,
            "construction": 1,
        },
        "overseas_federation": {
            "software": 3,
            "biomed": 3,
            "electronics": 2,
            "finance": 2,
            "trade": 2,
            "materials": 2,
            "culture": 1,
            "manufacturing": 1,
        },
        "overseas_affairs_office": {
            "trade": 3,
            "finance": 2,
            "software": 2,
            "biomed": 2,
            "culture": 2,
            "manufacturing": 1,
        },
        "foreign_affairs_office": {
            "software": 3,
            "manufacturing": 2,
            "culture": 3,
            "biomed": 2,
            "energy": 1,
            "trade": 2,
            "electronics": 1,
        },
    }
    AGENCY_PROFILE: ClassVar[
        dict[str, tuple[float, float, list[int]]]
    ] = {  # (p returnee, p foreign national, education weights hs/as/ba/ma/phd)
        "science_bureau": (0.12, 0.0, [0, 4, 40, 36, 20]),
        "hrss_bureau": (0.03, 0.0, [14, 34, 40, 11, 1]),
        "science_association": (0.08, 0.0, [0, 3, 32, 35, 30]),
        "overseas_federation": (0.72, 0.08, [0, 2, 30, 45, 23]),
        "overseas_affairs_office": (0.6, 0.25, [0, 5, 40, 40, 15]),
        "foreign_affairs_office": (0.15, 0.8, [0, 0, 45, 40, 15]),
    }

    def talents(self, enterprises: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for agency, (count, prefix) in AGENCIES.items():
            domains = self.AGENCY_DOMAINS[agency]
            for k in range(count):
                domain_key = self.rng.choices(list(domains), weights=list(domains.values()))[0]
                t = self.talent(agency, domain_key, enterprises)
                t["external_key"] = f"{prefix}-{t['created_at'][:4]}-{k + 1:04d}"
                out.append(t)
        self.duplicates(out)
        return out

    def talent(
        self, agency: str, domain_key: str, enterprises: list[dict[str, Any]]
    ) -> dict[str, Any]:
        domain = DOMAINS[domain_key]
        p_returnee, p_foreign, edu_weights = self.AGENCY_PROFILE[agency]
        foreign = self.chance(p_foreign)
        returnee = not foreign and self.chance(p_returnee)
        education = self.rng.choices(
            ["high_school", "associate", "bachelor", "master", "doctor"], weights=edu_weights
        )[0]
        jobs = domain["jobs"]
        if education in ("high_school", "associate"):
            skilled = [j for j in jobs if j[0].startswith(("4-", "6-"))]
            jobs = skilled or jobs
        elif education == "doctor":
            research = [j for j in jobs if j[0].startswith(("2-01", "2-02-38", "2-05"))]
            jobs = research or jobs
        code, base, titles = self.pick(jobs)
        esco_job = None
        if foreign and domain_key in ESCO_JOBS:
            esco_job = self.pick(ESCO_JOBS[domain_key])
            code = esco_job[1]
            base, titles = next(
                (j[1], j[2]) for d in DOMAINS.values() for j in d["jobs"] if j[0] == code
            )
        foreign = esco_job is not None
        age = self.rng.randint(
            {"high_school": 22, "associate": 22, "bachelor": 23, "master": 26, "doctor": 29}[
                education
            ],
            58 if education != "doctor" else 60,
        )
        if self.chance(0.6):
            age = min(age, self.rng.randint(25, 42))  # most job seekers are young-ish
        birth_year = DEMO_DATE.year - age
        study_end = {
            "high_school": 19,
            "associate": 21,
            "bachelor": 22,
            "master": 25,
            "doctor": 29,
        }[education]
        years = max(0, age - study_end - self.rng.randint(0, 2))
        gender = self.rng.choices(["male", "female"], weights=[58, 42])[0]
        record: dict[str, Any] = {}
        if foreign:
            assert esco_job is not None
            record.update(self._foreign_person(esco_job, years, education))
        else:
            name, pinyin = self.person_name(gender)
            record["name"] = name
            record["nationality"] = "中国"
            record["languages"] = ["中文"] + (
                ["英语"]
                if education in ("bachelor", "master", "doctor") and self.chance(0.65)
                else []
            )
            if returnee or (education in ("master", "doctor") and self.chance(0.08)):
                school_zh, _, country = self.pick(SCHOOLS_ABROAD)
                record["school"] = school_zh
                record["abroad"] = country
                returnee = True
                if "英语" not in record["languages"]:
                    record["languages"].append("英语")
                language = LANGUAGE_OF.get(country)
                if language:
                    record["languages"].append(language)
            elif education in ("high_school", "associate"):
                record["school"] = self.pick(SCHOOLS_VOC)
            else:
                record["school"] = self.pick(SCHOOLS_TOP if self.chance(0.45) else SCHOOLS_MID)
            record["email"] = self.email(
                pinyin + self.pick(["", str(birth_year % 100), str(self.rng.randint(1, 999))])
            )
            record["phone"] = self.cn_mobile()
            if self.chance(0.45):
                record["id_number"] = self.id_number(birth_year, gender)
        if education == "high_school":
            record["school"] = self.pick(["临江技师学院", "临江市第二职业中专", "河南省工业学校"])
        major = self.pick(domain["major_names"])
        if education in ("master", "doctor"):
            postgrad = [
                n for c in domain["majors"] for n in self.majors.get(c, []) if not n.endswith("类")
            ]
            major = self.pick(postgrad) if postgrad and self.chance(0.5) else major
        position = self.pick(titles)
        ladder = TITLE_LADDERS[domain["titles"]]
        if code.startswith(("4-", "6-")):
            ladder = WORKER_TITLES
        level = min(3, years // 6 + (1 if education == "doctor" else 0))
        title = ladder[level] if years >= 2 and self.chance(0.75) else None
        if record.get("is_foreign_national"):
            title = None
        if years >= 8 and self.chance(0.5) and not position.startswith(("高级", "资深")):
            position = ("高级" + position) if "工程师" in position else position
        employer = self._employer(domain_key, enterprises, record)
        core = JOB_SKILLS[code] if esco_job is None else esco_job[2]
        skills = self.rng.sample(core, min(len(core), self.rng.randint(2, 5)))
        extra = [x for x in domain["skills"] if x not in skills]
        skills += self.rng.sample(extra, self.rng.randint(0, 1))
        if esco_job is not None:
            position = ("Senior " if years >= 8 else "") + esco_job[0].title()
        _, e_low = self.salary(base, 0.9 + min(years, 20) * 0.04)
        expected = round(e_low * 0.8 / 500) * 500
        if education == "doctor":
            expected = int(expected * 1.3 / 500) * 500
        record.update(
            {
                "gender": None if foreign else gender,
                "birth_year": birth_year,
                "education": education,
                "major": major,
                "professional_title": title,
                "employer": employer,
                "position": position if years else None,
                "years_experience": years,
                "skills": skills,
                "preferred_locations": self._locations(),
                "expected_salary": expected if self.chance(0.9) else None,
                "occupation_code": code if self.chance(0.85) else None,
                "is_returnee": returnee,
                "consent_date": (
                    DEMO_DATE - dt.timedelta(days=self.rng.randint(3, 420))
                ).isoformat(),
                "status": "active" if self.chance(0.94) else "inactive",
                "organization": agency,
                "created_at": self.timestamp(400, 1),
            }
        )
        record.setdefault("is_foreign_national", False)
        record.setdefault("consent_scope", self.pick(CONSENT_SCOPES) if self.chance(0.95) else None)
        record["summary"] = record.pop("summary", None) or self._summary_zh(record, code, domain)
        record.pop("abroad", None)
        return record

    def _foreign_person(
        self, esco_job: tuple[str, str, list[str]], years: int, education: str
    ) -> dict[str, Any]:
        nationality = self.pick(list(FOREIGNERS))
        given, family, sep, language, region, schools = FOREIGNERS[nationality]
        while True:
            first, last = self.pick(given), self.pick(family)
            name = sep.join((last, first) if nationality in FAMILY_FIRST else (first, last))
            if name not in self.used_names:
                break
        self.used_names.add(name)
        romanised = " ".join(ROMAJI.get(part, part) for part in name.split())
        school_zh, school_en, _ = SCHOOLS_ABROAD[self.pick(schools)]
        languages = [language] + (["英语"] if language != "英语" else [])
        if self.chance(0.5):
            languages.append("中文")
        local = re.sub(r"[^A-Za-z ]", "", romanised.replace("-", "")).lower().split()
        label = esco_job[0]
        about = self.esco.get(label, "")
        first = about.split(". ")[0].rstrip(".") + "." if about else ""
        summary = (
            f"{label.capitalize()} with {years} year{'s' if years != 1 else ''} of experience"
            f" in {'industry and research' if education == 'doctor' else 'industry'}. {first} "
            f"Graduated from {school_en}. Interested in long-term work in {CITY_EN} and in "
            "projects with Chinese partners."
        )
        return {
            "name": name,
            "nationality": nationality,
            "is_foreign_national": True,
            "school": school_zh,
            "languages": languages,
            "email": self.email(".".join(local[:2])),
            "phone": self.foreign_phone(region) if self.chance(0.4) else self.cn_mobile(),
            "summary": summary,
            "consent_scope": CONSENT_SCOPE_EN,
        }

    def _employer(
        self, domain_key: str, enterprises: list[dict[str, Any]], record: dict[str, Any]
    ) -> str | None:
        roll = self.rng.random()
        if (record.get("abroad") and roll < 0.5) or (
            record.get("is_foreign_national") and roll < 0.7
        ):
            return self.pick(OVERSEAS_EMPLOYERS)
        if roll < 0.3:
            same: list[str] = [e["name"] for e in enterprises if e["domain"] == domain_key]
            if same:
                return self.pick(same)
        if roll < 0.6:
            return self.pick(INSTITUTES[domain_key])
        if roll < 0.95:
            city = self.pick(
                ["郑州", "杭州", "苏州", "武汉", "深圳", "上海", "合肥", "西安", "临江"]
            )
            infix = self.pick(DOMAINS[domain_key]["infix"])
            return f"{city}{self.pick(BRANDS)}{infix}有限公司"
        return None

    def _locations(self) -> list[str]:
        roll = self.rng.random()
        if roll < 0.35:
            return [CITY]
        if roll < 0.8:
            return self.rng.sample(list(DISTRICTS), self.rng.randint(1, 2))
        if roll < 0.9:
            return [CITY, self.pick(["郑州", "杭州", "上海", "深圳", "武汉"])]
        return []

    def _summary_zh(self, r: dict[str, Any], code: str, domain: dict[str, Any]) -> str:
        occupation = self.csco[code]["name"]
        parts = []
        if r["years_experience"]:
            parts.append(
                f"从事{occupation.removesuffix('人员')}相关工作{r['years_experience']}年"
                + (
                    f"，现任{r['employer']}{r['position']}"
                    if r["employer"] and r["position"]
                    else ""
                )
                + "。"
            )
        else:
            parts.append(f"{r['school']}{r['major']}专业应届毕业生，求职方向为{occupation}。")
        tasks = self.tasks(code, 2)
        parts.append("主要经历：" + "；".join(tasks) + "。")
        parts.append(f"熟悉{'、'.join(r['skills'][:3])}。")
        if r.get("abroad"):
            parts.append(
                f"曾在{r['abroad']}{r['school']}学习{self.rng.choice(['两', '三', '四', '五'])}年"
                + ("并在当地企业工作" if self.chance(0.5) else "")
                + "，希望回国发展。"
            )
        if r["education"] == "doctor" or (r["years_experience"] or 0) >= 10:
            parts.append(
                self.pick(
                    [
                        f"主持或参与省部级以上科研项目{self.rng.randint(1, 6)}项，获授权发明专利"
                        f"{self.rng.randint(1, 12)}项。",
                        f"发表学术论文{self.rng.randint(3, 25)}篇，"
                        f"其中SCI/EI收录{self.rng.randint(1, 12)}篇。",
                        "带领团队完成多项重点产品开发，具有丰富的工程化经验。",
                    ]
                )
            )
        parts.append(
            self.pick(
                [
                    "期望在临江从事技术研发工作。",
                    "可接受项目合作或兼职顾问。",
                    "希望加入成长型企业。",
                    "可全职到岗，期望薪资可面议。",
                    "",
                ]
            )
        )
        return "".join(parts)

    def duplicates(self, talents: list[dict[str, Any]]) -> None:
        """Some people were submitted twice, by two agencies: the later duplicate-detection
        feature should find them. Overwrite a profile of the second agency with a copy."""
        plan = (
            [("science_bureau", "overseas_federation")] * 8
            + [("overseas_affairs_office", "overseas_federation")] * 2
            + [("hrss_bureau", "science_association")] * 2
        )
        by_agency: dict[str, list[int]] = defaultdict(list)
        for i, t in enumerate(talents):
            if not t["is_foreign_national"]:
                by_agency[t["organization"]].append(i)
        for n, (first, second) in enumerate(plan):
            src_i = by_agency[first].pop(self.rng.randrange(len(by_agency[first])))
            dst_i = by_agency[second].pop(self.rng.randrange(len(by_agency[second])))
            src = talents[src_i]
            if "id_number" not in src:
                src["id_number"] = self.id_number(src["birth_year"], src["gender"])
            copy = dict(src)
            keep = ("organization", "external_key", "created_at", "consent_date", "consent_scope")
            for key in keep:
                copy[key] = talents[dst_i][key]
            if n % 4 == 3:
                copy.pop("id_number")  # no ID number this time: match on name + phone only
            if n % 3 == 1 and copy["position"]:
                copy["summary"] = (
                    copy["summary"].split("。")[0]
                    + "。经"
                    + ("侨联推荐" if second == "overseas_federation" else "推荐")
                    + "，有意向回临江创业或就业。"
                )
            talents[dst_i] = copy


# Keys that place a record (which chamber, enterprise, agency, author, when), not fields of it.
META = frozenset({"chamber", "domain", "enterprise", "organization", "created_by", "created_at"})


def validate(
    city: dict[str, Any],
    enterprises: list[dict[str, Any]],
    demands: list[dict[str, Any]],
    talents: list[dict[str, Any]],
) -> None:
    """Every record must pass the app's Create schemas (the same check app/demo.py repeats)."""
    for e in enterprises:
        EnterpriseCreate.model_validate({k: v for k, v in e.items() if k not in META})
    for d in demands:
        DemandCreate.model_validate({k: v for k, v in d.items() if k not in META})
    for t in talents:
        TalentCreate.model_validate({k: v for k, v in t.items() if k not in META})
    keys = Counter((t["organization"], t["external_key"]) for t in talents)
    assert max(keys.values()) == 1, "external keys must be unique per agency"
    assert len({e["credit_code"] for e in enterprises}) == len(enterprises)
    assert len(city["users"]) == len({u["username"] for u in city["users"]})


def clean(record: dict[str, Any]) -> dict[str, Any]:
    """Drop empty optional values so the JSON stays small and readable."""
    return {
        k: v
        for k, v in record.items()
        if k != "domain" and (v not in (None, [], "") or k == "summary")
    }


def write(name: str, payload: Any) -> None:
    path = OUT / name
    text = json.dumps(payload, ensure_ascii=False, indent=None, separators=(",", ":"))
    # One record per line: diffs stay readable, the file stays compact.
    if isinstance(payload, dict):
        lines = ["{"]
        items = list(payload.items())
        for i, (key, value) in enumerate(items):
            comma = "," if i < len(items) - 1 else ""
            if isinstance(value, list):
                inner = ",\n".join(
                    "  " + json.dumps(v, ensure_ascii=False, separators=(",", ":")) for v in value
                )
                lines.append(f"{json.dumps(key)}:[\n{inner}\n]{comma}")
            else:
                lines.append(
                    f"{json.dumps(key)}:"
                    f"{json.dumps(value, ensure_ascii=False, separators=(',', ':'))}{comma}"
                )
        lines.append("}")
        text = "\n".join(lines)
    path.write_text(text + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    b = Builder(args.data)
    enterprises = b.enterprises()
    members = {
        kind: [e for e in enterprises if e["chamber"] == kind]
        for kind in ("general_chamber", "youth_chamber")
    }
    users = []
    for username, display, role, org, member in USERS:
        user = {"username": username, "display_name": display, "role": role, "organization": org}
        if member is not None:
            user["enterprise"] = members[org][member]["credit_code"]
        users.append(user)
    demands = b.demands(enterprises)
    # Demands of the enterprise users' firms were posted by them; the rest by chamber staff.
    own = {u["enterprise"]: u["username"] for u in users if "enterprise" in u}
    chamber_of = {e["credit_code"]: e["chamber"] for e in enterprises}
    for d in demands:
        d["created_by"] = own.get(d["enterprise"]) or (
            ("chamber" if b.chance(0.6) else "chamber2")
            if chamber_of[d["enterprise"]] == "general_chamber"
            else "youth"
        )
    talents = b.talents(enterprises)
    city = {
        "demo_date": DEMO_DATE.isoformat(),
        "users_created_at": dt.datetime.combine(
            DEMO_DATE - dt.timedelta(days=430), dt.time(1, 30), tzinfo=dt.UTC
        ).isoformat(),
        "organizations": [{"kind": k, "name_zh": zh, "name_en": en} for k, zh, en in ORGS],
        "users": users,
    }
    validate(city, enterprises, demands, talents)
    used = sorted(
        {d["occupation_code"] for d in demands if d.get("occupation_code")}
        | {t["occupation_code"] for t in talents if t.get("occupation_code")}
    )
    OUT.mkdir(parents=True, exist_ok=True)
    write("city.json", city)
    write("enterprises.json", {"enterprises": [clean(e) for e in enterprises]})
    write("demands.json", {"demands": [clean(d) for d in demands]})
    write("talents.json", {"talents": [clean(t) for t in talents]})
    write(
        "occupations.json", {"occupations": [{"code": c, "name": b.csco[c]["name"]} for c in used]}
    )
    total = sum(p.stat().st_size for p in OUT.glob("*.json"))
    print(
        f"wrote {OUT.relative_to(ROOT)}: {len(enterprises)} enterprises, {len(demands)} demands,"
        f" {len(talents)} talents, {len(used)} occupations, {total / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
