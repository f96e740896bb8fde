//! API tokens in Gcore's words: a request built from a [`Role`] and an [`Expiry`], a
//! token's role and dates read as such, and the tokens about to expire.
//!
//! The generated token types keep their fields as the description has them (dates are
//! strings, a role is a `Group`); the methods here read them, and a date that does not
//! parse is an [`UnreadableDate`] for that one method, never a failed response.
//!
//! Part of the Gcore layer, on top of the runtime: not copied into standalone crates.

use crate::dates::{Expiry, UnreadableDate, parse_date};
use crate::operations::GetApiTokensV2Error;
use crate::roles::Role;
use crate::types::{
    CreateTokenResponse, CreateTokenResponseV2, Token2, Token2ClientUser, TokenResponse,
};
use crate::{Client, Error};
use chrono::{DateTime, TimeDelta, Utc};

impl Token2 {
    /// A request for a new API token (for [`Client::create_api_token_v2`]) with a role by
    /// name and an expiry that says "never" or a date:
    ///
    /// ```
    /// use gcore_iam::{Expiry, Role, types::Token2};
    ///
    /// let request = Token2::for_role("CI deploy", Role::Engineers, Expiry::Never)
    ///     .with_description("deploys from CI");
    /// let wire = serde_json::to_value(&request).unwrap();
    /// assert_eq!(wire["client_user"]["role"], serde_json::json!({"id": 5}));
    /// assert!(wire["exp_date"].is_null()); // never
    /// ```
    pub fn for_role(name: impl Into<String>, role: Role, expires: Expiry) -> Token2 {
        Token2::new(
            name,
            expires.to_wire(),
            Token2ClientUser::default().with_role(role.into()),
        )
    }
}

/// The accessors of a token read from a response; the three token types get the same.
macro_rules! token_readers {
    ($($ty:ident),*) => {$(
        impl $ty {
            /// The token's role, by name ([`Role::Unknown`] for one this crate does not
            /// know).
            pub fn role(&self) -> Role {
                Role::from(&self.client_user.role)
            }

            /// When the token expires: [`Expiry::Never`] (`exp_date` is `null`) or a date;
            /// the text of `exp_date` when it is not a date this crate can read.
            pub fn expires(&self) -> Result<Expiry, UnreadableDate> {
                Expiry::from_wire(self.exp_date.as_deref())
            }

            /// When the token was created (`created`).
            pub fn created_at(&self) -> Result<DateTime<Utc>, UnreadableDate> {
                parse_date(&self.created)
            }

            /// When the token was last used (`last_usage`).
            pub fn last_used_at(&self) -> Result<DateTime<Utc>, UnreadableDate> {
                parse_date(&self.last_usage)
            }

            /// Whether the token has expired at `now`: Gcore says so (`expired`), or its
            /// expiry date is not after `now`. An expired token no longer authenticates
            /// and Gcore deletes it.
            pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
                self.expired || matches!(self.expires(), Ok(Expiry::At(at)) if at <= now)
            }

            /// Whether the token has not expired at `now` but will within `within` (its
            /// expiry date is after `now` and at most `within` later). Gcore e-mails the
            /// owner 7 days and 1 day ahead: `expires_within(TimeDelta::days(7), now)`. A
            /// token whose expiry cannot be read is not said to expire: check
            /// [`expires`](Self::expires) for those.
            pub fn expires_within(&self, within: TimeDelta, now: DateTime<Utc>) -> bool {
                !self.is_expired(now)
                    && matches!(self.expires(), Ok(Expiry::At(at)) if at <= now + within)
            }
        }
    )*};
}

token_readers!(TokenResponse, CreateTokenResponse, CreateTokenResponseV2);

impl Client {
    /// The account's tokens that have not been deleted or expired and expire within
    /// `within` from now, soonest first (`GET /iam/v2/clients/{clientId}/tokens`, read
    /// whole). Gcore e-mails owners 7 days and 1 day before a token expires; to act
    /// before the first e-mail:
    ///
    /// ```no_run
    /// # async fn demo(client: gcore_iam::Client, account_id: i64) -> Result<(), Box<dyn std::error::Error>> {
    /// use gcore_iam::chrono::TimeDelta;
    ///
    /// for token in client.tokens_expiring_within(account_id, TimeDelta::days(7)).await? {
    ///     match token.expires() {
    ///         Ok(expiry) => println!("{} ({}) expires {expiry}", token.name, token.id),
    ///         Err(unreadable) => println!("{} ({}): {unreadable}", token.name, token.id),
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// A live token whose `exp_date` cannot be read as a date is included too, after the
    /// others: it may be expiring, and a token is never lost to a date format. Members of
    /// Administrators see every token of the account, others their own.
    pub async fn tokens_expiring_within(
        &self,
        account_id: i64,
        within: TimeDelta,
    ) -> Result<Vec<TokenResponse>, Error<GetApiTokensV2Error>> {
        let now = Utc::now();
        let tokens = self.get_api_tokens_v2(account_id).await?;
        Ok(expiring_within(tokens, within, now))
    }
}

/// The live tokens of `tokens` that expire within `within` of `now`, soonest first, then
/// those whose expiry cannot be read.
fn expiring_within(
    tokens: Vec<TokenResponse>,
    within: TimeDelta,
    now: DateTime<Utc>,
) -> Vec<TokenResponse> {
    let mut kept: Vec<(Option<DateTime<Utc>>, TokenResponse)> = tokens
        .into_iter()
        .filter(|t| !t.deleted && !t.is_expired(now))
        .filter_map(|t| match t.expires() {
            Ok(Expiry::At(at)) if t.expires_within(within, now) => Some((Some(at), t)),
            Ok(_) => None,
            Err(_) => Some((None, t)),
        })
        .collect();
    // `None` (unreadable) after every date
    kept.sort_by_key(|(at, _)| (at.is_none(), *at));
    kept.into_iter().map(|(_, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    fn token(id: i64, exp_date: serde_json::Value, deleted: bool, expired: bool) -> TokenResponse {
        serde_json::from_value(json!({
            "id": id, "name": format!("t{id}"), "exp_date": exp_date, "deleted": deleted,
            "expired": expired, "created": "2026-01-01T00:00:00.000000Z",
            "last_usage": "2026-02-01T10:00:00.000000Z",
            "client_user": {"deleted": false, "user_id": 1, "user_name": "Owner",
                            "user_email": "o@example.com", "client_id": 7,
                            "role": {"id": 3022, "name": "Purge and Prefetch only (API)"}}
        }))
        .unwrap()
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap()
    }

    #[test]
    fn a_token_reads_its_role_and_dates_and_keeps_a_date_it_cannot_read() {
        let t = token(1, json!("2026-12-03T12:00:00.000000Z"), false, false);
        assert_eq!(t.role(), Role::PurgeAndPrefetchOnlyApi);
        assert_eq!(
            t.expires(),
            Ok(Expiry::At(
                Utc.with_ymd_and_hms(2026, 12, 3, 12, 0, 0).unwrap()
            ))
        );
        assert_eq!(
            t.created_at(),
            Ok(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap())
        );
        assert_eq!(
            t.last_used_at(),
            Ok(Utc.with_ymd_and_hms(2026, 2, 1, 10, 0, 0).unwrap())
        );
        assert_eq!(
            token(2, json!(null), false, false).expires(),
            Ok(Expiry::Never)
        );
        let odd = token(3, json!("in a week"), false, false);
        assert_eq!(odd.expires().unwrap_err().text(), "in a week");
        assert_eq!(odd.exp_date.as_deref(), Some("in a week"));
    }

    #[test]
    fn expired_and_expiring_are_judged_against_the_given_now() {
        let in_3_days = token(1, json!("2026-12-03T12:00:00Z"), false, false);
        assert!(!in_3_days.is_expired(now()));
        assert!(in_3_days.expires_within(TimeDelta::days(7), now()));
        assert!(!in_3_days.expires_within(TimeDelta::days(1), now()));
        assert!(in_3_days.is_expired(now() + TimeDelta::days(3)));
        assert!(!in_3_days.expires_within(TimeDelta::days(7), now() + TimeDelta::days(4)));
        let never = token(2, json!(null), false, false);
        assert!(!never.is_expired(now()) && !never.expires_within(TimeDelta::days(9999), now()));
        // Gcore's flag counts even when the date says otherwise
        assert!(token(3, json!("2030-01-01T00:00:00Z"), false, true).is_expired(now()));
    }

    #[test]
    fn expiring_tokens_are_the_live_ones_soonest_first_then_the_unreadable() {
        let tokens = vec![
            token(1, json!("2026-12-06T12:00:00Z"), false, false), // 6 days
            token(2, json!(null), false, false),                   // never
            token(3, json!("2026-12-01T12:00:00Z"), false, false), // 1 day
            token(4, json!("2026-12-09T12:00:00Z"), false, false), // 9 days
            token(5, json!("2026-12-02T12:00:00Z"), true, false),  // deleted
            token(6, json!("2026-11-29T12:00:00Z"), false, false), // already expired
            token(7, json!("next tuesday"), false, false),         // unreadable
            token(8, json!("next friday"), true, false),           // unreadable, deleted
        ];
        let ids: Vec<i64> = expiring_within(tokens, TimeDelta::days(7), now())
            .iter()
            .map(|t| t.id)
            .collect();
        assert_eq!(ids, [3, 1, 7]);
    }
}
