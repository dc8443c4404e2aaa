#!/usr/bin/env python3
"""Reshape the corpus workbooks the ways real ones differ, and score what perfnorm makes of them.

Three variants of every corpus workbook, written with openpyxl:
* `unmerged`: every merged cell undone, its text left in the top-left cell only;
* `repeat`:   every merged cell undone and its text written into each cell it covered;
* `offset`:   the table moved to C4 (three rows and two columns in front), merges kept.
openpyxl also stores texts such as `=100%` as formulas with no saved value, as scripts do.

usage: python3 scripts/reshape-corpus-workbooks.py [OUT_DIR]    (needs openpyxl)
"""
import glob, json, os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
C = os.environ.get('CORPUS', os.path.join(ROOT, '..', 'shared', 'corpus'))
BIN = os.environ.get('BIN', os.path.join(ROOT, 'target', 'release', 'perfnorm'))


def reshape(src_path, kind, out_path):
    import openpyxl
    if kind == 'offset':
        src = openpyxl.load_workbook(src_path).active
        wb = openpyxl.Workbook()
        ws = wb.active
        for row in src.iter_rows():
            for c in row:
                if c.value is not None:
                    ws.cell(c.row + 3, c.column + 2).value = c.value
        for m in src.merged_cells.ranges:
            ws.merge_cells(start_row=m.min_row + 3, end_row=m.max_row + 3,
                           start_column=m.min_col + 2, end_column=m.max_col + 2)
    else:
        wb = openpyxl.load_workbook(src_path)
        ws = wb.active
        for m in list(ws.merged_cells.ranges):
            v = ws.cell(m.min_row, m.min_col).value
            ws.unmerge_cells(str(m))
            if kind == 'repeat':
                for r in range(m.min_row, m.max_row + 1):
                    for c in range(m.min_col, m.max_col + 1):
                        ws.cell(r, c).value = v
    wb.save(out_path)


def main(out):
    os.makedirs(out, exist_ok=True)
    totals = {}
    for f in sorted(glob.glob(os.path.join(C, '*.xlsx'))):
        name = os.path.basename(f)[:-5]
        for kind in ['unmerged', 'repeat', 'offset']:
            path = os.path.join(out, f'{name}.{kind}.xlsx')
            reshape(f, kind, path)
            js = path + '.json'
            subprocess.run([BIN, 'convert', path, '-o', js], capture_output=True)
            r = json.loads(subprocess.run(
                ['python3', os.path.join(C, 'score.py'), os.path.join(C, name + '.truth.json'), js],
                capture_output=True, text=True).stdout or '{}')
            s = tuple(r.get(k, 0.0) for k in ('ind_f1', 'funds_f1', 'fields', 'meta'))
            totals.setdefault(kind, []).append(s)
            if min(s) < 1:
                print(f'{name} {kind}: ind {s[0]:.3f} funds {s[1]:.3f} fields {s[2]:.3f} meta {s[3]:.3f}')
    print('\n| workbook | files | ind F1 | funds F1 | fields | meta |\n|---|---:|---:|---:|---:|---:|')
    for kind, ss in totals.items():
        n = len(ss)
        print(f'| {kind} | {n} | ' + ' | '.join(f'{sum(x[i] for x in ss) / n:.3f}' for i in range(4)) + ' |')


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp())
