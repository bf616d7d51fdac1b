"""Tables as Excel spreadsheets (``.xlsx``, openpyxl), offered next to every CSV.

Excel in Swedish expects ``;`` and decimal commas, so a comma-separated file opens there as
one column; the CSV stays as it is for programs, and people get this. One writer for every
table of the portal (the initiative list, the directory, the coordinator's tables): each
export yields its rows (a header first) of plain values, and this module types the cells —
text is always text (a cell starting with ``=`` is never a formula, so no guard is needed
and a phone number such as ``+46 8 …`` stays as written), numbers are numbers, dates are
dates, yes/no are words, lists are comma-separated."""

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _cell(sheet, value, *, header: bool):
    if isinstance(value, bool):
        value = _("Yes") if value else _("No")
    elif isinstance(value, list | tuple):
        value = ", ".join(str(item) for item in value)
    elif isinstance(value, dt.datetime):
        value = timezone.localtime(value).replace(tzinfo=None) if value.tzinfo else value
    elif value is not None and not isinstance(value, int | float | dt.date):
        value = str(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text as written: never a formula
    elif isinstance(value, dt.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    if header:
        cell.font = Font(bold=True)
    return cell


def xlsx_bytes(rows: Iterable[Sequence], *, title: str) -> bytes:
    """A workbook of one sheet named ``title``: the first row (the header) in bold and
    frozen, so it stays in view while scrolling."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_SHEET_TITLE_FORBIDDEN.sub(" ", title)[:31] or "1")
    sheet.freeze_panes = "A2"
    for number, row in enumerate(rows):
        sheet.append([_cell(sheet, value, header=number == 0) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(rows: Iterable[Sequence], *, title: str, filename: str) -> HttpResponse:
    """``rows`` as an .xlsx download named ``filename``."""
    response = HttpResponse(xlsx_bytes(rows, title=title), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
