"""Measure the workbook readers on the exported example workbooks, in one run (numbers quoted in
generator/importing/grids.py): `python -m tests.measure_readers DIR` with the .xlsx files of
`budgetsite export` in DIR. Each reader reads every sheet to values and merged ranges; best of N runs.
An .xls with Chinese text (xlwt, GBK code page) is read by calamine and xlrd."""

from __future__ import annotations

import sys
import time
from pathlib import Path


def read_openpyxl(path: Path):
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=False, data_only=True)
    return [([list(r) for r in s.iter_rows(values_only=True)], [str(m) for m in s.merged_cells.ranges])
            for s in book.worksheets]


def read_calamine(path: Path):
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    out = []
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        out.append((sheet.to_python(skip_empty_area=False), sheet.merged_cell_ranges))
    return out


def read_xlrd(path: Path):
    import xlrd

    book = xlrd.open_workbook(str(path), formatting_info=True)
    return [([s.row_values(r) for r in range(s.nrows)], s.merged_cells) for s in book.sheets()]


def best(func, path: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func(path)
        times.append(time.perf_counter() - started)
    return min(times)


def gbk_xls(path: Path) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="gbk")
    sheet = book.add_sheet("收支总表")
    sheet.write_merge(0, 0, 0, 3, "某单位2024年收支总表")
    sheet.write(1, 0, "一般公共预算拨款收入")
    sheet.write(1, 1, 1043.55)
    sheet.write(2, 0, "文字金额")
    sheet.write(2, 1, "576.77")
    book.save(str(path))


def main(directory: str, runs: int = 5) -> None:
    files = sorted(Path(directory).glob("*.xlsx"))
    print(f"{'file':40} {'openpyxl':>10} {'calamine':>10}  ratio")
    for path in files:
        a, b = best(read_openpyxl, path, runs), best(read_calamine, path, runs)
        print(f"{path.name:40} {a * 1000:9.1f}ms {b * 1000:9.1f}ms  {a / b:5.1f}x")
        sheets_a, sheets_b = read_openpyxl(path), read_calamine(path)
        merges_a = sum(len(m) for _, m in sheets_a)
        merges_b = sum(len(m or []) for _, m in sheets_b)
        print(f"{'':40} merged ranges: openpyxl {merges_a}, calamine {merges_b}")
    xls = Path(directory) / "gbk.xls"
    gbk_xls(xls)
    a, b = best(read_xlrd, xls, runs), best(read_calamine, xls, runs)
    print(f"{'gbk.xls':40} xlrd {a * 1000:.1f}ms calamine {b * 1000:.1f}ms")
    print("  xlrd:", read_xlrd(xls)[0])
    print("  calamine:", read_calamine(xls)[0])


if __name__ == "__main__":
    main(*sys.argv[1:2])
