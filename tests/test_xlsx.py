"""The fast .xlsx reader gives what openpyxl gives, cell for cell, on workbooks with every kind
of value people keep in a roster or a quick-reply export; and refuses what is not a workbook."""
from __future__ import annotations

import io
import random
import zipfile
from datetime import date, datetime, time, timedelta

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from cstrain.tracking import xlsx
from cstrain.tracking.tabular import read_table


def openpyxl_rows(data: bytes):
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheet = book.worksheets[0]
    sheet.reset_dimensions()
    rows = []
    for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
        values = list(values)
        while values and values[-1] is None:
            values.pop()
        if values:
            rows.append((number, tuple(values)))
    book.close()
    return rows


def fast_rows(data: bytes):
    return [(n, v) for n, v in xlsx.iter_rows(io.BytesIO(data)) if v]


def saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def random_value(rng: random.Random):
    kind = rng.randrange(12)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice(["张三", "亲，在的~", " 前后有空格 ", "=不是公式", "1001", "TRUE", "😀 表情"])
    if kind == 2:
        return rng.randrange(-10**6, 10**6)
    if kind == 3:
        return rng.uniform(-1e6, 1e6)
    if kind == 4:
        return rng.choice([0.1, 1e-7, 1e20, 62.75, 1001.0, -0.0])
    if kind == 5:
        return rng.choice([True, False])
    if kind == 6:
        return datetime(2026, rng.randrange(1, 13), rng.randrange(1, 28), rng.randrange(24),
                        rng.randrange(60), rng.randrange(60))
    if kind == 7:
        return date(2026, 12, rng.randrange(1, 31))
    if kind == 8:
        return time(rng.randrange(24), rng.randrange(60))
    if kind == 9:
        return timedelta(hours=rng.randrange(100), minutes=rng.randrange(60))
    if kind == 10:
        return f"=1+{rng.randrange(10)}"  # a formula: both give the cached value (none here)
    return "组别" + str(rng.randrange(30))


@pytest.mark.parametrize("seed", range(8))
def test_random_workbooks_read_as_openpyxl_reads_them(seed):
    rng = random.Random(seed)
    book = Workbook()
    sheet = book.active
    for row in range(1, rng.randrange(2, 60)):
        if rng.random() < 0.15:
            continue  # an empty row: the numbers after it must still be the sheet's
        for column in range(1, rng.randrange(1, 9)):
            value = random_value(rng)
            if value is not None:
                sheet.cell(row=row, column=column, value=value)
    if seed % 2:
        book.epoch = datetime(1904, 1, 1)  # a workbook saved on an old Mac
    data = saved(book)
    assert fast_rows(data) == openpyxl_rows(data)


def test_rich_text_number_formats_and_a_second_sheet():
    book = Workbook()
    sheet = book.active
    sheet["A1"] = CellRichText(["亲，", TextBlock(InlineFont(b=True), "加我微信"), "吧"])
    sheet["B1"] = 45991.5
    sheet["B1"].number_format = "yyyy/m/d h:mm"
    sheet["C1"] = 45991
    sheet["C1"].number_format = "0.00"
    sheet["D1"] = 0.75
    sheet["D1"].number_format = "[h]:mm:ss"
    sheet["AB3"] = "远处的一列"
    other = book.create_sheet("第二页")
    other["A1"] = "不读这一页"
    data = saved(book)
    rows = fast_rows(data)
    assert rows == openpyxl_rows(data)
    assert rows[0][1][0] == "亲，加我微信吧"
    assert rows[0][1][1] == datetime(2025, 11, 30, 12, 0)
    assert rows[1][0] == 3 and len(rows[1][1]) == 28


def test_the_first_sheet_is_the_first_tab_not_the_first_file():
    book = Workbook()
    book.active.title = "后建的"
    book.active["A1"] = "second"
    first = book.create_sheet("先看的", 0)
    first["A1"] = "first"
    data = saved(book)
    assert fast_rows(data) == [(1, ("first",))] == openpyxl_rows(data)


def test_inline_strings_as_other_tools_write_them(tmp_path):
    data = saved(Workbook())
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(
                    b"<sheetData></sheetData>",
                    b'<sheetData><row r="2"><c r="B2" t="inlineStr"><is><t>\xe4\xba\xb2</t></is>'
                    b'</c><c r="C2" t="b"><v>1</v></c><c r="D2" t="str"><v>x</v></c></row>'
                    b"</sheetData>")
            target.writestr(item, content)
    data = out.getvalue()
    assert fast_rows(data) == [(2, (None, "亲", True, "x"))] == openpyxl_rows(data)
    path = tmp_path / "inline.xlsx"
    path.write_bytes(data)
    table = read_table(path)
    assert table.header == ("", "亲", "TRUE", "x") and table.header_line == 2


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 broken", b"not a zip at all",
                                  zipfile.ZipFile.__name__.encode()])
def test_what_is_not_a_workbook_is_refused(data):
    with pytest.raises(xlsx.XlsxUnreadable):
        list(xlsx.iter_rows(io.BytesIO(data)))


def test_a_zip_without_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(xlsx.XlsxUnreadable, match="workbook"):
        list(xlsx.iter_rows(io.BytesIO(out.getvalue())))
