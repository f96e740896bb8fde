//! Gcore's date strings as `chrono` UTC date-times, both ways: [`parse_date`],
//! [`format_date`], a token's [`Expiry`], and [`UnreadableDate`] for a text that is not a
//! date.
//!
//! Part of the Gcore layer, on top of the runtime: not copied into standalone crates.

use chrono::{DateTime, NaiveDateTime, Utc};
use std::fmt;

/// When an API token stops working: never, or at a date (UTC).
///
/// On the wire "never" is `"exp_date": null`; [`Expiry::to_wire`] and
/// [`Expiry::from_wire`] convert. A token whose expiry date passes is deleted by Gcore,
/// and Gcore e-mails its owner 7 days and 1 day before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Expiry {
    /// The token never expires.
    Never,
    /// The token expires at this date.
    At(DateTime<Utc>),
}

impl Expiry {
    /// The date, if the token expires.
    pub fn date(&self) -> Option<DateTime<Utc>> {
        match self {
            Expiry::Never => None,
            Expiry::At(at) => Some(*at),
        }
    }

    /// `exp_date` as sent: `None` (`null`) for never, else the date as Gcore writes
    /// dates ([`format_date`]).
    pub fn to_wire(&self) -> Option<String> {
        self.date().map(format_date)
    }

    /// Reads `exp_date` as received: `null` is never, a text is a date or an
    /// [`UnreadableDate`] that keeps it.
    pub fn from_wire(exp_date: Option<&str>) -> Result<Expiry, UnreadableDate> {
        match exp_date {
            None => Ok(Expiry::Never),
            Some(text) => parse_date(text).map(Expiry::At),
        }
    }
}

/// `never`, or the date as [`format_date`] writes it.
impl fmt::Display for Expiry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expiry::Never => f.write_str("never"),
            Expiry::At(at) => f.write_str(&format_date(*at)),
        }
    }
}

/// A date field whose text this crate cannot read as a date. The response it came in
/// decoded anyway: the text is here ([`UnreadableDate::text`]) and in the field itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableDate {
    text: String,
}

impl UnreadableDate {
    pub(crate) fn new(text: impl Into<String>) -> Self {
        UnreadableDate { text: text.into() }
    }

    /// The text as the server sent it.
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for UnreadableDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "not a date this client can read: {:?} (expected ISO 8601 / RFC 3339, UTC)",
            self.text
        )
    }
}

impl std::error::Error for UnreadableDate {}

/// Reads a date as Gcore sends them: RFC 3339 (`2021-01-01T12:00:00.000000Z`, any number
/// of fractional digits, `Z` or an offset), or the same without an offset, which Gcore's
/// documentation says is UTC (also with a space for the `T`).
pub fn parse_date(text: &str) -> Result<DateTime<Utc>, UnreadableDate> {
    let trimmed = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(trimmed) {
        return Ok(at.with_timezone(&Utc));
    }
    for form in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(at) = NaiveDateTime::parse_from_str(trimmed, form) {
            return Ok(at.and_utc());
        }
    }
    Err(UnreadableDate {
        text: text.to_string(),
    })
}

/// Writes a date as Gcore's examples do: `2021-01-01T12:00:00.000000Z` (UTC, microseconds).
pub fn format_date(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn reads_the_forms_gcore_writes_and_keeps_what_it_cannot_read() {
        let noon = Utc.with_ymd_and_hms(2021, 1, 1, 12, 0, 0).unwrap();
        for text in [
            "2021-01-01T12:00:00.000000Z",
            "2021-01-01T12:00:00Z",
            "2021-01-01T12:00:00+00:00",
            "2021-01-01T13:00:00+01:00",
            "2021-01-01T12:00:00.000",
            "2021-01-01 12:00:00",
            " 2021-01-01T12:00:00Z\n",
        ] {
            assert_eq!(parse_date(text), Ok(noon), "{text:?}");
        }
        for text in ["", "yesterday", "2021-13-01T12:00:00Z", "1609502400"] {
            let err = parse_date(text).unwrap_err();
            assert_eq!(err.text(), text);
            assert!(err.to_string().contains(&format!("{text:?}")), "{err}");
        }
    }

    #[test]
    fn never_is_null_on_the_wire_and_a_date_is_written_as_gcore_writes_it() {
        let at = Utc.with_ymd_and_hms(2026, 12, 24, 8, 30, 0).unwrap();
        assert_eq!(Expiry::Never.to_wire(), None);
        assert_eq!(
            Expiry::At(at).to_wire().as_deref(),
            Some("2026-12-24T08:30:00.000000Z")
        );
        assert_eq!(Expiry::from_wire(None), Ok(Expiry::Never));
        assert_eq!(
            Expiry::from_wire(Some("2026-12-24T08:30:00.000000Z")),
            Ok(Expiry::At(at))
        );
        assert_eq!(Expiry::from_wire(Some("soon")).unwrap_err().text(), "soon");
        assert_eq!(Expiry::Never.to_string(), "never");
        assert_eq!(Expiry::At(at).date(), Some(at));
    }
}
