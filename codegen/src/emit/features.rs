//! Cargo features per tag ([`crate::Settings::features_per_tag`]): which features compile
//! each operation, each error enum and each type.
//!
//! An operation is compiled by the feature of any of its tags (`untagged` when it has
//! none); a type by the feature of any operation that reaches it, through parameters,
//! bodies, responses and the types those name; a type no operation reaches (a component
//! only) by `full`. Whatever every feature compiles carries no `cfg` at all.

use crate::ir::{Api, TypeDef, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};

/// The feature of operations without tags.
pub const UNTAGGED: &str = "untagged";
/// The feature that enables every other one (the default).
pub const FULL: &str = "full";

/// Which features compile what, for an API generated with a feature per tag.
#[derive(Debug, Clone)]
pub struct Features {
    /// The features' names, in the order their tags first appear.
    pub names: Vec<String>,
    /// Per operation (by index): the features that compile it.
    operations: Vec<BTreeSet<usize>>,
    /// Per operation whose error enum others share: the features of all of them.
    errors: Vec<BTreeSet<usize>>,
    /// Per type name: the features whose operations reach it (empty: none does).
    types: BTreeMap<String, BTreeSet<usize>>,
}

/// The features of `api`, or `None` when it is not generated with a feature per tag.
/// `error_owner` is [`super::Cx::error_owner`].
pub fn features(api: &Api, error_owner: &[usize]) -> Option<Features> {
    if !api.features_per_tag {
        return None;
    }
    let (names, operations) = tag_features(api);
    let mut errors = vec![BTreeSet::new(); api.operations.len()];
    for (i, &owner) in error_owner.iter().enumerate() {
        let f = operations[i].clone();
        errors[owner].extend(f);
    }
    let mut types: BTreeMap<String, BTreeSet<usize>> = api
        .types
        .iter()
        .map(|t| (t.name.clone(), BTreeSet::new()))
        .collect();
    for f in 0..names.len() {
        for name in reached_types(api, &operations, f) {
            if let Some(set) = types.get_mut(name) {
                set.insert(f);
            }
        }
    }
    Some(Features {
        names,
        operations,
        errors,
        types,
    })
}

/// One feature name per tag, in the order operations first use them (`untagged` for
/// operations without tags; a name taken, `full` or `default` gets a suffix), and the
/// features of each operation.
fn tag_features(api: &Api) -> (Vec<String>, Vec<BTreeSet<usize>>) {
    let mut names: Vec<String> = Vec::new();
    let mut by_tag: BTreeMap<&str, usize> = BTreeMap::new();
    let claim = |tag: &str, names: &mut Vec<String>| -> usize {
        let base = crate::ident::feature_name(tag);
        let mut name = base.clone();
        let mut n = 2;
        while names.contains(&name) || name == FULL || name == "default" {
            name = format!("{base}-{n}");
            n += 1;
        }
        names.push(name);
        names.len() - 1
    };
    let mut operations = Vec::new();
    for op in &api.operations {
        let tags: Vec<&str> = if op.tags.is_empty() {
            vec![UNTAGGED]
        } else {
            op.tags.iter().map(String::as_str).collect()
        };
        let mut set = BTreeSet::new();
        for tag in tags {
            let i = match by_tag.get(tag) {
                Some(&i) => i,
                None => {
                    let i = claim(tag, &mut names);
                    by_tag.insert(tag, i);
                    i
                }
            };
            set.insert(i);
        }
        operations.push(set);
    }
    (names, operations)
}

/// Every type the operations of feature `f` reach: through their parameters, bodies and
/// responses, then through fields, variants and aliases.
fn reached_types<'a>(api: &'a Api, operations: &[BTreeSet<usize>], f: usize) -> BTreeSet<&'a str> {
    let defs: BTreeMap<&str, &TypeDef> = api.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut stack: Vec<&str> = Vec::new();
    for (op, fs) in api.operations.iter().zip(operations) {
        if !fs.contains(&f) {
            continue;
        }
        let refs = op
            .params
            .iter()
            .map(|p| &p.ty)
            .chain(op.body.iter().map(|b| &b.ty))
            .chain(op.success.iter().filter_map(|r| r.ty.as_ref()))
            .chain(op.errors.iter().filter_map(|e| e.ty.as_ref()));
        for t in refs {
            named(t, &mut stack);
        }
    }
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    while let Some(name) = stack.pop() {
        if !seen.insert(name) {
            continue;
        }
        let Some(def) = defs.get(name) else { continue };
        match &def.kind {
            TypeKind::Struct(s) => {
                for field in &s.fields {
                    named(&field.ty, &mut stack);
                }
                if let Some(extra) = &s.additional {
                    named(extra, &mut stack);
                }
            }
            TypeKind::OneOf(o) => {
                for v in &o.variants {
                    named(&v.ty, &mut stack);
                }
            }
            TypeKind::Alias(target) => named(target, &mut stack),
            TypeKind::StringEnum(_) => {}
        }
    }
    seen
}

/// The named types `t` refers to, pushed onto `out`.
fn named<'t>(t: &'t TypeRef, out: &mut Vec<&'t str>) {
    match t {
        TypeRef::Named(n) => out.push(n),
        TypeRef::Vec(inner) | TypeRef::Map(inner) => named(inner, out),
        TypeRef::Tuple(elements) => {
            for e in elements {
                named(e, out);
            }
        }
        _ => {}
    }
}

impl Features {
    /// `#[cfg(...)]` for something the features `set` compile: none when every feature
    /// does, `full` when none does.
    fn cfg(&self, set: &BTreeSet<usize>) -> Option<TokenStream> {
        if set.len() == self.names.len() {
            return None;
        }
        Some(self.cfg_listed(set))
    }

    /// `#[cfg(...)]` naming every feature of `set` (`full` when it is empty).
    fn cfg_listed(&self, set: &BTreeSet<usize>) -> TokenStream {
        let names: Vec<&str> = if set.is_empty() {
            vec![FULL]
        } else {
            set.iter().map(|&i| self.names[i].as_str()).collect()
        };
        match names.as_slice() {
            [one] => quote!(#[cfg(feature = #one)]),
            several => quote!(#[cfg(any(#( feature = #several ),*))]),
        }
    }

    /// The `cfg` of operation `index`'s items.
    pub fn operation(&self, index: usize) -> Option<TokenStream> {
        self.cfg(&self.operations[index])
    }

    /// The `cfg` of the error enum that operation `index` defines (its own and its
    /// sharers' features), even when that is every feature: its private decoding
    /// function would be dead code in a build with none.
    pub fn error(&self, index: usize) -> Option<TokenStream> {
        Some(self.cfg_listed(&self.errors[index]))
    }

    /// The `cfg` of the type `name`.
    pub fn of_type(&self, name: &str) -> Option<TokenStream> {
        self.types.get(name).and_then(|set| self.cfg(set))
    }
}

/// `cfg` put before every item of `items` (top-level items end with a `;` or with a
/// brace-delimited group that no `;` follows).
pub fn each_item(cfg: Option<TokenStream>, items: TokenStream) -> TokenStream {
    use proc_macro2::{Delimiter, TokenTree};
    let Some(cfg) = cfg else { return items };
    let mut out = TokenStream::new();
    let mut item: Vec<TokenTree> = Vec::new();
    let mut tokens = items.into_iter().peekable();
    while let Some(tt) = tokens.next() {
        let ends = match &tt {
            TokenTree::Punct(p) => p.as_char() == ';',
            TokenTree::Group(g) => {
                g.delimiter() == Delimiter::Brace
                    && !matches!(tokens.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ';' || p.as_char() == '.')
            }
            _ => false,
        };
        item.push(tt);
        if ends {
            out.extend(cfg.clone());
            out.extend(item.drain(..));
        }
    }
    if !item.is_empty() {
        out.extend(cfg);
        out.extend(item);
    }
    out
}
