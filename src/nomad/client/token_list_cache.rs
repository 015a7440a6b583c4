//! The whole token list, kept per caller token and checked with Nomad before
//! every use, so a page over 10,000 tokens does not fetch and parse them all
//! each time.
//!
//! A kept list is used only when it is known current: it was fetched after the
//! asking request started, or a one-item query (`per_page=1`, made with the
//! caller's own token, so Nomad still authorizes every use) answers the same
//! `acl_token` table index it was fetched at. Nomad bumps that index on every
//! token write, delete and garbage collection, so an equal index means an equal
//! list. Any other case fetches the list again, one fetch at a time per token;
//! requests that wait for that fetch take its result.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use blake2::digest::consts::U32;
use blake2::{Blake2b, Digest};

use crate::nomad::models::AclTokenListStub;

/// Caller tokens whose lists are kept; the least recently used goes first.
pub(super) const CAPACITY: usize = 8;

/// blake2b-256 of the caller's secret and region: the secret itself is not kept.
pub(super) type Key = [u8; 32];

pub(super) fn key(secret: Option<&str>, region: Option<&str>) -> Key {
    let mut h = Blake2b::<U32>::new();
    h.update(secret.unwrap_or_default().as_bytes());
    h.update([0]);
    h.update(region.unwrap_or_default().as_bytes());
    h.finalize().into()
}

/// One fetched list.
#[derive(Clone)]
pub(super) struct Kept {
    pub index: u64,
    pub list: Arc<Vec<AclTokenListStub>>,
    /// When the fetch that produced it was sent.
    pub fetched_at: Instant,
}

struct Slot {
    kept: Option<Kept>,
    /// Held while fetching, so concurrent requests of one token fetch once.
    refresh: Arc<tokio::sync::Mutex<()>>,
    used: Instant,
}

#[derive(Default)]
pub(super) struct TokenListCache {
    slots: Mutex<HashMap<Key, Slot>>,
}

impl TokenListCache {
    fn slots(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Slot>> {
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn get(&self, key: &Key) -> Option<Kept> {
        let mut slots = self.slots();
        let slot = slots.get_mut(key)?;
        slot.used = Instant::now();
        slot.kept.clone()
    }

    /// The lock a fetch for `key` holds (the slot is made if missing).
    pub fn refresh_lock(&self, key: &Key) -> Arc<tokio::sync::Mutex<()>> {
        let mut slots = self.slots();
        if !slots.contains_key(key) && slots.len() >= CAPACITY {
            let oldest = slots.iter().min_by_key(|(_, s)| s.used).map(|(k, _)| *k);
            if let Some(k) = oldest {
                slots.remove(&k);
            }
        }
        let slot =
            slots.entry(*key).or_insert_with(|| Slot { kept: None, refresh: Arc::default(), used: Instant::now() });
        slot.refresh.clone()
    }

    pub fn put(&self, key: &Key, kept: Kept) {
        let mut slots = self.slots();
        if let Some(slot) = slots.get_mut(key) {
            slot.used = Instant::now();
            slot.kept = Some(kept);
        }
    }

    /// Forgets the list of `key` (its token was refused: it may not list any more).
    pub fn forget(&self, key: &Key) {
        if let Some(slot) = self.slots().get_mut(key) {
            slot.kept = None;
        }
    }
}
