//! A new token's lifetime as the create and renew forms choose it, checked the way
//! Nomad will check it, so the form can say what is wrong before posting.
//! Compiled for the browser too: the same rules and texts on both sides.

use serde::{Deserialize, Serialize};

use crate::nomad::duration::{GoDuration, SECOND};

/// The cluster's `acl.token_min_expiration_ttl` / `token_max_expiration_ttl`. Nomad
/// has no API that tells them, so the console takes them as flags (Nomad's defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TtlBounds {
    pub min_secs: i64,
    pub max_secs: i64,
}

impl Default for TtlBounds {
    fn default() -> Self {
        TtlBounds { min_secs: 60, max_secs: 24 * 3600 }
    }
}

impl TtlBounds {
    pub fn min_text(&self) -> String {
        GoDuration::from_secs(self.min_secs).to_go_string()
    }
    pub fn max_text(&self) -> String {
        GoDuration::from_secs(self.max_secs).to_go_string()
    }
    /// Whether a preset choice fits the cluster (a 24h choice on a 12h cluster does not).
    pub fn allows(&self, secs: i64) -> bool {
        (self.min_secs..=self.max_secs).contains(&secs)
    }
}

/// The fixed choices offered, as (form value, label, seconds).
pub const PRESETS: [(&str, &str, i64); 4] =
    [("10m", "10 minutes", 600), ("1h", "1 hour", 3600), ("8h", "8 hours", 8 * 3600), ("24h", "24 hours", 86_400)];

/// What the token is created with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifetime {
    Never,
    /// `ExpirationTTL`, in nanoseconds.
    Ttl(i64),
    /// `ExpirationTime`, unix seconds.
    At(i64),
}

/// The lifetime fields of a form, as posted (a form may leave any of them out).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LifetimeInput {
    /// `never`, a preset value (`10m`...), `ttl` (custom duration) or `at` (custom time).
    pub expiry: String,
    /// The custom duration, Go syntax.
    pub ttl: String,
    /// The custom time as `<input type="datetime-local">` gives it: `YYYY-MM-DDTHH:MM[:SS]`.
    pub at_local: String,
    /// Minutes to add to `at_local` to get UTC (JavaScript's `getTimezoneOffset` of that
    /// date). Empty without JavaScript: the time is then read as UTC, and the form says so.
    pub tz_offset: String,
}

impl LifetimeInput {
    /// The lifetime, or the message to show next to the expiration field. `now` is unix seconds.
    pub fn resolve(&self, bounds: TtlBounds, now: i64) -> Result<Lifetime, String> {
        match self.expiry.as_str() {
            "" | "never" => Ok(Lifetime::Never),
            "ttl" => ttl(self.ttl.trim(), bounds).map(Lifetime::Ttl),
            "at" => at(&self.at_local, &self.tz_offset, bounds, now).map(Lifetime::At),
            preset => match PRESETS.iter().find(|(v, _, _)| *v == preset) {
                Some((_, _, secs)) if bounds.allows(*secs) => Ok(Lifetime::Ttl(secs * SECOND)),
                Some((_, label, _)) => Err(format!(
                    "{label} is outside what this cluster allows ({} to {}).",
                    bounds.min_text(),
                    bounds.max_text()
                )),
                None => Err(format!("Unknown expiration choice “{preset}”.")),
            },
        }
    }
}

/// A custom duration: Go syntax, positive, inside the cluster's bounds.
pub fn ttl(text: &str, bounds: TtlBounds) -> Result<i64, String> {
    if text.is_empty() {
        return Err("Enter a duration, such as 90m or 2h30m.".to_string());
    }
    let d = GoDuration::parse(text)
        .map_err(|e| format!("“{text}” is not a duration Nomad understands ({e}). Examples: 90m, 2h30m, 45s."))?;
    let nanos = d.as_nanos();
    if nanos <= 0 {
        return Err("The duration must be more than zero.".to_string());
    }
    check_span(nanos, bounds, &d.to_go_string())?;
    Ok(nanos)
}

fn check_span(nanos: i64, bounds: TtlBounds, shown: &str) -> Result<(), String> {
    if nanos < bounds.min_secs * SECOND {
        return Err(format!(
            "{shown} is too short: this cluster refuses lifetimes under {} (token_min_expiration_ttl).",
            bounds.min_text()
        ));
    }
    if nanos > bounds.max_secs * SECOND {
        return Err(format!(
            "{shown} is too long: this cluster refuses lifetimes over {} (token_max_expiration_ttl).",
            bounds.max_text()
        ));
    }
    Ok(())
}

/// A custom time: in the future, inside the cluster's bounds from now.
pub fn at(local: &str, tz_offset: &str, bounds: TtlBounds, now: i64) -> Result<i64, String> {
    let local = local.trim();
    if local.is_empty() {
        return Err("Choose a date and time.".to_string());
    }
    let naive = parse_local(local).ok_or_else(|| format!("“{local}” is not a date and time (YYYY-MM-DDTHH:MM)."))?;
    let offset_min: i64 = match tz_offset.trim() {
        "" => 0,
        o => o.parse().map_err(|_| "The time zone offset is not a number.".to_string())?,
    };
    let unix = naive + offset_min * 60;
    if unix <= now {
        return Err("That time is in the past.".to_string());
    }
    let span = GoDuration::from_secs(unix - now);
    check_span(span.as_nanos(), bounds, &format!("That is {} from now, which", span.to_go_string()))?;
    Ok(unix)
}

/// `YYYY-MM-DDTHH:MM[:SS]` read as UTC, in unix seconds.
fn parse_local(s: &str) -> Option<i64> {
    let (date, clock) = s.split_once('T')?;
    let mut d = date.splitn(3, '-');
    let (y, m, day) = (d.next()?.parse().ok()?, d.next()?.parse::<u8>().ok()?, d.next()?.parse().ok()?);
    let mut c = clock.splitn(3, ':');
    let (h, min) = (c.next()?.parse().ok()?, c.next()?.parse().ok()?);
    let sec = match c.next() {
        Some(s) => s.split('.').next()?.parse().ok()?,
        None => 0,
    };
    let date = time::Date::from_calendar_date(y, time::Month::try_from(m).ok()?, day).ok()?;
    let clock = time::Time::from_hms(h, min, sec).ok()?;
    Some(time::PrimitiveDateTime::new(date, clock).assume_utc().unix_timestamp())
}

/// The `nomad acl token create` flag for a lifetime (the CLI only takes a TTL, so a
/// fixed time becomes the duration from `now`).
pub fn cli_ttl_flag(lifetime: Lifetime, now: i64) -> Option<String> {
    match lifetime {
        Lifetime::Never => None,
        Lifetime::Ttl(nanos) => Some(format!("-ttl={}", GoDuration::from_nanos(nanos).to_go_string())),
        Lifetime::At(unix) => Some(format!("-ttl={}", GoDuration::from_secs((unix - now).max(0)).to_go_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000; // 2027-01-15T08:00:00Z

    fn input(expiry: &str, ttl: &str, at_local: &str, tz: &str) -> LifetimeInput {
        LifetimeInput { expiry: expiry.into(), ttl: ttl.into(), at_local: at_local.into(), tz_offset: tz.into() }
    }

    fn resolve(i: LifetimeInput) -> Result<Lifetime, String> {
        i.resolve(TtlBounds::default(), NOW)
    }

    #[test]
    fn never_and_presets() {
        assert_eq!(resolve(input("never", "", "", "")), Ok(Lifetime::Never));
        assert_eq!(resolve(input("", "", "", "")), Ok(Lifetime::Never));
        assert_eq!(resolve(input("10m", "", "", "")), Ok(Lifetime::Ttl(600 * SECOND)));
        assert_eq!(resolve(input("24h", "", "", "")), Ok(Lifetime::Ttl(86_400 * SECOND)));
        let small = TtlBounds { min_secs: 60, max_secs: 3600 };
        let e = input("8h", "", "", "").resolve(small, NOW).unwrap_err();
        assert!(e.contains("outside what this cluster allows (1m0s to 1h0m0s)"), "{e}");
        assert!(resolve(input("bogus", "", "", "")).is_err());
    }

    #[test]
    fn custom_durations_parse_like_go_and_respect_bounds() {
        assert_eq!(resolve(input("ttl", "90m", "", "")), Ok(Lifetime::Ttl(5400 * SECOND)));
        assert_eq!(resolve(input("ttl", " 1h30m ", "", "")), Ok(Lifetime::Ttl(5400 * SECOND)));
        assert!(resolve(input("ttl", "", "", "")).unwrap_err().contains("Enter a duration"));
        assert!(resolve(input("ttl", "90 minutes", "", "")).unwrap_err().contains("not a duration Nomad understands"));
        assert!(resolve(input("ttl", "-5m", "", "")).unwrap_err().contains("more than zero"));
        let short = resolve(input("ttl", "30s", "", "")).unwrap_err();
        assert!(short.contains("30s is too short") && short.contains("under 1m0s"), "{short}");
        let long = resolve(input("ttl", "25h", "", "")).unwrap_err();
        assert!(long.contains("25h0m0s is too long") && long.contains("over 24h0m0s"), "{long}");
    }

    #[test]
    fn custom_time_uses_the_browser_offset() {
        // 2027-01-15T10:00 local at UTC+9 (offset -540) is 01:00Z, before NOW: in the past.
        assert!(resolve(input("at", "", "2027-01-15T10:00", "-540")).unwrap_err().contains("in the past"));
        // The same wall time read as UTC (no JavaScript) is two hours ahead.
        assert_eq!(resolve(input("at", "", "2027-01-15T10:00", "")), Ok(Lifetime::At(NOW + 7200)));
        // At UTC-5 (offset 300), 05:00 local is 10:00Z.
        assert_eq!(resolve(input("at", "", "2027-01-15T05:00", "300")), Ok(Lifetime::At(NOW + 7200)));
        assert_eq!(resolve(input("at", "", "2027-01-15T10:00:30", "")), Ok(Lifetime::At(NOW + 7230)));
    }

    #[test]
    fn custom_time_errors() {
        assert!(resolve(input("at", "", "", "")).unwrap_err().contains("Choose a date"));
        assert!(resolve(input("at", "", "tomorrow", "")).unwrap_err().contains("not a date and time"));
        assert!(resolve(input("at", "", "2027-02-30T10:00", "")).unwrap_err().contains("not a date and time"));
        assert!(resolve(input("at", "", "2027-01-15T10:00", "x")).unwrap_err().contains("offset"));
        let far = resolve(input("at", "", "2027-01-17T08:00", "")).unwrap_err();
        assert!(far.contains("48h0m0s from now") && far.contains("too long"), "{far}");
        let near = resolve(input("at", "", "2027-01-15T08:00:30", "")).unwrap_err();
        assert!(near.contains("too short"), "{near}");
    }

    #[test]
    fn a_form_may_post_only_the_choice() {
        let got: LifetimeInput = serde_json::from_str(r#"{"expiry":"10m"}"#).unwrap();
        assert_eq!(got.resolve(TtlBounds::default(), NOW), Ok(Lifetime::Ttl(600 * SECOND)));
    }

    #[test]
    fn cli_flags() {
        assert_eq!(cli_ttl_flag(Lifetime::Never, NOW), None);
        assert_eq!(cli_ttl_flag(Lifetime::Ttl(5400 * SECOND), NOW).unwrap(), "-ttl=1h30m0s");
        assert_eq!(cli_ttl_flag(Lifetime::At(NOW + 600), NOW).unwrap(), "-ttl=10m0s");
    }
}
