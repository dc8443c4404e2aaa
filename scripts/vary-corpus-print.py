#!/usr/bin/env python3
"""Print the corpus workbooks differently and score what perfnorm makes of the prints.

The corpus PDFs are all portrait at 100%. Departments print landscape, scaled to fit, with
narrower columns; each changes where LibreOffice breaks pages, how it cuts merged labels and
how it kerns text. This script re-prints every corpus workbook three ways with LibreOffice
(landscape; portrait at 60%; landscape with columns at 70% width, so text wraps more), converts
each PDF, and its `pdftotext -layout` text, with the release build, and scores them against the
truth files.

usage: python3 scripts/vary-corpus-print.py [OUT_DIR]   (needs openpyxl, soffice, pdftotext)
"""
import glob, json, os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
C = os.environ.get('CORPUS', os.path.join(ROOT, '..', 'shared', 'corpus'))
BIN = os.environ.get('BIN', os.path.join(ROOT, 'target', 'release', 'perfnorm'))


def variants(ws, kind):
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if kind in ('landscape', 'narrow'):
        ws.page_setup.orientation = 'landscape'
    if kind == 'scaled60':
        ws.page_setup.scale = 60
    if kind == 'narrow':
        for d in ws.column_dimensions.values():
            if d.width:
                d.width = d.width * 0.7


def main(out):
    import openpyxl
    os.makedirs(out, exist_ok=True)
    kinds = ['landscape', 'scaled60', 'narrow']
    for f in sorted(glob.glob(os.path.join(C, '*.xlsx'))):
        name = os.path.basename(f)[:-5]
        for kind in kinds:
            wb = openpyxl.load_workbook(f)
            for ws in wb.worksheets:
                variants(ws, kind)
            wb.save(os.path.join(out, f'{name}.{kind}.xlsx'))
    subprocess.run(['soffice', '--headless', '--convert-to', 'pdf', '--outdir', out,
                    *sorted(glob.glob(os.path.join(out, '*.xlsx')))],
                   check=True, capture_output=True)
    totals = {}
    for pdf in sorted(glob.glob(os.path.join(out, '*.pdf'))):
        name, kind = os.path.basename(pdf).split('.')[:2]
        txt = pdf[:-4] + '.layout.txt'
        subprocess.run(['pdftotext', '-layout', pdf, txt], check=True)
        for src, what in [(pdf, 'pdf'), (txt, 'layout.txt')]:
            js = src + '.json'
            subprocess.run([BIN, 'convert', src, '-o', js], capture_output=True)
            r = json.loads(subprocess.run(
                ['python3', os.path.join(C, 'score.py'), os.path.join(C, name + '.truth.json'), js],
                capture_output=True, text=True).stdout or '{}')
            s = (r.get('ind_f1', 0.0), r.get('funds_f1', 0.0), r.get('fields', 0.0),
                 r.get('meta', 0.0))
            totals.setdefault((kind, what), []).append(s)
            if min(s) < 1:
                print(f'{name} {kind} {what}: ind {s[0]:.3f} funds {s[1]:.3f} fields {s[2]:.3f} '
                      f'meta {s[3]:.3f}')
    print('\n| print | input | files | ind F1 | funds F1 | fields | meta |\n'
          '|---|---|---:|---:|---:|---:|---:|')
    for (kind, what), ss in sorted(totals.items()):
        n = len(ss)
        print(f'| {kind} | {what} | {n} | ' + ' | '.join(f'{sum(x[i] for x in ss) / n:.3f}' for i in range(4)) + ' |')


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp())
