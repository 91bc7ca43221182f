//! Timestamps in the two forms Dataverse shows: ISO 8601 UTC on the wire
//! (`2024-05-14T15:12:07Z`) and the en-US formatted value (`5/14/2024 3:12 PM`). The emulator
//! formats in UTC; a real org formats in the user's time zone.

use std::time::{SystemTime, UNIX_EPOCH};

/// A point in time, in milliseconds since the Unix epoch.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The current time.
    pub fn now() -> Timestamp {
        let millis = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        Timestamp(millis)
    }

    /// Milliseconds since the Unix epoch.
    pub fn millis(self) -> i64 {
        self.0
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.fff]]` with `Z` or `±HH:MM`.
    pub fn parse(text: &str) -> Option<Timestamp> {
        let text = text.trim();
        let (date, rest) = match text.find('T') {
            Some(index) => (&text[..index], Some(&text[index + 1..])),
            None => (text, None),
        };
        let mut parts = date.split('-');
        let year: i64 = parse_digits(parts.next()?, 4)?;
        let month: i64 = parse_digits(parts.next()?, 2)?;
        let day: i64 = parse_digits(parts.next()?, 2)?;
        if parts.next().is_some() || !(1..=12).contains(&month) {
            return None;
        }
        if day < 1 || day > days_in_month(year, month) {
            return None;
        }
        let mut millis_of_day = 0_i64;
        let mut offset_minutes = 0_i64;
        if let Some(rest) = rest {
            let (clock, offset) = split_offset(rest)?;
            offset_minutes = offset;
            let (clock, fraction) = match clock.find('.') {
                Some(index) => (&clock[..index], Some(&clock[index + 1..])),
                None => (clock, None),
            };
            let mut fields = clock.split(':');
            let hour: i64 = parse_digits(fields.next()?, 2)?;
            let minute: i64 = parse_digits(fields.next()?, 2)?;
            let second: i64 = match fields.next() {
                Some(s) => parse_digits(s, 2)?,
                None => 0,
            };
            if fields.next().is_some() || hour > 23 || minute > 59 || second > 59 {
                return None;
            }
            let mut millis = 0_i64;
            if let Some(fraction) = fraction {
                if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let padded: String = fraction.chars().chain("000".chars()).take(3).collect();
                millis = padded.parse().ok()?;
            }
            millis_of_day = ((hour * 60 + minute) * 60 + second) * 1000 + millis;
        }
        let days = days_from_civil(year, month, day);
        Some(Timestamp(
            days * 86_400_000 + millis_of_day - offset_minutes * 60_000,
        ))
    }

    /// `2024-05-14T15:12:07Z`: how Dataverse returns date-time columns.
    pub fn to_iso(self) -> String {
        let (year, month, day, hour, minute, second, _) = self.fields();
        format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
    }

    /// `2024-05-14T15:12:07.123Z`: for the request log.
    pub fn to_iso_millis(self) -> String {
        let (year, month, day, hour, minute, second, millis) = self.fields();
        format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{millis:03}Z")
    }

    /// `5/14/2024 3:12 PM`: the en-US formatted value (in UTC).
    pub fn to_formatted(self) -> String {
        let (year, month, day, hour, minute, _, _) = self.fields();
        let (hour12, half) = match hour {
            0 => (12, "AM"),
            1..=11 => (hour, "AM"),
            12 => (12, "PM"),
            _ => (hour - 12, "PM"),
        };
        format!("{month}/{day}/{year} {hour12}:{minute:02} {half}")
    }

    fn fields(self) -> (i64, i64, i64, i64, i64, i64, i64) {
        let days = self.0.div_euclid(86_400_000);
        let millis_of_day = self.0.rem_euclid(86_400_000);
        let (year, month, day) = civil_from_days(days);
        let seconds = millis_of_day / 1000;
        (
            year,
            month,
            day,
            seconds / 3600,
            (seconds / 60) % 60,
            seconds % 60,
            millis_of_day % 1000,
        )
    }
}

fn parse_digits(text: &str, width: usize) -> Option<i64> {
    if text.len() != width || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn split_offset(rest: &str) -> Option<(&str, i64)> {
    if let Some(clock) = rest.strip_suffix('Z') {
        return Some((clock, 0));
    }
    let Some(index) = rest.rfind(['+', '-']) else {
        return Some((rest, 0));
    };
    let (clock, offset) = rest.split_at(index);
    let sign = if offset.starts_with('-') { -1 } else { 1 };
    let mut parts = offset[1..].split(':');
    let hours = parse_digits(parts.next()?, 2)?;
    let minutes = parse_digits(parts.next()?, 2)?;
    if parts.next().is_some() || hours > 14 || minutes > 59 {
        return None;
    }
    Some((clock, sign * (hours * 60 + minutes)))
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_iso_and_formats_en_us() {
        let t = Timestamp::parse("2024-05-14T15:12:07Z");
        assert_eq!(
            t.map(Timestamp::to_iso).as_deref(),
            Some("2024-05-14T15:12:07Z")
        );
        assert_eq!(
            t.map(Timestamp::to_formatted).as_deref(),
            Some("5/14/2024 3:12 PM")
        );
    }

    #[test]
    fn applies_offsets_and_fractions() {
        let t = Timestamp::parse("2024-02-29T00:30:00.5+01:00");
        assert_eq!(
            t.map(Timestamp::to_iso_millis).as_deref(),
            Some("2024-02-28T23:30:00.500Z")
        );
        assert_eq!(
            Timestamp::parse("2024-03-01")
                .map(Timestamp::to_iso)
                .as_deref(),
            Some("2024-03-01T00:00:00Z")
        );
    }

    #[test]
    fn rejects_impossible_dates() {
        assert!(Timestamp::parse("2023-02-29T00:00:00Z").is_none());
        assert!(Timestamp::parse("2024-13-01T00:00:00Z").is_none());
        assert!(Timestamp::parse("yesterday").is_none());
        assert!(Timestamp::parse("2024-05-14T25:00:00Z").is_none());
    }
}
