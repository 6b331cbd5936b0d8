"""Opening uploaded tables: encodings, delimiters, line endings, size limit, empty files, XLSX sheets."""

from __future__ import annotations

import codecs
import io

import pytest

from execution.readers.base import ReadError
from execution.readers.items import read_items
from execution.readers.source import read_table
from tests.execution.helpers import EndlessCSV, fixture, xlsx_bytes

CSV = "item_id,team,status\nT-1,Platform,Done\nT-2,Mobile,Doing\n"


def test_it_reads_utf8_with_and_without_bom() -> None:
    plain = read_table(CSV.encode())
    bom = read_table(codecs.BOM_UTF8 + CSV.encode())
    assert plain.headers == bom.headers == ["item_id", "team", "status"]
    assert plain.meta["encoding"] == "utf-8"
    assert bom.meta["encoding"] == "utf-8-sig"
    assert bom.data[0].tolist() == ["T-1", "T-2"]


def test_it_reads_utf16_tab_text_as_excel_saves_it() -> None:
    data = "item_id\tteam\tstatus\r\nT-1\tPlattform Zürich\tDone\r\n".encode("utf-16")
    table = read_table(data)
    assert table.meta["encoding"] == "utf-16"
    assert table.meta["delimiter"] == "tab"
    assert table.data[1].tolist() == ["Plattform Zürich"]


def test_it_falls_back_to_cp1252_when_the_file_is_not_utf8() -> None:
    data = "item_id;team;status\r\nT-1;Café Ops;Done\r\n".encode("cp1252")
    table = read_table(data)
    assert table.meta["encoding"] == "cp1252"
    assert table.data[1].tolist() == ["Café Ops"]


def test_it_falls_back_to_cp1252_when_the_bad_byte_is_past_the_head() -> None:
    filler = "".join(f"T-{i},Platform,Done\n" for i in range(8000))  # > 64 KB of ASCII first
    data = ("item_id,team,status\n" + filler + "T-x,Café,Done\n").encode("cp1252")
    table = read_table(io.BytesIO(data))
    assert table.meta["encoding"] == "cp1252"
    assert table.data[1].iloc[-1] == "Café"


@pytest.mark.parametrize(("sep", "name"), [(",", "comma"), (";", "semicolon"), ("\t", "tab")])
def test_it_detects_the_delimiter(sep: str, name: str) -> None:
    table = read_table(CSV.replace(",", sep).encode())
    assert table.meta["delimiter"] == name
    assert table.headers == ["item_id", "team", "status"]


def test_a_semicolon_csv_with_a_bom_and_crlf_reads_cleanly() -> None:
    table = read_table(fixture("observations_semicolon_bom.csv"))
    assert table.meta["delimiter"] == "semicolon"
    assert table.meta["encoding"] == "utf-8-sig"
    assert table.headers == ["Team", "Period", "Metric", "Value"]
    assert table.data[3].tolist() == ["72,5", "6,25", "58", "12"]  # no stray \r


def test_multi_line_quoted_fields_stay_one_row_and_rows_count_records() -> None:
    table = read_table(fixture("jira_all_fields.csv"))
    assert len(table.data) == 4
    description = table.data[table.headers.index("Description")].iloc[0]
    assert "Steps:" in description and "\n" in description
    assert table.rows.tolist() == [2, 3, 4, 5]


def test_an_empty_file_is_refused_clearly() -> None:
    for data in (b"", codecs.BOM_UTF8, b"\r\n  \n"):
        with pytest.raises(ReadError) as err:
            read_table(data)
        assert err.value.code == "empty"
        assert "empty" in err.value.message


def test_a_header_only_file_is_refused_naming_the_headers() -> None:
    with pytest.raises(ReadError) as err:
        read_table(b"item_id,team,status\r\n")
    assert err.value.code == "header_only"
    assert "item_id, team, status" in err.value.message
    assert "no rows" in err.value.message


def test_a_100_mb_seekable_file_is_refused_by_its_size_without_reading_it() -> None:
    class Sized(io.BytesIO):
        reads = 0

        def read(self, n: int | None = -1) -> bytes:
            Sized.reads += 1
            return super().read(n)

    big = Sized(b"x")
    big.seek(100 * 1024 * 1024)  # a sparse 100 MB stream: seek past the end, write one byte
    big.write(b"\n")
    big.seek(0)
    with pytest.raises(ReadError) as err:
        read_items(big, limit_bytes=50 * 1024 * 1024)
    assert err.value.code == "too_large"
    assert "50 MB" in err.value.message
    assert Sized.reads == 0


def test_a_100_mb_stream_is_refused_once_the_limit_is_crossed_not_after_reading_it_all() -> None:
    stream = EndlessCSV()
    limit = 2 * 1024 * 1024
    with pytest.raises(ReadError) as err:
        read_items(io.BufferedReader(stream), limit_bytes=limit)
    assert err.value.code == "too_large"
    assert "2 MB" in err.value.message
    assert stream.read_bytes < limit + 3 * 1024 * 1024  # a chunk or two past the limit, no more


def test_rows_with_too_many_fields_are_a_clear_error() -> None:
    with pytest.raises(ReadError) as err:
        read_table(b"a,b\n1,2\n3,4,5,6\n")
    assert err.value.code == "unreadable"
    assert "comma" in err.value.message


def test_an_xlsx_with_several_sheets_asks_which() -> None:
    data = xlsx_bytes(
        {
            "Summary": [["note"], ["see other sheet"]],
            "Items": [["item_id", "team", "status"], ["T-1", "Platform", "Done"]],
        }
    )
    with pytest.raises(ReadError) as err:
        read_table(data)
    assert err.value.code == "sheet_required"
    assert err.value.meta["sheets"] == ["Summary", "Items"]
    assert "Summary, Items" in err.value.message
    table = read_table(data, sheet="Items")
    assert table.headers == ["item_id", "team", "status"]
    assert table.meta["sheets"] == ["Summary", "Items"]
    with pytest.raises(ReadError) as err:
        read_table(data, sheet="Nope")
    assert err.value.code == "unknown_sheet"


def test_an_xlsx_keeps_spreadsheet_row_numbers_and_turns_cells_into_text() -> None:
    import datetime as dt

    data = xlsx_bytes(
        {
            "Only": [
                [],
                ["item_id", "team", "status", "created_at", "points"],
                ["T-1", "Platform", "Done", dt.datetime(2025, 7, 14, 15, 42), 3.0],
                [None, None, None, None, None],
                ["T-2", "Mobile", "Doing", dt.date(2025, 7, 15), 2.5],
            ]
        }
    )
    table = read_table(data)
    assert table.meta["header_row"] == 2
    assert table.rows.tolist() == [3, 5]
    assert table.data[3].tolist() == ["2025-07-14 15:42:00", "2025-07-15"]
    assert table.data[4].tolist() == ["3", "2.5"]


def test_a_header_only_xlsx_sheet_is_refused() -> None:
    with pytest.raises(ReadError) as err:
        read_table(xlsx_bytes({"S": [["team", "period", "value"]]}))
    assert err.value.code == "header_only"


def test_the_delimiter_can_be_chosen_by_name_or_character() -> None:
    data = b"item_id|team|status\nT-1|Core|Done\n"
    assert read_table(data, delimiter="|").headers == ["item_id", "team", "status"]
    assert read_table(b"a|b\nx |y\n", delimiter="|").padded is True
    assert read_table(CSV.replace(",", ";").encode(), delimiter="semicolon").meta["delimiter"] == (
        "semicolon"
    )


def test_an_old_binary_xls_is_refused_with_what_to_do() -> None:
    with pytest.raises(ReadError) as err:
        read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    assert err.value.code == "unreadable"
    assert ".xlsx or CSV" in err.value.message


def test_it_refuses_a_binary_file_saying_what_to_upload() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    with pytest.raises(ReadError) as err:
        read_table(png, filename="chart.png")
    assert err.value.code == "unreadable"
    assert "CSV" in err.value.message and "XLSX" in err.value.message
