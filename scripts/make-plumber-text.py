#!/usr/bin/env python3
"""Write the pdfplumber `extract_text` text of PDFs (pages joined with a form feed), as users
who extract text with pdfplumber bring it: single spaces between cells, merged cells printed
centred over the rows they span.

usage: scripts/make-plumber-text.py OUT_DIR PDF...   (needs pdfplumber >= 0.11)
writes OUT_DIR/<stem>.plumber.txt for each PDF
"""
import os
import sys

import pdfplumber


def main() -> None:
    out, pdfs = sys.argv[1], sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    for p in pdfs:
        with pdfplumber.open(p) as pdf:
            text = "\f".join((page.extract_text() or "") for page in pdf.pages)
        stem = os.path.splitext(os.path.basename(p))[0]
        with open(os.path.join(out, stem + ".plumber.txt"), "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
