//! Collecting diagnostics while a table is normalized: every repair and every cell that fits
//! nowhere is recorded with where it came from.

use crate::grid::SourcePos;
use crate::model::{DiagSource, Diagnostic, Severity};

#[derive(Debug, Default)]
pub struct Diags {
    pub list: Vec<Diagnostic>,
}

pub fn source(pos: &SourcePos) -> DiagSource {
    DiagSource {
        line: pos.line,
        page: pos.page,
        sheet: pos.sheet.clone(),
        cell: pos.cell.clone(),
    }
}

impl Diags {
    pub fn push(&mut self, severity: Severity, code: &str, message: String, pos: &SourcePos) {
        self.list.push(Diagnostic {
            severity,
            code: code.to_string(),
            message,
            source: source(pos),
        });
    }

    pub fn warn(&mut self, code: &str, message: &str, pos: &SourcePos) {
        self.push(Severity::Warning, code, message.to_string(), pos);
    }

    /// A row that sat `shift` columns away from its place (positive: it had to move right,
    /// i.e. it was shifted left).
    pub fn shift(&mut self, pos: &SourcePos, shift: i32, what: &str) {
        let n = shift.unsigned_abs();
        let dir = if shift > 0 { "left" } else { "right" };
        let cols = if n == 1 {
            "one column"
        } else if n == 2 {
            "two columns"
        } else {
            "several columns"
        };
        self.push(
            Severity::Warning,
            "column_shift_repaired",
            format!("row shifted {cols} {dir}; read as {what}"),
            pos,
        );
    }

    pub fn unplaced(&mut self, text: &str, pos: &SourcePos) {
        self.push(
            Severity::Warning,
            "unplaced_cell",
            format!("cell fits no column of the table: {text:?}"),
            pos,
        );
    }

    pub fn joined(&mut self, pos: &SourcePos, what: &str) {
        self.push(
            Severity::Info,
            "row_joined",
            format!("line continues the cell above; read as {what}"),
            pos,
        );
    }
}
