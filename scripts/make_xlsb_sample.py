#!/usr/bin/env python3
"""Write a minimal XLSB (BIFF12) workbook from an xlsx: cells, merged regions, hidden rows and
hidden columns.

Nothing on this machine writes xlsb (LibreOffice cannot export it), so the xlsb samples are made
here, record by record, following [MS-XLSB]:

    python3 scripts/make_xlsb_sample.py samples/b01_huaian_tiyu_2022.xlsx samples/b01_huaian_tiyu_2022.xlsb

What is written, per sheet of the xlsx (read with openpyxl, cached values of formulas):
- numbers as numbers (BrtCellRk for integers that fit 30 bits, BrtCellReal otherwise), strings
  as shared strings (BrtCellIsst into xl/sharedStrings.bin), booleans (BrtCellBool), errors
  (BrtCellError); dates as their serial numbers (a date in a General cell);
- every cell with the one cell format there is (General): number formats are not carried over;
- a BrtRowHdr before each row's cells, with fDyZero set for hidden rows (rows that are hidden
  but hold no cell get a header too);
- BrtColInfo for every column range openpyxl has dimensions for (width, fHidden);
- BrtMergeCell for every merged range.

The package is the smallest Excel's own layout allows: [Content_Types].xml, _rels/.rels,
xl/workbook.bin, xl/_rels/workbook.bin.rels, xl/worksheets/sheetN.bin, xl/sharedStrings.bin,
xl/styles.bin (one font, the two fills Excel requires, one border, one style XF, one cell XF,
the Normal style).

Record ids are the decimal numbers of [MS-XLSB] 2.3 ("Record Enumeration"); those calamine reads
match its reader (calamine 0.38 src/xlsb/mod.rs and cells_reader.rs: 0x0081 BrtBeginSheet,
0x0094 BrtWsDim, 0x0091 BrtBeginSheetData, 0x0186/0x0187 col infos, 0x0092 BrtEndSheetData,
0x009C BrtBundleSh, 0x0090 BrtEndBundleShs, 0x009F BrtBeginSst, 0x0013 BrtSSTItem, 0x0269
BrtBeginCellXFs, 0x002F BrtXF ...). The record layouts calamine ignores (BrtRowHdr flags,
BrtColInfo, BrtMergeCell) are the spec's: see the functions below.
"""

import datetime
import io
import struct
import sys
import zipfile

import openpyxl
from openpyxl.utils.datetime import to_excel

# [MS-XLSB] 2.3 record types (decimal, as the spec numbers them).
BrtRowHdr = 0
BrtCellRk = 2
BrtCellError = 3
BrtCellBool = 4
BrtCellReal = 5
BrtCellIsst = 7
BrtSSTItem = 19
BrtFont = 43
BrtFill = 45
BrtBorder = 46
BrtXF = 47
BrtStyle = 48
BrtColInfo = 60
BrtBeginSheet = 129
BrtEndSheet = 130
BrtBeginBook = 131
BrtEndBook = 132
BrtBeginBundleShs = 143
BrtEndBundleShs = 144
BrtBeginSheetData = 145
BrtEndSheetData = 146
BrtWsDim = 148
BrtWbProp = 153
BrtBundleSh = 156
BrtBeginSst = 159
BrtEndSst = 160
BrtMergeCell = 176
BrtBeginMergeCells = 177
BrtEndMergeCells = 178
BrtBeginStyleSheet = 278
BrtEndStyleSheet = 279
BrtBeginColInfos = 390
BrtEndColInfos = 391
BrtBeginDXFs = 505
BrtEndDXFs = 506
BrtBeginTableStyles = 508
BrtEndTableStyles = 509
BrtBeginFills = 603
BrtEndFills = 604
BrtBeginFonts = 611
BrtEndFonts = 612
BrtBeginBorders = 613
BrtEndBorders = 614
BrtBeginCellXFs = 617
BrtEndCellXFs = 618
BrtBeginStyles = 619
BrtEndStyles = 620
BrtBeginCellStyleXFs = 626
BrtEndCellStyleXFs = 627

MAX_ROW = 1_048_575
MAX_COL = 16_383

# BErr values ([MS-XLSB] 2.5.97.2), as calamine's cell reader maps them.
ERRORS = {
    "#NULL!": 0x00,
    "#DIV/0!": 0x07,
    "#VALUE!": 0x0F,
    "#REF!": 0x17,
    "#NAME?": 0x1D,
    "#NUM!": 0x24,
    "#N/A": 0x2A,
    "#GETTING_DATA": 0x2B,
}


def varint(n, max_bytes):
    """7 bits a byte, low bits first, high bit set when another byte follows ([MS-XLSB] 2.1.4)."""
    value = n
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            break
    if len(out) > max_bytes:
        raise ValueError(f"{value} does not fit {max_bytes} bytes")
    return bytes(out)


def record(rt, body=b""):
    """Record header (type: 1-2 bytes, size: 1-4 bytes) then the body."""
    return varint(rt, 2) + varint(len(body), 4) + body


def u8(v):
    return struct.pack("<B", v)


def u16(v):
    return struct.pack("<H", v)


def u32(v):
    return struct.pack("<I", v)


def f64(v):
    return struct.pack("<d", v)


def wide(s):
    """XLWideString: u32 count of UTF-16 code units, then UTF-16LE."""
    data = s.encode("utf-16-le")
    return u32(len(data) // 2) + data


def rfx(r0, r1, c0, c1):
    """UncheckedRfX: rwFirst, rwLast, colFirst, colLast (u32 each, 0-based)."""
    return u32(r0) + u32(r1) + u32(c0) + u32(c1)


# ---------------------------------------------------------------------------------------------
# Styles: the smallest style sheet Excel's grammar ([MS-XLSB] 2.1.7.50) allows.


def color_auto():
    """BrtColor, automatic: all zero (8 bytes)."""
    return bytes(8)


def color_theme(theme):
    """BrtColor with xColorType = 3 (theme): fValidRGB 0, xColorType in bits 1-7."""
    return u8(3 << 1) + u8(theme) + u16(0) + bytes(4)


def font_calibri():
    # dyHeight (twips), grbit, bls (weight), sss, uls, bFamily, bCharSet, unused, brtColor,
    # bFontScheme (2 = minor), name.
    return (
        u16(11 * 20)
        + u16(0)
        + u16(400)
        + u16(0)
        + u8(0)
        + u8(2)
        + u8(0)
        + u8(0)
        + color_theme(1)
        + u8(2)
        + wide("Calibri")
    )


def fill(fls):
    # fls, brtColorFore, brtColorBack, iGradientType, xnumDegree, xnumFillToLeft/Right/Top/Bottom,
    # cNumStop (no stops).
    return u32(fls) + color_auto() + color_auto() + u32(0) + f64(0) * 5 + u32(0)


def border():
    # Diagonal flags, then top, bottom, left, right, diagonal: Blxf = dg, reserved, brtColor.
    return u8(0) + (u8(0) + u8(0) + color_auto()) * 5


def xf(parent):
    # ixfeParent, iFmt (0 = General), iFont, iFill, ixBorder, trot, indent,
    # flags (alcv = bottom (2 << 3), fLocked (bit 12)), xfGrbitAtr, unused.
    return (
        u16(parent)
        + u16(0)
        + u16(0)
        + u16(0)
        + u16(0)
        + u8(0)
        + u8(0)
        + u16((2 << 3) | (1 << 12))
        + u8(0)
        + u8(0)
    )


def styles_bin():
    out = bytearray()
    out += record(BrtBeginStyleSheet)
    out += record(BrtBeginFonts, u32(1))
    out += record(BrtFont, font_calibri())
    out += record(BrtEndFonts)
    out += record(BrtBeginFills, u32(2))
    out += record(BrtFill, fill(0))  # none
    out += record(BrtFill, fill(17))  # gray125
    out += record(BrtEndFills)
    out += record(BrtBeginBorders, u32(1))
    out += record(BrtBorder, border())
    out += record(BrtEndBorders)
    out += record(BrtBeginCellStyleXFs, u32(1))
    out += record(BrtXF, xf(0xFFFF))
    out += record(BrtEndCellStyleXFs)
    out += record(BrtBeginCellXFs, u32(1))
    out += record(BrtXF, xf(0))
    out += record(BrtEndCellXFs)
    out += record(BrtBeginStyles, u32(1))
    # ixf, grbitObj1 (fBuiltIn), iStyBuiltIn (0 = Normal), iLevel, name.
    out += record(BrtStyle, u32(0) + u16(1) + u8(0) + u8(0xFF) + wide("Normal"))
    out += record(BrtEndStyles)
    out += record(BrtBeginDXFs, u32(0))
    out += record(BrtEndDXFs)
    out += record(
        BrtBeginTableStyles,
        u32(0) + wide("TableStyleMedium2") + wide("PivotStyleLight16"),
    )
    out += record(BrtEndTableStyles)
    out += record(BrtEndStyleSheet)
    return bytes(out)


def calamine_reaches_cell_xfs(data):
    """calamine 0.38 (`Xlsb::read_styles`) reads the record *types* of styles.bin until it meets
    BrtBeginFmts or BrtBeginCellXFs, without skipping the bodies of the records in between: the
    bytes of those bodies are read as further types. Check that this walk still lands on
    BrtBeginCellXFs (and meets no false BrtBeginFmts), so calamine opens the file."""
    i = 0
    while i < len(data):
        b = data[i]
        i += 1
        rt = b
        if b & 0x80:
            rt = (b & 0x7F) + ((data[i] & 0x7F) << 7)
            i += 1
        if rt == 0x0267:
            return False
        if rt == 0x0269:
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Workbook, shared strings, sheets.


def workbook_bin(names):
    out = bytearray()
    out += record(BrtBeginBook)
    # flags (f1904 = 0 ...), dwThemeVersion, strName (code name).
    out += record(BrtWbProp, u32(0) + u32(0) + wide(""))
    out += record(BrtBeginBundleShs)
    for i, name in enumerate(names):
        # hsState (0 = visible), iTabID, strRelID, strName.
        out += record(BrtBundleSh, u32(0) + u32(i + 1) + wide(f"rId{i + 1}") + wide(name))
    out += record(BrtEndBundleShs)
    out += record(BrtEndBook)
    return bytes(out)


def shared_strings_bin(strings, total):
    out = bytearray()
    out += record(BrtBeginSst, u32(total) + u32(len(strings)))
    for s in strings:
        # RichStr: flags (fRichStr, fExtStr = 0), then the string.
        out += record(BrtSSTItem, u8(0) + wide(s))
    out += record(BrtEndSst)
    return bytes(out)


class Strings:
    def __init__(self):
        self.index = {}
        self.items = []
        self.total = 0

    def get(self, s):
        self.total += 1
        if s not in self.index:
            self.index[s] = len(self.items)
            self.items.append(s)
        return self.index[s]


def cell_record(col, value, strings, epoch):
    """The record of one cell, or None for an empty one. Cell = column, then iStyleRef (24 bits,
    0 = the one cell XF) and flags (8 bits)."""
    head = u32(col) + u32(0)
    if value is None:
        return None
    if isinstance(value, bool):
        return record(BrtCellBool, head + u8(1 if value else 0))
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        value = to_excel(value, epoch)
    if isinstance(value, datetime.timedelta):
        value = value.total_seconds() / 86400
    if isinstance(value, (int, float)):
        if isinstance(value, float) and value.is_integer() and abs(value) < 2**29:
            value = int(value)
        if isinstance(value, int) and -(2**29) <= value < 2**29:
            # RkNumber: fX100 = 0, fInt = 1, the integer in the upper 30 bits.
            return record(BrtCellRk, head + u32(((value << 2) | 0x2) & 0xFFFFFFFF))
        return record(BrtCellReal, head + f64(float(value)))
    text = str(value)
    if text in ERRORS:
        return record(BrtCellError, head + u8(ERRORS[text]))
    if text == "":
        return None
    return record(BrtCellIsst, head + u32(strings.get(text)))


def sheet_bin(ws, strings, epoch):
    cells = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is None:
                continue
            err = c.data_type == "e"
            value = str(c.value) if err else c.value
            cells.setdefault(c.row - 1, []).append((c.column - 1, value))
    hidden_rows = {r - 1 for r, d in ws.row_dimensions.items() if d.hidden}
    heights = {r - 1: d.height for r, d in ws.row_dimensions.items() if d.height}
    rows = sorted(set(cells) | hidden_rows)
    used = [c for cs in cells.values() for c, _ in cs]
    if cells:
        dim = rfx(min(cells), max(cells), min(used), max(used))
    else:
        dim = rfx(0, 0, 0, 0)

    out = bytearray()
    out += record(BrtBeginSheet)
    out += record(BrtWsDim, dim)

    # Column infos: one BrtColInfo per column range openpyxl knows (0-based, inclusive).
    cols = []
    for d in ws.column_dimensions.values():
        if d.min is None or d.max is None:
            continue
        if not (d.hidden or d.customWidth):
            continue
        width = d.width if d.width else 8.43
        cols.append((d.min - 1, min(d.max - 1, MAX_COL), width, bool(d.hidden)))
    cols.sort()
    if cols:
        out += record(BrtBeginColInfos)
        for c0, c1, width, hidden in cols:
            # colFirst, colLast, coldx (1/256 of a character), ixfe, flags: fHidden (bit 0),
            # fUserSet (bit 1).
            flags = (1 if hidden else 0) | 0x2
            body = u32(c0) + u32(c1) + u32(int(width * 256)) + u32(0) + u16(flags)
            out += record(BrtColInfo, body)
        out += record(BrtEndColInfos)

    out += record(BrtBeginSheetData)
    for r in rows:
        row_cells = sorted(cells.get(r, []))
        # BrtRowHdr ([MS-XLSB] 2.4.726): rw, ixfe, miyRw (twips), then a byte of fExtraAsc /
        # fExtraDsc, a byte of iOutLevel (bits 0-2), fCollapsed (3), fDyZero = hidden (4),
        # fUnsynced = custom height (5), fGhostDirty (6), then fPhShow, then ccolspan and the
        # column spans (colMic, colLast) of the row's cells.
        height = heights.get(r)
        flags = 0
        if r in hidden_rows:
            flags |= 0x10
        if height is not None:
            flags |= 0x20
        miy = int(round((height if height is not None else 15) * 20))
        if row_cells:
            spans = u32(1) + u32(row_cells[0][0]) + u32(row_cells[-1][0])
        else:
            spans = u32(0)
        out += record(BrtRowHdr, u32(r) + u32(0) + u16(miy) + u8(0) + u8(flags) + u8(0) + spans)
        for col, value in row_cells:
            rec = cell_record(col, value, strings, ws.parent.epoch)
            if rec is not None:
                out += rec
    out += record(BrtEndSheetData)

    merges = sorted(
        (m.min_row - 1, m.max_row - 1, m.min_col - 1, m.max_col - 1) for m in ws.merged_cells.ranges
    )
    if merges:
        out += record(BrtBeginMergeCells, u32(len(merges)))
        for r0, r1, c0, c1 in merges:
            out += record(BrtMergeCell, rfx(r0, r1, c0, c1))
        out += record(BrtEndMergeCells)
    out += record(BrtEndSheet)
    return bytes(out)


CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
{sheets}\
<Override PartName="/xl/styles.bin" ContentType="application/vnd.ms-excel.styles"/>\
<Override PartName="/xl/sharedStrings.bin" ContentType="application/vnd.ms-excel.sharedStrings"/>\
</Types>"""

ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.bin"/>\
</Relationships>"""

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def workbook_rels(n):
    rels = [
        f'<Relationship Id="rId{i + 1}" Type="{REL}worksheet" Target="worksheets/sheet{i + 1}.bin"/>'
        for i in range(n)
    ]
    rels.append(f'<Relationship Id="rId{n + 1}" Type="{REL}styles" Target="styles.bin"/>')
    rels.append(
        f'<Relationship Id="rId{n + 2}" Type="{REL}sharedStrings" Target="sharedStrings.bin"/>'
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(rels)
        + "</Relationships>"
    )


def convert(src, dst):
    wb = openpyxl.load_workbook(src, data_only=True)
    sheets = wb.worksheets
    strings = Strings()
    parts = [sheet_bin(ws, strings, wb.epoch) for ws in sheets]
    styles = styles_bin()
    assert calamine_reaches_cell_xfs(styles), "calamine would not find BrtBeginCellXFs"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i + 1}.bin" '
        'ContentType="application/vnd.ms-excel.worksheet"/>'
        for i in range(len(sheets))
    )
    # A fixed timestamp: the same xlsx always gives the same bytes.
    stamp = (2024, 1, 1, 0, 0, 0)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:

        def put(name, data):
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)

        put("[Content_Types].xml", CONTENT_TYPES.format(sheets=overrides))
        put("_rels/.rels", ROOT_RELS)
        put("xl/workbook.bin", workbook_bin([ws.title for ws in sheets]))
        put("xl/_rels/workbook.bin.rels", workbook_rels(len(sheets)))
        for i, part in enumerate(parts):
            put(f"xl/worksheets/sheet{i + 1}.bin", part)
        put("xl/styles.bin", styles)
        put("xl/sharedStrings.bin", shared_strings_bin(strings.items, strings.total))
    with open(dst, "wb") as f:
        f.write(buf.getvalue())


def main(argv):
    if len(argv) != 3:
        print(f"usage: {argv[0]} IN.xlsx OUT.xlsb", file=sys.stderr)
        return 2
    convert(argv[1], argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
