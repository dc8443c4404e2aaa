#!/usr/bin/env python3
"""Re-damage the corpus workbooks at random, the way PDF text extraction damages tables (rows
shifted one or two columns left or right, a merged cell's text in the merge's last column,
page-break blank lines; header rows included), convert each damaged copy with the release
build and score it against the truth. Tests the shift repair beyond the corpus's own damage.

usage: python3 scripts/redamage-corpus.py [SEEDS...]    (default seeds 1-8; needs openpyxl)
"""
import json, os, subprocess, tempfile
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
C = os.environ.get('CORPUS', os.path.join(ROOT, '..', 'shared', 'corpus')) + '/'
BIN = os.environ.get('BIN', os.path.join(ROOT, 'target', 'release', 'perfnorm'))
import openpyxl, random
def grid(path):
    wb=openpyxl.load_workbook(path); ws=wb.active
    merged={}
    for m in ws.merged_cells.ranges:
        for r in range(m.min_row,m.max_row+1):
            for c in range(m.min_col,m.max_col+1):
                if (r,c)!=(m.min_row,m.min_col): merged[(r,c)]=(m.min_row,m.min_col,m.max_col)
    rows=[]
    W=ws.max_column
    spans={}
    for m in ws.merged_cells.ranges: spans[(m.min_row,m.min_col)]=m.max_col
    for r in range(1,ws.max_row+1):
        row=[]
        for c in range(1,W+1):
            v=ws.cell(r,c).value
            if (r,c) in merged or v is None: row.append('')
            else:
                if isinstance(v,float) and v==int(v): v=int(v)
                fmt=ws.cell(r,c).number_format
                if isinstance(v,(int,float)) and fmt in ('0.00','#,##0.00'):
                    v=f'{v:,.2f}' if ',' in fmt else f'{v:.2f}'
                row.append(str(v).replace('\n',' '))
        rows.append((row,spans,r))
    return rows,W
def damage(rows,W,seed):
    rnd=random.Random(seed)
    out=[]
    for row,spans,r in rows:
        cells=list(row)
        if not any(cells): continue
        filled=[i for i,x in enumerate(cells) if x]
        if len(filled)==1 and len(cells)>1 and filled[0]==0 and spans.get((r,1),1)>=W-1:
            out.append(cells[0]); out.append(''); continue
        p=rnd.random()
        lead=0
        while lead<len(cells) and not cells[lead]: lead+=1
        if p<0.12 and lead>0:
            k=rnd.randint(1,min(2,lead)); cells=cells[k:]+['']*k
        elif p<0.24:
            k=rnd.randint(1,2); cells=['']*k+cells
            while len(cells)>W and cells[-1]=='': cells.pop()
        elif p<0.32:
            # tail: text of a horizontally merged cell in the last column of the merge
            for (rr,cc),mc in spans.items():
                if rr==r and mc>cc and cells[cc-1] and not cells[mc-1]:
                    cells[mc-1]=cells[cc-1]; cells[cc-1]=''
        out.append('\t'.join(cells))
        if rnd.random()<0.04: out.append('')
    return '\n'.join(out)

def main(seeds):
    names = sorted(f[:-len('.truth.json')] for f in os.listdir(C)
                   if f.endswith('.truth.json') and os.path.exists(C + f[:-len('.truth.json')] + '.xlsx'))
    out = tempfile.mkdtemp()
    scores = []
    for name in names:
        rows, W = grid(C + name + '.xlsx')
        for seed in seeds:
            txt = os.path.join(out, f'{name}.{seed}.txt')
            open(txt, 'w', encoding='utf-8').write('\n\n' + damage(rows, W, seed))
            js = txt + '.json'
            subprocess.run([BIN, 'convert', txt, '--from', 'text', '-o', js], capture_output=True)
            r = json.loads(subprocess.run(['python3', C + 'score.py', C + name + '.truth.json', js],
                                          capture_output=True, text=True).stdout)
            scores.append((r['ind_f1'], r['funds_f1']))
            if r['ind_f1'] < 1 or r['funds_f1'] < 1:
                print(name, seed, r['ind_f1'], r['funds_f1'], r.get('missing', [])[:1])
    n = len(scores)
    print(f'{n} damaged copies: mean indicator F1 {sum(s[0] for s in scores) / n:.4f}, '
          f'mean funds F1 {sum(s[1] for s in scores) / n:.4f}')

if __name__ == '__main__':
    import sys
    main([int(a) for a in sys.argv[1:]] or list(range(1, 9)))
