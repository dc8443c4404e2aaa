//! The neutral grid: the contract between every reader and the normalizer.
//!
//! A reader turns its bytes into one or more `Grid`s: rows of cells with their text, column,
//! spans and source position. It knows nothing about indicators; the normalizer knows nothing
//! about where a grid came from (calamine's `Range<Data>`, tabula's `Table`).

use serde::Serialize;

/// Where a cell or row came from in its source file. Every field is optional because each
/// reader knows different things (a text line, a PDF page, a sheet cell).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SourcePos {
    /// 1-based line of a text file.
    pub line: Option<u32>,
    /// 1-based page of a PDF.
    pub page: Option<u32>,
    /// Sheet name of a workbook.
    pub sheet: Option<String>,
    /// 1-based row of a sheet.
    pub row: Option<u32>,
    /// A1-style reference of a sheet cell (`B12`).
    pub cell: Option<String>,
}

/// One non-empty cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The text as the reader saw it (trimmed; line breaks inside a cell kept as `\n`).
    pub text: String,
    /// How many rows / columns the cell covers (1 for an unmerged cell). Readers that do not
    /// know merges (plain text) always give 1: the normalizer then infers fills itself.
    pub row_span: u32,
    /// How many columns the cell covers (1 for an unmerged cell).
    pub col_span: u32,
    /// Where the cell is in its source.
    pub pos: SourcePos,
}

impl Cell {
    /// A cell of one row and one column.
    pub fn new(text: impl Into<String>, pos: SourcePos) -> Cell {
        Cell {
            text: text.into(),
            row_span: 1,
            col_span: 1,
            pos,
        }
    }
}

/// One row of the grid: `cells[c]` is the cell starting at column `c`, or `None`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    /// The cells by column; `None` where no cell starts (empty, or covered by a span).
    pub cells: Vec<Option<Cell>>,
    /// Where the row came from (its first line / page / sheet row).
    pub pos: SourcePos,
    /// A page break (or the blank line a text extraction leaves for it) precedes this row.
    pub break_before: bool,
}

impl Row {
    /// A row of these cells, positioned where its first cell is.
    pub fn from_cells(cells: Vec<Option<Cell>>) -> Row {
        let pos = cells
            .iter()
            .flatten()
            .next()
            .map(|c| c.pos.clone())
            .unwrap_or_default();
        Row {
            cells,
            pos,
            break_before: false,
        }
    }

    /// Whether the row has no cell.
    pub fn is_empty(&self) -> bool {
        self.cells.iter().all(|c| c.is_none())
    }

    /// The text at column `c`, or "" when the column is empty or beyond the row.
    pub fn text(&self, c: usize) -> &str {
        self.cells
            .get(c)
            .and_then(|x| x.as_ref())
            .map(|x| x.text.as_str())
            .unwrap_or("")
    }

    /// The non-empty cells with their column index.
    pub fn filled(&self) -> impl Iterator<Item = (usize, &Cell)> {
        self.cells
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.as_ref().map(|c| (i, c)))
    }
}

/// How a reader built a grid. The normalizer decides on what a method *means* (are the columns
/// exact? is it a stream of cells to rebuild?), never on reader names; the name is what
/// `source.method` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// A workbook sheet: cells are where the author put them.
    Spreadsheet,
    /// A PDF table with ruling lines: cells are where the lines put them.
    Lattice,
    /// Text aligned without lines (PDF glyph positions, `pdftotext -layout`).
    Stream,
    /// Tab-separated or CSV text.
    Text,
    /// A Markdown pipe table.
    Markdown,
    /// An HTML `<table>`.
    Html,
    /// Piped lines with a leading pipe or kept empty cells: a grid.
    Pipes,
    /// Piped web copies with the empty cells moved to the line's end: a stream of cells.
    PipesEnd,
    /// One cell per line, ending in ` |`: a stream of cells.
    CellsPerLine,
    /// Cells separated by single spaces: a stream of cells.
    Spaces,
    /// Cells separated by blank lines, and grids rebuilt by the table grammar.
    Grammar,
}

impl Method {
    /// The name `source.method` reports. A stream rebuilt from piped lines is reported as
    /// `pipes`: the user's text was piped, how its empty cells sat is a detail.
    pub fn name(self) -> &'static str {
        match self {
            Method::Spreadsheet => "spreadsheet",
            Method::Lattice => "lattice",
            Method::Stream => "stream",
            Method::Text => "text",
            Method::Markdown => "markdown",
            Method::Html => "html",
            Method::Pipes | Method::PipesEnd => "pipes",
            Method::CellsPerLine => "cells_per_line",
            Method::Spaces => "spaces",
            Method::Grammar => "grammar",
        }
    }

    /// Whether cells are exactly in the author's columns, so no row may be moved back.
    pub fn exact_columns(self) -> bool {
        matches!(self, Method::Spreadsheet | Method::Lattice)
    }

    /// Whether the grid is a stream of cells (order kept, columns lost) whose rows the
    /// normalizer rebuilds from the table's grammar.
    pub fn is_stream(self) -> bool {
        matches!(
            self,
            Method::PipesEnd | Method::CellsPerLine | Method::Spaces | Method::Grammar
        )
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How a grid was built, and how sure the reader is of it (Camelot's parsing report).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Extraction {
    /// How the grid was built.
    pub method: Method,
    /// 0..1
    pub confidence: f64,
}

/// A table-shaped region of a source: a sheet, a text file, or a table found on PDF pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    /// The rows, top to bottom.
    pub rows: Vec<Row>,
    /// Cells of hidden rows and columns of a workbook, left out of `rows` as printing leaves
    /// them out (unless the user asks to read them); the normalizer still places each one.
    pub hidden: Vec<Cell>,
    /// Sheet name, where the grid is one sheet of a workbook.
    pub sheet: Option<String>,
    /// How the grid was built and how sure the reader is.
    pub extraction: Extraction,
}

impl Grid {
    /// Each row's cell texts (an empty cell as ""), for tests to compare with what they expect.
    #[cfg(test)]
    pub(crate) fn texts(&self) -> Vec<Vec<String>> {
        self.rows
            .iter()
            .map(|r| {
                r.cells
                    .iter()
                    .map(|c| c.as_ref().map(|c| c.text.clone()).unwrap_or_default())
                    .collect()
            })
            .collect()
    }

    /// An empty grid built by `method`, confidence 1.
    pub fn new(method: Method) -> Grid {
        Grid {
            rows: Vec::new(),
            hidden: Vec::new(),
            sheet: None,
            extraction: Extraction {
                method,
                confidence: 1.0,
            },
        }
    }

    /// The number of columns: the widest row.
    pub fn width(&self) -> usize {
        self.rows.iter().map(|r| r.cells.len()).max().unwrap_or(0)
    }
}

/// What a reader hands to the normalizer: the grids of one input and what it learnt about the
/// file itself.
#[derive(Debug, Clone, Default)]
pub struct Ingested {
    /// The grids, in source order (sheets, PDF tables, the text's one grid).
    pub grids: Vec<Grid>,
    /// The text encoding a text reader decoded (`UTF-8`, `GB18030`, `UTF-16LE`).
    pub encoding: Option<String>,
    /// Pages of a PDF.
    pub pages: Option<u32>,
    /// Problems the reader met but recovered from (an unreadable page, inferred merges).
    pub warnings: Vec<ReaderWarning>,
}

/// A recoverable reader problem; becomes a file-level diagnostic.
#[derive(Debug, Clone, PartialEq)]
pub struct ReaderWarning {
    /// The diagnostic code (`pdf_page_unreadable`, `merge_ignored`, `cell_truncated`, …).
    pub code: String,
    /// A sentence for people.
    pub message: String,
    /// Where in the input.
    pub pos: SourcePos,
}

/// A1-style column letters for a 0-based column (0 → A, 27 → AB).
pub fn column_letters(mut col: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }
}
