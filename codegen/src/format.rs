//! Stage 4: token streams → source text, with `prettyplease` (no rustfmt needed).
//!
//! Emitting and formatting are most of a generation's time, and the parts of a file are
//! independent: [`render`] emits and formats them on all cores. `proc_macro2` token streams
//! cannot cross threads, so each thread emits the parts it formats.

use crate::emit;
use crate::ir::Api;
use proc_macro2::TokenStream;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The text of every file of [`emit::FILES`], in that order. An error is a bug in the
/// emitter, never in the spec.
pub fn render(api: &Api) -> Result<Vec<String>, String> {
    let parts = emit::parts(api);
    let cx = emit::context(api);
    let texts: Vec<Mutex<Option<Result<String, String>>>> =
        parts.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(part) = parts.get(i) else { break };
            let text = format_tokens(emit::emit_part(api, &cx, part))
                .map_err(|e| format!("{}: {e}", emit::FILES[part.file]));
            *texts[i].lock().unwrap_or_else(|p| p.into_inner()) = Some(text);
        }
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(parts.len());
    std::thread::scope(|s| {
        for _ in 1..threads {
            s.spawn(work);
        }
        work();
    });
    let mut files = vec![String::new(); emit::FILES.len()];
    for (part, text) in parts.iter().zip(texts) {
        let text = text
            .into_inner()
            .unwrap_or_else(|p| p.into_inner())
            .unwrap_or_else(|| Err("a part was not rendered".into()))?;
        files[part.file].push_str(&text);
    }
    Ok(files)
}

/// One part's tokens as formatted source.
pub fn format_tokens(tokens: TokenStream) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| format!("internal error: the emitter produced invalid Rust: {e}"))?;
    Ok(prettyplease::unparse(&file))
}
