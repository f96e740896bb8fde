//! Paging through the users list (`limit`/`offset`, envelope with `count` and `results`).

use crate::operations::GetUsersError;
use crate::types::User;
use crate::{Client, Error};
use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt, stream};

impl Client {
    /// Every user of the account as a stream, fetching `page_size` users per request
    /// (`GET /iam/users?limit=…&offset=…`) as the stream is read. Stops when the server's
    /// `count` is reached or a page comes back empty.
    pub fn users_stream(
        &self,
        page_size: i64,
    ) -> impl Stream<Item = Result<User, Error<GetUsersError>>> + Send + '_ {
        let page_size = page_size.max(1);
        stream::try_unfold(Some(0i64), move |offset| async move {
            let Some(offset) = offset else {
                return Ok::<_, Error<GetUsersError>>(None);
            };
            let page = self.get_users().limit(page_size).offset(offset).await?;
            let got = page.results.len() as i64;
            let next = (got > 0 && offset + got < page.count).then_some(offset + got);
            Ok(Some((page.results, next)))
        })
        .map_ok(|users| stream::iter(users.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
    }

    /// Every user of the account, fetched `page_size` at a time.
    pub async fn all_users(&self, page_size: i64) -> Result<Vec<User>, Error<GetUsersError>> {
        self.users_stream(page_size).try_collect().await
    }
}
