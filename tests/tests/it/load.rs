//! Load and retry storms through clones of one `Client`, against the fake Gcore
//! (`gcore-iam-fake`): what the server saw (calls, connections, attempts), not timings.
//! The numbers are printed (`cargo test --test it load:: -- --nocapture` shows them).

use gcore_iam::{Client, RetryBudget};
use gcore_iam_fake::{FakeGcore, Fault};
use std::collections::HashSet;
use std::sync::Arc;
use tokio::sync::Semaphore;

const CALLS: usize = 2000;
const AT_A_TIME: usize = 200;

/// Runs `CALLS` calls of `get_user`, one per user id, `AT_A_TIME` at a time, each through
/// its own clone of `client`; the results in the order of `user_ids`.
async fn get_every_user(
    client: &Client,
    user_ids: &[i64],
) -> Vec<Result<i64, gcore_iam::Error<gcore_iam::operations::GetUserError>>> {
    let permits = Arc::new(Semaphore::new(AT_A_TIME));
    let mut tasks = Vec::with_capacity(user_ids.len());
    for &id in user_ids {
        let client = client.clone();
        let permit = permits.clone().acquire_owned().await.unwrap();
        tasks.push(tokio::spawn(async move {
            let result = client.get_user(id).await.map(|u| u.id);
            drop(permit);
            result
        }));
    }
    let mut results = Vec::with_capacity(tasks.len());
    for t in tasks {
        results.push(t.await.unwrap());
    }
    results
}

fn user_ids(fake: &FakeGcore) -> Vec<i64> {
    let first = fake.add_user("first", gcore_iam_fake::Role::Users).user_id;
    fake.add_users(CALLS - 1);
    // ids are handed out in order
    (first..first + CALLS as i64).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_calls_two_hundred_at_a_time_all_succeed_once_each_on_bounded_connections() {
    let fake = FakeGcore::start().await;
    let ids = user_ids(&fake);
    let client = gcore_iam_tests::fast_retrying_client(fake.admin_key(), &fake.base_url())
        .build()
        .unwrap();

    let results = get_every_user(&client, &ids).await;

    for (id, result) in ids.iter().zip(&results) {
        assert_eq!(result.as_ref().ok(), Some(id), "{result:?}");
    }
    let requests = fake.requests();
    let paths: HashSet<&str> = requests.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(requests.len(), CALLS, "a call was sent twice or not at all");
    assert_eq!(paths.len(), CALLS, "a call was sent twice");
    assert!(requests.iter().all(|r| r.response_status == Some(200)));
    let connections = fake.connections_accepted();
    println!("{CALLS} calls, {AT_A_TIME} at a time: {connections} TCP connections");
    // Connections are reused, not one per call. A call may open a connection while
    // another one is still on its way back to the pool (hyper returns HTTP/1 connections
    // from a task of their own), so more than AT_A_TIME are seen: 300-380 here, and no
    // more for 8,000 calls. The bound depends on the concurrency, not on the calls.
    assert!(
        (1..=3 * AT_A_TIME).contains(&connections),
        "{connections} connections for {AT_A_TIME} calls at a time"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_answering_503_to_everything_gets_no_more_retries_than_the_budget() {
    let fake = FakeGcore::start().await;
    let ids = user_ids(&fake);
    // the default policy (2 retries) and the default budget; backoff kept short
    let client = gcore_iam_tests::fast_retrying_client(fake.admin_key(), &fake.base_url())
        .build()
        .unwrap();
    fake.inject_always(Fault::Status {
        status: 503,
        retry_after: None,
    });

    let results = get_every_user(&client, &ids).await;

    let budget = RetryBudget::default();
    let most_retries = (budget.capacity / budget.retry_cost) as usize;
    let attempts = fake.requests().len();
    println!(
        "{CALLS} calls against 503: {attempts} attempts (without a budget: {})",
        CALLS * 3
    );
    let reported: usize = results
        .iter()
        .map(|r| {
            let err = r.as_ref().expect_err("every call fails");
            assert_eq!(err.status(), Some(503));
            err.api_error().unwrap().attempts() as usize
        })
        .sum();
    assert_eq!(reported, attempts, "the errors count the attempts made");
    // every call was tried once; the budget paid for exactly its 100 retries
    assert_eq!(attempts, CALLS + most_retries);
    // and once it was spent, each call got one attempt
    let single = results
        .iter()
        .filter(|r| r.as_ref().unwrap_err().api_error().unwrap().attempts() == 1)
        .count();
    assert!(
        single >= CALLS - most_retries,
        "{single} calls made one attempt"
    );
}

#[tokio::test]
async fn the_budget_is_shared_by_clones_and_refilled_by_answers() {
    let fake = FakeGcore::start().await;
    let client = gcore_iam_tests::fast_retrying_client(fake.admin_key(), &fake.base_url())
        .retry_budget(RetryBudget {
            capacity: 10,
            retry_cost: 5,
            timeout_retry_cost: 10,
            success_refill: 1,
        })
        .build()
        .unwrap();
    let clone = client.clone();
    let attempts = |err: gcore_iam::Error<_>| err.api_error().unwrap().attempts();
    let unavailable = Fault::Status {
        status: 503,
        retry_after: None,
    };

    // a retried call that ends in an answer gets back what its retry spent
    fake.inject(unavailable.clone(), 1);
    client.get_account_details().await.unwrap();
    assert_eq!(fake.requests().len(), 2);

    // 10 tokens: two retries for the first failing call, none for the next, on a clone
    fake.inject_always(unavailable.clone());
    assert_eq!(attempts(client.get_account_details().await.unwrap_err()), 3);
    assert_eq!(attempts(clone.get_account_details().await.unwrap_err()), 1);

    // five answers at the first attempt refill five tokens: one retry again
    fake.clear_faults();
    for _ in 0..5 {
        clone.get_account_details().await.unwrap();
    }
    fake.inject_always(unavailable);
    assert_eq!(attempts(client.get_account_details().await.unwrap_err()), 2);
    assert_eq!(attempts(client.get_account_details().await.unwrap_err()), 1);

    // without a budget, every call gets its retries
    let unlimited = gcore_iam_tests::fast_retrying_client(fake.admin_key(), &fake.base_url())
        .retry_budget(RetryBudget::unlimited())
        .build()
        .unwrap();
    for _ in 0..5 {
        assert_eq!(
            attempts(unlimited.get_account_details().await.unwrap_err()),
            3
        );
    }
}
