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
    let first = hub.watch(&b.client, me, &b.mgmt, None, Kind::Roles, None);
    let second = hub.watch(&b.client, me, &b.mgmt, None, Kind::Roles, None);
    assert!(Arc::ptr_eq(&first, &second), "two pages of one token share the watch");
    let policies = hub.watch(&b.client, me, &b.mgmt, None, Kind::Policies, None);
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

    let w = hub.watch(&b.client, &client.accessor_id, &client.secret_id, None, Kind::Tokens, None);
    let mut rx = w.subscribe();
    match settled(&mut rx, 10).await {
        WatchState::Unavailable(m) => assert!(m.contains("may not list tokens"), "{m}"),
        other => panic!("a client token cannot list tokens: {other:?}"),
    }

    b.client.acl_tokens().delete(&client.accessor_id, &b.w()).await.unwrap();
    drop((w, rx));
    assert_eq!(hub.running(), 0);
    let gone = hub.watch(&b.client, &client.accessor_id, &client.secret_id, None, Kind::Tokens, None);
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
    let w = hub.watch(&b.client, &b.mgmt_token.accessor_id, &b.mgmt, Some(soon), Kind::Policies, None);
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

async fn management_token(b: &Backend) -> nomad_acl_console::nomad::models::AclToken {
    let t = nomad_acl_console::nomad::models::AclToken {
        name: common::unique("live-admin"),
        token_type: "management".into(),
        ..Default::default()
    };
    b.client.acl_tokens().create(&t, &b.w()).await.expect("create management token").0
}

/// The next `At` above `above`, within `secs`.
async fn next_index(rx: &mut watch::Receiver<WatchState>, above: u64, secs: u64) -> WatchState {
    tokio::time::timeout(Duration::from_secs(secs), async {
        loop {
            let s = rx.borrow_and_update().clone();
            match s {
                WatchState::At(i) if i <= above => {}
                WatchState::Starting => {}
                other => return other,
            }
            rx.changed().await.expect("the watch stopped without a final state");
        }
    })
    .await
    .expect("no new state in time")
}

#[tokio::test]
async fn many_tokens_share_one_upstream_watch_per_kind_and_a_refused_carrier_hands_over() {
    let b = Backend::start().await;
    let hub = LiveHub::new(LiveConfig { wait: Duration::from_secs(10), ..Default::default() });
    let (first, second, third) = (management_token(&b).await, management_token(&b).await, management_token(&b).await);
    // One at a time, so the first token joins first and carries the upstream query.
    let mut members = Vec::new();
    let mut rxs = Vec::new();
    let mut at = 0;
    for t in [&first, &second, &third] {
        let member = hub.watch(&b.client, &t.accessor_id, &t.secret_id, None, Kind::Roles, None);
        let mut rx = member.subscribe();
        let WatchState::At(i) = settled(&mut rx, 10).await else { panic!("no index") };
        at = at.max(i);
        members.push(member);
        rxs.push(rx);
    }
    assert_eq!(hub.running(), 3, "one member per token");
    assert_eq!(hub.upstreams(), 1, "three tokens, one blocking query to Nomad");

    // The first member's token carries the upstream query; delete it.
    b.client.acl_tokens().delete(&first.accessor_id, &b.w()).await.unwrap();
    let p = b.policy("live-handover", r#"namespace "default" { policy = "read" }"#).await;
    b.role("live-handover", &[&p.name]).await;
    for rx in rxs.iter_mut().skip(1) {
        let WatchState::At(i) = next_index(rx, at, 5).await else { panic!("the change reached every member") };
        assert!(i > at);
    }
    // Nomad refuses the deleted carrier on its next query: its member ends, the others carry on.
    match next_index(&mut rxs[0], u64::MAX, 5).await {
        WatchState::Ended(m) => assert!(m.contains("no longer works"), "{m}"),
        other => panic!("the deleted token's member ends: {other:?}"),
    }
    let WatchState::At(before) = rxs[1].borrow().clone() else { panic!("still following") };
    b.role("live-after", &[&p.name]).await;
    for rx in rxs.iter_mut().skip(1) {
        let WatchState::At(i) = next_index(rx, before, 5).await else { panic!("followed after the hand-over") };
        assert!(i > before);
    }
    assert_eq!(hub.upstreams(), 1);
    drop((members, rxs));
    // The members' tasks end on the runtime's next turn, and with them the upstream watch.
    tokio::time::timeout(Duration::from_secs(1), async {
        while hub.upstreams() > 0 {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the upstream watch stops with its last member");
}

#[tokio::test]
async fn a_member_that_does_not_carry_ends_at_its_recheck_when_its_token_is_deleted() {
    let b = Backend::start().await;
    let hub = LiveHub::new(LiveConfig {
        wait: Duration::from_secs(10),
        recheck: Duration::from_secs(2),
        ..Default::default()
    });
    let carrier = hub.watch(&b.client, &b.mgmt_token.accessor_id, &b.mgmt, None, Kind::Policies, None);
    let mut carrier_rx = carrier.subscribe();
    settled(&mut carrier_rx, 10).await;
    let rider = management_token(&b).await;
    let member = hub.watch(&b.client, &rider.accessor_id, &rider.secret_id, None, Kind::Policies, None);
    let mut rx = member.subscribe();
    settled(&mut rx, 10).await;
    b.client.acl_tokens().delete(&rider.accessor_id, &b.w()).await.unwrap();
    // No policy changes, so the upstream query never answers: only the recheck can tell.
    match next_index(&mut rx, u64::MAX, 5).await {
        WatchState::Ended(m) => assert!(m.contains("no longer works"), "{m}"),
        other => panic!("the rider's member ends within its recheck interval: {other:?}"),
    }
    assert!(matches!(*carrier_rx.borrow(), WatchState::At(_)), "the carrier follows on");
}
