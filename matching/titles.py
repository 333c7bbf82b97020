"""Job-title normalisation: what a posted title says about the work, without the noise.

A title as posted carries more than the occupation: the employer (深圳某某科技招聘…), perks
(六险一金, 双休, 8k+), places (（哈尔滨）, 西南区域), rank and seniority (高级, 资深, 主管,
经理, 实习生), brackets, traditional characters and sometimes English. `normalize_title` keeps
the work: ``"高级Java开发工程师（北京）"`` → ``"java开发工程师"``.

English titles are translated word by word with a small glossary of job words (``senior
software engineer`` → ``软件工程师``), so the Chinese occupation coder can read them; words the
glossary lacks stay as lower-case Latin words.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

__all__ = ["normalize_title"]

# Brackets: their content is read as one more segment (a place or a perk in it drops out).
_BRACKETS_RE = re.compile(r"[(\[{（【〔《<「『)\]}）】〕》>」』]")
# "<employer>招聘<title>": keep what follows the last 招聘/诚聘/急聘.
_HIRING_RE = re.compile(r"^.*(?:招聘|诚聘|急聘|直招|直聘|高薪招|招募|招)(?=[^招]{2,}$)")
_SEPARATORS_RE = re.compile(r"[/|｜、,，;；+＋·•:：\-—–_~～!！?？\s]+")
# Perks, salaries and working conditions inside a segment: removed, the rest is kept.
_PERK_RE = re.compile(
    r"\d+(?:\.\d+)?\s*(?:k|w|万|千|元|年|天|人|岁|号线|薪)?(?:以上|以下|起|左右)?|"
    r"[a-z]?\d+|[一二三四五六七八九十两]险(?:一金)?|一金|公积金|双休|单休|大小周|包吃住|包吃|包住|"
    r"提供食宿|食宿|早午餐|三餐|底薪|提成|高薪|年薪|月薪|日结|周结|急招|急聘|直招|直聘|不出差|无责|无需外出|"
    r"无需|补贴|福利|周末|轻松|可兼职|接受小白|零基础|无经验|经验不限|应届生?|毕业生|上市公司|"
    r"国企|央企|带薪|入职|坐班|晋升|奖金|待遇|包培训|可实习|硕士|博士|本科|大专|学历不限"
)
# Rank, seniority and hiring words that do not change the occupation.
_RANK_WORDS = (
    "高级",
    "资深",
    "初级",
    "中级",
    "首席",
    "特级",
    "储备",
    "见习",
    "实习生",
    "实习",
    "管培生",
    "兼职",
    "全职",
    "临时",
    "主管",
    "干部",
    "经理",
    "总监",
    "副总",
    "总经理",
    "负责人",
    "组长",
    "专员",
    "助理",
    "主任",
    "干事",
    "骨干",
    "大区",
    "区域",
    "片区",
    "驻场",
    "驻厂",
    "长期",
    "急招",
)
_RANK_RE = re.compile("|".join(sorted(map(re.escape, _RANK_WORDS), key=len, reverse=True)))
_DEPARTMENT_RE = re.compile(r"(?<=.)(?:部门|部|中心|事业部)$")
# Provinces, regions and the larger cities: places, not work.
_PLACES = [
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
    "华北",
    "华东",
    "华南",
    "华中",
    "西南",
    "西北",
    "东北",
    "全国",
    "广州",
    "深圳",
    "杭州",
    "南京",
    "苏州",
    "武汉",
    "成都",
    "西安",
    "郑州",
    "长沙",
    "沈阳",
    "大连",
    "青岛",
    "济南",
    "厦门",
    "福州",
    "合肥",
    "南昌",
    "昆明",
    "贵阳",
    "南宁",
    "海口",
    "三亚",
    "哈尔滨",
    "长春",
    "石家庄",
    "太原",
    "呼和浩特",
    "兰州",
    "西宁",
    "银川",
    "乌鲁木齐",
    "拉萨",
    "宁波",
    "无锡",
    "佛山",
    "东莞",
    "珠海",
    "中山",
    "惠州",
    "温州",
    "嘉兴",
    "绍兴",
    "金华",
    "台州",
    "常州",
    "南通",
    "徐州",
    "扬州",
    "烟台",
    "潍坊",
    "临沂",
    "洛阳",
    "唐山",
    "保定",
    "廊坊",
    "泉州",
    "漳州",
    "芜湖",
    "襄阳",
    "宜昌",
    "株洲",
    "湘潭",
    "衡阳",
    "桂林",
    "柳州",
    "遵义",
    "绵阳",
    "宜宾",
    "南充",
    "德阳",
    "泸州",
    "乐山",
    "咸阳",
    "宝鸡",
    "天水",
    "雄安",
    "浦东",
    "滨海",
    "高新区",
    "开发区",
]
_PLACE_RE = re.compile(
    "(?:"
    + "|".join(sorted(map(re.escape, _PLACES), key=len, reverse=True))
    + r")(?:省|市|新区|区|地区|县)?"
)
_PLACE_SUFFIX_RE = re.compile(r"[\u4e00-\u9fff]{1,3}(?:省|市|县)(?=.{2,})")
# English job words → Chinese, for coding English titles with Chinese data.
_GLOSSARY = {
    "software": "软件",
    "hardware": "硬件",
    "engineer": "工程师",
    "engineering": "工程",
    "developer": "开发",
    "development": "开发",
    "programmer": "程序员",
    "frontend": "前端",
    "front-end": "前端",
    "backend": "后端",
    "back-end": "后端",
    "fullstack": "全栈",
    "data": "数据",
    "scientist": "科学家",
    "analyst": "分析师",
    "analysis": "分析",
    "algorithm": "算法",
    "machine": "机器",
    "learning": "学习",
    "ai": "人工智能",
    "network": "网络",
    "security": "安全",
    "test": "测试",
    "tester": "测试",
    "qa": "测试",
    "operations": "运维",
    "devops": "运维",
    "product": "产品",
    "project": "项目",
    "design": "设计",
    "designer": "设计师",
    "ui": "ui设计",
    "graphic": "平面",
    "architect": "建筑师",
    "mechanical": "机械",
    "electrical": "电气",
    "electronics": "电子",
    "civil": "土木",
    "chemical": "化工",
    "chemist": "化学",
    "sales": "销售",
    "marketing": "市场营销",
    "market": "市场",
    "business": "商务",
    "account": "客户",
    "customer": "客户",
    "service": "服务",
    "support": "支持",
    "accountant": "会计",
    "accounting": "会计",
    "auditor": "审计",
    "finance": "财务",
    "financial": "财务",
    "cashier": "收银员",
    "teller": "柜员",
    "bank": "银行",
    "insurance": "保险",
    "hr": "人力资源",
    "human": "人力",
    "resources": "资源",
    "recruiter": "招聘",
    "purchasing": "采购",
    "buyer": "采购",
    "logistics": "物流",
    "warehouse": "仓库",
    "driver": "司机",
    "truck": "货车",
    "courier": "快递员",
    "delivery": "配送",
    "nurse": "护士",
    "doctor": "医生",
    "physician": "医师",
    "surgeon": "外科医生",
    "dentist": "牙科医生",
    "pharmacist": "药师",
    "therapist": "治疗师",
    "teacher": "教师",
    "tutor": "辅导老师",
    "lecturer": "讲师",
    "professor": "教授",
    "researcher": "研究员",
    "research": "研究",
    "lawyer": "律师",
    "legal": "法务",
    "translator": "翻译",
    "interpreter": "翻译",
    "editor": "编辑",
    "writer": "文案",
    "journalist": "记者",
    "reporter": "记者",
    "photographer": "摄影师",
    "chef": "厨师",
    "cook": "厨师",
    "baker": "面包师",
    "waiter": "服务员",
    "waitress": "服务员",
    "cleaner": "保洁",
    "guard": "保安",
    "electrician": "电工",
    "welder": "焊工",
    "mechanic": "维修工",
    "technician": "技术员",
    "operator": "操作工",
    "worker": "工人",
    "administrative": "行政",
    "admin": "行政",
    "secretary": "秘书",
    "receptionist": "前台",
    "clerk": "文员",
    "consultant": "顾问",
    "trainer": "培训师",
    "coach": "教练",
    "quality": "质量",
    "manufacturing": "制造",
    "production": "生产",
    "procurement": "采购",
    "supply": "供应",
    "chain": "链",
    "embedded": "嵌入式",
    "hotel": "酒店",
    "restaurant": "餐厅",
    "media": "媒体",
    "content": "内容",
    "operation": "运营",
    "ecommerce": "电商",
    "e-commerce": "电商",
}
# English rank words dropped before translation.
_EN_RANK = frozenset(
    [
        "senior",
        "junior",
        "lead",
        "principal",
        "chief",
        "head",
        "intern",
        "internship",
        "trainee",
        "assistant",
        "associate",
        "manager",
        "director",
        "supervisor",
        "staff",
        "specialist",
        "officer",
        "executive",
        "sr",
        "jr",
        "ii",
        "iii",
        "iv",
        "of",
        "and",
        "the",
        "for",
        "in",
        "at",
        "a",
        "an",
    ]
)
_LATIN_WORD_RE = re.compile(r"[a-z][a-z0-9+#.\-]*")


@functools.cache
def _t2s() -> dict[int, str]:
    """Traditional → simplified character table of OpenCC's dictionary (``TSCharacters.txt``,
    first candidate): character by character, which is what matching needs and is fast."""
    import opencc

    table: dict[int, str] = {}
    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        if len(source) == 1 and targets:
            table[ord(source)] = targets.split()[0]
    return table


def _simplified(text: str) -> str:
    return text if text.isascii() else text.translate(_t2s())


def _english(segment: str) -> str:
    """Translate an English title's job words; keep the other Latin words."""
    out: list[str] = []
    for word in _LATIN_WORD_RE.findall(segment):
        if word in _EN_RANK:
            continue
        out.append(_GLOSSARY.get(word, _GLOSSARY.get(word.rstrip("s"), word)))
    return "".join(w if not w.isascii() else f" {w} " for w in out).strip()


def normalize_title(text: str) -> str:
    """The work a job title names: simplified, lower case, without employer, perks, places,
    brackets and rank words.

    Parameters
    ----------
    text : a job title as posted (Chinese, English or mixed; traditional characters folded).

    Returns
    -------
    str
        The normalised title; never longer than the input's meaningful part. When everything
        would be removed (a title that is only a rank word, say), the rank words are kept.

    Examples
    --------
    >>> normalize_title("高级Java开发工程师（北京）")
    'java开发工程师'
    >>> normalize_title("高州市通顺电子科技招聘手机维修")
    '手机维修'
    >>> normalize_title("無責底薪3000+美團優選直營BD")
    '美团优选直营bd'
    >>> normalize_title("Senior Software Engineer")
    '软件 工程师'
    >>> normalize_title("销售经理-西南区域")
    '销售'
    """
    text = unicodedata.normalize("NFKC", text).lower()
    text = _simplified(text).replace("c++", "cpp").replace("c#", "csharp")
    text = _BRACKETS_RE.sub(" ", text)
    segments = [s for s in _SEPARATORS_RE.split(text) if s]
    out: list[str] = []
    for segment in segments:
        segment = _PERK_RE.sub("", segment)
        if not segment:
            continue
        if segment.isascii():
            english = _english(segment)
            if english:
                out.append(english)
            continue
        segment = _HIRING_RE.sub("", segment)
        bare = _RANK_RE.sub("", segment)
        bare = _PLACE_RE.sub("", bare)
        bare = _PLACE_SUFFIX_RE.sub("", bare)
        bare = _DEPARTMENT_RE.sub("", bare)
        if bare:
            out.append(bare)
    result = " ".join(dict.fromkeys(out)).strip()
    if not result:  # only rank words or places: keep them rather than nothing
        result = " ".join(_SEPARATORS_RE.split(text)).strip()
    return re.sub(r"\s+", " ", result)
