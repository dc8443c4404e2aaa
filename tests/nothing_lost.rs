//! Nothing lost: for every sample, every non-empty cell the reader found must show up in the
//! converted document — as text somewhere in the output, quoted by a diagnostic (an
//! `unplaced_cell` or `no_table`), as a header word the normalizer reads as structure (a
//! column name, a field label, a funds block name), or as a number equal to an amount.
//!
//! Texts are compared after NFKC, with all white space removed and punctuation folded to one
//! width, since the normalizer canonicalises (`(一) 按照` → `（一）按照`, `％` → `%`).
//!
//! Losses known today are listed in `KNOWN_LOSSES` (normalizer bugs for the lead); the test
//! fails on any new loss, and on a listed loss that is fixed, so the list stays true.

use perfnorm::ingest::{self, ReadOptions};
use perfnorm::internals::vocab;
use perfnorm::{ConvertOptions, convert_file};
use std::collections::BTreeSet;
use unicode_normalization::UnicodeNormalization;

mod common;
use common::{root, samples};

/// `(sample path below samples/, normalized cell text)` lost today. Each is a normalizer bug
/// reported to the lead; remove an entry when its fix lands (the test says when).
const KNOWN_LOSSES: &[(&str, &str)] = &[];

/// NFKC, no white space, one width for punctuation (NFKC already maps full-width ASCII forms
/// such as `（` `％` `：` to ASCII; the CJK forms it keeps are mapped here).
fn norm(s: &str) -> String {
    s.nfkc()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '，' | '、' => ',',
            '。' => '.',
            '“' | '”' | '「' | '」' => '"',
            '‘' | '’' => '\'',
            '—' | '–' | '－' => '-',
            '～' | '〜' => '~',
            '【' | '〔' => '[',
            '】' | '〕' => ']',
            '《' | '〈' => '<',
            '》' | '〉' => '>',
            c => c,
        })
        .collect()
}

/// Every string in a JSON value (normalized) and every number.
fn collect(v: &serde_json::Value, strings: &mut Vec<String>, numbers: &mut Vec<f64>) {
    match v {
        serde_json::Value::String(s) => strings.push(norm(s)),
        serde_json::Value::Number(n) => numbers.extend(n.as_f64()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect(x, strings, numbers)),
        serde_json::Value::Object(o) => o.values().for_each(|x| collect(x, strings, numbers)),
        _ => {}
    }
}

/// A cell that reads as a number (`1,290.00`, `95%`, `12.5`, `80万元`: an amount with the
/// table's unit written after it).
fn as_number(s: &str) -> Option<f64> {
    let t = s.replace([',', '，'], "");
    let t = t.trim_end_matches(['%', '％']).trim();
    let t = t
        .strip_suffix("万元")
        .or(t.strip_suffix('万'))
        .or(t.strip_suffix('元'))
        .unwrap_or(t);
    t.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// The text around a table that the normalizer turns into structure: the year line
/// (`2026年度`, `（2024年度）` → `year`) and the unit note (`单位：万元` → `funds.unit`).
fn consumed_note(n: &str, hay: &str, numbers: &[f64]) -> bool {
    let digits: String = n.chars().filter(|c| c.is_ascii_digit()).collect();
    let rest: String = n
        .chars()
        .filter(|c| !c.is_ascii_digit() && !matches!(c, '(' | ')'))
        .collect();
    if digits.len() == 4 && (rest == "年度" || rest == "年") {
        let y: f64 = digits.parse().unwrap();
        return numbers.contains(&y);
    }
    if let Some((label, unit)) = n.split_once(':')
        && label.ends_with("单位")
        && label.chars().count() <= 4
    {
        return hay.split('\u{1}').any(|s| s == unit);
    }
    false
}

/// A cell the normalizer split in parts (`填报单位：某站` into a label and a text,
/// `产出指标(40-50)分` into a level name and a note): every part is in the output. Parts are
/// two characters or more (or one before a `:`, a label such as `注`), or an amount; a `:`
/// between them may go.
fn split_and_kept(n: &str, hay: &str, numbers: &[f64]) -> bool {
    let c: Vec<char> = n.chars().collect();
    if c.len() > 80 {
        return false;
    }
    // ok[i]: the first i characters are covered.
    let mut ok = vec![false; c.len() + 1];
    ok[0] = true;
    for i in 0..c.len() {
        if !ok[i] {
            continue;
        }
        if c[i] == ':' {
            ok[i + 1] = true;
        }
        for j in i + 1..=c.len() {
            let piece: String = c[i..j].iter().collect();
            let label = j == i + 1 && c.get(j) == Some(&':');
            if (j >= i + 2 || label) && hay.contains(&piece) {
                ok[j] = true;
            }
            if j == c.len()
                && as_number(&piece).is_some_and(|x| numbers.iter().any(|y| (x - y).abs() < 1e-6))
            {
                ok[j] = true;
            }
        }
    }
    ok[c.len()]
}

/// Header and structure words the normalizer consumes: column headers (一级指标, 指标值, …),
/// field labels (单位名称, …), funds block and section names, and the notes a table prints
/// around itself (单位：万元, the year line).
fn structural(cell: &str) -> bool {
    let t = cell.trim();
    vocab::header_role(t).is_some()
        || vocab::field_label(t).is_some()
        || vocab::is_funds_block_label(t)
        || vocab::is_amount_header(t)
        || vocab::is_funds_text_header(t)
        || vocab::is_funds_section(t)
}

#[test]
fn every_source_cell_reaches_the_output() {
    let mut files = Vec::new();
    samples(&root().join("samples"), &mut files);
    assert!(files.len() > 20, "samples/ looks empty");
    let known: BTreeSet<(String, String)> = KNOWN_LOSSES
        .iter()
        .map(|(f, t)| (f.to_string(), norm(t)))
        .collect();
    let mut lost: Vec<(String, String, String)> = Vec::new();
    let mut lost_keys: BTreeSet<(String, String)> = BTreeSet::new();
    let mut checked = 0usize;
    for path in &files {
        let rel = path
            .strip_prefix(root().join("samples"))
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(path).unwrap();
        let ext = path.extension().and_then(|e| e.to_str());
        let Some(format) = ingest::detect(&bytes, ext) else {
            continue;
        };
        // A sample the reader refuses has no cells to lose (and its golden test says why).
        let Ok(ingested) = ingest::read(&bytes, format, &ReadOptions::default()) else {
            continue;
        };
        let doc = convert_file(path, &ConvertOptions::default())
            .unwrap_or_else(|e| panic!("{rel}: read as a grid but did not convert: {e}"));
        let json = serde_json::to_value(&doc).unwrap();
        let (mut strings, mut numbers) = (Vec::new(), Vec::new());
        collect(&json, &mut strings, &mut numbers);
        // Joined with a separator no cell holds, so a match never spans two output strings.
        let hay = strings.join("\u{1}");
        // A file in which no table was found is reported whole (a `no_table` error, and a
        // failure of that file in a batch): its cells are not silently lost, the file is.
        let no_table =
            doc.tables.is_empty() && doc.diagnostics.iter().any(|d| d.code == "no_table");
        for grid in &ingested.grids {
            // The last cells read: a structure word wrapped over lines by a text extraction
            // (`项目资金（万` … `元）`) is read whole, so its lower piece is structure too.
            let mut recent: Vec<&str> = Vec::new();
            for row in &grid.rows {
                for cell in row.cells.iter().flatten() {
                    let text = cell.text.trim();
                    if text.is_empty() {
                        continue;
                    }
                    checked += 1;
                    let n = norm(text);
                    let wrapped = recent
                        .iter()
                        .any(|r| structural(&format!("{r}{text}")) && !structural(text));
                    recent.push(text);
                    if recent.len() > 4 {
                        recent.remove(0);
                    }
                    let found = no_table
                        || hay.contains(&n)
                        || structural(text)
                        || wrapped
                        || consumed_note(&n, &hay, &numbers)
                        || split_and_kept(&n, &hay, &numbers)
                        || as_number(text)
                            .is_some_and(|x| numbers.iter().any(|y| (x - y).abs() < 1e-6));
                    if !found {
                        let at = cell
                            .pos
                            .cell
                            .clone()
                            .or_else(|| cell.pos.line.map(|l| format!("line {l}")))
                            .or_else(|| cell.pos.row.map(|r| format!("row {r}")))
                            .unwrap_or_default();
                        let at = match (&cell.pos.sheet, cell.pos.page) {
                            (Some(s), _) => format!("{s}!{at}"),
                            (None, Some(p)) => format!("page {p} {at}"),
                            _ => at,
                        };
                        lost_keys.insert((rel.clone(), n.clone()));
                        if !known.contains(&(rel.clone(), n)) {
                            lost.push((rel.clone(), at, text.to_string()));
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 1000, "only {checked} cells checked");
    let fixed: Vec<_> = known.difference(&lost_keys).collect();
    assert!(
        lost.is_empty() && fixed.is_empty(),
        "\nnew losses (file, cell, text):\n{}\nlisted in KNOWN_LOSSES but no longer lost (remove \
         them):\n{}\n",
        lost.iter()
            .map(|(f, at, t)| format!("  {f}\t{at}\t{t:?}"))
            .collect::<Vec<_>>()
            .join("\n"),
        fixed
            .iter()
            .map(|(f, t)| format!("  (\"{f}\", {t:?}),"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}
