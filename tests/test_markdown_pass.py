"""A disclosure's Markdown is rendered in one pass (markdown.render_many): the same HTML as rendering
each of its text blocks alone, one after another, including where a block of one would run into the
next if they were simply parsed together."""

from __future__ import annotations

import pytest

from generator import markdown

CASES = {
    "plain sections": ["## 一、职责\n\n本单位负责……\n\n- 甲\n- 乙", "收入预算 **120.00** 万元。", "### 说明\n\n见下表。"],
    "same heading twice": ["### 说明\n\n甲", "### 说明\n\n乙", "### 说明"],
    "a code fence left open": ["```\n未闭合的代码块", "下一段正文"],
    "a list carried on": ["- 第一项", "- 第二项"],
    "a link definition used by another": ["[办法]\n\n正文", "[办法]: https://www.mof.gov.cn/"],
    "a table": ["| 项目 | 金额 |\n| --- | ---: |\n| 合计 | 1.00 |", "注：空表列示。"],
    "external link and image": ["[财政部](https://www.mof.gov.cn/) ![图](chart.png) ![外](https://x.test/a.png)"],
}


@pytest.mark.parametrize("texts", CASES.values(), ids=CASES.keys())
def test_one_pass_renders_what_separate_passes_render(texts):
    ids_alone, ids_once = {"explanation"}, {"explanation"}
    alone = [markdown.render(text, ids_alone) for text in texts]
    assert markdown.render_many(texts, ids_once) == alone
    assert ids_once == ids_alone


def test_heading_ids_stay_unique_across_the_blocks_in_their_order():
    html = markdown.render_many(["### 说明", "### 说明"])
    assert '<h3 id="说明">' in html[0] and '<h3 id="说明-2">' in html[1]


def test_a_fence_left_open_does_not_swallow_the_next_block():
    html = markdown.render_many(["```\n代码", "正文"])
    assert html[1] == "<p>正文</p>\n"


def test_blocks_that_keep_to_themselves_are_parsed_once(monkeypatch):
    parses = []
    parse = markdown._MD.parse
    monkeypatch.setattr(markdown._MD, "parse", lambda text, env=None: parses.append(text) or parse(text, env))
    markdown.render_many(CASES["plain sections"] + CASES["a table"])
    assert len(parses) == 1
    markdown.render_many(CASES["a list carried on"])  # parsed together, then alone
    assert len(parses) == 1 + 1 + 2
