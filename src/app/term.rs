//! Terminal safety: file names and texts from the input reach stderr and `check`'s text output,
//! and a control character among them (an escape sequence in a cell, a newline in a file name)
//! would move the cursor, recolour the terminal or forge a line. They are shown escaped
//! instead, as ripgrep and `ls` do: `\n`, `\t`, `\r`, `\x1b`, `\u{9b}`, and the bidirectional
//! overrides that reorder what follows them (`\u{202e}`).

use std::borrow::Cow;

/// `s` with every control character and bidirectional control escaped; `s` itself when it has
/// none.
pub fn safe(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x80 && needs_escape(c) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_shown_escaped() {
        assert!(matches!(safe("预算/a.pdf"), Cow::Borrowed(_)));
        assert_eq!(safe("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(safe("x\ny\tz\r"), "x\\ny\\tz\\r");
        assert_eq!(safe("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(safe("abc\u{202e}fdp.exe"), "abc\\u{202e}fdp.exe");
        assert_eq!(safe("\x7f"), "\\x7f");
    }
}
