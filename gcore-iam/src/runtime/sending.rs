//! [`Sending`], the future every generated operation returns, and [`ErrorResponse`], what
//! an operation's documented error enum implements so that the common decoding needs no
//! code of its own in the generated crate.

use super::client::Client;
use super::error::Error;
use super::operation::{Failure, Request, Response};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// An operation's documented error responses: generated error enums implement it.
pub trait ErrorResponse: Sized {
    /// Turns a response whose status is not the operation's success into an [`Error`],
    /// with the typed body when the description documents that status.
    fn from_response(resp: Response) -> Error<Self>;
}

/// Decodes a response: the status the constructor named is passed back in, so that one
/// monomorphic function per success and error type serves every operation.
type Decode<T, E> = fn(Response, u16) -> Result<T, Error<E>>;

/// A request on its way: what every operation's method (or its builder's `send`) returns.
/// Nothing is sent until it is awaited.
///
/// The request loop ([`Client::execute`]) is one boxed future compiled once for all
/// operations; an operation adds only a plain `fn` that decodes its response, not an
/// `async` body of its own.
#[must_use = "a request does nothing until it is awaited"]
pub struct Sending<'a, T, E> {
    response: Pin<Box<dyn Future<Output = Result<Response, Failure>> + Send + 'a>>,
    decode: Decode<T, E>,
    expect: u16,
}

impl<'a, T, E> Sending<'a, T, E> {
    /// Sends `req` and decodes the response with `decode` (which is given `0` as the
    /// status: it matches on the response's own).
    #[doc(hidden)]
    pub fn new(client: &'a Client, req: Request, decode: Decode<T, E>) -> Self {
        Self::expecting(client, req, 0, decode)
    }

    fn expecting(client: &'a Client, req: Request, expect: u16, decode: Decode<T, E>) -> Self {
        Sending {
            response: Box::pin(client.execute(req)),
            decode,
            expect,
        }
    }

    /// Sends the request: the same as awaiting it.
    pub fn send(self) -> Self {
        self
    }
}

impl<'a, T: serde::de::DeserializeOwned, E: ErrorResponse> Sending<'a, T, E> {
    /// The common operation: status `expect` carries a JSON `T`, any other status is one of
    /// `E`'s errors (or an undocumented one).
    #[doc(hidden)]
    pub fn json(client: &'a Client, req: Request, expect: u16) -> Self {
        Self::expecting(client, req, expect, |resp, expect| {
            if resp.status() == expect {
                resp.json()
            } else {
                Err(E::from_response(resp))
            }
        })
    }
}

impl<'a, E: ErrorResponse> Sending<'a, (), E> {
    /// An operation whose success, status `expect`, has no body (any body is ignored).
    #[doc(hidden)]
    pub fn empty(client: &'a Client, req: Request, expect: u16) -> Self {
        Self::expecting(client, req, expect, |resp, expect| {
            if resp.status() == expect {
                Ok(())
            } else {
                Err(E::from_response(resp))
            }
        })
    }
}

impl<T, E> std::fmt::Debug for Sending<'_, T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sending").finish_non_exhaustive()
    }
}

impl<T, E> Future for Sending<'_, T, E> {
    type Output = Result<T, Error<E>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let (decode, expect) = (self.decode, self.expect);
        self.response.as_mut().poll(cx).map(|sent| match sent {
            Ok(resp) => decode(resp, expect),
            Err(failure) => Err(failure.into()),
        })
    }
}
