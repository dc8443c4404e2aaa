#!/usr/bin/env python3
"""Reader benchmarks for BENCHMARKS.md (issues 3 and 4), run side by side in one process:

* PDF: pages per second on the corpus PDFs for `perfnorm convert` (full structure, JSON out),
  `pdftotext -layout` (poppler, text only) and pdfplumber's `extract_tables()`.
* Workbook: a 5,000-row indicator workbook (built here with openpyxl from a corpus sheet),
  converted end to end by perfnorm, against reading the same file with openpyxl.

usage: python3 scripts/bench-readers.py [--runs N]     (needs a release build, pdfplumber, openpyxl)
       python3 scripts/bench-readers.py --make-workbook PATH   (only write the workbook, for profiling)
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
    return best_both(fn)[0]

def best_both(fn):
    """Best CPU time and best wall time of RUNS runs."""
    cpus, walls = [], []
    for _ in range(RUNS):
        t, w = cpu(), time.perf_counter(); fn()
        cpus.append(cpu() - t); walls.append(time.perf_counter() - w)
    return min(cpus), min(walls)

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
    def perfnorm_batch_all_cores():
        run([BIN, 'convert', *pdfs, '-d', os.path.join(out, 'batch2'), '-q'])
    def pdftotext():
        for p in pdfs:
            run(['pdftotext', '-layout', p, os.path.join(out, 'x.txt')])
    def plumber():
        for p in pdfs:
            with pdfplumber.open(p) as doc:
                for page in doc.pages:
                    page.extract_tables()
    rows = [('perfnorm convert, one process per file (grid + normalized JSON)', best_both(perfnorm)),
            ('perfnorm convert, one process for all files, -j 1', best_both(perfnorm_batch)),
            (f'perfnorm convert, one process for all files, all {os.cpu_count()} cores (default)', best_both(perfnorm_batch_all_cores)),
            ('pdftotext -layout, one process per file (text only)', best_both(pdftotext)),
            ('pdfplumber extract_tables, one Python process (cells only)', best_both(plumber))]
    print(f'\nPDF: {len(pdfs)} corpus files, {pages} pages; best of {RUNS} runs; CPU = user + system seconds of the process and its children\n')
    print('| tool | CPU s | pages per CPU s | wall s | pages/s (wall) |\n|---|---:|---:|---:|---:|')
    for name, (c, w) in rows:
        print(f'| {name} | {c:.3f} | {pages / c:.0f} | {w:.3f} | {pages / w:.0f} |')
    plumber_c, plumber_w = rows[-1][1]
    print(f'\npdfplumber / perfnorm: {plumber_c / rows[1][1][0]:.1f}x per CPU second (one process, -j 1), '
          f'{plumber_w / rows[2][1][1]:.1f}x in wall time (perfnorm on all cores)')

def make_workbook(path):
    """Write the 5,000-row indicator workbook to `path`; return its row count."""
    import openpyxl
    src = openpyxl.load_workbook(os.path.join(CORPUS, 'c01_lianyungang_falv_yuanzhu_2024.xlsx')).active
    # The corpus project table (banner, fields, funds, header on row 12, 12 indicator rows with
    # their merged 一级/二级 groups and D:E name merges), its indicator rows repeated to 5,000
    # with the merges repeated too: one long real table, not a flat dump.
    head_rows = 12
    body = [[c.value for c in r] for r in src.iter_rows(min_row=head_rows + 1)]
    body_merges = [m for m in src.merged_cells.ranges if m.min_row > head_rows]
    wb = openpyxl.Workbook(); ws = wb.active
    for r in src.iter_rows(max_row=head_rows):
        ws.append([c.value for c in r])
    for m in src.merged_cells.ranges:
        if m.max_row <= head_rows:
            ws.merge_cells(m.coord)
    copy_no = 0
    while ws.max_row - head_rows < 5000:
        off = head_rows + copy_no * len(body)
        for r in body:
            r = list(r)
            if r[3]:
                r[3] = f'{r[3]}{copy_no}'
            ws.append(r)
        for m in body_merges:
            ws.merge_cells(start_row=m.min_row - head_rows + off, end_row=m.max_row - head_rows + off,
                           start_column=m.min_col, end_column=m.max_col)
        copy_no += 1
    ws.merge_cells(start_row=head_rows, end_row=ws.max_row, start_column=1, end_column=1)
    wb.save(path)
    return ws.max_row

def sheet_bench():
    import openpyxl
    path = os.path.join(tempfile.mkdtemp(), 'indicators-5000.xlsx')
    n_rows = make_workbook(path)
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
    print(f'\nWorkbook: {n_rows} rows, {inds} indicators found, CPU seconds (user+sys), best of {RUNS} runs\n')
    print('| tool | seconds | rows/s |\n|---|---|---|')
    print(f'| perfnorm convert (read + normalize + JSON) | {a:.3f} | {n_rows / a:.0f} |')
    print(f'| openpyxl load_workbook + iterate cells (read only) | {b:.3f} | {n_rows / b:.0f} |')
    print(f'\nperfnorm end to end is {b / a:.1f}x faster than reading the file with openpyxl.')

if __name__ == '__main__':
    if '--make-workbook' in sys.argv:
        print(make_workbook(sys.argv[sys.argv.index('--make-workbook') + 1]), 'rows')
        sys.exit()
    print(f'machine: {os.cpu_count()} cores; perfnorm {subprocess.run([BIN, "--version"], capture_output=True, text=True).stdout.strip()}')
    pdf_bench()
    sheet_bench()
