//! Stage 4: token streams → source text, with `prettyplease` (no rustfmt needed).

use proc_macro2::TokenStream;

/// Formats a generated file. An error here is a bug in the emitter, never in the spec.
pub fn format_file(header: &str, tokens: TokenStream) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| format!("internal error: the emitter produced invalid Rust: {e}"))?;
    Ok(format!("{header}\n{}", prettyplease::unparse(&file)))
}
