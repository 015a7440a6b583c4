#![cfg(feature = "ssr")]
//! Live-update watches (`server::live::LiveHub`) against the backend of `tests/common`
//! (the embedded server, or a real Nomad named by `NOMAD_TEST_ADDR`).

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::Backend;
use nomad_acl_console::api::live::Kind;
use nomad_acl_console::server::live::{LiveConfig, LiveHub, WatchState};
use tokio::sync::watch;

fn hub() -> LiveHub {
    LiveHub::new(LiveConfig { wait: Duration::from_secs(10), ..Default::default() })
}

/// The first state other than `Starting`, within `secs`.
async fn settled(rx: &mut watch::Receiver<WatchState>, secs: u64) -> WatchState {
    tokio::time::timeout(Duration::from_secs(secs), async {
        loop {
            let s = rx.borrow_and_update().clone();
            if s != WatchState::Starting {
                return s;
            }
            rx.changed().await.expect("the watch stopped without a final state");
        }
    })
    .await
    .expect("the watch did not answer in time")
}

#[tokio::test]
async fn one_shared_watch_per_token_and_kind_follows_changes_and_stops_with_its_last_page() {
    let b = Backend::start().await;
    let hub = hub();
    let me = &b.mgmt_token.accessor_id;
    let first = hub.watch(&b.client, me, &b.mgmt, None, Kind::Roles);
    let second = hub.watch(&b.client, me, &b.mgmt, None, Kind::Roles);
    assert!(Arc::ptr_eq(&first, &second), "two pages of one token share the watch");
    let policies = hub.watch(&b.client, me, &b.mgmt, None, Kind::Policies);
    assert_eq!(hub.running(), 2);

    let mut rx = first.subscribe();
    let WatchState::At(before) = settled(&mut rx, 10).await else { panic!("no index") };
    let p = b.policy("live", r#"namespace "default" { policy = "read" }"#).await;
    b.role("live", &[&p.name]).await;
    // The blocking query answers as soon as the role table moves.
    let after = tokio::time::timeout(Duration::from_secs(2), async {
        loop {
            rx.changed().await.unwrap();
            if let WatchState::At(i) = *rx.borrow_and_update() {
                if i > before {
                    return i;
                }
            }
        }
    })
    .await
    .expect("the role change reached the watch within 2 s");
    assert!(after > before);

    drop((first, second, rx));
    assert_eq!(hub.running(), 1, "the roles watch stops with its last holder");
    drop(policies);
    assert_eq!(hub.running(), 0);
}

#[tokio::test]
async fn a_token_that_may_not_list_gets_unavailable_and_a_deleted_token_ends_its_watch() {
    let b = Backend::start().await;
    let hub = hub();
    let p = b.policy("live-reader", r#"namespace "default" { policy = "read" }"#).await;
    let client = b.client_token(&[&p.name]).await;

    let w = hub.watch(&b.client, &client.accessor_id, &client.secret_id, None, Kind::Tokens);
    let mut rx = w.subscribe();
    match settled(&mut rx, 10).await {
        WatchState::Unavailable(m) => assert!(m.contains("may not list tokens"), "{m}"),
        other => panic!("a client token cannot list tokens: {other:?}"),
    }

    b.client.acl_tokens().delete(&client.accessor_id, &b.w()).await.unwrap();
    drop((w, rx));
    assert_eq!(hub.running(), 0);
    let gone = hub.watch(&b.client, &client.accessor_id, &client.secret_id, None, Kind::Tokens);
    let mut rx = gone.subscribe();
    match settled(&mut rx, 10).await {
        WatchState::Ended(m) => assert!(m.contains("no longer works"), "{m}"),
        other => panic!("a deleted token ends the watch: {other:?}"),
    }
}

#[tokio::test]
async fn a_watch_ends_when_the_session_token_expires() {
    let b = Backend::start().await;
    let hub = hub();
    let soon = time::OffsetDateTime::now_utc().unix_timestamp() + 1;
    let w = hub.watch(&b.client, &b.mgmt_token.accessor_id, &b.mgmt, Some(soon), Kind::Policies);
    let mut rx = w.subscribe();
    let end = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let WatchState::Ended(m) = rx.borrow_and_update().clone() {
                return m;
            }
            rx.changed().await.unwrap();
        }
    })
    .await
    .expect("the watch ended at the session's expiry");
    assert!(end.contains("expired"), "{end}");
}
