//! Gives memory freed after a burst (many live streams, large pages) back to the
//! operating system. glibc's allocator keeps freed pages inside its arenas, so
//! without this the process stays at its peak size.

use std::time::Duration;

/// How often freed memory is handed back.
const EVERY: Duration = Duration::from_secs(30);

/// Runs for the life of the process.
pub fn start() {
    tokio::spawn(async {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            release();
        }
    });
}

/// Hands every arena's free pages back; returns whether any were.
pub fn release() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: malloc_trim only walks the allocator's own free lists under its locks.
        unsafe { libc::malloc_trim(0) == 1 }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    fn resident_kib() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    #[test]
    fn freed_small_allocations_go_back_to_the_system() {
        // 64 MiB in blocks small enough to live inside the allocator's arena, then
        // one block after them, so the allocator cannot simply shrink its heap's top.
        let mut blocks: Vec<Vec<u8>> = (0..16 * 1024).map(|_| vec![1u8; 4096]).collect();
        let pin = vec![1u8; 4096];
        blocks.clear();
        blocks.shrink_to_fit();
        let before = resident_kib();
        assert!(super::release(), "there were free pages to hand back");
        let after = resident_kib();
        assert!(before.saturating_sub(after) > 32 * 1024, "resident {before} KiB before, {after} KiB after");
        drop(pin);
    }
}
