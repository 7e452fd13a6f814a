"""Money amounts: always Decimal, in 万元, exact to 0.01 when compared."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Iterable

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

ZERO = Decimal("0")
CENT = Decimal("0.01")
THOUSANDS = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")  # 1,043.55 — not 5,00


def parse_money(value: object) -> Decimal:
    """Accept YAML numbers (already Decimal or int); refuse text and floats."""
    if isinstance(value, bool):
        raise ValueError("金额应为数字，不应为是/否")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("金额应为有限数字")
        return _bounded(value)
    if isinstance(value, int):
        return _bounded(Decimal(value))
    if isinstance(value, float):  # only reachable from Python callers, never from YAML
        raise ValueError("金额不得为二进制浮点数，请使用 Decimal")
    if isinstance(value, str):
        written = value.strip().replace("，", ",")
        hint = written.replace(",", "") if THOUSANDS.match(written) else written
        try:
            Decimal(hint)
            suggestion = f"，请直接写 {hint}（不加引号或 !!str、不加千分位逗号）"
        except InvalidOperation:
            suggestion = "，请去掉引号，写成数字（小数点用“.”）"
        raise ValueError(f"金额应为数字，实际写成了文本 \"{value}\"{suggestion}")
    raise ValueError(f"金额应为数字，实际为 {type(value).__name__}")


# No budget comes near a trillion 万元; far larger amounts would also overflow the exact arithmetic
# (28 significant digits) that every sum and comparison relies on.
LARGEST = Decimal("1e12")
# Beyond this many decimals an amount is a typing accident (1e-999999999); printing it would take
# a gigabyte. Fewer, but more than two, are S006.
MOST_DECIMALS = 12


def _bounded(amount: Decimal) -> Decimal:
    # Judged on the written exponent, not by arithmetic: abs(1e999999999) overflows the context.
    if amount and amount.is_finite() and amount.adjusted() >= LARGEST.adjusted():
        raise ValueError(f"金额过大（{amount:E} 万元），超出任何预算的范围：金额以万元为单位，应小于 1 万亿万元")
    if amount.is_finite() and decimals_of(amount) > MOST_DECIMALS:
        raise ValueError(f"金额的小数位过多（{decimals_of(amount)} 位），金额以万元为单位，应最多两位小数")
    return amount


def quantize(amount: Decimal) -> Decimal:
    """Round half-up to 0.01, the precision every comparison uses."""
    from decimal import ROUND_HALF_UP

    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def same(a: Decimal, b: Decimal) -> bool:
    return quantize(a) == quantize(b)


def total(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), ZERO)


def decimals_of(amount: Decimal) -> int:
    """The decimals the amount's value has: trailing zeros do not count (576.770 has two, as 576.77)."""
    _, digits, exponent = amount.as_tuple()
    if not isinstance(exponent, int) or exponent >= 0 or not any(digits):
        return 0
    places, last = -exponent, len(digits) - 1
    while places and last >= 0 and digits[last] == 0:
        places, last = places - 1, last - 1
    return places


def fmt(amount: Decimal | None, blank_zero: bool = False) -> str:
    """Format as published: two decimals, no thousands separator; more digits kept if typed."""
    if amount is None:
        return ""
    if blank_zero and amount == 0:
        return ""
    places = max(2, decimals_of(amount))
    return f"{amount:.{places}f}"


def fmt_plain(amount: Decimal) -> str:
    """Shortest text for an amount in a sentence: 1043.55, 48, 0.3."""
    text = format(amount.normalize(), "f")
    return text


Money = Annotated[
    Decimal,
    BeforeValidator(parse_money),
    PlainSerializer(lambda d: format(d, "f"), return_type=str, when_used="json"),
    WithJsonSchema({"type": "number", "description": "金额（万元），最多两位小数"}),
]
