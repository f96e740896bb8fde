//! `Client::from_env`, which reads environment variables: its own test binary, because
//! the environment is process-wide and setting it while other threads run (the grouped
//! tests, the cargo and reqwest code they call) is unsound.

use gcore_iam::Client;
use gcore_iam_tests::scripted::{Reply, ScriptedServer};
use gcore_iam_tests::{KEY, account};

/// Environment variables are process-wide: tests that set them hold this lock while they
/// do, and read them back only under it.
static ENV_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `f` with these variables set (`Some`) or removed (`None`), restoring them after.
fn with_env<R>(vars: &[(&str, Option<&str>)], f: impl FnOnce() -> R) -> R {
    let _lock = ENV_LOCK
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let saved: Vec<(&str, Option<String>)> = vars
        .iter()
        .map(|(name, _)| (*name, std::env::var(name).ok()))
        .collect();
    let set = |name: &str, value: Option<&str>| {
        // SAFETY: every test of this binary (all of them touch the environment) holds
        // ENV_LOCK, and nothing else in it reads these variables.
        unsafe {
            match value {
                Some(v) => std::env::set_var(name, v),
                None => std::env::remove_var(name),
            }
        }
    };
    for (name, value) in vars {
        set(name, *value);
    }
    let result = f();
    for (name, value) in &saved {
        set(name, value.as_deref());
    }
    result
}

#[tokio::test]
async fn from_env_reads_the_key_and_base_url() {
    let server = ScriptedServer::start().await;
    server.push(Reply::json(200, account()));
    let pasted = format!("  APIKey {KEY}  ");
    let c = with_env(
        &[
            ("GCORE_API_KEY", Some(pasted.as_str())),
            ("GCORE_BASE_URL", Some(server.base_url().as_str())),
        ],
        Client::from_env,
    )
    .unwrap();
    assert_eq!(c.base_url(), server.base_url());
    assert_eq!(c.api_key_id(), "42");
    c.get_account_details().await.unwrap();
    assert_eq!(
        server.received()[0].header("authorization"),
        Some(format!("APIKey {KEY}").as_str())
    );
    let missing = with_env(&[("GCORE_API_KEY", None)], Client::from_env).unwrap_err();
    assert!(
        missing.to_string().starts_with(
            "GCORE_API_KEY is not set: export GCORE_API_KEY='<id>_<secret>' (a Gcore permanent API token; single quotes"
        ),
        "{missing}"
    );
}

#[tokio::test]
async fn from_env_without_a_base_url_uses_gcores_api() {
    for base_url in [None, Some(""), Some("   ")] {
        let c = with_env(
            &[("GCORE_API_KEY", Some(KEY)), ("GCORE_BASE_URL", base_url)],
            Client::from_env,
        )
        .unwrap();
        assert_eq!(c.base_url(), "https://api.gcore.com", "{base_url:?}");
        assert_eq!(c.base_url(), gcore_iam::DEFAULT_BASE_URL);
        assert!(
            format!("{c:?}").contains("base_url: \"https://api.gcore.com\""),
            "{c:?}"
        );
    }
    // a cut legacy token in the environment is refused with the fix, before any traffic
    let cut = with_env(
        &[("GCORE_API_KEY", Some("29841")), ("GCORE_BASE_URL", None)],
        Client::from_env,
    )
    .unwrap_err();
    assert!(cut.to_string().contains("single quotes"), "{cut}");
}
