//! Times as people read them. Shared by the server render and the browser, so
//! both produce the same text from the same inputs.

/// "in 2 hours", "5 minutes ago", "just now".
pub fn relative(target: i64, now: i64) -> String {
    let delta = target - now;
    let secs = delta.abs();
    if secs < 45 {
        return "just now".to_string();
    }
    let (n, unit) = if secs < 90 * 60 {
        ((secs + 30) / 60, "minute")
    } else if secs < 36 * 3600 {
        ((secs + 1800) / 3600, "hour")
    } else {
        ((secs + 43_200) / 86_400, "day")
    };
    let plural = if n == 1 { "" } else { "s" };
    if delta > 0 {
        format!("in {n} {unit}{plural}")
    } else {
        format!("{n} {unit}{plural} ago")
    }
}

/// "2026-11-23 04:00:00 UTC".
pub fn absolute(unix: i64) -> String {
    // Plain integer formatting: `time`'s format descriptions cost the wasm 16 KB.
    match time::OffsetDateTime::from_unix_timestamp(unix) {
        Ok(t) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        Err(_) => "unknown time".to_string(),
    }
}

/// A countdown: "1h 02m 05s", "4m 09s", "expired".
pub fn time_left(expires: i64, now: i64) -> String {
    let left = expires - now;
    if left <= 0 {
        return "expired".to_string();
    }
    let (h, m, s) = (left / 3600, (left % 3600) / 60, left % 60);
    if h >= 48 {
        format!("{}d {}h", h / 24, h % 24)
    } else if h > 0 {
        format!("{h}h {m:02}m {s:02}s")
    } else {
        format!("{m}m {s:02}s")
    }
}

pub use crate::links::percent_encode;

/// The current time in unix seconds (browser clock in wasm, system clock on the server).
/// The text with its first letter in upper case: "role" → "Role".
pub fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub fn now_unix() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        (js_sys::Date::now() / 1000.0) as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        time::OffsetDateTime::now_utc().unix_timestamp()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times() {
        assert_eq!(relative(100, 100), "just now");
        assert_eq!(relative(100 + 2 * 3600, 100), "in 2 hours");
        assert_eq!(relative(100 - 5 * 60, 100), "5 minutes ago");
        assert_eq!(relative(100 + 60, 100), "in 1 minute");
        assert_eq!(relative(100 - 3 * 86_400, 100), "3 days ago");
    }

    #[test]
    fn percent_encoding() {
        assert_eq!(percent_encode("/tokens?a=b c", true), "/tokens%3Fa%3Db%20c");
        assert_eq!(percent_encode("a/b", false), "a%2Fb");
    }

    #[test]
    fn countdowns_and_absolute() {
        assert_eq!(time_left(3725, 0), "1h 02m 05s");
        assert_eq!(time_left(249, 0), "4m 09s");
        assert_eq!(time_left(0, 5), "expired");
        assert_eq!(time_left(3 * 86_400 + 3600, 0), "3d 1h");
        assert_eq!(absolute(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(absolute(1_795_000_000), "2026-11-18 11:06:40 UTC");
        assert_eq!(absolute(-86_401), "1969-12-30 23:59:59 UTC");
        assert_eq!(absolute(i64::MAX), "unknown time");
    }
}
