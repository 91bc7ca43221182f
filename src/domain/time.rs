//! Points in time as JavaScript and Dataverse exchange them: milliseconds since the Unix epoch
//! (`Date.getTime()`), formatted and parsed as ISO 8601 UTC (`2026-11-26T14:03:00Z`) with the
//! civil-from-days algorithm (H. Hinnant), no date library. Owns no business rule.

use crate::prelude::*;
use core::fmt;

const MS_PER_SECOND: i64 = 1_000;
const MS_PER_MINUTE: i64 = 60 * MS_PER_SECOND;
const MS_PER_DAY: i64 = 86_400_000;

/// Milliseconds since 1970-01-01T00:00:00Z; serializes as that number (a JS `Date` value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

/// Why a text is not an ISO 8601 UTC timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeError {
    /// Nothing but whitespace.
    Empty,
    /// Not of the form `YYYY-MM-DD[THH:MM:SS[.fff](Z|±HH:MM)]`.
    Malformed,
    /// A month or day that does not exist (`2026-02-30`).
    InvalidDate,
    /// An hour, minute or second out of range.
    InvalidTime,
    /// A time without `Z` or an offset (its zone would be a guess).
    MissingZone,
}

impl Timestamp {
    /// From milliseconds since the Unix epoch.
    pub const fn from_millis(ms: i64) -> Timestamp {
        Timestamp(ms)
    }

    /// Milliseconds since the Unix epoch.
    pub const fn millis(self) -> i64 {
        self.0
    }

    /// This instant plus `minutes` (saturating).
    pub fn plus_minutes(self, minutes: i64) -> Timestamp {
        Timestamp(self.0.saturating_add(minutes.saturating_mul(MS_PER_MINUTE)))
    }

    /// A UTC date and time, if it exists.
    pub fn from_utc(
        year: i64,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        second: u32,
    ) -> Result<Timestamp, TimeError> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(TimeError::InvalidDate);
        }
        if hour > 23 || minute > 59 || second > 59 {
            return Err(TimeError::InvalidTime);
        }
        let days = days_from_civil(year, month, day);
        let seconds = i64::from(hour) * 3_600 + i64::from(minute) * 60 + i64::from(second);
        days.checked_mul(MS_PER_DAY)
            .and_then(|ms| ms.checked_add(seconds * MS_PER_SECOND))
            .map(Timestamp)
            .ok_or(TimeError::InvalidDate)
    }

    /// Parses the forms Dataverse returns: `2026-11-26T14:03:00Z`, with optional fractional
    /// seconds (`.1234567Z`, cut to milliseconds), an offset (`+01:00`) instead of `Z`, or a
    /// date only (`2026-11-26`, read as midnight UTC). A time without a zone is refused.
    pub fn parse_iso(text: &str) -> Result<Timestamp, TimeError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(TimeError::Empty);
        }
        let mut cursor = Cursor::new(text);
        let year = cursor.digits(4)?;
        cursor.eat(b'-')?;
        let month = cursor.digits(2)?;
        cursor.eat(b'-')?;
        let day = cursor.digits(2)?;
        if cursor.done() {
            return Timestamp::from_utc(i64::from(year), month, day, 0, 0, 0);
        }
        cursor.eat_either(b'T', b't')?;
        let hour = cursor.digits(2)?;
        cursor.eat(b':')?;
        let minute = cursor.digits(2)?;
        cursor.eat(b':')?;
        let second = cursor.digits(2)?;
        let mut millis = 0i64;
        if cursor.peek() == Some(b'.') {
            cursor.advance();
            let mut scale = 100i64;
            let mut count = 0;
            while let Some(digit) = cursor.peek().filter(u8::is_ascii_digit) {
                cursor.advance();
                millis += i64::from(digit - b'0') * scale;
                scale /= 10;
                count += 1;
            }
            if count == 0 {
                return Err(TimeError::Malformed);
            }
        }
        let offset_minutes = match cursor.peek() {
            Some(b'Z' | b'z') => {
                cursor.advance();
                0i64
            }
            Some(sign @ (b'+' | b'-')) => {
                cursor.advance();
                let hours = cursor.digits(2)?;
                cursor.eat(b':')?;
                let minutes = cursor.digits(2)?;
                if hours > 23 || minutes > 59 {
                    return Err(TimeError::InvalidTime);
                }
                let total = i64::from(hours * 60 + minutes);
                if sign == b'+' {
                    total
                } else {
                    -total
                }
            }
            None => return Err(TimeError::MissingZone),
            Some(_) => return Err(TimeError::Malformed),
        };
        if !cursor.done() {
            return Err(TimeError::Malformed);
        }
        let local = Timestamp::from_utc(i64::from(year), month, day, hour, minute, second)?;
        Ok(Timestamp(local.0 + millis - offset_minutes * MS_PER_MINUTE))
    }

    /// ISO 8601 UTC: `2026-11-26T14:03:00Z`, with `.mmm` only when milliseconds are not zero.
    pub fn to_iso(self) -> String {
        let (year, month, day, hour, minute, second, millis) = self.civil();
        let mut out = String::with_capacity(24);
        push_year(&mut out, year);
        push_two(&mut out, '-', month);
        push_two(&mut out, '-', day);
        push_two(&mut out, 'T', hour);
        push_two(&mut out, ':', minute);
        push_two(&mut out, ':', second);
        if millis > 0 {
            out.push('.');
            out.push(digit(millis / 100));
            out.push(digit(millis / 10 % 10));
            out.push(digit(millis % 10));
        }
        out.push('Z');
        out
    }

    /// Reads back [`Timestamp::to_display_utc`]'s form (`2026-11-26 14:03 UTC`).
    pub fn parse_display_utc(text: &str) -> Option<Timestamp> {
        let (date, time) = text.trim().strip_suffix(" UTC")?.split_once(' ')?;
        Timestamp::parse_iso(&[date, "T", time, ":00Z"].concat()).ok()
    }

    /// Short readable UTC form for messages: `2026-11-26 14:03 UTC`.
    pub fn to_display_utc(self) -> String {
        let (year, month, day, hour, minute, _, _) = self.civil();
        let mut out = String::with_capacity(20);
        push_year(&mut out, year);
        push_two(&mut out, '-', month);
        push_two(&mut out, '-', day);
        push_two(&mut out, ' ', hour);
        push_two(&mut out, ':', minute);
        out.push_str(" UTC");
        out
    }

    fn civil(self) -> (i64, u32, u32, u32, u32, u32, u32) {
        let days = self.0.div_euclid(MS_PER_DAY);
        let in_day = self.0.rem_euclid(MS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        let seconds = in_day / MS_PER_SECOND;
        (
            year,
            month,
            day,
            (seconds / 3_600) as u32,
            (seconds / 60 % 60) as u32,
            (seconds % 60) as u32,
            (in_day % MS_PER_SECOND) as u32,
        )
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_iso())
    }
}

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeError::Empty => "the date is empty",
            TimeError::Malformed => "not an ISO 8601 date and time such as 2026-11-26T14:03:00Z",
            TimeError::InvalidDate => "the date does not exist",
            TimeError::InvalidTime => "the time of day is out of range",
            TimeError::MissingZone => "the time has no zone (Z or an offset)",
        })
    }
}

impl core::error::Error for TimeError {}

fn digit(value: u32) -> char {
    char::from_digit(value % 10, 10).unwrap_or('0')
}

fn push_two(out: &mut String, separator: char, value: u32) {
    out.push(separator);
    out.push(digit(value / 10));
    out.push(digit(value));
}

fn push_year(out: &mut String, year: i64) {
    if (0..=9999).contains(&year) {
        let year = year as u32;
        out.push(digit(year / 1000));
        out.push(digit(year / 100));
        out.push(digit(year / 10));
        out.push(digit(year));
    } else {
        // Outside ISO's four digits: still readable, never a panic.
        out.push_str(&super::text::decimal(year));
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Byte cursor over ASCII input; every step is checked.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Cursor<'a> {
        Cursor {
            bytes: text.as_bytes(),
            at: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn advance(&mut self) {
        self.at += 1;
    }

    fn done(&self) -> bool {
        self.at >= self.bytes.len()
    }

    fn eat(&mut self, wanted: u8) -> Result<(), TimeError> {
        self.eat_either(wanted, wanted)
    }

    fn eat_either(&mut self, a: u8, b: u8) -> Result<(), TimeError> {
        match self.peek() {
            Some(found) if found == a || found == b => {
                self.advance();
                Ok(())
            }
            _ => Err(TimeError::Malformed),
        }
    }

    fn digits(&mut self, count: usize) -> Result<u32, TimeError> {
        let mut value = 0u32;
        for _ in 0..count {
            match self.peek() {
                Some(found) if found.is_ascii_digit() => {
                    value = value * 10 + u32::from(found - b'0');
                    self.advance();
                }
                _ => return Err(TimeError::Malformed),
            }
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_milliseconds_as_iso_utc() {
        assert_eq!(Timestamp(0).to_iso(), "1970-01-01T00:00:00Z");
        assert_eq!(
            Timestamp(1_795_701_780_000).to_iso(),
            "2026-11-26T14:03:00Z"
        );
        assert_eq!(
            Timestamp(1_795_701_780_250).to_iso(),
            "2026-11-26T14:03:00.250Z"
        );
        assert_eq!(Timestamp(-1).to_iso(), "1969-12-31T23:59:59.999Z");
        assert_eq!(
            Timestamp(1_795_701_780_000).to_display_utc(),
            "2026-11-26 14:03 UTC"
        );
    }

    #[test]
    fn parses_the_forms_dataverse_returns() {
        let expected = Timestamp(1_795_701_780_000);
        assert_eq!(Timestamp::parse_iso("2026-11-26T14:03:00Z"), Ok(expected));
        assert_eq!(
            Timestamp::parse_iso("2026-11-26T14:03:00.1234567Z"),
            Ok(Timestamp(1_795_701_780_123))
        );
        assert_eq!(
            Timestamp::parse_iso("2026-11-26T15:03:00+01:00"),
            Ok(expected)
        );
        assert_eq!(
            Timestamp::parse_iso("2026-11-26T09:03:00-05:00"),
            Ok(expected)
        );
        assert_eq!(
            Timestamp::parse_iso("2026-11-26"),
            Ok(Timestamp(1_795_651_200_000))
        );
    }

    #[test]
    fn handles_leap_days_and_rejects_impossible_dates() {
        assert_eq!(
            Timestamp::parse_iso("2024-02-29T00:00:00Z").map(Timestamp::to_iso),
            Ok("2024-02-29T00:00:00Z".to_string())
        );
        assert_eq!(
            Timestamp::parse_iso("2026-02-29T00:00:00Z"),
            Err(TimeError::InvalidDate)
        );
        assert_eq!(
            Timestamp::parse_iso("1900-02-29T00:00:00Z"),
            Err(TimeError::InvalidDate)
        );
        assert_eq!(
            Timestamp::parse_iso("2026-11-26T24:00:00Z"),
            Err(TimeError::InvalidTime)
        );
    }

    #[test]
    fn refuses_malformed_or_zoneless_text() {
        assert_eq!(Timestamp::parse_iso(""), Err(TimeError::Empty));
        assert_eq!(
            Timestamp::parse_iso("2026-11-26T14:03:00"),
            Err(TimeError::MissingZone)
        );
        for bad in [
            "26/11/2026",
            "2026-11-26T14:03Z",
            "2026-11-26T14:03:00.Z",
            "2026-11-26T14:03:00Zjunk",
            "2026-11-26 14:03:00Z",
            "２026-11-26",
        ] {
            assert_eq!(
                Timestamp::parse_iso(bad),
                Err(TimeError::Malformed),
                "{bad}"
            );
        }
    }

    proptest! {
        #[test]
        fn iso_roundtrips_for_four_digit_years(ms in -62_167_219_200_000i64..253_402_300_799_999) {
            let ts = Timestamp(ms);
            prop_assert_eq!(Timestamp::parse_iso(&ts.to_iso()), Ok(ts));
        }

        #[test]
        fn never_panics_on_arbitrary_text(text in any::<String>()) {
            let _ = Timestamp::parse_iso(&text);
        }

        #[test]
        fn never_panics_formatting_any_millisecond(ms in any::<i64>()) {
            let _ = Timestamp(ms).to_iso();
            let _ = Timestamp(ms).to_display_utc();
        }
    }
}
