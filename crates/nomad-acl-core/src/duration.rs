//! Go `time.Duration` parsing and formatting, byte-compatible with Go's
//! `time.ParseDuration` and `time.Duration.String()`.
//!
//! Nomad sends durations (token `ExpirationTTL`, auth-method `MaxTokenTTL`,
//! auth-method config leeways) as Go duration strings, `""` when zero, and
//! accepts a JSON number of nanoseconds on input. [`GoDuration`] models that.
//!
//! Compiles for wasm32: depends only on `serde` and `thiserror`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub const NANOSECOND: i64 = 1;
pub const MICROSECOND: i64 = 1_000;
pub const MILLISECOND: i64 = 1_000_000;
pub const SECOND: i64 = 1_000_000_000;
pub const MINUTE: i64 = 60 * SECOND;
pub const HOUR: i64 = 60 * MINUTE;

/// Error from [`parse_go_duration`]; the `Display` text is Go's error text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// `time: invalid duration "<orig>"`
    #[error("time: invalid duration {}", go_quote(.0))]
    Invalid(String),
    /// `time: missing unit in duration "<orig>"`
    #[error("time: missing unit in duration {}", go_quote(.0))]
    MissingUnit(String),
    /// `time: unknown unit "<unit>" in duration "<orig>"`
    #[error("time: unknown unit {} in duration {}", go_quote(.unit), go_quote(.orig))]
    UnknownUnit { unit: String, orig: String },
}

/// Approximation of Go's `strconv.Quote` (enough for error messages).
fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn unit_nanos(u: &str) -> Option<u64> {
    Some(match u {
        "ns" => 1,
        "us" | "\u{00b5}s" | "\u{03bc}s" => 1_000,
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        _ => return None,
    })
}

/// Parses a Go duration string (`"90m"`, `"1h30m"`, `"300ms"`, `"1.5h"`, `"0"`, `"-1h"`)
/// into nanoseconds, exactly like Go's `time.ParseDuration`.
pub fn parse_go_duration(orig: &str) -> Result<i64, DurationError> {
    let invalid = || DurationError::Invalid(orig.to_string());
    let mut s = orig.as_bytes();
    let mut neg = false;
    if let Some(&c) = s.first() {
        if c == b'-' || c == b'+' {
            neg = c == b'-';
            s = &s[1..];
        }
    }
    if s == b"0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    const LIMIT: u64 = 1 << 63;
    let mut d: u64 = 0;
    while !s.is_empty() {
        // The next character must be [0-9.]
        if !(s[0] == b'.' || s[0].is_ascii_digit()) {
            return Err(invalid());
        }
        // leading int
        let mut v: u64 = 0;
        let mut i = 0;
        while i < s.len() && s[i].is_ascii_digit() {
            if v > LIMIT / 10 {
                return Err(invalid());
            }
            v = v * 10 + u64::from(s[i] - b'0');
            if v > LIMIT {
                return Err(invalid());
            }
            i += 1;
        }
        let pre = i > 0;
        s = &s[i..];
        // fraction
        let mut f: u64 = 0;
        let mut scale: f64 = 1.0;
        let mut post = false;
        if !s.is_empty() && s[0] == b'.' {
            s = &s[1..];
            let mut i = 0;
            let mut overflow = false;
            while i < s.len() && s[i].is_ascii_digit() {
                if !overflow {
                    if f > (LIMIT - 1) / 10 {
                        overflow = true;
                    } else {
                        let y = f * 10 + u64::from(s[i] - b'0');
                        if y > LIMIT {
                            overflow = true;
                        } else {
                            f = y;
                            scale *= 10.0;
                        }
                    }
                }
                i += 1;
            }
            post = i > 0;
            s = &s[i..];
        }
        if !pre && !post {
            return Err(invalid());
        }
        // unit
        let mut i = 0;
        while i < s.len() && !(s[i] == b'.' || s[i].is_ascii_digit()) {
            i += 1;
        }
        if i == 0 {
            return Err(DurationError::MissingUnit(orig.to_string()));
        }
        let u = String::from_utf8_lossy(&s[..i]).into_owned();
        s = &s[i..];
        let unit =
            unit_nanos(&u).ok_or_else(|| DurationError::UnknownUnit { unit: u.clone(), orig: orig.to_string() })?;
        if v > LIMIT / unit {
            return Err(invalid());
        }
        v *= unit;
        if f > 0 {
            v += (f as f64 * (unit as f64 / scale)) as u64;
            if v > LIMIT {
                return Err(invalid());
            }
        }
        d = d.checked_add(v).ok_or_else(invalid)?;
        if d > LIMIT {
            return Err(invalid());
        }
    }
    if neg {
        // d <= 1<<63 here, so -d fits in i64.
        return Ok((d as i128).wrapping_neg() as i64);
    }
    if d > LIMIT - 1 {
        return Err(invalid());
    }
    Ok(d as i64)
}

/// Formats nanoseconds exactly like Go's `time.Duration.String()`
/// (`"1h30m0s"`, `"10m0s"`, `"1.5s"`, `"300ms"`, `"0s"`, `"-1h0m0s"`).
pub fn format_go_duration(nanos: i64) -> String {
    let neg = nanos < 0;
    let mut u: u64 = nanos.unsigned_abs();
    // Build in reverse.
    let mut buf: Vec<u8> = Vec::with_capacity(32);
    fn push_rev(buf: &mut Vec<u8>, s: &str) {
        for b in s.bytes().rev() {
            buf.push(b);
        }
    }
    // fmtFrac: writes the fraction of v/10^prec (trailing zeros omitted) and
    // returns v/10^prec.
    fn fmt_frac(buf: &mut Vec<u8>, mut v: u64, prec: usize) -> u64 {
        let mut print = false;
        for _ in 0..prec {
            let digit = (v % 10) as u8;
            print = print || digit != 0;
            if print {
                buf.push(digit + b'0');
            }
            v /= 10;
        }
        if print {
            buf.push(b'.');
        }
        v
    }
    fn fmt_int(buf: &mut Vec<u8>, mut v: u64) {
        if v == 0 {
            buf.push(b'0');
        } else {
            while v > 0 {
                buf.push((v % 10) as u8 + b'0');
                v /= 10;
            }
        }
    }
    if u < SECOND as u64 {
        buf.push(b's');
        let prec;
        if u == 0 {
            return "0s".to_string();
        } else if u < MICROSECOND as u64 {
            prec = 0;
            buf.push(b'n');
        } else if u < MILLISECOND as u64 {
            prec = 3;
            push_rev(&mut buf, "\u{00b5}");
        } else {
            prec = 6;
            buf.push(b'm');
        }
        u = fmt_frac(&mut buf, u, prec);
        fmt_int(&mut buf, u);
    } else {
        buf.push(b's');
        u = fmt_frac(&mut buf, u, 9);
        fmt_int(&mut buf, u % 60);
        u /= 60;
        if u > 0 {
            buf.push(b'm');
            fmt_int(&mut buf, u % 60);
            u /= 60;
            if u > 0 {
                buf.push(b'h');
                fmt_int(&mut buf, u);
            }
        }
    }
    if neg {
        buf.push(b'-');
    }
    buf.reverse();
    String::from_utf8(buf).expect("duration formatting is valid UTF-8")
}

/// A Go `time.Duration` (signed nanoseconds).
///
/// Serde: serializes as the Go duration string, or `""` when zero (this is what
/// Nomad's `MarshalJSON` does for `ExpirationTTL`, `MaxTokenTTL` and the auth
/// method config leeways). Deserializes from a Go duration string, `""` (zero),
/// `null` (zero) or a JSON number of nanoseconds.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GoDuration(pub i64);

impl GoDuration {
    pub const ZERO: GoDuration = GoDuration(0);

    pub const fn from_nanos(nanos: i64) -> Self {
        GoDuration(nanos)
    }
    pub const fn from_secs(secs: i64) -> Self {
        GoDuration(secs.saturating_mul(SECOND))
    }
    pub const fn from_mins(mins: i64) -> Self {
        GoDuration(mins.saturating_mul(MINUTE))
    }
    pub const fn from_hours(hours: i64) -> Self {
        GoDuration(hours.saturating_mul(HOUR))
    }
    pub const fn as_nanos(self) -> i64 {
        self.0
    }
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }
    /// Parses a Go duration string; `""` is accepted as zero (Nomad's JSON convention).
    pub fn parse(s: &str) -> Result<Self, DurationError> {
        if s.is_empty() {
            return Ok(GoDuration(0));
        }
        parse_go_duration(s).map(GoDuration)
    }
    /// Go's `Duration.String()` (`"0s"` for zero).
    pub fn to_go_string(self) -> String {
        format_go_duration(self.0)
    }
    /// Nomad's JSON form: `""` for zero, otherwise Go's `Duration.String()`.
    pub fn to_json_string(self) -> String {
        if self.0 == 0 {
            String::new()
        } else {
            format_go_duration(self.0)
        }
    }
    /// `None` when negative.
    pub fn to_std(self) -> Option<std::time::Duration> {
        u64::try_from(self.0).ok().map(std::time::Duration::from_nanos)
    }
    /// Saturates at `i64::MAX` nanoseconds (~292 years).
    pub fn from_std(d: std::time::Duration) -> Self {
        GoDuration(i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
    }
}

impl From<std::time::Duration> for GoDuration {
    fn from(d: std::time::Duration) -> Self {
        GoDuration::from_std(d)
    }
}

impl fmt::Display for GoDuration {
    /// Go's `Duration.String()`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_go_duration(self.0))
    }
}

impl fmt::Debug for GoDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GoDuration({})", format_go_duration(self.0))
    }
}

impl std::str::FromStr for GoDuration {
    type Err = DurationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        GoDuration::parse(s)
    }
}

/// Writes Go's `Duration.String()` even for zero (`"0s"`): for a field Nomad reads with
/// `time.ParseDuration`, which refuses `""` (an auth method's MaxTokenTTL).
pub fn serialize_go_string<S: Serializer>(d: &GoDuration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&d.to_go_string())
}

impl Serialize for GoDuration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_json_string())
    }
}

impl<'de> Deserialize<'de> for GoDuration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = GoDuration;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Go duration string, \"\", null or a number of nanoseconds")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<GoDuration, E> {
                GoDuration::parse(v).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<GoDuration, E> {
                Ok(GoDuration(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<GoDuration, E> {
                i64::try_from(v).map(GoDuration).map_err(|_| E::custom("duration out of range"))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<GoDuration, E> {
                // Go: time.Duration(float64) truncates toward zero.
                if v.is_finite() && v >= i64::MIN as f64 && v <= i64::MAX as f64 {
                    Ok(GoDuration(v as i64))
                } else {
                    Err(E::custom("duration out of range"))
                }
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<GoDuration, E> {
                Ok(GoDuration(0))
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<GoDuration, E> {
                Ok(GoDuration(0))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<GoDuration, D::Error> {
                d.deserialize_any(V)
            }
        }
        deserializer.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_matches_go() {
        let cases: &[(i64, &str)] = &[
            (0, "0s"),
            (1, "1ns"),
            (1_100, "1.1\u{00b5}s"),
            (2_200_000, "2.2ms"),
            (300 * MILLISECOND, "300ms"),
            (SECOND + 500 * MILLISECOND, "1.5s"),
            (10 * MINUTE, "10m0s"),
            (90 * MINUTE, "1h30m0s"),
            (HOUR, "1h0m0s"),
            (24 * HOUR, "24h0m0s"),
            (25 * HOUR, "25h0m0s"),
            (30 * SECOND, "30s"),
            (-HOUR, "-1h0m0s"),
            (-SECOND, "-1s"),
            (-1, "-1ns"),
            (HOUR + 2 * MINUTE + 3 * SECOND + 4, "1h2m3.000000004s"),
            (i64::MAX, "2562047h47m16.854775807s"),
            (i64::MIN, "-2562047h47m16.854775808s"),
        ];
        for (n, want) in cases {
            assert_eq!(format_go_duration(*n), *want, "nanos {n}");
        }
    }

    #[test]
    fn parse_matches_go() {
        let cases: &[(&str, i64)] = &[
            ("0", 0),
            ("-0", 0),
            ("+0", 0),
            ("5s", 5 * SECOND),
            ("30s", 30 * SECOND),
            ("1478s", 1478 * SECOND),
            ("-5s", -5 * SECOND),
            ("+5s", 5 * SECOND),
            ("-0s", 0),
            ("5.0s", 5 * SECOND),
            ("5.6s", 5 * SECOND + 600 * MILLISECOND),
            ("5.s", 5 * SECOND),
            (".5s", 500 * MILLISECOND),
            ("1.0s", SECOND),
            ("1.00s", SECOND),
            ("1.004s", SECOND + 4 * MILLISECOND),
            ("100.00100s", 100 * SECOND + MILLISECOND),
            ("10ns", 10),
            ("11us", 11 * MICROSECOND),
            ("12\u{00b5}s", 12 * MICROSECOND),
            ("12\u{03bc}s", 12 * MICROSECOND),
            ("13ms", 13 * MILLISECOND),
            ("14s", 14 * SECOND),
            ("15m", 15 * MINUTE),
            ("16h", 16 * HOUR),
            ("3h30m", 3 * HOUR + 30 * MINUTE),
            ("90m", 90 * MINUTE),
            ("1h30m", 90 * MINUTE),
            ("1h30m0s", 90 * MINUTE),
            ("300ms", 300 * MILLISECOND),
            ("1.5h", 90 * MINUTE),
            ("-1h", -HOUR),
            ("-1.5h", -90 * MINUTE),
            ("10.5s4m", 4 * MINUTE + 10 * SECOND + 500 * MILLISECOND),
            ("-2m3.4s", -(2 * MINUTE + 3 * SECOND + 400 * MILLISECOND)),
            ("1h2m3s4ms5us6ns", HOUR + 2 * MINUTE + 3 * SECOND + 4 * MILLISECOND + 5 * MICROSECOND + 6),
            ("39h9m14.425s", 39 * HOUR + 9 * MINUTE + 14 * SECOND + 425 * MILLISECOND),
            ("52763797000ns", 52763797000),
            ("0.3333333333333333333h", 20 * MINUTE),
            ("9007199254740993ns", (1 << 53) + 1),
            ("9223372036854775807ns", i64::MAX),
            ("9223372036854775.807us", i64::MAX),
            ("9223372036s854ms775us807ns", i64::MAX),
            ("-9223372036854775808ns", i64::MIN),
            ("-9223372036s854ms775us808ns", i64::MIN),
            ("0.100000000000000000000h", 6 * MINUTE),
            ("0.830103483285477580700h", 49 * MINUTE + 48 * SECOND + 372539827),
        ];
        for (s, want) in cases {
            assert_eq!(parse_go_duration(s), Ok(*want), "input {s:?}");
        }
    }

    #[test]
    fn parse_errors_match_go() {
        let bad = [
            "",
            "3",
            "-",
            "s",
            ".",
            "-.",
            ".s",
            "+.s",
            "1d",
            "\u{85}\u{85}",
            "\u{ffff}",
            "9223372036854775808ns",
            "9223372036854775.808us",
            "-9223372036854775809ns",
            "10",
            "1h 30m",
            "abc",
        ];
        for s in bad {
            assert!(parse_go_duration(s).is_err(), "input {s:?} should fail");
        }
        assert_eq!(parse_go_duration("10").unwrap_err().to_string(), "time: missing unit in duration \"10\"");
        assert_eq!(parse_go_duration("1d").unwrap_err().to_string(), "time: unknown unit \"d\" in duration \"1d\"");
        assert_eq!(parse_go_duration("abc").unwrap_err().to_string(), "time: invalid duration \"abc\"");
        assert_eq!(parse_go_duration("").unwrap_err().to_string(), "time: invalid duration \"\"");
    }

    #[test]
    fn round_trip_format_parse() {
        for n in [1i64, 999, 1_000, 1_500_000, SECOND, 61 * SECOND, 36 * HOUR + 1, -7 * MINUTE] {
            assert_eq!(parse_go_duration(&format_go_duration(n)), Ok(n));
        }
    }

    #[test]
    fn serde_forms() {
        let d: GoDuration = serde_json::from_str("\"10h\"").unwrap();
        assert_eq!(d, GoDuration::from_hours(10));
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"10h0m0s\"");
        let d: GoDuration = serde_json::from_str("\"\"").unwrap();
        assert_eq!(d, GoDuration::ZERO);
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"\"");
        let d: GoDuration = serde_json::from_str("600000000000").unwrap();
        assert_eq!(d, GoDuration::from_mins(10));
        let d: GoDuration = serde_json::from_str("-3600000000000").unwrap();
        assert_eq!(d.to_string(), "-1h0m0s");
        let d: GoDuration = serde_json::from_str("1.5e9").unwrap();
        assert_eq!(d, GoDuration::from_nanos(1_500_000_000));
        let d: GoDuration = serde_json::from_str("null").unwrap();
        assert_eq!(d, GoDuration::ZERO);
        assert!(serde_json::from_str::<GoDuration>("\"10\"").is_err());
        assert!(serde_json::from_str::<GoDuration>("true").is_err());

        #[derive(serde::Deserialize, Default)]
        #[serde(default)]
        struct W {
            #[serde(rename = "TTL")]
            ttl: GoDuration,
        }
        let w: W = serde_json::from_str("{}").unwrap();
        assert!(w.ttl.is_zero());
        let w: W = serde_json::from_str("{\"TTL\":null}").unwrap();
        assert!(w.ttl.is_zero());
        let w: W = serde_json::from_str("{\"TTL\":\"-1h\"}").unwrap();
        assert!(w.ttl.is_negative());
    }

    #[test]
    fn std_conversions() {
        assert_eq!(GoDuration::from_std(std::time::Duration::from_secs(60)), GoDuration::from_mins(1));
        assert_eq!(GoDuration::from_mins(1).to_std(), Some(std::time::Duration::from_secs(60)));
        assert_eq!(GoDuration::from_mins(-1).to_std(), None);
    }
}
