//! Our PDF object layer (`src/ingest/pdf/objects.rs`) on files it must read as viewers do:
//! encrypted with an empty user password (made with `qpdf --encrypt "" owner …` from
//! `samples/pdf/font_gbk_euc.pdf`), a cross-reference table that points nowhere, and stream
//! lengths that are wrong — each must give the grids of the intact file, never a panic.

use perfnorm::ingest::ReadOptions;
use perfnorm::internals::pdf;

/// The grids the PDF reader makes of `bytes`, as text (or its error), to compare two files.
fn dump(bytes: &[u8]) -> String {
    match pdf::read(bytes, &ReadOptions::default()) {
        Ok(ing) => ing
            .grids
            .iter()
            .map(|g| {
                let mut s = format!("# grid {} rows x {} cols\n", g.rows.len(), g.width());
                for r in &g.rows {
                    let cells: Vec<&str> = (0..r.cells.len()).map(|c| r.text(c)).collect();
                    s.push_str(&cells.join("\t"));
                    s.push('\n');
                }
                s
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Err(e) => format!("error: {e}\n"),
    }
}

fn sample() -> Vec<u8> {
    std::fs::read("samples/pdf/font_gbk_euc.pdf").unwrap()
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("tests/fixtures/pdf-encrypted/{name}")).unwrap()
}

#[test]
fn an_empty_user_password_opens_rc4_aes128_and_aes256_files() {
    let want = dump(&sample());
    assert!(!want.starts_with("error"), "{want}");
    for name in ["rc4-40.pdf", "aes128-objstm.pdf", "aes256.pdf"] {
        assert_eq!(dump(&fixture(name)), want, "{name}");
    }
}

#[test]
fn a_real_user_password_is_an_encrypted_error() {
    let err = pdf::read(&fixture("user-password.pdf"), &ReadOptions::default()).unwrap_err();
    assert!(err.to_string().contains("encrypted"), "{err}");
}

#[test]
fn a_misleading_xref_is_replaced_by_a_scan() {
    let good = sample();
    let want = dump(&good);
    // `startxref` pointing into the middle of the file.
    let at = good.windows(9).rposition(|w| w == b"startxref").unwrap();
    let mut bad = good[..at].to_vec();
    bad.extend_from_slice(b"startxref\n17\n%%EOF\n");
    assert_eq!(dump(&bad), want);
    // No `startxref` at all.
    assert_eq!(dump(&good[..at]), want);
}

#[test]
fn wrong_stream_lengths_end_at_endstream() {
    let good = sample();
    let want = dump(&good);
    let text = String::from_utf8_lossy(&good).into_owned();
    // Every direct `/Length N` made far too long, then far too short (the xref offsets stay
    // right: the digits are replaced by as many digits).
    for digit in ['9', '1'] {
        let mut bad = good.clone();
        let mut from = 0;
        while let Some(i) = text[from..].find("/Length ") {
            let start = from + i + 8;
            let mut end = start;
            while bad[end].is_ascii_digit() {
                bad[end] = digit as u8;
                end += 1;
            }
            from = end.max(start + 1);
        }
        assert_eq!(dump(&bad), want, "lengths of {digit}s");
    }
}
