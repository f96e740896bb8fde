//! Stage 4: token streams → source text, with `prettyplease` (no rustfmt needed).
//!
//! Emitting and formatting are most of a generation's time, and the parts of a file are
//! independent: [`render`] emits and formats them on all cores. `proc_macro2` token streams
//! cannot cross threads, so each thread emits the parts it formats.

use crate::emit;
use crate::ir::Api;
use proc_macro2::TokenStream;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Formatting failed: always a bug in the emitter, never in the spec.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("internal error: the emitter produced invalid Rust: {0}")]
    InvalidRust(#[from] syn::Error),
    #[error("{file}: {source}")]
    InFile {
        file: &'static str,
        #[source]
        source: Box<FormatError>,
    },
    #[error("internal error: a formatting thread panicked")]
    ThreadPanicked,
}

/// The text of every file of [`emit::FILES`], in that order.
pub fn render(api: &Api) -> Result<Vec<String>, FormatError> {
    let parts = emit::parts(api);
    let cx = emit::context(api);
    let next = AtomicUsize::new(0);
    // each thread takes the next part until none is left: (part index, text)
    let work = || {
        let mut made = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(part) = parts.get(i) else { break made };
            let text = format_tokens(emit::emit_part(api, &cx, part))
                .map(|text| text + &emit::part_text(api, part))
                .map_err(|e| FormatError::InFile {
                    file: emit::FILES[part.file],
                    source: Box::new(e),
                });
            made.push((i, text));
        }
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(parts.len());
    let mut made = std::thread::scope(|s| {
        let helpers: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        let mut made = work();
        for h in helpers {
            made.extend(h.join().map_err(|_| FormatError::ThreadPanicked)?);
        }
        Ok::<_, FormatError>(made)
    })?;
    made.sort_by_key(|(i, _)| *i);
    let mut files = vec![String::new(); emit::FILES.len()];
    for (i, text) in made {
        files[parts[i].file].push_str(&text?);
    }
    Ok(files)
}

/// One part's tokens as formatted source.
pub fn format_tokens(tokens: TokenStream) -> Result<String, FormatError> {
    let file: syn::File = syn::parse2(tokens)?;
    Ok(prettyplease::unparse(&file))
}
