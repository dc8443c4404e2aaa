//! Text reader: text extracted from PDF tables → one grid.
//!
//! Decoding comes first (UTF-8 with or without BOM, UTF-16 with BOM, GB18030/GBK), detected
//! unless `--encoding` names one. Then the form of the text is told apart:
//! tab-separated (one table row per line, one field per column, as the seed) or anything else,
//! which goes to `textforms` for pipes, one cell per line, single spaces and blank-line cells,
//! and to the layout reader for space-aligned, Markdown and HTML tables.

use super::{Cell, Grid, Ingested, ReadOptions, ReaderWarning, Row, SourcePos};
use crate::error::IngestError;
use crate::grid::Method;
use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};

/// Decode `bytes`: returns the text and the name of the encoding used.
pub fn decode(bytes: &[u8], forced: Option<&str>) -> Result<(String, &'static str), IngestError> {
    let enc: &'static Encoding = match forced.map(|s| s.to_ascii_lowercase()) {
        None => detect_encoding(bytes),
        Some(s) if s == "auto" => detect_encoding(bytes),
        Some(s) => match s.as_str() {
            "utf-8" | "utf8" => UTF_8,
            "gb18030" | "gbk" | "gb2312" => GB18030,
            "utf-16" | "utf16" | "utf-16le" => {
                if bytes.starts_with(&[0xFE, 0xFF]) {
                    UTF_16BE
                } else {
                    UTF_16LE
                }
            }
            "utf-16be" => UTF_16BE,
            other => {
                Encoding::for_label(other.as_bytes()).ok_or(IngestError::UnknownEncoding(s))?
            }
        },
    };
    // `decode` sniffs and strips a BOM, which then wins over the label: a file that says what
    // it is by its BOM is right.
    let (text, used, _had_errors) = enc.decode(bytes);
    let name = if used == GB18030 {
        "GB18030"
    } else {
        used.name()
    };
    Ok((text.into_owned(), name))
}

fn detect_encoding(bytes: &[u8]) -> &'static Encoding {
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        return enc;
    }
    if std::str::from_utf8(bytes).is_ok() || mostly_utf8(bytes) {
        return UTF_8;
    }
    // UTF-16 without BOM: many NULs in alternate positions.
    let sample = &bytes[..bytes.len().min(4096)];
    let even_nul = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nul = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    if sample.len() >= 8 {
        if odd_nul * 4 > sample.len() {
            return UTF_16LE;
        }
        if even_nul * 4 > sample.len() {
            return UTF_16BE;
        }
    }
    guess_utf8_or_gb(bytes)
}

/// What chardetng would tell of a text that is not UTF-8 as a whole, as perfnorm reads its
/// answer: chardetng was fed the first MiB (as the whole stream) and answered UTF-8 exactly when
/// those bytes are valid UTF-8 (its UTF-8 candidate is a strict decoder, checked before any
/// other; ISO-2022-JP was denied); any other guess (GBK, Big5, a single-byte encoding) was read
/// as GB18030. So the same answer comes from one UTF-8 check, where chardetng scored 27 legacy
/// encodings over the whole MiB (half of a GB18030 text's conversion). `tests` compares both.
fn guess_utf8_or_gb(bytes: &[u8]) -> &'static Encoding {
    if std::str::from_utf8(&bytes[..bytes.len().min(CHARDETNG_SAMPLE)]).is_ok() {
        UTF_8
    } else {
        GB18030
    }
}

/// How much of a text chardetng was given to guess its encoding.
const CHARDETNG_SAMPLE: usize = 1 << 20;

/// UTF-8 but for a few damaged bytes: read as UTF-8 (the damage becomes U+FFFD and an
/// `encoding_replaced` warning) rather than handed to chardetng, which would pick a legacy
/// encoding and garble every line. GB18030 text is almost never valid UTF-8, so a file of GB
/// text has far more invalid bytes than valid multi-byte characters.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut wide, mut bad) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        wide += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        bad += chunk.invalid().len();
    }
    wide >= 20 && bad * 20 <= wide
}

/// Whether the bytes look like text rather than a binary format.
pub fn looks_like_text(bytes: &[u8]) -> bool {
    if Encoding::for_bom(bytes).is_some() {
        return true;
    }
    let sample = &bytes[..bytes.len().min(8192)];
    let ctrl = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    ctrl * 100 <= sample.len()
}

/// Read a text file of a table.
pub fn read(bytes: &[u8], opts: &ReadOptions) -> Result<Ingested, IngestError> {
    // Before anything looks at the text: decoding copies it, and the layout reader's passes
    // are only fast for table-sized input.
    super::Limits::check_size(bytes.len(), opts.limits.max_text_bytes, "the text file")?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(IngestError::Empty);
    }
    let (text, encoding) = decode(bytes, opts.encoding.as_deref())?;
    let mut warnings = Vec::new();
    // The HTML parser's cost grows with nesting: refuse absurd depth before it runs.
    use super::layout::markup;
    if markup::looks_like_html(&text)
        && let Some(line) = markup::too_deep(&text, markup::MAX_HTML_DEPTH)
    {
        return Err(IngestError::Limit(format!(
            "the HTML nests elements more than {} deep (at line {line}): a broken or hostile \
             file",
            markup::MAX_HTML_DEPTH
        )));
    }
    let max_cells = opts.limits.max_cells;
    let grids = if is_tab_separated(&text) {
        vec![tab_grid_within(&text, max_cells)?]
    } else if let Some(g) = csv_grid_within(&text, max_cells)? {
        vec![g]
    } else if let Some(form) = structured_form(&text) {
        let (grid, cut) = super::textforms::read_checked(&text, form);
        warnings.extend(cut);
        vec![grid]
    } else if markup::looks_like_html(&text) {
        let (grid, ignored) = markup::read_html_checked(&text);
        if grid.rows.is_empty() {
            return Err(IngestError::NotFormat {
                expected: "text table",
                reason: "no aligned, Markdown or HTML table found".into(),
            });
        }
        warnings.extend(ignored);
        vec![grid]
    } else {
        super::layout::read_text(&text)?
    };
    if grids.iter().all(|g| g.rows.is_empty()) {
        return Err(IngestError::NoTable);
    }
    Ok(Ingested {
        grids,
        encoding: Some(encoding.to_string()),
        pages: None,
        warnings: {
            warnings.extend(decode_warnings(bytes, &text, encoding));
            warnings
        },
    })
}

/// What decoding may have lost, said rather than hidden: characters replaced by U+FFFD (bytes
/// that are no text in the chosen encoding), and UTF-8 lines in a file read as a legacy
/// encoding (a file pieced together from two sources), which decode without error as garble.
fn decode_warnings(bytes: &[u8], text: &str, encoding: &str) -> Vec<ReaderWarning> {
    let mut out = Vec::new();
    let at = |line: usize| SourcePos {
        line: Some(line as u32),
        ..SourcePos::default()
    };
    let replaced = text.matches('\u{FFFD}').count();
    if replaced > 0 {
        let first = text
            .lines()
            .position(|l| l.contains('\u{FFFD}'))
            .unwrap_or(0)
            + 1;
        out.push(ReaderWarning {
            code: "encoding_replaced".into(),
            message: format!(
                "{replaced} characters could not be decoded as {encoding} and were replaced \
                 with U+FFFD (first on line {first}); the file may be damaged or mix encodings"
            ),
            pos: at(first),
        });
    }
    if !encoding.starts_with("UTF-") {
        // A line of several multi-byte characters that is valid UTF-8 is almost never GB text.
        let utf8: Vec<usize> = bytes
            .split(|&b| b == b'\n')
            .enumerate()
            .filter(|(_, l)| {
                std::str::from_utf8(l)
                    .is_ok_and(|s| s.chars().filter(|c| !c.is_ascii()).count() >= 2)
            })
            .map(|(i, _)| i + 1)
            .collect();
        if let Some(&first) = utf8.first() {
            out.push(ReaderWarning {
                code: "mixed_encoding".into(),
                message: format!(
                    "{} lines are UTF-8 in a file read as {encoding} (first on line {first}); \
                     they read garbled",
                    utf8.len()
                ),
                pos: at(first),
            });
        }
    }
    out
}

/// A text form read by `textforms`, unless the text is HTML or Markdown (the layout reader's).
fn structured_form(text: &str) -> Option<super::textforms::Form> {
    if super::layout::markup::looks_like_html(text)
        || super::layout::markup::looks_like_markdown(text)
    {
        return None;
    }
    super::textforms::detect(text)
}

/// Tab-separated when a good share of the non-blank lines carry tabs.
fn is_tab_separated(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let tabbed = lines.iter().filter(|l| l.contains('\t')).count();
    tabbed > 0 && tabbed * 3 >= lines.len()
}

/// Comma-separated text (tabula and Camelot export tables as CSV): read with the csv crate
/// when most rows split into the same number of fields, three or more. Quoted fields may hold
/// line breaks; each record keeps the line it starts on.
#[cfg(test)]
pub fn csv_grid(text: &str) -> Option<Grid> {
    csv_grid_within(text, usize::MAX).ok().flatten()
}

/// `csv_grid`, refusing a text whose records hold more than `max_cells` fields in all (rows ×
/// columns, empty fields counted).
pub fn csv_grid_within(text: &str, max_cells: usize) -> Result<Option<Grid>, IngestError> {
    if too_few_commas(text, max_cells) {
        return Ok(None);
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    let mut slots = 0usize;
    for r in rdr.records() {
        let Ok(r) = r else { return Ok(None) };
        slots = slots.saturating_add(r.len());
        if slots > max_cells {
            return Err(too_many_cells(max_cells));
        }
        let line = r.position().map(|p| p.line() as u32);
        records.push((line, r));
    }
    Ok(grid_of_records(records))
}

/// Whether a text plainly is no CSV table, told without parsing it (the csv crate reads the
/// whole text into records first; most texts that get here are web copies with no commas):
/// without quotes or carriage returns each line is one record, and a table needs at least half
/// of its non-blank records to have three fields or more, two commas. Only when the whole text
/// holds no more than `max_cells` fields, so that parsing it could not have refused it.
fn too_few_commas(text: &str, max_cells: usize) -> bool {
    let b = text.as_bytes();
    if memchr::memchr2(b'"', b'\r', b).is_some() || text.starts_with('\u{FEFF}') {
        return false;
    }
    let commas = memchr::memchr_iter(b',', b).count();
    let (mut filled, mut wide, mut lines) = (0usize, 0usize, 0usize);
    for line in text.split('\n') {
        lines += 1;
        if line.split(',').all(|f| f.trim().is_empty()) {
            continue;
        }
        filled += 1;
        if memchr::memchr_iter(b',', line.as_bytes()).nth(1).is_some() {
            wide += 1;
        }
    }
    commas.saturating_add(lines) <= max_cells && wide * 2 < filled
}

/// The error of a text table with more than `max` cells.
fn too_many_cells(max: usize) -> IngestError {
    IngestError::Limit(format!(
        "the text table has more than {max} cells (rows × columns, empty ones counted; \
         max_cells, raise it with --max-cells N)"
    ))
}

/// Records as a grid, when most rows split into the same number of fields, three or more.
fn grid_of_records(records: Vec<(Option<u32>, csv::StringRecord)>) -> Option<Grid> {
    let filled: Vec<usize> = records
        .iter()
        .filter(|(_, r)| r.iter().any(|f| !f.trim().is_empty()))
        .map(|(_, r)| r.len())
        .collect();
    let mut counts = std::collections::HashMap::new();
    for n in &filled {
        *counts.entry(*n).or_insert(0usize) += 1;
    }
    let (&mode, &k) = counts.iter().max_by_key(|(n, k)| (**k, **n))?;
    if mode < 3 || k * 2 < filled.len() {
        return None;
    }
    let mut grid = Grid::new(Method::Text);
    let mut pending_break = false;
    for (line, r) in records {
        push_row(&mut grid, r.iter(), line, &mut pending_break);
    }
    Some(grid)
}

/// One row per line, one cell per tab-separated field; blank lines mark page breaks.
#[cfg(test)]
pub fn tab_grid(text: &str) -> Grid {
    tab_grid_within(text, usize::MAX).unwrap_or_else(|_| Grid::new(Method::Text))
}

/// `tab_grid`, refusing a text with more than `max_cells` fields in all, counted from the tabs
/// of each line before it is split (a 16 MB line of tabs took 4 GB as cells).
pub fn tab_grid_within(text: &str, max_cells: usize) -> Result<Grid, IngestError> {
    let mut grid = Grid::new(Method::Text);
    let mut pending_break = false;
    let mut slots = 0usize;
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        slots = slots.saturating_add(memchr::memchr_iter(b'\t', line.as_bytes()).count() + 1);
        if slots > max_cells {
            return Err(too_many_cells(max_cells));
        }
        push_row(
            &mut grid,
            line.split('\t'),
            Some((i + 1) as u32),
            &mut pending_break,
        );
    }
    Ok(grid)
}

/// Add one line's fields as a row. A blank line is no row: it marks a page break before the
/// next row (blank lines before the first row are the extraction's top margin).
fn push_row<'a>(
    grid: &mut Grid,
    fields: impl Iterator<Item = &'a str>,
    line: Option<u32>,
    pending_break: &mut bool,
) {
    let pos = SourcePos {
        line,
        ..SourcePos::default()
    };
    let cells: Vec<Option<Cell>> = fields
        .map(|f| {
            let t = f.trim();
            (!t.is_empty()).then(|| Cell::new(t, pos.clone()))
        })
        .collect();
    if cells.iter().all(Option::is_none) {
        *pending_break = !grid.rows.is_empty();
        return;
    }
    grid.rows.push(Row {
        cells,
        pos,
        break_before: std::mem::take(pending_break),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// chardetng's guess as perfnorm used to read it (`guess_utf8_or_gb` replaces it).
    fn chardetng_guess(bytes: &[u8]) -> &'static Encoding {
        let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        det.feed(&bytes[..bytes.len().min(CHARDETNG_SAMPLE)], true);
        let guess = det.guess(Some(b"cn"), chardetng::Utf8Detection::Allow);
        if guess == UTF_8 { UTF_8 } else { GB18030 }
    }

    #[test]
    fn the_encoding_guess_is_chardetngs() {
        let gb = GB18030
            .encode("一级指标\t产出指标\t数量指标\t≥95%\n")
            .0
            .into_owned();
        let utf8 = "一级指标\t产出指标\t数量指标\t≥95%\n".as_bytes().to_vec();
        let mut cases: Vec<Vec<u8>> = vec![
            gb.clone(),
            utf8.clone(),
            b"plain ascii \x1b$B escape\n".to_vec(),
            [utf8.as_slice(), &[0xff]].concat(),
            [gb.as_slice(), utf8.as_slice()].concat(),
            vec![0x80; 3],
            b"caf\xe9 latin-1 text".to_vec(),
        ];
        // Past the sample: valid UTF-8 in the first MiB decides, also when a character is cut
        // at its end.
        let long = utf8.repeat(CHARDETNG_SAMPLE / utf8.len() + 2);
        cases.push([&long[..CHARDETNG_SAMPLE], &gb].concat());
        cases.push([&long[..CHARDETNG_SAMPLE - 1], &gb].concat());
        cases.push([&long[..CHARDETNG_SAMPLE + 1], &gb].concat());
        for dir in ["samples", "../shared/corpus", "../shared/corpus-real/text"] {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                if e.path().is_file() {
                    cases.push(std::fs::read(e.path()).unwrap_or_default());
                }
            }
        }
        for (i, c) in cases.iter().enumerate() {
            assert_eq!(guess_utf8_or_gb(c), chardetng_guess(c), "case {i}");
        }
    }

    #[test]
    fn texts_without_commas_are_no_csv_before_parsing() {
        let cells = "项目名称 |\n主体班 |\n|\n项目金额 |\n164万元 |\n";
        assert!(too_few_commas(cells, usize::MAX));
        assert!(csv_grid(cells).is_none());
        let table = "一级,二级,三级,指标值\n产出指标,数量指标,培训人数,500人\n,,覆盖率,100%\n";
        assert!(!too_few_commas(table, usize::MAX));
        assert_eq!(csv_grid(table).map(|g| g.rows.len()), Some(3));
        // Quotes may hide commas and line breaks: parsed, never told by lines.
        let quoted = "\"a\nb\",c,d\ne,f,g\n";
        assert!(!too_few_commas(quoted, usize::MAX));
        // A text parsing would refuse for its size is left to the parser, which says so.
        assert!(!too_few_commas(cells, 3));
        // Half the filled lines with three fields is enough for a table.
        assert!(!too_few_commas("a,b,c\nd\n", usize::MAX));
        assert!(too_few_commas("a,b,c\nd\ne\n", usize::MAX));
    }

    #[test]
    fn decodes_utf8_with_and_without_bom() {
        let (t, e) = decode("单位名称\t苏州".as_bytes(), None).unwrap();
        assert_eq!((t.as_str(), e), ("单位名称\t苏州", "UTF-8"));
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("年度目标".as_bytes());
        let (t, e) = decode(&b, None).unwrap();
        assert_eq!((t.as_str(), e), ("年度目标", "UTF-8"));
    }

    #[test]
    fn decodes_gb18030_and_utf16() {
        let src =
            "一级指标\t二级指标\t三级指标\t半年指标值\n决策\t计划制定\t中长期规划制定健全性\t健全";
        let (gb, _, _) = GB18030.encode(src);
        let (t, e) = decode(&gb, None).unwrap();
        assert_eq!((t.as_str(), e), (src, "GB18030"));
        let mut u16 = vec![0xFF, 0xFE];
        for u in src.encode_utf16() {
            u16.extend_from_slice(&u.to_le_bytes());
        }
        let (t, e) = decode(&u16, None).unwrap();
        assert_eq!((t.as_str(), e), (src, "UTF-16LE"));
        let (t, _) = decode(&gb, Some("gb18030")).unwrap();
        assert_eq!(t, src);
        assert!(decode(&gb, Some("klingon")).is_err());
    }

    #[test]
    fn csv_tables_read_as_grids() {
        let t = "一级指标,二级指标,三级指标,指标值\n产出指标,数量指标,\"办理案件数, 含咨询\",≥3200件\n,,法律咨询接待量,≥2.5万人次\n";
        let g = csv_grid(t).unwrap();
        assert_eq!(g.rows.len(), 3);
        assert_eq!(g.rows[1].text(2), "办理案件数, 含咨询");
        assert_eq!(g.rows[2].pos.line, Some(3));
        assert!(csv_grid("一段文字，没有表格\n第二行, 也不是").is_none());
    }

    #[test]
    fn tab_rows_keep_columns_lines_and_breaks() {
        let g = tab_grid("\n\n标题\n\n单位名称\t\t某局\r\n\n\t\t预算编制科学性\t科学");
        assert_eq!(g.rows.len(), 3);
        assert!(!g.rows[0].break_before);
        assert_eq!(g.rows[1].text(2), "某局");
        assert_eq!(g.rows[1].pos.line, Some(5));
        assert!(g.rows[2].break_before);
        assert_eq!(g.rows[2].text(3), "科学");
        assert!(g.rows[2].cells[0].is_none());
    }
}
