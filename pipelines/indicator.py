"""The canonical key of an indicator name, by which one indicator lines up across reports and years.

Reports name the same indicator differently from year to year and place to place: 全市政务服务事项
网上可办率 in one, 网上可办率 in the next, 陽江市… in Traditional. The key is the Simplified name
without the place or level it opens with (全市, 市级, 我区, 源城区 …) and without achievement verbs.
It is stored with every metric (`metrics.name_key`), so a series is one indexed query, not a scan
of every metric through Python.
"""

from __future__ import annotations

import re

from pipelines.textnorm import to_simplified

_PLACE_OR_LEVEL = re.compile(
    r"^(?:全[省市区县镇]|[省市区县镇]级|本[省市区县]|我[省市区县局]|各[省市区县]|"
    r"[\u4e00-\u9fff]{1,8}?(?:自治州|自治县|新区|开发区|街道|省|市|区|县|镇|乡))+"
)
_VERBS = re.compile(r"(?:累计|共计|合计|实现|完成|达到|达|共|已)")


def canonical(name: str) -> str:
    """The key one indicator has in every report: Simplified, place and level prefix and verbs removed."""
    key = _VERBS.sub("", "".join(to_simplified(name).split()))
    stripped = _PLACE_OR_LEVEL.sub("", key)
    return stripped if len(stripped) >= 2 else key
