"""site.yaml: settings shared by every unit of the site."""

from __future__ import annotations

from generator.model.base import Strict, Text, described


class GlossaryEntry(Strict):
    term: Text = described("名词")
    definition: Text = described("解释；可用 {level} 代表本单位的预算级次（市级/区级…）")


class SiteSettings(Strict):
    """site.yaml：站点设置。"""

    title: Text = described("站点名称，如 某市预算信息公开")
    publisher: Text = described("发布机关，如 某市财政局")
    region: Text = described("地区", default="")
    base_path: Text = described("站点部署的子路径，如 /yusuan/；默认 /", default="/")
    default_profile: Text = described("默认公开模板标识")
    theme: Text = described("站点主题目录（相对 content/ 的上级目录）；覆盖默认主题中的同名模板", default="")
    glossary: list[GlossaryEntry] = described("默认名词解释", default_factory=list)
