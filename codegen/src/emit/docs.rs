//! Spec text → rustdoc that never breaks the build: no doctests, no broken intra-doc
//! links, no stray HTML, no bare URLs.

use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;

/// Turns spec markdown into safe rustdoc markdown. `ops` maps operationIds to method
/// names, for `#operation/<id>` links.
pub fn sanitize(text: &str, ops: &BTreeMap<String, String>) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in text.replace("\r\n", "\n").replace('\r', "\n").lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            if in_fence {
                out.push("```".to_string());
                in_fence = false;
            } else {
                // Only a fence with a bare opening line starts a code block; Gcore writes
                // "```curl ...```" inline on one line, which is not a block in markdown.
                let rest = &trimmed[3..];
                if rest.contains("```") {
                    out.push(inline(line, ops));
                    continue;
                }
                in_fence = true;
                out.push("```text".to_string());
            }
            continue;
        }
        if in_fence {
            out.push(line.to_string());
            continue;
        }
        // Indented code blocks would be compiled as doctests: de-indent them.
        let line = if line.starts_with("    ") || line.starts_with('\t') {
            line.trim_start()
        } else {
            line
        };
        out.push(inline(line, ops));
    }
    if in_fence {
        out.push("```".to_string());
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out.join("\n")
}

/// Rewrites one line outside code fences: code spans are left alone, links are rewritten
/// (their text may hold code spans: "[`GET /v2/tokens`](#operation/…)"), the rest escaped.
fn inline(line: &str, ops: &BTreeMap<String, String>) -> String {
    // most lines hold nothing to rewrite: no code span, link, bracket, tag or URL
    if !line.contains(['`', '[', ']', '<']) && !line.contains("http") {
        return line.to_string();
    }
    let mut out = String::new();
    let mut plain = String::new();
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            out.push_str(&escape_text(&std::mem::take(&mut plain)));
            match rest[1..].find('`') {
                Some(close) => {
                    out.push_str(&rest[..close + 2]);
                    rest = &rest[close + 2..];
                }
                None => {
                    // An unbalanced backtick would swallow the rest of the doc.
                    out.push_str(rest);
                    out.push('`');
                    rest = "";
                }
            }
            continue;
        }
        if c == '[' {
            if let Some((text, target, len)) = split_link(rest) {
                out.push_str(&escape_text(&std::mem::take(&mut plain)));
                out.push_str(&link(text, target, ops));
                rest = &rest[len..];
                continue;
            }
        }
        plain.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out.push_str(&escape_text(&plain));
    out
}

/// `[text](target)` at the start of `s`: the text (code spans allowed, no other
/// brackets), the target and the length of the whole link.
fn split_link(s: &str) -> Option<(&str, &str, usize)> {
    let mut in_code = false;
    let mut close = None;
    for (i, c) in s.char_indices().skip(1) {
        match c {
            '`' => in_code = !in_code,
            '[' if !in_code => return None,
            ']' if !in_code => {
                close = Some(i);
                break;
            }
            _ => {}
        }
    }
    let close = close?;
    let after = s[close + 1..].strip_prefix('(')?;
    let end = after.find(')')?;
    Some((&s[1..close], &after[..end], close + 2 + end + 1))
}

/// A link's replacement. `#operation/<id>` → an intra-doc link to the method (lowering
/// has already reported links to operations that do not exist: they keep their text);
/// `METHOD /path` (Gcore's style, not valid markdown) → `text (`METHOD /path`)`.
fn link(text: &str, target: &str, ops: &BTreeMap<String, String>) -> String {
    let text_md = inline(text, ops);
    if let Some(id) = target.strip_prefix("#operation/") {
        return match ops.get(id) {
            Some(m) => format!("[{text_md}](crate::Client::{m})"),
            None => text_md,
        };
    }
    if let Some((method, path)) = target.split_once(' ') {
        if matches!(
            method,
            "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS"
        ) {
            return format!("{text_md} (`{method} {path}`)");
        }
    }
    // Anything else that is not a URL would be read by rustdoc as a path to an item
    // (`omicron_common::api::external::Disk`) and break the docs: keep the text.
    let url = ["http://", "https://", "mailto:", "#"]
        .iter()
        .any(|p| target.starts_with(p));
    if url {
        format!("[{text_md}]({target})")
    } else {
        text_md
    }
}

/// Escapes `<` (stray HTML), brackets that are not links (intra-doc links), and wraps
/// bare URLs in `<…>`. Walks the text in place: every character it looks for is ASCII.
fn escape_text(seg: &str) -> String {
    let mut out = String::with_capacity(seg.len());
    let mut prev = ' ';
    let mut rest = seg;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, ')' | '>' | '"' | '\'' | '<'))
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', '*']);
            if prev == '(' {
                out.push_str(url);
            } else {
                out.push('<');
                out.push_str(url);
                out.push('>');
            }
            // a URL begins with "http", so it is never empty
            prev = url.chars().next_back().unwrap_or(prev);
            rest = &rest[url.len()..];
            continue;
        }
        match c {
            '<' => out.push_str("&lt;"),
            '[' => {
                // keep `[text](target)` links, escape everything else
                let is_link = rest
                    .find("](")
                    .is_some_and(|p| !rest[1..p].contains('[') && !rest[1..p].contains(']'));
                if is_link {
                    out.push('[')
                } else {
                    out.push_str("\\[")
                }
            }
            ']' => {
                if rest[1..].starts_with('(') {
                    out.push(']')
                } else {
                    out.push_str("\\]")
                }
            }
            _ => out.push(c),
        }
        prev = c;
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// `#[doc = r"…"]` attributes, one per line.
pub fn attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| raw_string(format!(" {l}").trim_end()));
    quote! { #( #[doc = #lines] )* }
}

/// `text` as a raw string literal (`r"…"`, `r#"…"#` when it holds a quote). Docs are most
/// of the text a generation emits: a raw literal is written, read back by `syn` and read
/// again by `prettyplease` (which prints it as `///`) without escaping and unescaping
/// every character. A bare CR cannot be in a raw string: such text gets an escaped one.
fn raw_string(text: &str) -> proc_macro2::Literal {
    if text.contains('\r') {
        return proc_macro2::Literal::string(text);
    }
    // one `#` more than the longest run of them after a quote
    let hashes = text
        .match_indices('"')
        .map(|(i, _)| text[i + 1..].bytes().take_while(|b| *b == b'#').count() + 1)
        .max()
        .unwrap_or(0);
    let fence = "#".repeat(hashes);
    format!("r{fence}\"{text}\"{fence}")
        .parse()
        .unwrap_or_else(|_| proc_macro2::Literal::string(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops() -> BTreeMap<String, String> {
        [(
            "iamGetApiTokensV2".to_string(),
            "get_api_tokens_v2".to_string(),
        )]
        .into()
    }

    #[test]
    fn doc_lines_read_back_as_written_and_print_as_line_comments() {
        let text =
            "plain\nsays \"hi\"\na \"# and \"## inside\nback\\slash \u{e9}\ncarriage\rreturn";
        let docs = attrs(text);
        // raw where a raw literal can hold the text, with as few `#` as it takes
        let tokens = docs.to_string();
        assert!(tokens.contains(r#"r" plain""#), "{tokens}");
        assert!(
            tokens.contains(r####"r###" a "# and "## inside"###"####),
            "{tokens}"
        );
        let file: syn::File = syn::parse2(quote!(#docs struct S;)).unwrap();
        let syn::Item::Struct(item) = &file.items[0] else {
            panic!("not a struct")
        };
        let read: Vec<String> = item
            .attrs
            .iter()
            .map(|a| match &a.meta {
                syn::Meta::NameValue(nv) => match &nv.value {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => s.value(),
                    _ => panic!("not a string"),
                },
                _ => panic!("not name = value"),
            })
            .collect();
        let expected: Vec<String> = text.lines().map(|l| format!(" {l}")).collect();
        assert_eq!(read, expected);
        let printed = prettyplease::unparse(&file);
        assert!(
            printed.starts_with("/// plain\n/// says \"hi\"\n/// a \"# and \"## inside\n"),
            "{printed}"
        );
    }

    #[test]
    fn descriptions_cannot_become_doctests_or_broken_links() {
        let cases = [
            ("```\nlet x = 1;\n```", "```text\nlet x = 1;\n```"),
            (
                "```curl -H \"x\" https://a.b/c```",
                "```curl -H \"x\" https://a.b/c```",
            ),
            ("    indented code", "indented code"),
            (
                "see https://api.gcore.com/iam.",
                "see <https://api.gcore.com/iam>.",
            ),
            ("a <token> b", "a &lt;token> b"),
            ("[1] and [x]", "\\[1\\] and \\[x\\]"),
            ("[docs](https://gcore.com)", "[docs](https://gcore.com)"),
            (
                "New? [Sign up](https://auth.gcore.com/signup).",
                "New? [Sign up](https://auth.gcore.com/signup).",
            ),
            (
                "Use [v2](#operation/iamGetApiTokensV2) instead.",
                "Use [v2](crate::Client::get_api_tokens_v2) instead.",
            ),
            (
                "[log in](POST /auth/jwt/login) again",
                "log in (`POST /auth/jwt/login`) again",
            ),
            ("[gone](#operation/nope)", "gone"),
            ("open `code", "open `code`"),
            (
                "Use [`GET /v2/tokens`](#operation/iamGetApiTokensV2) instead.",
                "Use [`GET /v2/tokens`](crate::Client::get_api_tokens_v2) instead.",
            ),
            (
                "Parameters for the [`Disk`](omicron_common::api::external::Disk)",
                "Parameters for the `Disk`",
            ),
            ("[`a [b]`] and [x]", "\\[`a [b]`\\] and \\[x\\]"),
            (
                "[`POST /login`](POST /auth/jwt/login)",
                "`POST /login` (`POST /auth/jwt/login`)",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(sanitize(input, &ops()), want, "sanitize({input:?})");
        }
    }
}
