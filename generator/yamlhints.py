"""Where a YAML syntax error really is, and what it is, in Chinese.

The parser notices a mistake where the text stops making sense, which is often a line after the
mistake (a key dedented by two spaces is only noticed at the next key), and says so in English.
`explain` reads the lines up to the parser's mark for the mistakes hand-edited files have: tabs,
full-width colons and spaces, a missing space after a colon or a missing colon, an unclosed quote, a
text holding ": ", a value starting with a character YAML reserves, a key or list item indented more
or less than its siblings. It names the line and column of the mistake itself. Only a file that
failed to parse is read this way, so the guesses cost nothing on valid files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
# a block-mapping key as hand-written files have them: "key:", "- key:", "- - key:", optionally quoted
_KEY_LINE = re.compile(
    r"(?P<dash>(?:-[ ]+)*)(?P<key>[^\s#'\"\-:][^:#]*?|'[^']*'|\"[^\"]*\")[ ]*:(?:[ ]+|$)(?P<rest>.*)")
_ITEM_LINE = re.compile(r"(?P<dash>(?:-(?:[ ]+|$))+)(?P<rest>.*)")
_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"
_FULL_WIDTH_COLON = re.compile(rf"(?P<lead>(?:-[ ]+)*)(?P<key>{_IDENTIFIER})[ 　]*：")
_NO_SPACE_AFTER_COLON = re.compile(rf"(?P<lead>(?:-[ ]+)*)(?P<key>{_IDENTIFIER}):(?P<value>[^\s:/].*)$")
_WINDOW = 3  # content lines up to the parser's mark where a mistake of one line is looked for


@dataclass(frozen=True)
class Mistake:
    message: str
    line: int  # 1-based, of the mistake itself
    column: int


@dataclass(frozen=True)
class _Entry:
    """A line that holds content: where its key (or its text) starts, and whether a block follows."""

    number: int  # 0-based line number
    indent: int  # leading spaces
    column: int  # 0-based column of the key, after any "- "
    key: str | None  # None: a list item or text that is not "key: value"
    opens: bool  # "key:" with nothing after it: a nested mapping or list follows


def explain(text: str, exc: yaml.MarkedYAMLError) -> Mistake | None:
    """The mistake behind a parser error, located where it was made; None when none is recognised."""
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return None
    lines = _LINE_BREAK.split(text)
    last = min(mark.line, len(lines) - 1)
    for finder in (_tab, _full_width_space, _full_width_colon, _missing_space, _unclosed_quote, _text_after_quote,
                   _colon_in_value,
                   _missing_colon, _reserved_start, _indentation, _other_character):
        found = finder(lines, last, exc)
        if found is not None:
            return found
    return None


def translate(exc: yaml.MarkedYAMLError) -> str:
    """The parser's complaint in Chinese, for errors `explain` does not recognise; never the English."""
    said = f"{exc.context or ''} {exc.problem or ''}".lower()
    for english, chinese in _TRANSLATIONS:
        if english in said:
            return chinese
    return "此处的写法无法识别，请检查本行及上一行的缩进、冒号和引号"


_TRANSLATIONS = (
    ("tab character", "不能用制表符（Tab）缩进，请改用空格"),
    ("mapping values are not allowed", "此处不能出现“键: 值”，请检查本行及上一行的缩进是否与同级对齐"),
    ("could not find expected ':'", "缺少冒号“:”，键和值之间应写“: ”（半角冒号加一个空格）"),
    ("did not find expected key", "缩进与同级的键没有对齐"),
    ("did not find expected ',' or ']'", "方括号“[ ]”没有闭合，或列表项之间缺少逗号"),
    ("did not find expected ',' or '}'", "花括号“{ }”没有闭合，或各项之间缺少逗号"),
    ("expected ',' or ']'", "方括号“[ ]”没有闭合，或列表项之间缺少逗号"),
    ("expected ',' or '}'", "花括号“{ }”没有闭合，或各项之间缺少逗号"),
    ("found undefined alias", "引用了未定义的别名（以“*”开头的值须先用“&”定义）"),
    ("unexpected end of stream", "文件意外结束：引号或括号没有闭合"),
    ("block end", "列表项“-”或键的缩进与同级没有对齐"),
    ("unhashable key", "键不能是列表或映射"),
    ("unknown escape character", "双引号内的反斜杠“\\”写法不对；如要写反斜杠本身，请改用单引号"),
    ("hexdecimal number", "双引号内“\\x”“\\u”之后应为十六进制数字；如要写反斜杠本身，请改用单引号"),
    ("hexadecimal number", "双引号内“\\x”“\\u”之后应为十六进制数字；如要写反斜杠本身，请改用单引号"),
    ("cannot start any token", "值不能以此字符开头，请给整个值加引号"),
    ("did not find expected <document start>", "文件中有多余的内容，请检查缩进"),
    ("expected a single document", "一个文件只能有一份内容，请删除“---”分隔线"),
    ("found duplicate anchor", "别名（以“&”开头）重复定义"),
)


# ---- the lines -------------------------------------------------------------------------------


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _entries(lines: list[str], last: int) -> list[_Entry]:
    """The content lines up to `last` (comments, blank lines and the text of block scalars left out)."""
    entries: list[_Entry] = []
    block_indent = None  # the indent of the key whose "|" or ">" text is being skipped
    for number in range(last + 1):
        line = lines[number]
        stripped = line.strip(" ")
        indent = _indent(line)
        if block_indent is not None:
            if not stripped or indent > block_indent:
                continue
            block_indent = None
        if not stripped or stripped.startswith("#"):
            continue
        entry = _entry(number, line, indent)
        entries.append(entry)
        rest = _value_text(line)
        if rest and rest[0] in "|>":
            block_indent = indent
    return entries


def _entry(number: int, line: str, indent: int) -> _Entry:
    content = line[indent:]
    keyed = _KEY_LINE.match(content)
    if keyed:
        rest = _uncommented(keyed.group("rest"))
        return _Entry(number, indent, indent + len(keyed.group("dash")), keyed.group("key").strip("'\""), not rest)
    item = _ITEM_LINE.match(content)
    if item:
        return _Entry(number, indent, indent + len(item.group("dash")), None, not _uncommented(item.group("rest")))
    return _Entry(number, indent, indent, None, False)


def _uncommented(text: str) -> str:
    """A value's text without a trailing comment (" #" starts one; inside quotes it is rare enough)."""
    return re.split(r"(?:^|\s)#", text, maxsplit=1)[0].strip()


def _value_text(line: str) -> str:
    """What follows "key:" or "- " on a line (the value as written), or "" when it has no such start."""
    content = line.lstrip(" ")
    keyed = _KEY_LINE.match(content)
    if keyed:
        return keyed.group("rest").strip()
    item = _ITEM_LINE.match(content)
    return item.group("rest").strip() if item else ""


def _window(lines: list[str], last: int) -> list[int]:
    """The last few content lines up to `last`, nearest first."""
    found = []
    for number in range(last, -1, -1):
        stripped = lines[number].strip(" ")
        if stripped and not stripped.startswith("#"):
            found.append(number)
            if len(found) == _WINDOW:
                break
    return found


def _key_name(key: str | None, fallback: str = "该行") -> str:
    return f"“{key}”" if key else fallback


# ---- the mistakes -------------------------------------------------------------------------------


def _tab(lines, last, exc) -> Mistake | None:
    if "tab" not in (exc.problem or "") and "cannot start any token" not in (exc.problem or ""):
        return None
    for number in _window(lines, last):
        line = lines[number]
        lead = len(line) - len(line.lstrip(" \t"))
        if "\t" in line[:lead]:
            return Mistake("行首用了制表符（Tab）缩进；YAML 只能用空格缩进，请把 Tab 换成空格",
                           number + 1, line.index("\t") + 1)
    return None


_INDENTED_BY_FULL_WIDTH = re.compile(rf"[ 　]*　[ 　]*(?:-[ ]+)*{_IDENTIFIER}[ ]*:(?:[ ]|$)")


def _full_width_space(lines, last, exc) -> Mistake | None:
    """A full-width space in the indentation of a key (text may well begin with "　　"; a key never does),
    anywhere above the mark since the parser can read on long after it; or one right after a colon."""
    for number in _window(lines, last):
        colon = re.match(rf"[ ]*(?:-[ ]+)*{_IDENTIFIER}:(?=　)", lines[number])
        if colon:
            return Mistake("冒号“:”后是全角空格“　”，应为半角空格", number + 1, colon.end() + 1)
    for number in range(last, -1, -1):
        if _INDENTED_BY_FULL_WIDTH.match(lines[number]):
            return Mistake("行首有全角空格“　”；缩进只能用半角空格", number + 1, lines[number].index("　") + 1)
    return None


def _full_width_colon(lines, last, exc) -> Mistake | None:
    for number in _window(lines, last):
        line = lines[number]
        found = _FULL_WIDTH_COLON.match(line, _indent(line))
        if found and not _KEY_LINE.match(line[_indent(line):]):
            key = found.group("key")
            return Mistake(f"键“{key}”后用了全角冒号“：”，应为半角冒号“:”再加一个空格，如“{key}: …”",
                           number + 1, found.end())
    return None


def _missing_space(lines, last, exc) -> Mistake | None:
    for number in _window(lines, last):
        line = lines[number]
        content = _uncommented(line[_indent(line):])
        found = _NO_SPACE_AFTER_COLON.match(content)
        if found and not _KEY_LINE.match(content):
            key, value = found.group("key"), found.group("value")
            column = _indent(line) + len(found.group("lead")) + len(key) + 1
            shown = value if len(value) <= 16 else value[:12] + "…"
            return Mistake(f"冒号“:”后缺少空格，应写成“{key}: {shown}”", number + 1, column + 1)
    return None


def _unclosed_quote(lines, last, exc) -> Mistake | None:
    """A quote that opens a value and is closed only at the parser's mark, or never: everything between
    was read as one text."""
    mark = exc.problem_mark
    if (exc.context or "").startswith("while scanning a quoted scalar") and exc.context_mark is not None:
        start = exc.context_mark
        return _quote_mistake(lines[start.line][start.column] if start.line < len(lines) else "'",
                              start.line + 1, start.column + 1)
    for number in range(last - 1, -1, -1):
        line = lines[number]
        value = _value_text(line)
        if not value or value[0] not in "'\"":
            continue
        column = line.index(value, _indent(line))
        closed_at = _closing_quote(lines, number, column)
        if closed_at is None or closed_at >= mark.line:  # the quoted text ran on to the error
            return _quote_mistake(value[0], number + 1, column + 1)
        if closed_at == number:
            continue
        return None  # a text on several lines that closes before the error: not the mistake
    return None


def _text_after_quote(lines, last, exc) -> Mistake | None:
    """A quoted value followed by more text on its line (名称: "行政" 运行): the quote ends the value."""
    mark = exc.problem_mark
    if mark is None or mark.line >= len(lines) or "quoted scalar" in (exc.context or ""):
        return None  # a mistake inside the quotes (an escape) is not one after them
    line = lines[mark.line]
    value = _value_text(line)
    if not value or value[0] not in "'\"":
        return None
    column = line.index(value, _indent(line))
    if _closing_quote(lines, mark.line, column) != mark.line or mark.column <= column:
        return None
    return Mistake("引号之后还有文字：引号内才是值，引号一结束值就结束了；请把整个值放进引号中", mark.line + 1,
                   mark.column + 1)


def _quote_mistake(quote: str, line: int, column: int) -> Mistake:
    shown = "单引号“'”" if quote == "'" else "双引号“\"”"
    return Mistake(f"{shown}没有闭合：值以引号开头，就要以同样的引号结尾", line, column)


def _closing_quote(lines: list[str], number: int, column: int) -> int | None:
    """The line on which the quoted text starting at (number, column) ends, or None if it never does."""
    quote = lines[number][column]
    position = column + 1
    for current in range(number, len(lines)):
        line = lines[current]
        while position < len(line):
            char = line[position]
            if quote == '"' and char == "\\":
                position += 2
                continue
            if char == quote:
                if quote == "'" and line[position + 1:position + 2] == "'":
                    position += 2  # '' is a quote inside single quotes
                    continue
                return current
            position += 1
        position = 0
    return None


def _colon_in_value(lines, last, exc) -> Mistake | None:
    """A text value that itself holds ": " (会议通知: 见附件) reads as a second "key: value" on the line."""
    mark = exc.problem_mark
    if "mapping values" not in (exc.problem or "") or mark is None or mark.line >= len(lines):
        return None
    line = lines[mark.line]
    keyed = _KEY_LINE.match(line, _indent(line))
    if keyed is None or mark.column < keyed.start("rest") or line[mark.column:mark.column + 1] != ":":
        return None
    key = keyed.group("key")
    return Mistake(f"“{key}”的值中含有半角冒号加空格“: ”，会被当成又一个“键: 值”；请给整个值加引号，"
                   f"如“{key}: '…'”，或改用全角冒号“：”", mark.line + 1, mark.column + 1)


def _missing_colon(lines, last, exc) -> Mistake | None:
    """A line in a mapping that is not "key: value": the parser reads it as a key and looks for its colon
    on the next line; it names where that key began."""
    start = exc.context_mark
    if "could not find expected ':'" not in (exc.problem or "") or start is None or start.line >= len(lines):
        return None
    line = lines[start.line]
    if ":" in line[start.column:]:
        return None
    return Mistake("这一行不是“键: 值”：缺少半角冒号“:”（键和值之间写“: ”）；如果它是上一行文字的延续，请把整段文字写在一行或加引号",
                   start.line + 1, start.column + 1)


_RESERVED = {"&": "“&”（YAML 用它定义别名）", "*": "“*”（YAML 用它引用别名）", "!": "“!”（YAML 用它标注类型）",
             "@": "“@”", "`": "“`”", "%": "“%”", "|": "“|”", ">": "“>”"}


def _reserved_start(lines, last, exc) -> Mistake | None:
    """A value that begins with a character YAML gives a meaning to: quote it."""
    marks = (exc.context_mark, exc.problem_mark)
    numbers = [mark.line for mark in marks if mark is not None and mark.line < len(lines)]
    for number in dict.fromkeys(numbers + _window(lines, last)[1:2]):  # the parser may notice on the next line
        line = lines[number]
        value = line.strip(" ") if line.strip(" ")[:1] in _RESERVED else _value_text(line)
        if value and value[0] in _RESERVED:
            column = line.index(value[0], _indent(line))
            return Mistake(f"值不能以{_RESERVED[value[0]]}开头；请给整个值加引号，如 '{value[0]}…'",
                           number + 1, column + 1)
    return None


def _indentation(lines, last, exc) -> Mistake | None:
    """A key indented more or less than its siblings.

    Two shapes reach the parser. A key indented further than the key above it, whose value is a
    number or text, reads as that value going on ("2931.61 general_budget"), and fails at its colon; so
    does a key dedented below its siblings when the next sibling follows at the old indent, one line
    later. A key at an indent that no open mapping has fails at the key.
    """
    entries = _entries(lines, last)
    if not entries:
        return None
    target = entries[-1]
    if lines[target.number].lstrip(" ").startswith("-"):
        found = _misaligned_item(lines, entries, target)
        if found is not None:
            return found
    if len(entries) >= 2:
        previous = entries[-2]
        bare_text = previous.key is None and not lines[previous.number].lstrip(" ").startswith("-")
        if target.column > previous.column and bare_text:  # "income" above an indented block: no colon
            text = _uncommented(lines[previous.number].strip(" "))
            return Mistake(f"“{text}”后缺少冒号“:”：它下面缩进的内容要写成它的值，须写成“{text}:”",
                           previous.number + 1, previous.indent + len(text) + 1)
        if target.column > previous.column and not previous.opens and previous.key is not None:
            return (_odd_first_child(lines, entries, target, previous)
                    or _deeper_than_previous(entries, target, previous))
    return _misaligned(lines, entries, target)


def _odd_first_child(lines: list[str], entries: list[_Entry], target: _Entry, previous: _Entry) -> Mistake | None:
    """`previous` is the first key of its mapping and the keys after it, `target` and the next, agree
    on another indent: `previous` is the one out of line."""
    if len(entries) < 3 or not entries[-3].opens or entries[-3].column >= previous.column:
        return None
    after = _next_entry(lines, target)
    if after is None or after.column != target.column:
        return None
    return Mistake(f"缩进有误：{_key_name(previous.key)}缩进了 {previous.column} 格，与下方同一层的"
                   f"{_key_name(target.key)}（第 {target.number + 1} 行，缩进 {target.column} 格）没有对齐",
                   previous.number + 1, previous.column + 1)


def _next_entry(lines: list[str], entry: _Entry) -> _Entry | None:
    for number in range(entry.number + 1, len(lines)):
        stripped = lines[number].strip(" ")
        if stripped and not stripped.startswith("#"):
            return _entry(number, lines[number], _indent(lines[number]))
    return None


def _deeper_than_previous(entries: list[_Entry], target: _Entry, previous: _Entry) -> Mistake:
    """`target` is indented below a key that has a value: either it is indented too far, or `previous`
    was dedented out of the block that `target` still continues (then a key above `previous` is at
    `target`'s indent, with no shallower key between)."""
    sibling = next((entry for entry in reversed(entries[:-2]) if entry.column <= target.column), None)
    if sibling is None or sibling.column != target.column:
        return Mistake(
            f"缩进有误：{_key_name(target.key)}比上一行的{_key_name(previous.key)}多缩进了 "
            f"{target.column - previous.column} 格；同一层的键要左对齐（缩进 {previous.column} 格）",
            target.number + 1, target.column + 1)
    options = [sibling]
    above = entries[-3]
    if above.column > target.column and not above.opens:  # `previous` may as well belong with the line above it
        options.insert(0, above)
    where = "，或".join(_aligned_with(entries, entry) for entry in options)
    return Mistake(f"缩进有误：{_key_name(previous.key)}应{where}，现在{_written_at(previous.column)}",
                   previous.number + 1, previous.column + 1)


def _aligned_with(entries: list[_Entry], entry: _Entry) -> str:
    """Where a key should be: under the parent of `entry`, aligned with it."""
    parent = _parent_of(entries, entry)
    aligned = f"与第 {entry.number + 1} 行的{_key_name(entry.key, '上一项')}对齐"
    if parent is not None and parent.key:
        return f"缩进在“{parent.key}”下（{aligned}，缩进 {entry.column} 格）"
    return f"{aligned}（缩进 {entry.column} 格）"


def _written_at(column: int) -> str:
    return "顶格书写" if column == 0 else f"只缩进了 {column} 格"


def _misaligned(lines: list[str], entries: list[_Entry], target: _Entry) -> Mistake | None:
    """`target` is at an indent that none of the mappings and lists open above it has."""
    stack = _open_levels(entries[:-1])
    if any(entry.column == target.column for entry in stack):
        return None
    sibling = next((entry for entry in reversed(stack) if entry.column > target.column), None)
    if sibling is None:
        return None
    index = entries.index(sibling)
    first = index == 0 or (entries[index - 1].opens and entries[index - 1].column < sibling.column)
    after = _next_entry(lines, target)
    if first and after is not None and after.column == target.column and sibling is entries[-2]:
        # the first key of its mapping is out of line with the keys that follow it
        return Mistake(f"缩进有误：{_key_name(sibling.key)}缩进了 {sibling.column} 格，与下方同一层的"
                       f"{_key_name(target.key)}（第 {target.number + 1} 行，缩进 {target.column} 格）没有对齐",
                       sibling.number + 1, sibling.column + 1)
    message = (f"缩进有误：{_key_name(target.key)}缩进了 {target.column} 格，与上方同一层的"
               f"{_key_name(sibling.key, '一项')}（第 {sibling.number + 1} 行，缩进 {sibling.column} 格）没有对齐")
    outer = next((entry for entry in reversed(stack) if entry.column < target.column), None)
    if outer is not None and outer.key:
        message += f"，也不与“{outer.key}”（缩进 {outer.column} 格）对齐"
    return Mistake(message, target.number + 1, target.column + 1)


def _misaligned_item(lines: list[str], entries: list[_Entry], target: _Entry) -> Mistake | None:
    """A list item whose "-" is not under the "-" of the item above it."""
    items = [entry for entry in entries[:-1] if lines[entry.number].lstrip(" ").startswith("-")]
    if not items:
        return None
    # the item above in the same list: of the last item and the last not indented further, the one
    # whose indent is nearer (the last item on a tie)
    outer = next((entry for entry in reversed(items) if entry.indent <= target.indent), items[-1])
    above = min((items[-1], outer), key=lambda entry: abs(entry.indent - target.indent))
    if above.indent == target.indent:
        return None
    return Mistake(f"缩进有误：列表项“-”缩进了 {target.indent} 格，与上方的列表项（第 {above.number + 1} 行，"
                   f"缩进 {above.indent} 格）没有对齐", target.number + 1, target.indent + 1)


def _open_levels(entries: list[_Entry]) -> list[_Entry]:
    """The entries still open after `entries`: each entry closes those at its column or deeper."""
    stack: list[_Entry] = []
    for entry in entries:
        while stack and stack[-1].column >= entry.column:
            stack.pop()
        stack.append(entry)
    return stack


def _parent_of(entries: list[_Entry], entry: _Entry) -> _Entry | None:
    """The nearest entry above `entry` that is indented less: the key its block belongs to."""
    for earlier in reversed(entries[:entries.index(entry)]):
        if earlier.column < entry.column:
            return earlier
    return None


def _other_character(lines, last, exc) -> Mistake | None:
    """A value that begins with a character YAML reserves ("@", "`"): quote it."""
    if "cannot start any token" not in (exc.problem or ""):
        return None
    mark = exc.problem_mark
    line = lines[mark.line] if mark.line < len(lines) else ""
    char = line[mark.column] if mark.column < len(line) else ""
    if not char.strip():
        return None
    return Mistake(f"值不能以“{char}”开头；请给整个值加引号，如 '{char}…'", mark.line + 1, mark.column + 1)
