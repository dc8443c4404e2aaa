//! The ODF vocabulary the ODS reader needs: the namespaces, what an element is (`Tag`) and the
//! context it opens (`Ctx`), the attributes ODF defines for tables and text, entities, counts.

use std::borrow::Cow;

use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart};
use quick_xml::name::{NamespaceResolver, ResolveResult};

use super::super::spreadsheet_error;
use crate::error::IngestError;
use crate::ingest::InputFormat;

pub(super) const TABLE_NS: &str = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";
pub(super) const TEXT_NS: &str = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
pub(super) const OFFICE_NS: &str = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";

/// Where an element sits, which decides what its children mean. Anything outside the table
/// structure (shapes, forms, annotations, frames anchored to a cell) is `Skip`ped whole, so
/// their paragraphs never become cell text and their rows never move the position.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Ctx {
    Outside,
    Sheet,
    /// Column and row groupings (`table:table-header-rows`, `table:table-row-group`, …):
    /// transparent, their columns and rows count in document order.
    Group,
    Row,
    Cell,
    Para,
    /// Inline markup inside a paragraph (`text:span`, `text:a`, fields): its text counts.
    Span,
    Skip,
}

/// What an element is, by namespace and local name.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Tag {
    Table,
    Column,
    Group,
    Row,
    Cell { covered: bool },
    Para,
    Space,
    Tab,
    LineBreak,
    Inline,
    Other,
}

pub(super) fn classify(ns: &ResolveResult<'_>, local: &str) -> Tag {
    let ResolveResult::Bound(ns) = ns else {
        return Tag::Other;
    };
    match (ns.0, local) {
        (TABLE_NS, "table") => Tag::Table,
        (TABLE_NS, "table-column") => Tag::Column,
        (
            TABLE_NS,
            "table-columns"
            | "table-header-columns"
            | "table-column-group"
            | "table-rows"
            | "table-header-rows"
            | "table-row-group",
        ) => Tag::Group,
        (TABLE_NS, "table-row") => Tag::Row,
        (TABLE_NS, "table-cell") => Tag::Cell { covered: false },
        (TABLE_NS, "covered-table-cell") => Tag::Cell { covered: true },
        (TEXT_NS, "p" | "h") => Tag::Para,
        (TEXT_NS, "s") => Tag::Space,
        (TEXT_NS, "tab") => Tag::Tab,
        (TEXT_NS, "line-break") => Tag::LineBreak,
        // A footnote's body is not shown in the cell (its citation is).
        (TEXT_NS, "note-body") => Tag::Other,
        (TEXT_NS, _) => Tag::Inline,
        _ => Tag::Other,
    }
}

/// The context a child opens, given its parent's.
pub(super) fn child(parent: Ctx, tag: Tag) -> Ctx {
    match (parent, tag) {
        (Ctx::Outside, Tag::Table) => Ctx::Sheet,
        (Ctx::Outside, _) => Ctx::Outside,
        (Ctx::Sheet | Ctx::Group, Tag::Group) => Ctx::Group,
        (Ctx::Sheet | Ctx::Group, Tag::Row) => Ctx::Row,
        (Ctx::Row, Tag::Cell { .. }) => Ctx::Cell,
        // Only a cell's own paragraphs are its text; the paragraphs of an annotation or a frame
        // are deeper down.
        (Ctx::Cell, Tag::Para) => Ctx::Para,
        (Ctx::Para | Ctx::Span, Tag::Inline) => Ctx::Span,
        _ => Ctx::Skip,
    }
}

pub(super) fn damaged(pos: u64, e: impl std::fmt::Display) -> IngestError {
    spreadsheet_error(
        InputFormat::Ods,
        format!("content.xml is damaged at byte {pos}: {e}"),
    )
}

/// The text of `&name;` or `&#n;`: only XML's own five names exist in ODF (no DTD).
pub(super) fn entity(r: &BytesRef<'_>) -> Result<String, String> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => Ok(c.to_string()),
        Ok(None) => resolve_predefined_entity(r)
            .map(str::to_string)
            .ok_or_else(|| format!("unknown entity &{};", &**r)),
        Err(e) => Err(e.to_string()),
    }
}

/// An attribute in the table, text or office namespace: `(namespace, local name, value)`.
pub(super) type Attr<'a> = (&'static str, &'a str, Cow<'a, str>);

/// The attributes of `e` that ODF defines for tables and text (others are styling or
/// extensions that say nothing about the text).
pub(super) fn attributes<'a>(
    e: &'a BytesStart<'_>,
    resolver: &NamespaceResolver,
) -> Result<Vec<Attr<'a>>, IngestError> {
    let mut out = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|e| spreadsheet_error(InputFormat::Ods, format!("content.xml: {e}")))?;
        let (ns, local) = resolver.resolve_attribute(a.key);
        let ns = match ns {
            ResolveResult::Bound(n) if n.0 == TABLE_NS => TABLE_NS,
            ResolveResult::Bound(n) if n.0 == TEXT_NS => TEXT_NS,
            ResolveResult::Bound(n) if n.0 == OFFICE_NS => OFFICE_NS,
            _ => continue,
        };
        let local = local.into_inner();
        let value = a
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| spreadsheet_error(InputFormat::Ods, format!("content.xml: {e}")))?;
        out.push((ns, local, value));
    }
    Ok(out)
}

/// `table:visibility`: `collapse` (hidden by hand or a closed group) and `filter` (hidden by an
/// autofilter) both keep the row or column from view.
pub(super) fn hidden_value(value: &str) -> bool {
    matches!(value.trim(), "collapse" | "filter")
}

/// A repeat or span count: at least 1 (LibreOffice reads 0 as 1).
pub(super) fn count(name: &str, value: &str) -> Result<u64, IngestError> {
    value.trim().parse::<u64>().map(|n| n.max(1)).map_err(|_| {
        spreadsheet_error(
            InputFormat::Ods,
            format!("content.xml: {name}={value:?} is not a count"),
        )
    })
}
