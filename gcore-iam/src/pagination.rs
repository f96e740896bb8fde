//! Paging through the users list (`limit`/`offset`, envelope with `count` and `results`),
//! on the runtime's [`offset_stream`](crate::runtime::offset_stream).

use crate::operations::GetUsersError;
use crate::runtime::{Page, offset_stream};
use crate::types::User;
use crate::{Client, Error};
use futures_core::Stream;
use futures_util::TryStreamExt;

impl Client {
    /// Every user of the account as a stream, fetching `page_size` users per request
    /// (`GET /iam/users?limit=…&offset=…`) as the stream is read. Stops when the server's
    /// `count` is reached or a page comes back empty.
    pub fn users_stream(
        &self,
        page_size: i64,
    ) -> impl Stream<Item = Result<User, Error<GetUsersError>>> + Send + '_ {
        let page_size = page_size.max(1);
        offset_stream(move |offset| {
            let request = self.get_users().limit(page_size).offset(offset);
            async move {
                let page = request.await?;
                Ok(Page {
                    items: page.results,
                    total: Some(page.count),
                })
            }
        })
    }

    /// Every user of the account, fetched `page_size` at a time.
    pub async fn all_users(&self, page_size: i64) -> Result<Vec<User>, Error<GetUsersError>> {
        self.users_stream(page_size).try_collect().await
    }
}
