#!/usr/bin/env python3
"""Reader benchmarks for BENCHMARKS.md (issues 3 and 4), run side by side in one process:

* PDF: pages per second on the corpus PDFs for `perfnorm convert` (full structure, JSON out),
  `pdftotext -layout` (poppler, text only) and pdfplumber's `extract_tables()`.
* Workbook: a 5,000-row indicator workbook (built here with openpyxl from a corpus sheet),
  converted end to end by perfnorm, against reading the same file with openpyxl.

usage: python3 scripts/bench-readers.py [--runs N]     (needs a release build, pdfplumber, openpyxl)
"""
import glob, os, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.environ.get('CORPUS', os.path.join(ROOT, '..', 'shared', 'corpus'))
BIN = os.environ.get('BIN', os.path.join(ROOT, 'target', 'release', 'perfnorm'))
RUNS = int(sys.argv[sys.argv.index('--runs') + 1]) if '--runs' in sys.argv else 5

def cpu():
    """CPU seconds (user + system) of this process and its finished children: unlike wall time,
    it does not count the time other processes on the machine take from us."""
    import resource
    a = resource.getrusage(resource.RUSAGE_SELF)
    b = resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime

def best(fn):
    """Best CPU time of RUNS runs."""
    times = []
    for _ in range(RUNS):
        t = cpu(); fn(); times.append(cpu() - t)
    return min(times)

def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def pdf_bench():
    import pdfplumber
    pdfs = sorted(glob.glob(os.path.join(CORPUS, '*.pdf')))
    pages = sum(len(pdfplumber.open(p).pages) for p in pdfs)
    out = tempfile.mkdtemp()
    def perfnorm():
        for p in pdfs:
            run([BIN, 'convert', p, '-o', os.path.join(out, 'x.json')])
    def perfnorm_batch():
        run([BIN, 'convert', *pdfs, '-d', os.path.join(out, 'batch'), '-j', '1', '-q'])
    def pdftotext():
        for p in pdfs:
            run(['pdftotext', '-layout', p, os.path.join(out, 'x.txt')])
    def plumber():
        for p in pdfs:
            with pdfplumber.open(p) as doc:
                for page in doc.pages:
                    page.extract_tables()
    rows = [('perfnorm convert, one process per file (grid + normalized JSON)', best(perfnorm)),
            ('perfnorm convert, one process for all files, -j 1', best(perfnorm_batch)),
            ('pdftotext -layout (text only)', best(pdftotext)),
            ('pdfplumber extract_tables (cells only)', best(plumber))]
    print(f'\nPDF: {len(pdfs)} corpus files, {pages} pages, CPU seconds (user+sys), best of {RUNS} runs, one process per file for the CLIs\n')
    print('| tool | seconds | pages/s | vs perfnorm |\n|---|---|---|---|')
    for name, s in rows:
        print(f'| {name} | {s:.3f} | {pages / s:.0f} | {s / rows[0][1]:.1f}x |')

def sheet_bench():
    import openpyxl, copy
    src = openpyxl.load_workbook(os.path.join(CORPUS, 'c01_lianyungang_falv_yuanzhu_2024.xlsx')).active
    wb = openpyxl.Workbook(); ws = wb.active
    head = [[c.value for c in r] for r in src.iter_rows(max_row=11)]
    for r in head:
        ws.append(r)
    body = [[c.value for c in r] for r in src.iter_rows(min_row=12)]
    body = [r for r in body if any(v is not None for v in r)]
    n = 0
    while n < 5000:
        for r in body:
            r = list(r)
            if r[3]:
                r[3] = f'{r[3]}{n}'
            ws.append(r); n += 1
    path = os.path.join(tempfile.mkdtemp(), 'indicators-5000.xlsx')
    wb.save(path)
    out = os.path.join(os.path.dirname(path), 'x.json')
    def perfnorm():
        run([BIN, 'convert', path, '-o', out])
    def openpyxl_read():
        w = openpyxl.load_workbook(path, read_only=False)
        for row in w.active.iter_rows(values_only=True):
            pass
    a, b = best(perfnorm), best(openpyxl_read)
    import json
    inds = sum(len(t['indicators']) for t in json.load(open(out))['tables'])
    print(f'\nWorkbook: {ws.max_row} rows, {inds} indicators found, CPU seconds (user+sys), best of {RUNS} runs\n')
    print('| tool | seconds | rows/s |\n|---|---|---|')
    print(f'| perfnorm convert (read + normalize + JSON) | {a:.3f} | {ws.max_row / a:.0f} |')
    print(f'| openpyxl load_workbook + iterate cells (read only) | {b:.3f} | {ws.max_row / b:.0f} |')
    print(f'\nperfnorm end to end is {b / a:.1f}x faster than reading the file with openpyxl.')

if __name__ == '__main__':
    print(f'machine: {os.cpu_count()} cores; perfnorm {subprocess.run([BIN, "--version"], capture_output=True, text=True).stdout.strip()}')
    pdf_bench()
    sheet_bench()
