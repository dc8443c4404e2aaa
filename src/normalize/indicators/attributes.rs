//! The attribute columns of an indicator row (指标编码, 权重, 分值, 指标方向, other named
//! columns) read into the indicator's code, weight, score, direction and attributes.

use super::super::canon::{self, canonical};
use super::super::shift::RoleSpan;
use super::super::vocab::Role;
use crate::model::Field;

/// What the attribute columns of a row say about its indicator.
#[derive(Default)]
pub(super) struct Attributes {
    pub code: Option<String>,
    pub weight: Option<f64>,
    pub score: Option<f64>,
    pub direction: Option<String>,
    pub texts: Vec<Field>,
}

impl Attributes {
    pub fn of(spans: &[RoleSpan], texts: &[Option<&str>]) -> Attributes {
        let mut a = Attributes::default();
        for (s, t) in spans.iter().zip(texts) {
            let Some(t) = t.map(str::trim).filter(|t| !t.is_empty()) else {
                continue;
            };
            match &s.role {
                Role::Code => a.code = Some(canonical(t)),
                Role::Weight => a.weight = attribute_number(t),
                Role::Score => a.score = attribute_number(t),
                Role::Direction => a.direction = Some(canonical(t)),
                Role::Op if is_direction_word(t) => a.direction = Some(canonical(t)),
                Role::Attr(label) => a.texts.push(Field {
                    label: label.clone(),
                    text: canon::text(t),
                }),
                _ => {}
            }
        }
        a
    }
}

/// A weight or score as written (`10`, `10%`, `10分`, `１０`), as a number.
fn attribute_number(t: &str) -> Option<f64> {
    let c = canonical(t);
    let n = c.trim_end_matches(['%', '％', '分']).trim();
    n.parse::<f64>().ok()
}

fn is_direction_word(t: &str) -> bool {
    super::super::vocab::is_direction_word(t)
}
