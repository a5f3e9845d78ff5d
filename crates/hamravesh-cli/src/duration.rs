//! Durations as people type and read them: `90`, `90s`, `15m`, `6h`, `3d` (one number and an
//! optional unit; a bare number is seconds), and `2d 3h` for the runway `balance` prints.

use std::time::Duration;

/// The longest duration accepted: 100 years, far beyond any runway or interval.
const MAX_SECONDS: f64 = 100.0 * 365.0 * 86_400.0;

/// Parses `NUMBER[UNIT]` (unit `s`, `m`, `h`, `d` or `w`; none means seconds) into a duration.
/// The number may have a fraction; it must not be negative, and the result must be at most a
/// century. The message names what was wrong, for a usage error.
pub fn parse(text: &str) -> Result<Duration, String> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let scale = match unit {
        "" | "s" => 1.0,
        "m" => 60.0,
        "h" => 3_600.0,
        "d" => 86_400.0,
        "w" => 604_800.0,
        _ => {
            return Err(format!(
                "unknown unit in {text:?}: use a number with s, m, h, d or w (e.g. 90s, 15m, 3d)"
            ));
        }
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a duration (e.g. 90s, 15m, 6h, 3d)"))?;
    let seconds = value * scale;
    if !(0.0..=MAX_SECONDS).contains(&seconds) {
        return Err(format!("{text:?} is out of range (from 0 to 100 years)"));
    }
    Duration::try_from_secs_f64(seconds).map_err(|e| format!("{text:?}: {e}"))
}

/// A number of seconds for a person: the two largest units, e.g. `2d 3h`, `5h 10m`, `42s`;
/// zero or less is `0s`.
pub fn human(seconds: f64) -> String {
    if seconds.is_nan() || seconds < 1.0 {
        return "0s".to_owned();
    }
    // Beyond u64 range would saturate; a century is plenty.
    let total = seconds.min(MAX_SECONDS * 10.0) as u64;
    let units = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)];
    let first = units
        .iter()
        .position(|&(_, size)| total >= size)
        .unwrap_or(units.len() - 1);
    let (name, size) = units[first];
    let mut text = format!("{}{name}", total / size);
    if let Some(&(next_name, next_size)) = units.get(first + 1) {
        let count = (total % size) / next_size;
        if count > 0 {
            text.push_str(&format!(" {count}{next_name}"));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_numbers_with_units() {
        let cases = [
            ("90", 90.0),
            ("90s", 90.0),
            ("1.5m", 90.0),
            ("15m", 900.0),
            ("6h", 21_600.0),
            ("3d", 259_200.0),
            ("1w", 604_800.0),
            (" 0 ", 0.0),
        ];
        for (text, seconds) in cases {
            assert_eq!(
                parse(text).ok(),
                Some(Duration::from_secs_f64(seconds)),
                "{text}"
            );
        }
        for bad in [
            "", "s", "-1s", "3x", "1e300", "NaN", "inf", "3 days", "1h30m", "\u{1b}",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn prints_the_two_largest_units() {
        let cases = [
            (-5.0, "0s"),
            (0.0, "0s"),
            (f64::NAN, "0s"),
            (42.0, "42s"),
            (60.0, "1m"),
            (3_661.0, "1h 1m"),
            (86_400.0 * 2.0 + 3_600.0 * 3.0 + 59.0, "2d 3h"),
            (86_400.0 + 59.0, "1d"),
            (1e30, "365000d"),
        ];
        for (seconds, text) in cases {
            assert_eq!(human(seconds), text, "{seconds}");
        }
    }
}
