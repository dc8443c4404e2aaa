#!/usr/bin/env python3
"""The per-file floor (issue 17): what one small file costs from process start to exit.

For `perfnorm --version`, a tiny workbook and a one-page PDF it reports
* CPU milliseconds per process (user + system, median of N runs of the whole process);
* instructions per step from one `valgrind --tool=callgrind` run: loading and relocating the
  binary, Rust start-up with the allocator and command line, reading, normalizing (of which
  regex compilation), writing, hashing the input, and the whole process.

usage: python3 scripts/bench-floor.py [--runs N]     (needs a release build and valgrind)
"""
import os, re, resource, statistics, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get('BIN', os.path.join(ROOT, 'target', 'release', 'perfnorm'))
RUNS = int(sys.argv[sys.argv.index('--runs') + 1]) if '--runs' in sys.argv else 100
OUT = tempfile.mkdtemp()
CASES = [
    ('perfnorm --version', [BIN, '--version']),
    ('tiny workbook (samples/real/two_level.xlsx)',
     [BIN, 'convert', os.path.join(ROOT, 'samples/real/two_level.xlsx'), '-o', os.path.join(OUT, 'x.json')]),
    ('1-page PDF (samples/pdf/font_cid.pdf)',
     [BIN, 'convert', os.path.join(ROOT, 'samples/pdf/font_cid.pdf'), '-o', os.path.join(OUT, 'p.json')]),
]
# (step, function whose inclusive instructions measure it)
STEPS = [
    ('load + relocate (ld.so)', r'rtld\.c:_dl_start '),
    ('Rust start-up, allocator, command line', r'std::rt::lang_start_internal '),
    ('  of it: mimalloc init', r'mi_process_init '),
    ('  of it: clap parse', r'clap_builder::derive::Parser::parse '),
    ('read (ingest::read)', r'perfnorm::ingest::read '),
    ('normalize (normalize_all)', r'perfnorm::normalize::normalize_all '),
    ('regex compilation (Regex::new, in any step)', r'regex::regex::string::Regex::new '),
    ('write JSON (json::to_bytes)', r'perfnorm::write::json::to_bytes '),
    ('SHA-256 of the input (software under valgrind)', r'sha2::sha256::compress256 '),
]


def cpu_ms(cmd):
    times = []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
    return statistics.median(times)


def steps(cmd):
    out = os.path.join(OUT, 'cg.out')
    subprocess.run(['valgrind', '--tool=callgrind', f'--callgrind-out-file={out}', *cmd],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    text = subprocess.run(['callgrind_annotate', '--inclusive=yes', out],
                          capture_output=True, text=True).stdout
    total = int(re.search(r'([\d,]+) \(100\.0%\)\s+PROGRAM TOTALS', text).group(1).replace(',', ''))
    found = {}
    for name, pat in STEPS:
        m = re.search(r'^\s*([\d,]+) \([^)]*\)\s+\S*' + pat, text, re.M)
        found[name] = int(m.group(1).replace(',', '')) if m else 0
    return total, found


def main():
    print(f'load average before: {os.getloadavg()[0]:.2f}; CPU ms = median of {RUNS} processes; '
          'instructions (M) from one callgrind run\n')
    results = [(name, cpu_ms(cmd), *steps(cmd)) for name, cmd in CASES]
    print('| step | ' + ' | '.join(r[0] for r in results) + ' |')
    print('|---|' + '---:|' * len(results))
    print('| CPU ms per process | ' + ' | '.join(f'{r[1]:.2f}' for r in results) + ' |')
    print('| instructions, whole process (M) | ' + ' | '.join(f'{r[2] / 1e6:.2f}' for r in results) + ' |')
    for name, _ in STEPS:
        print(f'| {name} | ' + ' | '.join(f'{r[3][name] / 1e6:.2f}' for r in results) + ' |')


if __name__ == '__main__':
    main()
