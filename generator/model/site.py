"""site.yaml: settings shared by every unit of the site."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema

from generator.model.base import Strict, Text, described

# "/" or "/a/b/": absolute, ends with "/", segments of URL-safe characters. No empty segment, so never
# "//host/" (a protocol-relative URL would make the 404 page load from another host), no "." or "..".
BASE_PATH_PATTERN = r"^/(?:(?!\.\.?/)[A-Za-z0-9._~-]+/)*$"


def _check_base_path(value: str) -> str:
    if not re.fullmatch(BASE_PATH_PATTERN, value):
        raise ValueError("须以“/”开头、以“/”结尾，如 / 或 /yusuan/；各级目录名只能用字母、数字和 - _ . ~，"
                         "不能为空、“.”或“..”")
    return value


BasePath = Annotated[str, AfterValidator(_check_base_path),
                     WithJsonSchema({"type": "string", "pattern": BASE_PATH_PATTERN})]


class GlossaryEntry(Strict):
    term: Text = described("名词")
    definition: Text = described("解释；可用 {level} 代表本单位的预算级次（市级/区级…）")


class BureauYear(Strict):
    """财政局视图中的一个年度：应公开的单位，以及起算公开期限的预算批复日期。"""

    year: int = described("预算年度", ge=1990, le=2100)
    approved: Text = described("预算批复日期，如 2024-01-25；公开期限为批复后 20 日", default="")
    units: list[Text] = described("本年度应公开的单位标识（content/units/ 下的目录名）", default_factory=list)


class SiteSettings(Strict):
    """site.yaml：站点设置。"""

    title: Text = described("站点名称，如 某市预算信息公开")
    publisher: Text = described("发布机关，如 某市财政局")
    region: Text = described("地区", default="")
    base_path: BasePath = described("站点部署的子路径，以 / 开头并以 / 结尾，如 /yusuan/；默认 /。"
                                    "仅用于 404 页面的链接（其余页面均为相对链接）", default="/")
    default_profile: Text = described("默认公开模板标识")
    theme: Text = described("站点主题目录（相对 content/ 的上级目录）；覆盖默认主题中的同名模板", default="")
    glossary: list[GlossaryEntry] = described("默认名词解释", default_factory=list)
    versions: bool = described("按 git 提交记录显示公开后的更正（公开日期、每次更正的日期、改动与更正说明）",
                               default=False)
    bureau: list[BureauYear] = described("财政局视图：每年度应公开的单位与预算批复日期（build --bureau 时生成）",
                                         default_factory=list)

    # ---- Government-site conventions (政府网站规范): shown in every page's footer; each line only when given ----
    organizer: Text = described("主办单位，显示在页脚；省略时为 publisher（发布机关）", default="")
    site_code: Text = described("政府网站标识码，如 1310000001；显示在页脚", default="")
    icp: Text = described("ICP备案号，如 冀ICP备12345678号；显示在页脚", default="")
    police_record: Text = described("公安机关备案号，如 冀公网安备13010202000001号；显示在页脚", default="")
