//! Problems found in a spec, each naming the file and the place.

use std::fmt;

/// Where a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A syntax error: 1-based line and column.
    LineColumn { line: usize, column: usize },
    /// A JSON pointer into the document (`#/paths/~1iam~1users/get`).
    Pointer(String),
    /// The document as a whole.
    Document,
}

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Generation goes on; the output carries a documented fallback.
    Warning,
    /// Generation fails.
    Error,
}

/// One problem in the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: String,
    pub location: Location,
    /// The operationId the problem belongs to, if any.
    pub operation_id: Option<String>,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{level}: {}", self.file)?;
        match &self.location {
            Location::LineColumn { line, column } => write!(f, ":{line}:{column}")?,
            Location::Pointer(p) => write!(f, " at {p}")?,
            Location::Document => {}
        }
        if let Some(op) = &self.operation_id {
            write!(f, " (operation {op})")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A list of problems. Returned as the error of every fallible stage; warnings travel
/// with successful results too.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.severity == Severity::Error)
    }
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    pub fn single(d: Diagnostic) -> Self {
        Diagnostics { items: vec![d] }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.items.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// Escapes one JSON pointer token (RFC 6901).
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Joins tokens into a `#/…` pointer.
pub fn pointer<I, S>(tokens: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::from("#");
    for t in tokens {
        out.push('/');
        out.push_str(&escape_pointer_token(t.as_ref()));
    }
    out
}

/// Splits a `#/…` pointer into its unescaped tokens; `#` alone is the empty list. `None`
/// for text that is not such a pointer.
pub fn parse_pointer(pointer: &str) -> Option<Vec<String>> {
    let rest = pointer.strip_prefix('#')?;
    if rest.is_empty() {
        return Some(Vec::new());
    }
    let rest = rest.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_round_trip_through_their_tokens() {
        for tokens in [
            vec![],
            vec!["paths", "/iam/users/{id}", "get"],
            vec!["components", "schemas", "a~b/c", "properties", ""],
            vec!["x", "~1", "~0"],
        ] {
            let p = pointer(&tokens);
            assert_eq!(parse_pointer(&p).unwrap(), tokens, "{p}");
        }
        assert_eq!(pointer(["paths", "/a/{b}", "get"]), "#/paths/~1a~1{b}/get");
        assert_eq!(parse_pointer("#/a~01"), Some(vec!["a~1".to_string()]));
        assert_eq!(parse_pointer("paths/a"), None);
        assert_eq!(parse_pointer("#paths"), None);
    }
}
