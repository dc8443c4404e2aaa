//! Excel number formats → the text a person sees in the cell (`0.00` → `387.00`,
//! `#,##0.00` → `1,290.00`, `0%` → `95%`, General → `26.5`).
//!
//! calamine hands back the raw number and (for xlsx) the format code; it does not render. The
//! tables we read use a handful of formats, so this covers the common grammar — sections,
//! literals, `0 # ?` placeholders, grouping, percent, thousands scaling, `[$¥-804]` currency —
//! and falls back to General for what it does not know (fractions, scientific notation), which
//! keeps the value readable rather than inventing a rendering.
//!
//! Rounding works on decimal digits, not on `f64`, because Excel keeps 15 significant digits and
//! rounds half away from zero: 2.675 shown with `0.00` is `2.68` in Excel, while Rust's `{:.2}`
//! gives `2.67` from the binary value.

/// The text of `v` as General shows it: at most 15 significant digits, no trailing zeros.
pub fn general(v: f64) -> String {
    if !v.is_finite() {
        return "#NUM!".into();
    }
    let (digits, point) = decimal(v);
    let int = int_digits(&digits, point);
    let mut frac: String = (0..digits.len() as i32 - point.min(digits.len() as i32))
        .map(|i| char::from(b'0' + digit_at(&digits, point + i)))
        .collect();
    while frac.ends_with('0') {
        frac.pop();
    }
    let int = if int.is_empty() { "0".to_string() } else { int };
    let sign = if v < 0.0 && (int != "0" || !frac.is_empty()) {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}

/// The text of `v` rendered with the Excel format `code`.
pub fn format_number(v: f64, code: &str) -> String {
    let code = code.trim();
    if code.is_empty() || code.eq_ignore_ascii_case("general") || !v.is_finite() {
        return general(v);
    }
    let sections = split_sections(code);
    // Which section applies, and whether it carries its own sign (Excel drops the minus sign when
    // an explicit negative section exists: `#,##0;(#,##0)`).
    let (section, value, signed) = match sections.len() {
        1 => (&sections[0], v, true),
        2 if v < 0.0 => (&sections[1], -v, false),
        2 => (&sections[0], v, true),
        _ if v < 0.0 => (&sections[1], -v, false),
        _ if v == 0.0 => (&sections[2], v, false),
        _ => (&sections[0], v, true),
    };
    if section.trim().eq_ignore_ascii_case("general") {
        return general(value);
    }
    match parse_section(section) {
        Some(s) => render(&s, value, signed),
        None => general(v),
    }
}

/// The code of a built-in number format (ECMA-376 18.8.30), as calamine gives it: the ids
/// xlsx and BIFF files use without writing a format record; `None` for ids not built in (read
/// as General). The date and duration ids among them never reach `format_number`: calamine
/// reads those cells as dates.
pub fn builtin_code(id: u32) -> Option<&'static str> {
    Some(match id {
        0 => "General",
        1 => "0",
        2 => "0.00",
        3 => "#,##0",
        4 => "#,##0.00",
        9 => "0%",
        10 => "0.00%",
        11 => "0.00E+00",
        12 => "# ?/?",
        13 => "# ??/??",
        14 => "mm-dd-yy",
        15 => "d-mmm-yy",
        16 => "d-mmm",
        17 => "mmm-yy",
        18 => "h:mm AM/PM",
        19 => "h:mm:ss AM/PM",
        20 => "h:mm",
        21 => "h:mm:ss",
        22 => "m/d/yy h:mm",
        37 => "#,##0 ;(#,##0)",
        38 => "#,##0 ;[Red](#,##0)",
        39 => "#,##0.00;(#,##0.00)",
        40 => "#,##0.00;[Red](#,##0.00)",
        41 => "_(* #,##0_);_(* (#,##0);_(* \"-\"_);_(@_)",
        42 => "_($* #,##0_);_($* (#,##0);_($* \"-\"_);_(@_)",
        43 => "_(* #,##0.00_);_(* (#,##0.00);_(* \"-\"??_);_(@_)",
        44 => "_($* #,##0.00_);_($* (#,##0.00);_($* \"-\"??_);_(@_)",
        45 => "mm:ss",
        46 => "[h]:mm:ss",
        47 => "mmss.0",
        48 => "##0.0E+0",
        49 => "@",
        _ => return None,
    })
}

/// A parsed number-format section.
#[derive(Debug, Default)]
struct Section {
    prefix: String,
    suffix: String,
    /// `0`s before the decimal point: the minimum integer digits.
    int_min: usize,
    /// `0`s after the decimal point (always shown) and `#`/`?` after them (shown when non-zero).
    frac_min: usize,
    frac_max: usize,
    grouping: bool,
    /// Powers of ten the value is shifted by: +2 per `%`, -3 per trailing `,`.
    shift: i32,
    /// The section has digit placeholders; without them only its literals show.
    has_number: bool,
    /// `@`: for a number, General text.
    text_at: bool,
}

fn split_sections(code: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = code.chars();
    let mut quoted = false;
    let mut bracket = false;
    while let Some(c) = chars.next() {
        let cur = out.last_mut().expect("one section at least");
        match c {
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            '\\' | '_' | '*' if !quoted => {
                cur.push(c);
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
                continue;
            }
            ';' if !quoted && !bracket => {
                out.push(String::new());
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out
}

/// Parse one section, or `None` for grammar this module does not render (dates handled by
/// calamine; fractions and scientific notation fall back to General).
fn parse_section(s: &str) -> Option<Section> {
    let mut sec = Section::default();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut in_frac = false;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '"' => {
                let end = closing(&chars, i, '"');
                let text: String = chars[i + 1..end].iter().collect();
                sec.literal(&text);
                i = end;
            }
            '\\' => {
                if let Some(n) = chars.get(i + 1) {
                    sec.literal(&n.to_string());
                }
                i += 1;
            }
            // `_x` leaves the width of x (padding); `*x` repeats x to fill the cell. Neither is
            // text a person reads, and the result is trimmed anyway.
            '_' | '*' => i += 1,
            '[' => {
                let end = closing(&chars, i, ']');
                let inner: String = chars[i + 1..end].iter().collect();
                // `[$¥-804]` is a currency symbol with a locale; colours and conditions show nothing.
                if let Some(cur) = inner.strip_prefix('$') {
                    sec.literal(cur.split('-').next().unwrap_or(""));
                }
                i = end;
            }
            '0' | '#' | '?' => sec.placeholder(c, in_frac),
            '.' if !in_frac && (sec.has_number || next_is_digit(&chars, i + 1)) => {
                in_frac = true;
                sec.has_number = true;
            }
            ',' if sec.has_number || next_is_digit(&chars, i + 1) => {
                if next_is_digit(&chars, i + 1) && !in_frac {
                    sec.grouping = true;
                } else if !next_is_digit(&chars, i + 1) {
                    sec.shift -= 3;
                }
            }
            '%' => {
                sec.shift += 2;
                sec.literal("%");
            }
            '@' => {
                sec.text_at = true;
            }
            'E' | 'e' if sec.has_number && matches!(chars.get(i + 1), Some('+' | '-')) => {
                return None;
            }
            '/' if sec.has_number => return None,
            _ => sec.literal(&c.to_string()),
        }
        i += 1;
    }
    Some(sec)
}

impl Section {
    /// Text shown as written: before the number, or after it once a placeholder was seen.
    fn literal(&mut self, text: &str) {
        if self.has_number {
            self.suffix.push_str(text);
        } else {
            self.prefix.push_str(text);
        }
    }

    /// A digit placeholder (`0`, `#`, `?`) of the integer or the fraction part.
    fn placeholder(&mut self, c: char, in_frac: bool) {
        self.has_number = true;
        if in_frac {
            if c == '0' && self.frac_max == self.frac_min {
                self.frac_min += 1;
            }
            self.frac_max += 1;
        } else if c == '0' {
            self.int_min += 1;
        }
    }
}

/// Where the `close` after `chars[i]` is, or the end.
fn closing(chars: &[char], i: usize, close: char) -> usize {
    chars[i + 1..]
        .iter()
        .position(|&x| x == close)
        .map_or(chars.len(), |p| i + 1 + p)
}

fn next_is_digit(chars: &[char], i: usize) -> bool {
    matches!(chars.get(i), Some('0' | '#' | '?'))
}

fn render(sec: &Section, v: f64, signed: bool) -> String {
    if !sec.has_number {
        if sec.text_at {
            return format!("{}{}{}", sec.prefix, general(v), sec.suffix);
        }
        return format!("{}{}", sec.prefix, sec.suffix);
    }
    let (mut digits, mut point) = decimal(v);
    point += sec.shift;
    round_to(&mut digits, &mut point, sec.frac_max);
    let mut int = int_digits(&digits, point);
    while int.len() < sec.int_min {
        int.insert(0, '0');
    }
    if sec.grouping {
        int = group(&int);
    }
    let mut frac: String = (0..sec.frac_max as i32)
        .map(|k| char::from(b'0' + digit_at(&digits, point + k)))
        .collect();
    while frac.len() > sec.frac_min && frac.ends_with('0') {
        frac.pop();
    }
    let nonzero = digits.iter().any(|&d| d != 0);
    let sign = if signed && v < 0.0 && nonzero {
        "-"
    } else {
        ""
    };
    let number = if sec.frac_max > 0 && (!frac.is_empty() || sec.frac_min > 0) {
        format!("{int}.{frac}")
    } else if sec.frac_max > 0 {
        // `0.##` with a whole number: Excel keeps the point (`12.`).
        format!("{int}.")
    } else {
        int
    };
    format!("{sign}{}{number}{}", sec.prefix, sec.suffix)
}

/// `|v|` as its 15 significant decimal digits and the position of the decimal point:
/// `|v| = 0.D1D2… × 10^point`.
fn decimal(v: f64) -> (Vec<u8>, i32) {
    if v == 0.0 {
        return (vec![0], 1);
    }
    let s = format!("{:.14e}", v.abs());
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mant
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    (digits, exp + 1)
}

/// Round half away from zero, keeping `decimals` digits after the point.
fn round_to(digits: &mut Vec<u8>, point: &mut i32, decimals: usize) {
    let keep = *point + decimals as i32;
    if keep < 0 {
        digits.clear();
        return;
    }
    let keep = keep as usize;
    if keep >= digits.len() {
        return;
    }
    let up = digits[keep] >= 5;
    digits.truncate(keep);
    if up {
        let mut i = keep;
        loop {
            if i == 0 {
                digits.insert(0, 1);
                *point += 1;
                break;
            }
            i -= 1;
            if digits[i] == 9 {
                digits[i] = 0;
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
}

fn digit_at(digits: &[u8], k: i32) -> u8 {
    if k < 0 {
        0
    } else {
        digits.get(k as usize).copied().unwrap_or(0)
    }
}

/// The integer part's digits without leading zeros ("" for a value below 1).
fn int_digits(digits: &[u8], point: i32) -> String {
    let s: String = (0..point.max(0))
        .map(|k| char::from(b'0' + digit_at(digits, k)))
        .collect();
    s.trim_start_matches('0').to_string()
}

fn group(int: &str) -> String {
    let n = int.len();
    let mut out = String::with_capacity(n + n / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn general_is_shortest() {
        assert_eq!(general(2361.0), "2361");
        assert_eq!(general(26.5), "26.5");
        assert_eq!(general(0.1 + 0.2), "0.3");
        assert_eq!(general(0.0), "0");
        assert_eq!(general(-3.25), "-3.25");
        assert_eq!(general(0.05), "0.05");
        assert_eq!(general(1e15), "1000000000000000");
    }

    #[test]
    fn fixed_decimals_and_grouping() {
        assert_eq!(format_number(387.0, "0.00"), "387.00");
        assert_eq!(format_number(1290.0, "#,##0.00"), "1,290.00");
        assert_eq!(format_number(1234567.891, "#,##0.00"), "1,234,567.89");
        assert_eq!(format_number(0.5, "0.00"), "0.50");
        assert_eq!(format_number(2.675, "0.00"), "2.68");
        assert_eq!(format_number(9.995, "0.00"), "10.00");
        assert_eq!(format_number(-12.5, "0.00"), "-12.50");
        assert_eq!(format_number(-0.001, "0.00"), "0.00");
        assert_eq!(format_number(12.0, "0"), "12");
        assert_eq!(format_number(999.5, "#,##0"), "1,000");
        assert_eq!(format_number(0.25, "#.00"), ".25");
        assert_eq!(format_number(3.1, "0.0#"), "3.1");
        assert_eq!(format_number(3.456, "0.0#"), "3.46");
    }

    #[test]
    fn percent_and_scaling() {
        assert_eq!(format_number(0.95, "0%"), "95%");
        assert_eq!(format_number(0.955, "0.0%"), "95.5%");
        assert_eq!(format_number(1.0, "0%"), "100%");
        assert_eq!(format_number(1_500_000.0, "#,##0,"), "1,500");
    }

    #[test]
    fn sections_literals_currency() {
        assert_eq!(format_number(-5.0, "#,##0.00;(#,##0.00)"), "(5.00)");
        assert_eq!(format_number(5.0, "#,##0.00;(#,##0.00)"), "5.00");
        assert_eq!(format_number(0.0, builtin_code(43).unwrap()).trim(), "-");
        assert_eq!(
            format_number(1234.5, builtin_code(43).unwrap()).trim(),
            "1,234.50"
        );
        assert_eq!(
            format_number(-1234.5, builtin_code(43).unwrap()).trim(),
            "(1,234.50)"
        );
        assert_eq!(format_number(12.0, "0.00\"万元\""), "12.00万元");
        assert_eq!(format_number(12.0, "[$¥-804]#,##0.00"), "¥12.00");
        assert_eq!(format_number(12.0, "[Red]0.0"), "12.0");
        assert_eq!(format_number(12.0, "@"), "12");
        assert_eq!(format_number(12.0, "General"), "12");
        assert_eq!(format_number(0.5, "# ?/?"), "0.5");
        assert_eq!(format_number(12345.0, "0.00E+00"), "12345");
    }
}
