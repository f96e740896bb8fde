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
/// bare URLs in `<…>`.
fn escape_text(seg: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = seg.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let rest: String = chars[i..].iter().take(8).collect();
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let prev = if i > 0 { chars[i - 1] } else { ' ' };
            let mut j = i;
            while j < chars.len()
                && !chars[j].is_whitespace()
                && !matches!(chars[j], ')' | '>' | '"' | '\'' | '<')
            {
                j += 1;
            }
            let mut url: String = chars[i..j].iter().collect();
            while url.ends_with(['.', ',', ';', ':', '*']) {
                url.pop();
                j -= 1;
            }
            if prev == '(' {
                out.push_str(&url);
            } else {
                out.push('<');
                out.push_str(&url);
                out.push('>');
            }
            i = j;
            continue;
        }
        match c {
            '<' => out.push_str("&lt;"),
            '[' => {
                // keep `[text](target)` links, escape everything else
                let tail: String = chars[i..].iter().collect();
                let is_link = tail
                    .find("](")
                    .is_some_and(|p| !tail[1..p].contains('[') && !tail[1..p].contains(']'));
                if is_link {
                    out.push('[')
                } else {
                    out.push_str("\\[")
                }
            }
            ']' => {
                let next = chars.get(i + 1);
                if next == Some(&'(') {
                    out.push(']')
                } else {
                    out.push_str("\\]")
                }
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// `#[doc = "…"]` attributes, one per line.
pub fn attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| format!(" {l}").trim_end().to_string());
    quote! { #( #[doc = #lines] )* }
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
