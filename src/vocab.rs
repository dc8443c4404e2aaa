//! The words of the tables, as data: header synonyms for each column role, the labels of text
//! fields and funds blocks, the standard indicator names of the national framework, and the
//! common qualitative target words. The normalizer's logic reads these tables; it never
//! matches strings of its own.
//!
//! Split by subject: `headers` (column roles), `fields` (field labels), `funds` (funds block
//! words, money and unit notes), `levels` (standard level names and their notes), `values`
//! (qualitative and direction words), `page` (titles, page numbers, note and footer rows).
//! Every check is re-exported here, so callers name `vocab::header_role`, never a submodule.

mod fields;
mod funds;
mod headers;
mod levels;
mod page;
#[cfg(test)]
mod tests;
mod values;

pub use fields::{
    FieldLabel, ends_like_label, field_label, field_labels_within, is_label_prefix, label_then_text,
};
pub use funds::{
    is_amount_header, is_funds_block_label, is_funds_section, is_funds_text_header, is_funds_total,
    is_money_label, is_parts_parent, is_spending_text, is_unit_label, trailing_unit_note,
};
pub use headers::{Role, context_role, header_role, is_bare_name_header_key};
pub use levels::{
    is_level1_key, is_level1_name, is_level2_key, is_level2_name, is_name_note, is_parent_of,
    split_note,
};
pub use page::{
    is_footer_text, is_note_label, is_page_number, is_sign_off_key, is_title_text, names_a_table,
};
pub use values::{
    PREFIX_OPS, SUFFIX_OPS, ends_like_indicator_name, is_direction_word, is_qual_key, is_qual_word,
};

/// The vocabulary checks run on nearly every cell, answered once per distinct text and thread
/// (`canon::memo` says why and how it stays bounded).
mod memos {
    use super::{FieldLabel, Role};
    use crate::canon::memo::Memo;
    thread_local! {
        pub static HEADER_ROLE: Memo<Option<Role>> = Memo::default();
        pub static FIELD_LABEL: Memo<Option<&'static FieldLabel>> = Memo::default();
        pub static FOOTER: Memo<bool> = Memo::default();
        pub static LEVEL1: Memo<bool> = Memo::default();
        pub static LEVEL2: Memo<bool> = Memo::default();
        pub static MONEY: Memo<bool> = Memo::default();
        pub static TITLE: Memo<bool> = Memo::default();
        pub static FUNDS_BLOCK: Memo<bool> = Memo::default();
    }
}
