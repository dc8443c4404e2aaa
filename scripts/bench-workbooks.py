#!/usr/bin/env python3
"""Workbook benchmark for BENCHMARKS.md (issue 17): perfnorm's whole conversion against
python-calamine's raw read (the Python binding of the calamine crate), side by side in one run.

* Archive: the distinct small xlsx workbooks of samples/ and the shared corpus (21 of them,
  picked by content), 20 copies each: 420 files in one folder, converted by one
  `perfnorm convert DIR -d OUT -t json -j 1`, against one Python process that opens each file
  with python-calamine and reads every cell of every sheet (the interpreter's start included).
* Long table: the 5,016-row indicator workbook of `bench-readers.py --make-workbook`, converted
  by `perfnorm convert FILE -o OUT.json`, against python-calamine reading its cells.

CPU seconds (user + system of the child process), median of N runs, the two tools alternating
so that the machine's load falls on both alike.

usage: python3 scripts/bench-workbooks.py [--runs N] [--keep DIR]
       (needs a release build, `pip install python-calamine openpyxl`)
"""
import hashlib, glob, os, resource, shutil, statistics, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get('SHARED', os.path.join(ROOT, '..', 'shared'))
BIN = os.environ.get('BIN', os.path.join(ROOT, 'target', 'release', 'perfnorm'))
RUNS = int(sys.argv[sys.argv.index('--runs') + 1]) if '--runs' in sys.argv else 5
DISTINCT, COPIES = 21, 20

RAW_READ = r'''
import sys
from python_calamine import CalamineWorkbook
n = 0
for path in sys.argv[1:]:
    wb = CalamineWorkbook.from_path(path)
    for name in wb.sheet_names:
        for row in wb.get_sheet_by_name(name).to_python():
            n += len(row)
print(n)
'''


def distinct_workbooks():
    """The first DISTINCT xlsx files by content, samples first, then the corpora."""
    seen, out = set(), []
    pattern = ['samples/**/*.xlsx']
    paths = sorted(glob.glob(os.path.join(ROOT, pattern[0]), recursive=True))
    paths += sorted(glob.glob(os.path.join(SHARED, 'corpus*', '**', '*.xlsx'), recursive=True))
    for p in paths:
        digest = hashlib.sha256(open(p, 'rb').read()).hexdigest()
        if digest not in seen:
            seen.add(digest)
            out.append(p)
    return out[:DISTINCT]


def make_archive(folder):
    os.makedirs(folder, exist_ok=True)
    files = distinct_workbooks()
    for copy in range(COPIES):
        for i, src in enumerate(files):
            shutil.copy(src, os.path.join(folder, f'w{i:02}_{copy:02}.xlsx'))
    return len(files)


def child_cpu(cmd):
    """CPU seconds (user + system) the command took. Exit status 1 is allowed: one workbook of
    the samples (`not_a_table.xlsx`) holds no table, which perfnorm reports."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    if subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode > 1:
        sys.exit(f'failed: {cmd[:4]}')
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def compare(name, ours, theirs):
    """Run both commands RUNS times, alternating; print a table row."""
    a, b = [], []
    for _ in range(RUNS):
        a.append(child_cpu(ours))
        b.append(child_cpu(theirs))
    ma, mb = statistics.median(a), statistics.median(b)
    print(f'| {name} | {ma:.3f} ({min(a):.3f}–{max(a):.3f}) | {mb:.3f} ({min(b):.3f}–{max(b):.3f}) '
          f'| {ma / mb:.2f}x |')
    return ma, mb


def main():
    work = sys.argv[sys.argv.index('--keep') + 1] if '--keep' in sys.argv else tempfile.mkdtemp()
    archive = os.path.join(work, 'archive')
    if not os.path.isdir(archive):
        make_archive(archive)
    files = sorted(glob.glob(os.path.join(archive, '*.xlsx')))
    long_path = os.path.join(work, 'indicators-5000.xlsx')
    if not os.path.exists(long_path):
        subprocess.run([sys.executable, os.path.join(ROOT, 'scripts', 'bench-readers.py'),
                        '--make-workbook', long_path], check=True, stdout=subprocess.DEVNULL)
    out = os.path.join(work, 'out')
    print(f'load average before: {os.getloadavg()[0]:.2f}; {os.cpu_count()} cores; '
          f'median (min–max) of {RUNS} runs, CPU s = user + system\n')
    print('| input | perfnorm convert CPU s | python-calamine raw read CPU s | ratio |')
    print('|---|---:|---:|---:|')
    compare(f'{len(files)} small workbooks', [BIN, 'convert', archive, '-d', out, '-t', 'json', '-j', '1', '-q'],
            [sys.executable, '-c', RAW_READ, *files])
    compare('5,016-row workbook', [BIN, 'convert', long_path, '-o', os.path.join(work, 'long.json')],
            [sys.executable, '-c', RAW_READ, long_path])
    compare('python start only (for reference)', ['true'], [sys.executable, '-c', 'import python_calamine'])


if __name__ == '__main__':
    main()
