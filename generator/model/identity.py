"""Who publishes: a budget unit or department, and its 机构设置 rows."""

from __future__ import annotations

from typing import Literal

from generator.model.base import Strict, Text, described


class Institution(Strict):
    """One row of the 机构设置 table."""

    name: Text = described("单位名称")
    nature: Text = described("单位性质，如 行政、事业、行政单位")
    rank: Text = described("单位规格，如 正厅（地）级、正科级", default="")
    funding: Text = described("经费保障形式，如 财政拨款", default="")


class Unit(Strict):
    """unit.yaml：预算单位（或部门）的身份信息，各年度共用。"""

    id: Text | None = described(
        "稳定标识（小写字母、数字和连字符），须与所在目录名一致；省略时取目录名", default=None
    )
    name: Text = described("单位全称，如 廊坊市人民代表大会常务委员会办公室")
    code: Text = described("单位编码（预算系统中的编码），如 301", default="")
    kind: Literal["部门", "单位"] = described("公开主体：部门（含所属单位）或 单位")
    department: Text = described("主管部门名称（单位预算时填写）", default="")
    level: Literal["省级", "市级", "区级", "县级", "乡镇级"] = described(
        "预算级次，用于名词解释等处的措辞（市级/区级…）"
    )
    region: Text = described("所属地区，如 河北省廊坊市", default="")
    nature: Text = described("单位性质：行政 / 事业…", default="")
    rank: Text = described("单位规格", default="")
    funding: Text = described("经费保障形式", default="")
    subordinates: list[Institution] = described("所属单位（部门预算时列出）", default_factory=list)
    profile: Text = described("默认使用的公开模板（模板标识），可在年度文件中覆盖", default="")
