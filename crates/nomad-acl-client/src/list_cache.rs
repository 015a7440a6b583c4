//! Whole lists, kept per caller token and checked with Nomad before every use,
//! so a page over 10,000 tokens (or 500 policies) does not fetch and parse them
//! all each time. The token list's rules are below; the role and policy lists'
//! are in `lists.rs`.
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
pub(super) struct Kept<T> {
    /// The table index Nomad answered it with.
    pub index: u64,
    pub list: Arc<Vec<T>>,
    /// When the fetch that produced it was sent.
    pub fetched_at: Instant,
    /// Role and policy lists: the `acl_token` table index at which the caller was
    /// shown to be a management token (0 for the token list).
    pub proof: u64,
}

impl<T> Clone for Kept<T> {
    fn clone(&self) -> Self {
        Kept { index: self.index, list: self.list.clone(), fetched_at: self.fetched_at, proof: self.proof }
    }
}

struct Slot<T> {
    kept: Option<Kept<T>>,
    /// Held while fetching, so concurrent requests of one token fetch once.
    refresh: Arc<tokio::sync::Mutex<()>>,
    used: Instant,
}

pub(super) struct ListCache<T> {
    slots: Mutex<HashMap<Key, Slot<T>>>,
}

impl<T> Default for ListCache<T> {
    fn default() -> Self {
        ListCache { slots: Mutex::default() }
    }
}

impl<T> ListCache<T> {
    fn slots(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Slot<T>>> {
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn get(&self, key: &Key) -> Option<Kept<T>> {
        let mut slots = self.slots();
        let slot = slots.get_mut(key)?;
        slot.used = Instant::now();
        slot.kept.clone()
    }

    /// The lock a fetch for `key` holds (the slot is made if missing).
    pub fn refresh_lock(&self, key: &Key) -> Arc<tokio::sync::Mutex<()>> {
        Self::slot(&mut self.slots(), key).refresh.clone()
    }

    pub fn put(&self, key: &Key, kept: Kept<T>) {
        let mut slots = self.slots();
        let slot = Self::slot(&mut slots, key);
        slot.used = Instant::now();
        slot.kept = Some(kept);
    }

    /// The slot of `key`, made (evicting the least recently used at capacity) if missing.
    fn slot<'s>(slots: &'s mut HashMap<Key, Slot<T>>, key: &Key) -> &'s mut Slot<T> {
        if !slots.contains_key(key) && slots.len() >= CAPACITY {
            let oldest = slots.iter().min_by_key(|(_, s)| s.used).map(|(k, _)| *k);
            if let Some(k) = oldest {
                slots.remove(&k);
            }
        }
        slots.entry(*key).or_insert_with(|| Slot { kept: None, refresh: Arc::default(), used: Instant::now() })
    }

    /// Forgets the list of `key` (its token was refused: it may not list any more).
    pub fn forget(&self, key: &Key) {
        if let Some(slot) = self.slots().get_mut(key) {
            slot.kept = None;
        }
    }
}
