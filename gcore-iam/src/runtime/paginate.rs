//! Paging: every item of a list the API hands out page by page, as one stream that fetches
//! each page when it is read.

use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt, stream};
use std::future::Future;

/// One page of a list paged by offset: its items and, when the API says, how many items
/// the whole list has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The page's items, in order.
    pub items: Vec<T>,
    /// The length of the whole list, if the API reports it.
    pub total: Option<i64>,
}

/// Every item of a list paged by offset: `fetch(offset)` gets the page that starts at
/// `offset` (0 first, then after the items already read), when the stream reaches it.
/// The stream ends after an empty page or once `total` items are read, and with the
/// first error.
pub fn offset_stream<'a, T, E, F, Fut>(mut fetch: F) -> impl Stream<Item = Result<T, E>> + Send + 'a
where
    F: FnMut(i64) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>, E>> + Send + 'a,
    T: Send + 'a,
    E: Send + 'a,
{
    stream::try_unfold(Some(0i64), move |offset| {
        let page = offset.map(|offset| (offset, fetch(offset)));
        async move {
            let Some((offset, page)) = page else {
                return Ok(None);
            };
            let page = page.await?;
            let got = page.items.len() as i64;
            let more = got > 0 && page.total.is_none_or(|total| offset + got < total);
            Ok(Some((page.items, more.then_some(offset + got))))
        }
    })
    .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
    .try_flatten()
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use std::task::{Context, Poll, Waker};

    /// Runs a future whose every step is ready at once (the pages here are).
    fn block_on<F: Future>(f: F) -> F::Output {
        let mut f = std::pin::pin!(f);
        let mut cx = Context::from_waker(Waker::noop());
        loop {
            if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
        }
    }

    fn collect<T>(s: impl Stream<Item = T>) -> Vec<T> {
        block_on(s.collect())
    }

    #[test]
    fn pages_are_read_until_the_total_or_an_empty_page_and_stop_at_an_error() {
        let list: Vec<i64> = (0..7).collect();
        for (total, want_offsets) in [(Some(7), vec![0, 3, 6]), (None, vec![0, 3, 6, 7])] {
            let offsets = Arc::new(Mutex::new(Vec::new()));
            let seen = offsets.clone();
            let list = list.clone();
            let items: Vec<Result<i64, ()>> = collect(offset_stream(move |offset| {
                seen.lock().unwrap().push(offset);
                let items: Vec<i64> = list.iter().copied().skip(offset as usize).take(3).collect();
                async move { Ok(Page { items, total }) }
            }));
            let items: Vec<i64> = items.into_iter().map(Result::unwrap).collect();
            assert_eq!(items, (0..7).collect::<Vec<_>>());
            assert_eq!(*offsets.lock().unwrap(), want_offsets);
        }
        let failing = offset_stream(|offset| async move {
            if offset == 0 {
                Ok(Page {
                    items: vec![1, 2],
                    total: None,
                })
            } else {
                Err("down")
            }
        });
        let got: Vec<Result<i64, &str>> = collect(failing);
        assert_eq!(got, vec![Ok(1), Ok(2), Err("down")]);
        let first_error =
            block_on(offset_stream(|_| async { Err::<Page<i64>, _>("x") }).try_collect::<Vec<_>>());
        assert_eq!(first_error, Err("x"));
    }
}
