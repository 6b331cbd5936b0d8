"""A spreadsheet renamed .csv is recognised and the user told to export CSV, not byte offsets."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase

from orgs.importing import ImportFileError, parse_people_csv
from tests.base import BaseTestCase

EXCEL_MESSAGE = "This looks like an Excel file — export it as CSV (UTF-8) and upload that."


def xlsx_bytes() -> bytes:
    """A minimal .xlsx: a deflated ZIP of the workbook parts, as Excel writes it."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>' * 20)
        z.writestr("xl/worksheets/sheet1.xml", "<worksheet>email,name,team</worksheet>" * 20)
    return buf.getvalue()


# The first block of an old .xls (an OLE2 compound file), then binary junk.
XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4


class SpreadsheetParseTests(SimpleTestCase):
    def test_an_xlsx_or_xls_is_named_as_excel(self) -> None:
        for data in (xlsx_bytes(), XLS):
            with self.assertRaises(ImportFileError) as ctx:
                parse_people_csv(data)
            assert str(ctx.exception).startswith(EXCEL_MESSAGE)
            assert "byte offset" not in str(ctx.exception)
            assert ctx.exception.errors["file"].startswith(EXCEL_MESSAGE)


class SpreadsheetUploadTests(BaseTestCase):
    def test_the_import_page_says_to_export_csv(self) -> None:
        self.login(self.owner)
        upload = SimpleUploadedFile("people.csv", xlsx_bytes(), "text/csv")
        r = self.client.post("/setup/people/import/", {"file": upload})
        self.assertContains(r, "This looks like an Excel file", status_code=400)
        self.assertContains(r, "export it as CSV (UTF-8)", status_code=400)
        self.assertNotContains(r, "byte offset", status_code=400)
