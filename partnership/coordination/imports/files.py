"""The checks every uploaded file passes before its rows are read: its size, its kind and,
for text, its encoding. The CSV reading and its messages are the safety-walk import's
(``partnership.problems.csv_import``), so a coordinator meets the same answers everywhere."""

import csv
import io
import zipfile

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from partnership.problems import csv_import

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls, Excel 97-2003
SQLITE_MAGIC = b"SQLite format 3\x00"


class FileError(Exception):
    """Why a file cannot be read at all (translated, for the user)."""


def read_upload(uploaded, *, max_bytes: int) -> bytes:
    """The file's bytes; ``FileError`` when it is empty or larger than ``max_bytes`` (read no
    further than one byte past it)."""
    data = uploaded.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FileError(
            _("The file is larger than %(size)s MB. Split it into several files.")
            % {"size": max_bytes // 1_000_000}
        )
    if not data.strip():
        raise FileError(_("The file is empty."))
    return data


def decode_text(data: bytes) -> str:
    """UTF-8 text (a byte order mark is dropped); ``FileError`` with the walk import's
    explanation otherwise."""
    text, problem = csv_import._decode(data)
    if problem:
        raise FileError(problem)
    return text


# A sheet is read no wider than this: a template has under twenty columns.
MAX_COLUMNS = 100


def read_table(data: bytes, *, max_rows: int) -> list[list[str]]:
    """The rows of a CSV or XLSX file as text cells (the first row is the header; of an
    XLSX, at most the header and ``max_rows`` + 1 rows are read).

    An XLSX's first sheet is read; a cell holding a formula is refused (its value is
    whatever Excel last computed, or nothing): the coordinator pastes values instead. Dates
    become ``YYYY-MM-DD``, whole numbers lose their ``.0``."""
    if data.startswith(OLE_MAGIC):
        raise FileError(
            _(
                "This is an old Excel workbook (.xls). Save it as “Excel Workbook (.xlsx)” or "
                "as “CSV UTF-8” and upload that file."
            )
        )
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data, max_rows=max_rows)
    text = decode_text(data)
    if not text.strip():
        raise FileError(_("The file is empty."))
    table, problem = csv_import._read_table(text)
    if problem:
        raise FileError(problem)
    return table


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and hasattr(value, "hour"):  # a datetime: Excel has no dates
        return value.date().isoformat() if not (value.hour or value.minute) else str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes, *, max_rows: int) -> list[list[str]]:
    """The first sheet's cells as text. Reading stops one row past the header and
    ``max_rows`` (the caller then names the limit): a few megabytes of .xlsx can unpack
    into far more rows than any import takes."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise FileError(
            _("The file cannot be read as an Excel workbook (.xlsx). Save it again from Excel.")
        ) from error
    try:
        sheet = workbook.worksheets[0]
        table = []
        for row in sheet.iter_rows(max_col=MAX_COLUMNS):
            if len(table) > max_rows + 1:
                break
            cells = []
            for cell in row:
                if cell.data_type == "f":
                    raise FileError(
                        _(
                            "Cell %(cell)s holds a formula. Copy the sheet and paste it as "
                            "values only, then upload that file."
                        )
                        % {"cell": cell.coordinate}
                    )
                cells.append(_text(cell.value).strip())
            table.append(cells)
    finally:
        workbook.close()
    while table and not any(table[-1]):
        table.pop()
    return table


def csv_bytes(rows: list[list[str]]) -> bytes:
    """A template as a semicolon-separated CSV (Swedish Excel's list separator) with a byte
    order mark, so Excel reads it as UTF-8 — as the walk import's template."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()
