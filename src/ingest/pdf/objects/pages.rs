//! The page tree walked once into a list of page references with what they inherit
//! (`/Resources`, `/MediaBox`, `/Rotate`); each page's dictionary is loaded when it is read.

use std::collections::HashSet;
use std::rc::Rc;

use super::{ObjectError, PdfDictionary, PdfFile, PdfObject};

/// The page tree is at most this deep (a deeper one is a loop or hostile).
const MAX_TREE_DEPTH: u32 = 64;
/// Letter, as viewers assume when no `/MediaBox` is given.
const DEFAULT_MEDIA_BOX: [f64; 4] = [0.0, 0.0, 612.0, 792.0];

/// What a page inherits from the nodes above it.
#[derive(Debug, Clone, Default)]
struct Inherited {
    resources: Option<PdfObject>,
    media_box: Option<PdfObject>,
    rotate: Option<PdfObject>,
}

/// A page of the tree: its object and what it inherits, shared by the pages of one node.
#[derive(Debug, Clone)]
pub struct PageRef {
    id: (u32, u16),
    inherited: Rc<Inherited>,
}

/// A page as the walk needs it.
#[derive(Debug, Clone)]
pub struct Page {
    pub dict: PdfDictionary,
    pub media_box: [f64; 4],
    pub rotation: i32,
    pub resources: Option<PdfDictionary>,
}

impl PdfFile<'_> {
    /// The pages in order. Nodes seen twice (a loop) are skipped.
    pub fn pages(&self) -> Result<Vec<PageRef>, ObjectError> {
        let catalog = self.catalog()?;
        let root = catalog.get("Pages").ok_or(ObjectError::NotPdf)?;
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let top = Rc::new(Inherited::default());
        self.node(root, &top, 0, &mut seen, &mut out);
        Ok(out)
    }

    fn node(
        &self,
        o: &PdfObject,
        inherited: &Rc<Inherited>,
        depth: u32,
        seen: &mut HashSet<(u32, u16)>,
        out: &mut Vec<PageRef>,
    ) {
        let Some(id) = o.as_reference() else { return };
        if depth > MAX_TREE_DEPTH || !seen.insert(id) {
            return;
        }
        let Ok(obj) = self.get_object(id.0, id.1) else {
            return;
        };
        let Some(dict) = obj.as_dict() else { return };
        let here = inherit(inherited, dict);
        match dict.get("Kids").map(|k| self.resolve(k)) {
            Some(Ok(PdfObject::Array(kids))) => {
                for kid in &kids.0 {
                    self.node(kid, &here, depth + 1, seen, out);
                }
            }
            // A node with no kids is a page (some producers leave out `/Type`).
            _ => out.push(PageRef {
                id,
                inherited: inherited.clone(),
            }),
        }
    }

    /// The page's dictionary with its inherited attributes applied.
    pub fn page(&self, r: &PageRef) -> Result<Page, ObjectError> {
        let obj = self.get_object(r.id.0, r.id.1)?;
        let dict = obj.as_dict().cloned().ok_or(ObjectError::NotPdf)?;
        let own_or = |k: &str, up: &Option<PdfObject>| dict.get(k).cloned().or_else(|| up.clone());
        let media_box = own_or("MediaBox", &r.inherited.media_box)
            .and_then(|o| self.resolve(&o).ok())
            .and_then(|o| rect(&o))
            .unwrap_or(DEFAULT_MEDIA_BOX);
        let rotation = own_or("Rotate", &r.inherited.rotate)
            .and_then(|o| self.resolve(&o).ok())
            .and_then(|o| o.as_integer())
            .and_then(|r| i32::try_from(r).ok())
            .unwrap_or(0);
        let resources = own_or("Resources", &r.inherited.resources)
            .and_then(|o| self.resolve(&o).ok())
            .and_then(|o| o.as_dict().cloned());
        Ok(Page {
            dict,
            media_box,
            rotation,
            resources,
        })
    }
}

/// What the children of `dict` inherit: its own attributes over those above it.
fn inherit(up: &Rc<Inherited>, dict: &PdfDictionary) -> Rc<Inherited> {
    let (r, m, t) = (
        dict.get("Resources"),
        dict.get("MediaBox"),
        dict.get("Rotate"),
    );
    if r.is_none() && m.is_none() && t.is_none() {
        return up.clone();
    }
    Rc::new(Inherited {
        resources: r.cloned().or_else(|| up.resources.clone()),
        media_box: m.cloned().or_else(|| up.media_box.clone()),
        rotate: t.cloned().or_else(|| up.rotate.clone()),
    })
}

fn rect(o: &PdfObject) -> Option<[f64; 4]> {
    let a = o.as_array()?;
    if a.0.len() != 4 {
        return None;
    }
    let mut r = [0.0; 4];
    for (slot, v) in r.iter_mut().zip(&a.0) {
        *slot = v.as_real().unwrap_or(0.0);
    }
    Some(r)
}
