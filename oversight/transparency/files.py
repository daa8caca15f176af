"""The transparency report as CSV and as XLSX (one sheet for everything, one per section)."""

import csv
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from oversight.exports import safe_cell
from oversight.transparency.report import HEADER, ReportRow


def report_csv(rows: list[ReportRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row.as_list()])
    return out.getvalue()


def report_xlsx(rows: list[ReportRow]) -> bytes:
    book = Workbook(write_only=True)
    sheets = {"all": book.create_sheet("Report")}
    bold = Font(bold=True)

    def header(sheet: object) -> list[WriteOnlyCell]:
        cells = []
        for title in HEADER:
            cell = WriteOnlyCell(sheet, value=title)
            cell.font = bold
            cells.append(cell)
        return cells

    sheets["all"].append(header(sheets["all"]))
    for row in rows:
        sheets["all"].append(row.as_list())
        if row.section not in sheets:
            title = "".join(ch for ch in row.section if ch not in "[]:*?/\\")[:31]
            sheets[row.section] = book.create_sheet(title)
            sheets[row.section].append(header(sheets[row.section]))
        sheets[row.section].append(row.as_list())
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
