//! Rotating an API token the way Gcore's documentation says, in one call that strands
//! nobody: [`Client::rotate_token`], its outcome [`RotatedToken`] and [`RotationError`],
//! whose variants name the state the account is left in.
//!
//! Part of the Gcore layer, on top of the runtime: not copied into standalone crates.

use crate::dates::{Expiry, UnreadableDate};
use crate::operations::{
    CreateApiTokenV2Error, DeleteApiTokenV2Error, GetAccountDetailsError, GetApiTokenV2Error,
    GetApiTokensV2Error,
};
use crate::roles::Role;
use crate::types::{Token2, TokenResponse};
use crate::{AuthFailure, Client, ConfigError, Error, SecretString};
use std::collections::BTreeSet;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;

impl Client {
    /// Rotates API token `token_id` of account `account_id` as Gcore's documentation says:
    /// creates a new token, checks that it authenticates, then deletes the old one. The
    /// new token's value is returned once, in [`RotatedToken::secret`]: Gcore shows it
    /// only in the answer to the create call.
    ///
    /// The new token gets the old one's name, role and description unless the builder
    /// says otherwise ([`RotateToken::name`], [`RotateToken::role`]), and its expiry:
    /// never if the old one never expires, else the old one's lifetime (from its creation
    /// to its expiry) counted from now; [`RotateToken::expires`] sets another. The new
    /// token belongs to the user this client authenticates as (Gcore's rule: a token
    /// cannot have a higher role than its creator).
    ///
    /// ```no_run
    /// # async fn demo(client: gcore_iam::Client, account_id: i64) -> Result<(), Box<dyn std::error::Error>> {
    /// let old_id: i64 = client.api_key_id().parse()?; // the token this client uses
    /// match client.rotate_token(account_id, old_id).await {
    ///     Ok(rotated) => store(rotated.secret),
    ///     Err(e) => {
    ///         eprintln!("{e}"); // the state the account is in; never the secret
    ///         if let Some(secret) = e.into_new_secret() {
    ///             store(secret); // a new token exists: Gcore will not show it again
    ///         }
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// # fn store(_: gcore_iam::SecretString) {}
    /// ```
    ///
    /// Requests, in order: `GET` the old token, `GET` the token list, `POST` the new
    /// token, `GET /iam/clients/me` with the new token, `DELETE` the old token (with this
    /// client). The create call is never repeated: when its answer is lost, the token list
    /// read again and compared with the one read before says whether a token was made (a
    /// list that cannot be read does not stop the rotation; it only leaves such a loss
    /// unresolved). When the delete's answer is lost, the old token is
    /// read again to learn whether it is gone. Whatever fails, the [`RotationError`] says
    /// which tokens exist, and carries the new token's value whenever one was received.
    ///
    /// The check goes through a client like this one (base URL, HTTP client and its proxy,
    /// timeouts, retries; [`Client::with_credentials`]) that sends the new token. A check
    /// that cannot be made ends in [`RotationError::NewTokenUnverified`], with both tokens
    /// kept.
    pub fn rotate_token(&self, account_id: i64, token_id: i64) -> RotateToken<'_> {
        RotateToken {
            client: self,
            account_id,
            token_id,
            name: None,
            role: None,
            expires: None,
        }
    }
}

/// A token rotation to run; `.await` it. See [`Client::rotate_token`].
#[must_use = "a rotation runs when awaited"]
#[derive(Debug)]
pub struct RotateToken<'a> {
    client: &'a Client,
    account_id: i64,
    token_id: i64,
    name: Option<String>,
    role: Option<Role>,
    expires: Option<Expiry>,
}

impl RotateToken<'_> {
    /// The new token's name (default: the old one's).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
    /// The new token's role (default: the old one's).
    pub fn role(mut self, role: Role) -> Self {
        self.role = Some(role);
        self
    }
    /// The new token's expiry (default: never if the old one never expires, else the old
    /// one's lifetime counted from now).
    pub fn expires(mut self, expires: Expiry) -> Self {
        self.expires = Some(expires);
        self
    }
}

impl<'a> IntoFuture for RotateToken<'a> {
    type Output = Result<RotatedToken, RotationError>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

/// A rotated token: the new one exists and authenticates, the old one is deleted.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RotatedToken {
    /// The new token's value (`<id>_<secret>`): Gcore showed it once; store it now.
    pub secret: SecretString,
    /// The new token's id.
    pub new_token_id: i64,
    /// The deleted token's id.
    pub old_token_id: i64,
}

/// A rotation that did not finish; each variant is the state the account is in. `Debug`
/// and `Display` never show a secret.
///
/// Where a new token was created and its value received, the variant carries it
/// ([`RotationError::new_secret`]): Gcore will not show it again.
#[derive(Debug)]
#[non_exhaustive]
pub enum RotationError {
    /// Nothing changed: the old token is as it was, and no new token was created.
    Unchanged {
        /// The token to rotate.
        old_token_id: i64,
        /// What failed.
        cause: RotationCause,
    },
    /// The old token is as it was. The create call's answer was lost and the token list
    /// could not be read (before the call or after it), so whether it made a token is
    /// unknown: a token named `name` may exist whose value nobody has. Look for it before
    /// rotating again.
    CreateOutcomeUnknown {
        /// The token to rotate.
        old_token_id: i64,
        /// The name the new token would have.
        name: String,
        /// The create call's failure.
        cause: RotationCause,
        /// Why the token list could not be read.
        lookup: Box<Error<GetApiTokensV2Error>>,
    },
    /// The old token is as it was. The create call made these tokens, but their value
    /// never reached this client (the answer was lost or unreadable): nobody can use
    /// them. They count toward Gcore's 50 tokens; delete them. (They are not deleted for
    /// you: a token of the same name that someone else created meanwhile would look the
    /// same.)
    NewTokenUnusable {
        /// The token to rotate.
        old_token_id: i64,
        /// The tokens created without a usable value.
        new_token_ids: Vec<i64>,
        /// What failed.
        cause: RotationCause,
    },
    /// A new token exists and its value is here, but it could not be checked that it
    /// authenticates; the old token is as it was (present and working). Check the new
    /// one yourself, or delete it.
    NewTokenUnverified {
        /// The token to rotate, still present.
        old_token_id: i64,
        /// The new token.
        new_token_id: i64,
        /// The new token's value.
        new_secret: SecretString,
        /// Why the check failed.
        cause: RotationCause,
    },
    /// The new token exists and authenticates (its value is here); the old token could
    /// not be deleted and is still present. Switch to the new one, then delete the old
    /// one.
    OldTokenNotDeleted {
        /// The token to rotate, still present.
        old_token_id: i64,
        /// The new token.
        new_token_id: i64,
        /// The new token's value.
        new_secret: SecretString,
        /// Why the delete failed.
        cause: RotationCause,
    },
    /// The new token exists and authenticates (its value is here); the old token's
    /// delete failed and reading it again failed too, so whether it is gone is unknown.
    OldTokenMayRemain {
        /// The token to rotate, perhaps still present.
        old_token_id: i64,
        /// The new token.
        new_token_id: i64,
        /// The new token's value.
        new_secret: SecretString,
        /// Why the delete failed.
        cause: RotationCause,
        /// Why the old token could not be read again.
        lookup: Box<Error<GetApiTokenV2Error>>,
    },
}

/// The step of a rotation that failed, with its error.
#[derive(Debug)]
#[non_exhaustive]
pub enum RotationCause {
    /// Reading the old token failed.
    ReadOldToken(Error<GetApiTokenV2Error>),
    /// The old token is deleted or expired already: there is nothing to rotate.
    OldTokenGone,
    /// The old token's expiry or creation date cannot be read, so its lifetime cannot be
    /// given to the new token: set [`RotateToken::expires`].
    OldDatesUnreadable(UnreadableDate),
    /// The create call failed.
    Create(Error<CreateApiTokenV2Error>),
    /// The create call succeeded but its answer carried no token value.
    CreatedWithoutValue,
    /// No client could be built with the new token to check it (its value is not an API
    /// key this crate accepts, or the base URL needs a setting the check does not carry
    /// over).
    CheckClient(ConfigError),
    /// The new token did not authenticate (`GET /iam/clients/me` with it failed).
    Check(Error<GetAccountDetailsError>),
    /// Deleting the old token failed.
    Delete(Error<DeleteApiTokenV2Error>),
}

impl RotationError {
    /// The new token's value, when a new token exists and its value was received. Gcore
    /// will not show it again.
    pub fn new_secret(&self) -> Option<&SecretString> {
        match self {
            RotationError::NewTokenUnverified { new_secret, .. }
            | RotationError::OldTokenNotDeleted { new_secret, .. }
            | RotationError::OldTokenMayRemain { new_secret, .. } => Some(new_secret),
            _ => None,
        }
    }

    /// Takes the new token's value (see [`RotationError::new_secret`]).
    pub fn into_new_secret(self) -> Option<SecretString> {
        match self {
            RotationError::NewTokenUnverified { new_secret, .. }
            | RotationError::OldTokenNotDeleted { new_secret, .. }
            | RotationError::OldTokenMayRemain { new_secret, .. } => Some(new_secret),
            _ => None,
        }
    }

    /// The id of the token that was to be rotated.
    pub fn old_token_id(&self) -> i64 {
        match self {
            RotationError::Unchanged { old_token_id, .. }
            | RotationError::CreateOutcomeUnknown { old_token_id, .. }
            | RotationError::NewTokenUnusable { old_token_id, .. }
            | RotationError::NewTokenUnverified { old_token_id, .. }
            | RotationError::OldTokenNotDeleted { old_token_id, .. }
            | RotationError::OldTokenMayRemain { old_token_id, .. } => *old_token_id,
        }
    }

    /// The new token's id, when a new token with a known value exists.
    pub fn new_token_id(&self) -> Option<i64> {
        match self {
            RotationError::NewTokenUnverified { new_token_id, .. }
            | RotationError::OldTokenNotDeleted { new_token_id, .. }
            | RotationError::OldTokenMayRemain { new_token_id, .. } => Some(*new_token_id),
            _ => None,
        }
    }

    /// Whether the old token is still present: `Some(true)` in every state but
    /// [`RotationError::OldTokenMayRemain`], where it is unknown.
    pub fn old_token_present(&self) -> Option<bool> {
        match self {
            RotationError::OldTokenMayRemain { .. } => None,
            _ => Some(true),
        }
    }

    /// The step that failed.
    pub fn cause(&self) -> &RotationCause {
        match self {
            RotationError::Unchanged { cause, .. }
            | RotationError::CreateOutcomeUnknown { cause, .. }
            | RotationError::NewTokenUnusable { cause, .. }
            | RotationError::NewTokenUnverified { cause, .. }
            | RotationError::OldTokenNotDeleted { cause, .. }
            | RotationError::OldTokenMayRemain { cause, .. } => cause,
        }
    }
}

/// Where a new token's value is, in every message that has one.
const SECRET_HELD: &str =
    "its value is in RotationError::new_secret, and Gcore will not show it again: store it now";

impl fmt::Display for RotationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RotationError::Unchanged {
                old_token_id,
                cause,
            } => write!(
                f,
                "token {old_token_id} was not rotated and nothing changed (the old token is as it was, no new token was created): {cause}"
            ),
            RotationError::CreateOutcomeUnknown {
                old_token_id,
                name,
                cause,
                lookup,
            } => write!(
                f,
                "token {old_token_id} was not rotated; the old token is as it was, but whether a new token named {name:?} was created is unknown (nobody has its value; look for it and delete it before rotating again): {cause}; the token list could not be read to find out: {lookup}"
            ),
            RotationError::NewTokenUnusable {
                old_token_id,
                new_token_ids,
                cause,
            } => write!(
                f,
                "token {old_token_id} was not rotated; the old token is as it was, and the create call made token(s) {new_token_ids:?} whose value never arrived: nobody can use them, delete them: {cause}"
            ),
            RotationError::NewTokenUnverified {
                old_token_id,
                new_token_id,
                cause,
                ..
            } => write!(
                f,
                "new token {new_token_id} was created but could not be checked, so old token {old_token_id} was kept (both are present); {SECRET_HELD}: {cause}"
            ),
            RotationError::OldTokenNotDeleted {
                old_token_id,
                new_token_id,
                cause,
                ..
            } => write!(
                f,
                "new token {new_token_id} was created and works, but old token {old_token_id} could not be deleted and is still present (delete it once nothing uses it); {SECRET_HELD}: {cause}"
            ),
            RotationError::OldTokenMayRemain {
                old_token_id,
                new_token_id,
                cause,
                lookup,
                ..
            } => write!(
                f,
                "new token {new_token_id} was created and works, but deleting old token {old_token_id} failed and it could not be read again, so whether it is gone is unknown; {SECRET_HELD}: {cause}; reading it again failed: {lookup}"
            ),
        }
    }
}

impl fmt::Display for RotationCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RotationCause::ReadOldToken(e) => write!(f, "reading the old token failed: {e}"),
            RotationCause::OldTokenGone => {
                f.write_str("the old token is already deleted or expired")
            }
            RotationCause::OldDatesUnreadable(e) => write!(
                f,
                "the old token's lifetime cannot be read ({e}): set the new token's expiry with RotateToken::expires"
            ),
            RotationCause::Create(e) => write!(f, "creating the new token failed: {e}"),
            RotationCause::CreatedWithoutValue => {
                f.write_str("the create call's answer carried no token value")
            }
            RotationCause::CheckClient(e) => {
                write!(
                    f,
                    "no client could be built with the new token to check it: {e}"
                )
            }
            RotationCause::Check(e) => {
                write!(f, "the new token did not authenticate: {e}")
            }
            RotationCause::Delete(e) => write!(f, "deleting the old token failed: {e}"),
        }
    }
}

impl std::error::Error for RotationCause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RotationCause::ReadOldToken(e) => Some(e),
            RotationCause::OldDatesUnreadable(e) => Some(e),
            RotationCause::Create(e) => Some(e),
            RotationCause::CheckClient(e) => Some(e),
            RotationCause::Check(e) => Some(e),
            RotationCause::Delete(e) => Some(e),
            RotationCause::OldTokenGone | RotationCause::CreatedWithoutValue => None,
        }
    }
}

impl std::error::Error for RotationError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.cause())
    }
}

/// What the create call left behind.
enum Created {
    /// A token whose value we hold.
    Token { id: i64, secret: SecretString },
    /// Tokens whose value we do not hold (possibly none).
    Without(Vec<i64>),
}

impl RotateToken<'_> {
    async fn run(self) -> Result<RotatedToken, RotationError> {
        let RotateToken {
            client,
            account_id,
            token_id: old_token_id,
            ..
        } = self;
        let unchanged = |cause| RotationError::Unchanged {
            old_token_id,
            cause,
        };

        // 1. what the new token copies, and the tokens that exist before it
        let old = client
            .get_api_token_v2(account_id, old_token_id)
            .await
            .map_err(|e| unchanged(RotationCause::ReadOldToken(e)))?;
        if old.deleted || old.expired {
            return Err(unchanged(RotationCause::OldTokenGone));
        }
        let expires = match self.expires {
            Some(e) => e,
            None => {
                same_lifetime(&old).map_err(|e| unchanged(RotationCause::OldDatesUnreadable(e)))?
            }
        };
        let name = self.name.unwrap_or_else(|| old.name.clone());
        let mut request = Token2::for_role(
            name.clone(),
            self.role.unwrap_or_else(|| old.role()),
            expires,
        );
        request.description = old.description.clone();
        // only needed if the create call's answer is lost; without it, such a loss is
        // reported as CreateOutcomeUnknown
        let before: Result<BTreeSet<i64>, _> = client
            .get_api_tokens_v2(account_id)
            .await
            .map(|tokens| tokens.iter().map(|t| t.id).collect());

        // 2. create the new token: never repeated; a lost answer is looked up instead
        let (new_token_id, secret) =
            create_new(client, account_id, old_token_id, request, before, name).await?;

        // 3. check that the new token authenticates
        let unverified = |cause, secret| RotationError::NewTokenUnverified {
            old_token_id,
            new_token_id,
            new_secret: secret,
            cause,
        };
        let new_client = match client.with_credentials(secret.expose_secret()) {
            Ok(c) => c,
            Err(e) => return Err(unverified(RotationCause::CheckClient(e), secret)),
        };
        if let Err(e) = new_client.get_account_details().await {
            return Err(unverified(RotationCause::Check(e), secret));
        }

        // 4. delete the old token
        if let Err(cause) = delete_old(client, account_id, old_token_id).await {
            return Err(match cause {
                NotDeleted::Refused(cause) => RotationError::OldTokenNotDeleted {
                    old_token_id,
                    new_token_id,
                    new_secret: secret,
                    cause,
                },
                NotDeleted::Unknown { cause, lookup } => RotationError::OldTokenMayRemain {
                    old_token_id,
                    new_token_id,
                    new_secret: secret,
                    cause,
                    lookup,
                },
            });
        }
        Ok(RotatedToken {
            secret,
            new_token_id,
            old_token_id,
        })
    }
}

/// Whether an answer about the old token says it no longer exists: 404, or (when the
/// client authenticates with the old token itself) Gcore's answer to a deleted token.
/// Rotation's step 2: creates the new token from `request`, once. When the answer is lost
/// or unusable, the tokens made are looked up (by `before`, the ids that existed, and the
/// name); what the rotation then reports depends on whether any was made.
async fn create_new(
    client: &Client,
    account_id: i64,
    old_token_id: i64,
    request: Token2,
    before: Result<BTreeSet<i64>, Error<GetApiTokensV2Error>>,
    name: String,
) -> Result<(i64, SecretString), RotationError> {
    let e = match client.create_api_token_v2(account_id, request).await {
        Ok(created) => {
            return match created.token {
                Some(secret) => Ok((created.id, secret)),
                None => Err(RotationError::NewTokenUnusable {
                    old_token_id,
                    new_token_ids: vec![created.id],
                    cause: RotationCause::CreatedWithoutValue,
                }),
            };
        }
        Err(e) => e,
    };
    let found = created_anyway(&e);
    if let Some(Created::Token { id, secret }) = found {
        return Ok((id, secret));
    }
    let cause = RotationCause::Create(e);
    let ids = match found {
        Some(Created::Without(ids)) => ids,
        _ => match lookup_made(client, account_id, before, &name).await {
            Ok(ids) => ids,
            Err(lookup) => {
                return Err(RotationError::CreateOutcomeUnknown {
                    old_token_id,
                    name,
                    cause,
                    lookup: Box::new(lookup),
                });
            }
        },
    };
    Err(if ids.is_empty() {
        RotationError::Unchanged {
            old_token_id,
            cause,
        }
    } else {
        RotationError::NewTokenUnusable {
            old_token_id,
            new_token_ids: ids,
            cause,
        }
    })
}

/// Why rotation's step 4 left the old token in place, or may have.
enum NotDeleted {
    /// The delete failed and the token is still there.
    Refused(RotationCause),
    /// The delete failed and looking again failed too.
    Unknown {
        cause: RotationCause,
        lookup: Box<Error<GetApiTokenV2Error>>,
    },
}

/// Rotation's step 4: deletes the old token. A failed delete whose answer may have been
/// lost after it acted is checked by reading the token again; a token already gone (404,
/// or the key in use was the old one and is no longer valid) counts as deleted.
async fn delete_old(client: &Client, account_id: i64, old_token_id: i64) -> Result<(), NotDeleted> {
    let Err(e) = client.delete_api_token_v2(account_id, old_token_id).await else {
        return Ok(());
    };
    let self_is_old = client.api_key_id() == old_token_id.to_string();
    if is_gone(
        e.status(),
        e.api_error().and_then(|a| a.auth_failure()),
        self_is_old,
    ) {
        return Ok(());
    }
    // the answer may have been lost after the delete acted: look again
    let reread = client.get_api_token_v2(account_id, old_token_id).await;
    let gone = match &reread {
        Ok(t) => t.deleted,
        Err(r) => is_gone(
            r.status(),
            r.api_error().and_then(|a| a.auth_failure()),
            self_is_old,
        ),
    };
    if gone {
        return Ok(());
    }
    let cause = RotationCause::Delete(e);
    Err(match reread {
        Ok(_) => NotDeleted::Refused(cause),
        Err(lookup) => NotDeleted::Unknown {
            cause,
            lookup: Box::new(lookup),
        },
    })
}

fn is_gone(status: Option<u16>, auth: Option<&AuthFailure>, self_is_old: bool) -> bool {
    status == Some(404) || (self_is_old && auth == Some(&AuthFailure::InvalidOrExpired))
}

/// The old token's expiry carried over: never stays never, a date becomes the same
/// lifetime from now.
fn same_lifetime(old: &TokenResponse) -> Result<Expiry, UnreadableDate> {
    match old.expires()? {
        Expiry::Never => Ok(Expiry::Never),
        Expiry::At(at) => {
            let lifetime = at - old.created_at()?;
            if lifetime <= chrono::TimeDelta::zero() {
                return Err(UnreadableDate::new(format!(
                    "expiry {} is not after creation {}",
                    old.exp_date.as_deref().unwrap_or_default(),
                    old.created
                )));
            }
            Ok(Expiry::At(chrono::Utc::now() + lifetime))
        }
    }
}

/// What a failed create call is known to have made: `Some(Token)` when the server acted
/// and its unreadable answer still holds the value, `Some(Without([]))` when the server
/// refused or the request never reached it, `None` when only the token list can tell.
fn created_anyway(e: &Error<CreateApiTokenV2Error>) -> Option<Created> {
    if let Some(decode) = e.decode_error() {
        return value_in_body(decode.raw_body().expose_secret())
            .map(|(id, secret)| Created::Token { id, secret });
    }
    if e.outcome_unknown() {
        return None;
    }
    Some(Created::Without(Vec::new()))
}

/// The token id and value in the body of a create call's answer, read as loosely as
/// possible (the body did not decode as the description says).
fn value_in_body(body: &str) -> Option<(i64, SecretString)> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let token = value.get("token")?.as_str()?;
    let key = crate::ApiKey::parse(token).ok()?;
    let id = key.id().parse().ok()?;
    Some((id, SecretString::new(token)))
}

/// The tokens a create call whose answer was lost made: listed now, not `before`, live,
/// named `name`.
async fn lookup_made(
    client: &Client,
    account_id: i64,
    before: Result<BTreeSet<i64>, Error<GetApiTokensV2Error>>,
    name: &str,
) -> Result<Vec<i64>, Error<GetApiTokensV2Error>> {
    let before = before?;
    let now = client.get_api_tokens_v2(account_id).await?;
    Ok(made_since(&before, &now, name))
}

/// Tokens in `now` that were not in `before`, are live and carry `name`.
fn made_since(before: &BTreeSet<i64>, now: &[TokenResponse], name: &str) -> Vec<i64> {
    now.iter()
        .filter(|t| !before.contains(&t.id) && !t.deleted && t.name == name)
        .map(|t| t.id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_value_is_found_in_an_answer_that_did_not_decode() {
        let (id, secret) =
            value_in_body(r#"{"id": 42, "token": "42_a1b2c3", "created": null}"#).unwrap();
        assert_eq!(id, 42);
        assert_eq!(secret.expose_secret(), "42_a1b2c3");
        assert!(value_in_body(r#"{"id": 42}"#).is_none());
        assert!(value_in_body("not json").is_none());
        assert!(value_in_body(r#"{"token": "Bearer x"}"#).is_none());
    }

    #[test]
    fn an_error_never_prints_the_new_secret() {
        let err = RotationError::OldTokenNotDeleted {
            old_token_id: 1,
            new_token_id: 2,
            new_secret: SecretString::new("2_s3cr3tvalue"),
            cause: RotationCause::CreatedWithoutValue,
        };
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(!shown.contains("s3cr3t"), "{shown}");
        }
        assert!(err.to_string().contains("RotationError::new_secret"));
        assert_eq!(err.new_secret().unwrap().expose_secret(), "2_s3cr3tvalue");
        assert_eq!(err.new_token_id(), Some(2));
        assert_eq!(err.old_token_present(), Some(true));
    }
}
