"""Site furniture of Chinese government portals, as line patterns (data, not code).

Every pattern runs on the Simplified shadow of a line (pipelines.textnorm), so Traditional
pages are covered too. Patterns are anchored on the shapes furniture takes (备案号 numbers,
公网安备 + digits, 网站标识码 + 10 characters, labels at line start, runs of short nav words),
never on words a report sentence may use: "推动ICP备案审核提速" stays.
"""

from __future__ import annotations

import enum
import re

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼港澳台"

# Any of these anywhere in a line marks it as furniture.
FURNITURE_ANYWHERE: tuple[re.Pattern[str], ...] = (
    re.compile(rf"[{_PROVINCES}]?ICP[备证]\s*\d{{5,}}\s*号?(?:-\d+)?", re.IGNORECASE),
    re.compile(rf"[{_PROVINCES}]?公网安备\s*\d{{10,}}\s*号?"),
    re.compile(r"网站标识码\s*[:：]?\s*[0-9A-Za-z]{8,12}"),
    re.compile(r"网站报障|网站纠错|我要纠错|网站支持IPv6|建议使用.{0,20}浏览器|分辨率.{0,6}\d{3,4}\s*[*×x]\s*\d{3,4}"),
    re.compile(r"字[体号](?:大小)?\s*[:：]?\s*[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中\s*[】\]]?\s*[【\[]?\s*小"),
    re.compile(
        r"打印本页|关闭窗口|【\s*打印\s*】|【\s*关闭\s*】|打印\s*[|｜]?\s*关闭|返回顶部|收藏本页|加入收藏|设为首页"
    ),
    re.compile(r"分享到?\s*[:：]|^\s*分享到\s*$|扫一扫在手机|手机扫一扫|微信扫一扫|用手机扫描|扫描二维码"),
    re.compile(r"^\s*[【\[]?\s*字\s*[体号]\s*(?:大小)?\s*[:：].{0,16}$"),
    re.compile(r"^\s*(?:请)?选择语言|^\s*语言选择|[\[【(（]\s*大\s*[|｜/]?\s*中\s*[|｜/]?\s*小\s*[\]】)）]"),
    re.compile(
        r"^\s*(?:今天是|今日是)\s*[:：]?\s*(?:\d{4}\s*年|\d{4}[-/.]\d|星期)|^\s*\d{4}年\d{1,2}月\d{1,2}日\s*星期[一二三四五六日天]\s*(?:农历.*)?$"
    ),
    re.compile(r"^无标题文档$|^Produced By|^Powered by", re.IGNORECASE),
)

# Labels that open a furniture line.
FURNITURE_LABEL = re.compile(
    r"^\s*[【\[]?\s*(?:(?:主办单位|承办单位|主办|承办|协办|管理维护|维护单位|运维单位|技术支持|"
    r"(?:您(?:当前|现在)?(?:所在)?的?|当前所?在?的?|现在所?在?的?|所在)位置)\s*[】\]]?\s*[:：>]"
    r"|(?:版权所有|Copyright|©|相关链接|相关文章|相关阅读|相关新闻|相关附件下载|上一篇|下一篇|上一条|下一条)"
    r"|(?:网站地图|关于我们|联系我们)\s*[|｜])",
    re.IGNORECASE,
)
# Metadata labels of the article header; a short line opening with one of them is furniture.
META_LABEL = re.compile(
    r"(?:^|[\s|｜　\d])[【\[（(]?(?:信息来源|文章来源|稿件来源|新闻来源|来源|发布时间|发布日期|更新时间|归档时间|"
    r"生成日期|"
    r"总?(?:浏览次数|浏览量|点击数|点击量|点击率|阅读次数|阅读量|访问量|访问次数)|作者|编辑|责任编辑|审核|审校|校对|"
    r"索\s*引\s*号|成文日期|发布机构|主题分类|发文机关|文\s*号|体裁分类|公开方式|公开范围|公开时限)\s*[】\]]?\s*[:：]"
)
# 信息公开 metadata cells: a table row (tab or | cells) holding one of these labels as a cell is furniture.
META_CELL_LABELS: frozenset[str] = frozenset(
    {
        "索引号", "主题分类", "发布机构", "发文机关", "发文单位", "成文日期", "发文字号", "文号", "公开方式",
        "公开时限", "公开范围", "发布日期", "发布时间", "生效日期", "废止日期", "有效性", "效力状态", "体裁分类",
        "组配分类", "服务对象", "信息来源", "信息名称", "主题词", "关键词", "信息分类", "所属主题", "生成日期",
        "内容概述", "公开形式", "公开类别", "归档时间", "统一编号", "实施日期", "时效", "标题", "公开日期",
        "发文日期", "文件编号", "发文机构", "内容摘要", "公开分类", "法定主动公开分类", "主动公开分类",
        "所属分类", "有效期",
    }
)  # fmt: skip
CELL_SEPARATOR = re.compile(r"\t|\s*[|｜]\s*")
# Lines that stand alone as labels of a page's boxes.
BOX_LABELS: frozenset[str] = frozenset({"详细信息", "基本信息", "政策原文", "政策解读", "相关文件", "文章详情"})
# 首页 > 信息公开 > 通知公告: short steps joined by path arrows.
BREADCRUMB = re.compile(r"^(?:[^，。；！？,;>»›→＞]{1,14}\s*[>»›→＞]+\s*)+[^，。；！？,;>»›→＞]{0,14}[>»›→＞]?$")
# Anchors of a footer: a contact line next to one of them is the site's, not the report's.
FOOTER_ANCHOR = re.compile(
    r"ICP|公网安备|网站标识码|版权所有|Copyright|©|主办单位|承办单位|主办\s*[:：]|承办\s*[:：]|技术支持|"
    r"维护单位|运维单位|网站地图|联系我们",
    re.IGNORECASE,
)
CONTACT_LABEL = re.compile(
    r"^\s*[【\[]?\s*(?:联系电话|联系方式|咨询电话|电话|传真|邮编|邮政编码|地址|通讯地址|电子邮箱|邮箱)\s*[】\]]?\s*[:：]"
)
PHONE = re.compile(r"(?:\d{3,4}[-－—]\d{7,8}|1[3-9]\d{9})")
NAV_SEPARATOR = re.compile(r"\s*[|｜│丨·•]\s*")
SENTENCE_PUNCT = re.compile(r"[，。；！？,;]")

SHORT_LINE = 60
NAV_TOKEN_MAX = 8


# Footer and toolbar links that stand alone on a line once the HTML is gone.
NAV_WORDS: frozenset[str] = frozenset(
    {
        "关于我们",
        "网站帮助",
        "网站地图",
        "隐私申明",
        "隐私声明",
        "联系我们",
        "网站声明",
        "使用帮助",
        "帮助中心",
        "无障碍",
        "无障碍浏览",
        "长者模式",
        "关怀版",
        "繁体版",
        "简体版",
        "繁体",
        "简体",
        "English",
        "ENGLISH",
        "首页",
        "网站首页",
        "返回首页",
        "打印",
        "关闭",
        "收藏",
        "分享",
        "订阅",
        "语音播报",
        "朗读",
        "听全文",
        "纠错",
        "我要纠错",
        "智能问答",
        "登录",
        "注册",
        "个人登录",
        "法人登录",
        "微信",
        "微博",
        "新浪微博",
        "腾讯微博",
        "QQ",
        "QQ空间",
        "QQ好友",
    }
)
SEPARATOR_ONLY = re.compile(r"^[\s|｜│丨·•\-—_=*#>\[\]【】()（）\ue000-\uf8ff]+$")  # icon-font glyphs (private use) too


_ANY_FURNITURE = re.compile("|".join(f"(?:{p.pattern})" for p in FURNITURE_ANYWHERE), re.IGNORECASE)


class LineKind(enum.Enum):
    """How a line reads: site furniture, a contact line (furniture only beside a footer), or report text."""

    FURNITURE = "furniture"
    CONTACT = "contact"
    TEXT = "text"


def classify(line: str) -> LineKind:
    """The kind of one (Simplified) line, on its own; `clean_lines` adds what neighbours say."""
    stripped = line.strip()
    if is_furniture(stripped):
        return LineKind.FURNITURE
    if (CONTACT_LABEL.match(stripped) or PHONE.search(stripped)) and len(stripped) <= 80 and "。" not in stripped:
        return LineKind.CONTACT
    return LineKind.TEXT


def is_furniture(line: str) -> bool:
    """True when a (Simplified) line is site furniture on its own, whatever surrounds it."""
    stripped = line.strip()
    if not stripped or SEPARATOR_ONLY.match(stripped) or stripped in NAV_WORDS or stripped in BOX_LABELS:
        return True
    if len(stripped) > 120 and SENTENCE_PUNCT.search(stripped):
        return False  # a long line of sentences: none of the rules below would call it furniture
    if _ANY_FURNITURE.search(stripped):
        return len(stripped) <= 120 or not SENTENCE_PUNCT.search(stripped)
    if FURNITURE_LABEL.match(stripped) and (len(stripped) <= SHORT_LINE or not SENTENCE_PUNCT.search(stripped)):
        return True
    if META_LABEL.search(stripped) and len(stripped) <= 100 and "。" not in stripped:
        return True
    if is_metadata_row(stripped) or is_breadcrumb(stripped):
        return True
    return _is_nav_run(stripped)


LABELLED_LINE = re.compile(r"^\s*((?:[^：:，。；\s][ 　]?){2,12})\s*[：:]")  # 索 引 号： spaced too


# Labels only a 信息公开 record has (a document's own header has 发文日期, 文号 too).
DISCLOSURE_LABELS: frozenset[str] = frozenset(
    {
        "索引号", "主题分类", "公开方式", "公开时限", "公开范围", "体裁分类", "组配分类", "信息名称", "内容概述",
        "废止日期", "有效性", "公开日期", "法定主动公开分类", "主动公开分类", "公开分类", "公开形式", "公开类别",
        "服务对象", "信息分类", "所属主题", "效力状态", "归档时间", "生成日期",
    }
)  # fmt: skip


def _label(line: str) -> str | None:
    match = LABELLED_LINE.match(line)
    return "".join(match.group(1).split()) if match else None


def disclosure_label(line: str) -> bool:
    """The line opens with a label only a 信息公开 record has (索引号：, 公开方式：…)."""
    return _label(line) in DISCLOSURE_LABELS


def metadata_label(line: str) -> bool:
    """The line opens with a 信息公开 metadata label (索引号：, 公开日期：, 内容概述：…)."""
    return _label(line) in META_CELL_LABELS


def bare_label(line: str) -> bool:
    """A metadata label alone on its line (its value follows on the next line)."""
    return "".join(line.split()).rstrip(":：") in META_CELL_LABELS


BRACKETED_LABEL = re.compile(r"^\s*[【\[]\s*((?:\S\s?){2,10})\s*[】\]]")


def is_metadata_row(line: str) -> bool:
    """索引号 | 1133…/2024-00012 | 主题分类 | 城乡建设 (a 信息公开 table row, as cells), or [主题分类] 城乡建设."""
    if "。" in line:
        return False
    bracketed = BRACKETED_LABEL.match(line)
    if bracketed and "".join(bracketed.group(1).split()) in META_CELL_LABELS:
        return True
    cells = [cell for cell in ("".join(c.split()).rstrip(":：") for c in CELL_SEPARATOR.split(line)) if cell]
    labels = sum(cell in META_CELL_LABELS for cell in cells)
    # label | value pairs: at least half the cells are labels (a data table's header row has one at most)
    return labels >= 1 and (labels * 2 >= len(cells) or (len(cells) == 1 and line.rstrip().endswith((":", "："))))


def is_breadcrumb(line: str) -> bool:
    """首页 > 政务公开 > 通知公告 (no sentence, two or more steps)."""
    return len(line) <= 80 and bool(BREADCRUMB.match(line)) and not SENTENCE_PUNCT.search(line)


def _is_nav_run(line: str) -> bool:
    """关于我们 | 网站地图 | 联系我们, • 政策原文> • 政策解读>, or 首页 机构概况 政务公开 政务服务."""
    if SENTENCE_PUNCT.search(line) or re.search(r"\d", line) or _BOX_DRAWING.search(line):
        return False
    tokens = [t for t in NAV_SEPARATOR.split(line) if t]
    bulleted = line.lstrip()[:1] in "•·▪■◆●"
    least = 2 if bulleted else 3
    if len(tokens) >= least and all(len(t) <= NAV_TOKEN_MAX for t in tokens) and NAV_SEPARATOR.search(line):
        return True
    words = line.split()
    return "\t" not in line and len(words) >= 4 and all(len(w) <= 6 for w in words)  # a table row is no menu


_BOX_DRAWING = re.compile(r"[\u2500-\u257f]")
