//! What values a schema accepts, as far as telling `oneOf`/`anyOf` variants apart needs: a
//! typed description without docs, titles or examples ([`Shape`]), the tag property that
//! picks a variant when the spec narrows one property to a single value per variant
//! ([`implicit_tag`]), the order in which variants are tried ([`try_order`]) and the groups
//! that nothing tells apart ([`ambiguous_groups`]).

use serde_json::Value;
use std::cmp::Reverse;
use std::collections::BTreeMap;

/// The values a schema accepts.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// Anything: `{}`, `true`, a reference that cannot be followed, or nesting too deep.
    Any,
    Bool,
    Int,
    Num,
    /// A string; `format` only when the generated decoder checks it.
    Str {
        format: Option<String>,
    },
    /// One of these values (`enum`, `const`), sorted.
    Const(Vec<Value>),
    Arr(Box<Shape>),
    Obj(Obj),
    /// A nested `oneOf`/`anyOf`.
    Union(Vec<Shape>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Obj {
    pub props: BTreeMap<String, Prop>,
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prop {
    pub shape: Shape,
    pub required: bool,
}

/// Properties beyond the declared ones.
#[derive(Debug, Clone, PartialEq)]
pub enum Extra {
    /// Allowed, of any shape (no `additionalProperties`, or `true`).
    Open,
    /// `additionalProperties: false`.
    Closed,
    /// `additionalProperties: {schema}`.
    Map(Box<Shape>),
}

impl Obj {
    /// The same object, each property's shape through `f`, as the decoder sees it: extra
    /// properties erased, and a closed object open (unknown fields are ignored, not
    /// refused).
    fn map_props(&self, f: impl Fn(&Shape) -> Shape) -> Obj {
        Obj {
            props: self
                .props
                .iter()
                .map(|(k, p)| {
                    let prop = Prop {
                        shape: f(&p.shape),
                        required: p.required,
                    };
                    (k.clone(), prop)
                })
                .collect(),
            extra: match &self.extra {
                Extra::Map(m) => Extra::Map(Box::new(m.erased())),
                Extra::Open | Extra::Closed => Extra::Open,
            },
        }
    }
}

impl Shape {
    /// Both constraints at once (`allOf`, or a schema's own keywords beside its `allOf`).
    /// Where the two cannot both hold, the first wins: the spec is inconsistent there, and
    /// the schema's own keywords come first.
    pub fn intersect(self, other: Shape) -> Shape {
        match (self, other) {
            (Shape::Any, x) | (x, Shape::Any) => x,
            (Shape::Const(a), Shape::Const(b)) => {
                let both: Vec<Value> = a.iter().filter(|v| b.contains(v)).cloned().collect();
                Shape::Const(if both.is_empty() { a } else { both })
            }
            (c @ Shape::Const(_), _) | (_, c @ Shape::Const(_)) => c,
            (Shape::Obj(mut a), Shape::Obj(b)) => {
                for (name, p) in b.props {
                    match a.props.remove(&name) {
                        Some(q) => {
                            a.props.insert(
                                name,
                                Prop {
                                    shape: q.shape.intersect(p.shape),
                                    required: q.required || p.required,
                                },
                            );
                        }
                        None => {
                            a.props.insert(name, p);
                        }
                    }
                }
                a.extra = match (a.extra, b.extra) {
                    (Extra::Closed, _) | (_, Extra::Closed) => Extra::Closed,
                    (Extra::Map(m), _) | (_, Extra::Map(m)) => Extra::Map(m),
                    (Extra::Open, Extra::Open) => Extra::Open,
                };
                Shape::Obj(a)
            }
            (a, _) => a,
        }
    }

    /// What the generated decoder can check: constants become their type (a string enum
    /// keeps unknown values, an integer constant is an `i64` field), string formats go
    /// (checked only at the top, see [`Shape::checked`]), and closed objects are open
    /// (unknown fields are ignored, not refused).
    pub fn erased(&self) -> Shape {
        match self {
            Shape::Const(values) => {
                let kinds: Vec<Shape> = values.iter().map(kind_of).collect();
                match kinds.first() {
                    Some(first) if kinds.iter().all(|k| k == first) => first.clone(),
                    Some(_) if kinds.iter().all(|k| matches!(k, Shape::Int | Shape::Num)) => {
                        Shape::Num
                    }
                    _ => Shape::Any,
                }
            }
            Shape::Arr(items) => Shape::Arr(Box::new(items.erased())),
            Shape::Obj(o) => Shape::Obj(o.map_props(Shape::erased)),
            Shape::Union(parts) => Shape::Union(parts.iter().map(Shape::erased).collect()),
            Shape::Str { .. } => Shape::Str { format: None },
            other => other.clone(),
        }
    }

    /// What the generated decoder checks: constants and string formats at the top, in a
    /// list's items and in an object's properties ([`Shape::checks`]; the format at the top
    /// is the variant's own); deeper ones are [`Shape::erased`].
    pub fn checked(&self) -> Shape {
        let near = |s: &Shape| match s {
            Shape::Const(_) | Shape::Str { .. } => s.clone(),
            other => other.erased(),
        };
        match self {
            Shape::Const(_) | Shape::Str { .. } => self.clone(),
            Shape::Arr(items) => Shape::Arr(Box::new(near(items))),
            Shape::Obj(o) => Shape::Obj(o.map_props(near)),
            other => other.erased(),
        }
    }

    /// The format of a string the decoder checks, when this is one.
    pub fn format(&self) -> Option<&str> {
        match self {
            Shape::Str { format } => format.as_deref(),
            _ => None,
        }
    }

    /// The checks [`Shape::checked`] keeps, except the format at the top.
    pub fn checks(&self) -> Vec<ValueCheck> {
        let rule = |s: &Shape| match s {
            Shape::Const(values) => values
                .iter()
                .all(checkable)
                .then(|| CheckRule::OneOf(values.clone())),
            Shape::Str {
                format: Some(format),
            } => Some(CheckRule::Format(format.clone())),
            _ => None,
        };
        let check = |at: CheckAt, s: &Shape| rule(s).map(|rule| ValueCheck { at, rule });
        match self {
            Shape::Const(_) => check(CheckAt::Value, self).into_iter().collect(),
            Shape::Arr(items) => check(CheckAt::EveryItem, items).into_iter().collect(),
            Shape::Obj(o) => o
                .props
                .iter()
                .filter_map(|(k, p)| check(CheckAt::Property(k.clone()), &p.shape))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The single value `property` must have, when this is an object that requires it.
    pub fn tag(&self, property: &str) -> Option<&Value> {
        let Shape::Obj(o) = self else { return None };
        match o.props.get(property) {
            Some(Prop {
                shape: Shape::Const(values),
                required: true,
            }) => match values.as_slice() {
                [v] if checkable(v) => Some(v),
                _ => None,
            },
            _ => None,
        }
    }

    /// A string, whatever its format or values.
    pub fn is_string(&self) -> bool {
        match self {
            Shape::Str { .. } => true,
            Shape::Const(values) => values.iter().all(Value::is_string),
            _ => false,
        }
    }
}

pub use crate::ir::{CheckAt, CheckRule, ValueCheck};

/// A value the generated decoder compares: a string, a boolean or an `i64`.
fn checkable(v: &Value) -> bool {
    v.is_string() || v.is_boolean() || v.is_i64()
}

fn kind_of(v: &Value) -> Shape {
    match v {
        Value::Bool(_) => Shape::Bool,
        Value::Number(n) if n.is_i64() || n.is_u64() => Shape::Int,
        Value::Number(_) => Shape::Num,
        Value::String(_) => Shape::Str { format: None },
        _ => Shape::Any,
    }
}

/// The property that tells variants apart by its value, when the spec narrows it to one
/// value (`const`, a one-value `enum`) in at least two variants that require it, with
/// values no other variant shares. Returns the property and each variant's value (`None`
/// for variants it does not tell apart, which are decoded by shape). Of several such
/// properties, the one that tells the most variants apart wins, then the first by name.
pub fn implicit_tag(shapes: &[Shape]) -> Option<(String, Vec<Option<Value>>)> {
    let mut candidates: Vec<&String> = shapes
        .iter()
        .filter_map(|s| match s {
            Shape::Obj(o) => Some(o.props.keys()),
            _ => None,
        })
        .flatten()
        .collect();
    candidates.sort();
    candidates.dedup();
    let mut best: Option<(String, Vec<Option<Value>>)> = None;
    for property in candidates {
        let values: Vec<Option<&Value>> = shapes.iter().map(|s| s.tag(property)).collect();
        let unique: Vec<Option<Value>> = values
            .iter()
            .map(|v| {
                v.filter(|v| values.iter().filter(|w| **w == Some(*v)).count() == 1)
                    .cloned()
            })
            .collect();
        let told_apart = unique.iter().flatten().count();
        let best_count = best.as_ref().map_or(1, |(_, b)| b.iter().flatten().count());
        if told_apart > best_count {
            best = Some((property.clone(), unique));
        }
    }
    best
}

/// The order in which the decoder tries variants (indices into `shapes`, erased): the
/// first that holds the whole value wins, so the most specific come first. Catch-alls go
/// last (`{}`, then free-form objects and maps); objects requiring more properties before
/// those requiring fewer; closed before open; of the rest, fewer declared properties first
/// (a value that uses only some of a larger variant's optional fields is the smaller
/// variant's); strings of a checked format before plain strings, integers before numbers.
/// Ties keep the document's order.
pub fn try_order(shapes: &[Shape]) -> Vec<usize> {
    let key = |s: &Shape| match s {
        Shape::Any => (3, Reverse(0), 0, 0),
        Shape::Obj(o) if o.props.is_empty() => (2, Reverse(0), 0, 0),
        Shape::Obj(o) => (
            0,
            Reverse(o.props.values().filter(|p| p.required).count()),
            usize::from(o.extra != Extra::Closed),
            o.props.len(),
        ),
        Shape::Str { format: None } | Shape::Num => (1, Reverse(0), 0, 0),
        _ => (0, Reverse(0), 0, 0),
    };
    let mut order: Vec<usize> = (0..shapes.len()).collect();
    order.sort_by_key(|&i| key(&shapes[i]));
    order
}

/// Groups of variants (indices into `shapes`, as [`Shape::checked`] gives them) that the
/// decoder cannot tell apart: the same shape, or, in a `oneOf`, a catch-all (`{}`, a
/// free-form object) beside what it also holds. In an `anyOf` overlap is legal: the
/// catch-all comes last and takes what the others do not hold.
pub fn ambiguous_groups(shapes: &[Shape], any_of: bool) -> Vec<Vec<usize>> {
    let free_object =
        |s: &Shape| matches!(s, Shape::Obj(o) if o.props.is_empty() && o.extra == Extra::Open);
    let object_like = |s: &Shape| matches!(s, Shape::Obj(_));
    let overlap = |a: &Shape, b: &Shape| {
        a == b
            || !any_of
                && (matches!(a, Shape::Any)
                    || matches!(b, Shape::Any)
                    || free_object(a) && object_like(b)
                    || free_object(b) && object_like(a))
    };
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in 0..shapes.len() {
        for j in (i + 1)..shapes.len() {
            if !overlap(&shapes[i], &shapes[j]) {
                continue;
            }
            match groups.iter_mut().find(|g| g.contains(&i) || g.contains(&j)) {
                Some(g) => {
                    for k in [i, j] {
                        if !g.contains(&k) {
                            g.push(k);
                        }
                    }
                }
                None => groups.push(vec![i, j]),
            }
        }
    }
    for g in &mut groups {
        g.sort();
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(props: &[(&str, Shape, bool)]) -> Shape {
        Shape::Obj(Obj {
            props: props
                .iter()
                .map(|(k, s, r)| {
                    (
                        k.to_string(),
                        Prop {
                            shape: s.clone(),
                            required: *r,
                        },
                    )
                })
                .collect(),
            extra: Extra::Open,
        })
    }

    #[test]
    fn variants_that_differ_only_in_a_required_constant_are_tagged_by_it() {
        let id = ("id", Shape::Int, true);
        let a = obj(&[("type", Shape::Const(vec![json!(1)]), true), id.clone()]);
        let b = obj(&[("type", Shape::Const(vec![json!(2)]), true), id.clone()]);
        let c = obj(&[("name", Shape::Str { format: None }, true)]);
        assert_eq!(
            a.erased(),
            b.erased(),
            "the decoder alone cannot tell them apart"
        );
        let (property, tags) = implicit_tag(&[a, b, c]).unwrap();
        assert_eq!(property, "type");
        assert_eq!(tags, vec![Some(json!(1)), Some(json!(2)), None]);
    }

    #[test]
    fn a_shared_or_optional_constant_is_no_tag() {
        let a = obj(&[("type", Shape::Const(vec![json!("x")]), true)]);
        let b = obj(&[("type", Shape::Const(vec![json!("x")]), true)]);
        let c = obj(&[("type", Shape::Const(vec![json!("y")]), false)]);
        assert_eq!(implicit_tag(&[a, b, c]), None);
    }

    #[test]
    fn a_property_named_like_a_keyword_is_just_a_property() {
        // the old rendered-text comparison counted `any` inside `company`
        let a = obj(&[("company", Shape::Str { format: None }, true)]);
        let b = obj(&[("company", Shape::Int, true)]);
        assert!(ambiguous_groups(&[a.erased(), b.erased()], false).is_empty());
    }

    #[test]
    fn a_catch_all_is_ambiguous_in_a_one_of_and_last_in_an_any_of() {
        let named = obj(&[("name", Shape::Str { format: None }, false)]);
        let free = obj(&[]);
        assert_eq!(
            ambiguous_groups(&[named.clone(), free.clone(), Shape::Int], false),
            vec![vec![0, 1]]
        );
        assert!(ambiguous_groups(&[named, free, Shape::Any], true).is_empty());
        assert_eq!(
            ambiguous_groups(&[Shape::Int, Shape::Any], false),
            vec![vec![0, 1]]
        );
    }

    #[test]
    fn the_order_puts_specific_variants_first_and_catch_alls_last() {
        let small = obj(&[("x", Shape::Int, true)]);
        let larger = obj(&[("x", Shape::Int, true), ("y", Shape::Int, false)]);
        let stricter = obj(&[("x", Shape::Int, true), ("z", Shape::Int, true)]);
        let free = obj(&[]);
        let order = try_order(&[Shape::Any, free, larger, small, stricter]);
        assert_eq!(order, vec![4, 3, 2, 1, 0]);
        let uuid = Shape::Str {
            format: Some("uuid".into()),
        };
        assert_eq!(try_order(&[Shape::Str { format: None }, uuid]), vec![1, 0]);
    }

    #[test]
    fn allof_narrows_a_property_to_its_constant() {
        let shared = Shape::Int;
        let narrowed = Shape::Const(vec![json!(5)]).intersect(shared);
        assert_eq!(narrowed, Shape::Const(vec![json!(5)]));
        let base = obj(&[
            ("id", Shape::Int, true),
            ("type", Shape::Str { format: None }, false),
        ]);
        let part = obj(&[("type", Shape::Const(vec![json!("self")]), true)]);
        let merged = base.intersect(part);
        assert_eq!(merged.tag("type"), Some(&json!("self")));
    }
}
