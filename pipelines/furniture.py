"""Site furniture of Chinese government portals, as line patterns (data, not code).

Every pattern runs on the Simplified shadow of a line (pipelines.textnorm), so Traditional
pages are covered too. Patterns are anchored on the shapes furniture takes (备案号 numbers,
公网安备 + digits, 网站标识码 + 10 characters, labels at line start, runs of short nav words),
never on words a report sentence may use: "推动ICP备案审核提速" stays.
"""

from __future__ import annotations

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
    re.compile(r"分享到\s*[:：]?|扫一扫在手机|手机扫一扫|微信扫一扫|用手机扫描|扫描二维码"),
    re.compile(r"^无标题文档$|^Produced By|^Powered by", re.IGNORECASE),
)

# Labels that open a furniture line.
FURNITURE_LABEL = re.compile(
    r"^\s*[【\[]?\s*(?:(?:主办单位|承办单位|主办|承办|协办|管理维护|维护单位|运维单位|技术支持|"
    r"您当前所在位置|当前位置|您的位置|所在位置|您现在的位置|联系电话|联系方式|电话|传真|邮编|地址)\s*[】\]]?\s*[:：>]"
    r"|(?:版权所有|Copyright|©|相关链接|相关文章|相关阅读|相关新闻|相关附件下载|上一篇|下一篇|上一条|下一条)"
    r"|(?:网站地图|关于我们|联系我们)\s*[|｜])",
    re.IGNORECASE,
)
# Metadata labels of the article header; a short line with one of them is furniture.
META_LABEL = re.compile(
    r"(?:来源|信息来源|文章来源|稿件来源|发布时间|发布日期|发文日期|更新时间|浏览次数|点击数|点击量|阅读次数|访问量|作者|"
    r"编辑|责任编辑|审核|索引号|成文日期|发布机构|主题分类|发文机关|文号|体裁分类|公开方式|公开范围)\s*[:：]"
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
SEPARATOR_ONLY = re.compile(r"^[\s|｜│丨·•\-—_=*#>]+$")


_ANY_FURNITURE = re.compile("|".join(f"(?:{p.pattern})" for p in FURNITURE_ANYWHERE), re.IGNORECASE)


def is_furniture(line: str) -> bool:
    """True when a (Simplified) line is site furniture rather than report text."""
    stripped = line.strip()
    if not stripped or SEPARATOR_ONLY.match(stripped) or stripped in NAV_WORDS:
        return True
    if len(stripped) > 120 and SENTENCE_PUNCT.search(stripped):
        return False  # a long line of sentences: none of the rules below would call it furniture
    if _ANY_FURNITURE.search(stripped):
        return len(stripped) <= 120 or not SENTENCE_PUNCT.search(stripped)
    if FURNITURE_LABEL.match(stripped) and (len(stripped) <= SHORT_LINE or not SENTENCE_PUNCT.search(stripped)):
        return True
    if META_LABEL.search(stripped) and len(stripped) <= 100 and stripped.count("。") == 0:
        return True
    if PHONE.search(stripped) and len(stripped) <= 40 and not SENTENCE_PUNCT.search(stripped):
        return True
    return _is_nav_run(stripped)


def _is_nav_run(line: str) -> bool:
    """关于我们 | 网站地图 | 联系我们, or 首页 机构概况 政务公开 政务服务: short words, no sentence."""
    if SENTENCE_PUNCT.search(line) or re.search(r"\d", line):
        return False
    tokens = [t for t in NAV_SEPARATOR.split(line) if t]
    if len(tokens) >= 3 and all(len(t) <= NAV_TOKEN_MAX for t in tokens) and NAV_SEPARATOR.search(line):
        return True
    words = line.split()
    return len(words) >= 4 and all(len(w) <= 6 for w in words)
