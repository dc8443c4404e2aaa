#!/usr/bin/env python3
"""Write a corpus workbook as the Markdown and HTML that document extractors (Docling, MinerU,
Marker) produce, for the markup text readers' samples.

HTML keeps merged cells as rowspan/colspan; Markdown cannot, so a merged cell gives its text in
its first cell and leaves the rest empty. Rows of one non-empty merged cell across the table
(title, year line, unit note) become a heading or paragraph before the table, as extractors do.

usage: scripts/make_markup_samples.py WORKBOOK.xlsx OUT.md|OUT.html
"""
import html
import sys

import openpyxl


def shown(cell):
    v = cell.value
    if v is None:
        return ""
    if isinstance(v, float):
        fmt = cell.number_format or ""
        if "0.00" in fmt:
            return f"{v:,.2f}" if "#,##" in fmt else f"{v:.2f}"
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v)


def load(path):
    ws = openpyxl.load_workbook(path).worksheets[0]
    spans, covered = {}, set()
    for m in ws.merged_cells.ranges:
        spans[(m.min_row, m.min_col)] = (m.max_row - m.min_row + 1, m.max_col - m.min_col + 1)
        for r in range(m.min_row, m.max_row + 1):
            for c in range(m.min_col, m.max_col + 1):
                if (r, c) != (m.min_row, m.min_col):
                    covered.add((r, c))
    width = ws.max_column
    rows = []
    for r in range(1, ws.max_row + 1):
        rows.append([(shown(ws.cell(r, c)), spans.get((r, c), (1, 1)), (r, c) in covered)
                     for c in range(1, width + 1)])
    return rows, width


def banner(row, width):
    """The text of a row that is one merged cell across the whole table, or None."""
    first = row[0]
    if first[0] and first[1][1] == width and first[1][0] == 1:
        return first[0]
    return None


def markdown(rows, width):
    out, head, table = [], True, []
    for row in rows:
        b = banner(row, width)
        if head and b is not None:
            out.append(("# " if not out else "") + b)
            out.append("")
            continue
        head = False
        table.append("| " + " | ".join(t.replace("|", "\\|").replace("\n", "<br>")
                                        for t, _, _ in row) + " |")
        if len(table) == 1:
            table.append("|" + "---|" * width)
    return "\n".join(out + table) + "\n"


def to_html(rows, width):
    out, head = ["<!DOCTYPE html>", "<html><head><meta charset=\"utf-8\"></head><body>"], True
    body = []
    for row in rows:
        b = banner(row, width)
        if head and b is not None:
            tag = "h1" if len(out) == 2 else "p"
            out.append(f"<{tag}>{html.escape(b)}</{tag}>")
            continue
        head = False
        cells = []
        for t, (rs, cs), cov in row:
            if cov:
                continue
            attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            cells.append(f"<td{attrs}>{html.escape(t).replace(chr(10), '<br>')}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    out.append("<table>")
    out.extend(body)
    out.append("</table></body></html>")
    return "\n".join(out) + "\n"


def main():
    src, dst = sys.argv[1], sys.argv[2]
    rows, width = load(src)
    text = to_html(rows, width) if dst.endswith(".html") else markdown(rows, width)
    with open(dst, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
