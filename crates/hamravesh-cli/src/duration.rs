//! Durations as people type and read them: `90`, `90s`, `15m`, `1h30m`, `3d` (`humantime`'s
//! units; a bare number is seconds), and `2d 3h` for the runway `balance` prints.

use std::time::Duration;

/// The longest duration accepted: 100 years (of humantime's 365.25 days, so `100y` itself is
/// accepted), far beyond any runway or interval.
const MAX_SECONDS: f64 = 100.0 * 365.25 * 86_400.0;

/// Parses a duration: a bare number of seconds (it may have a fraction), or `humantime`'s
/// numbers with units (`90s`, `1.5m`, `1h30m`, `3d`, `1w`). It must not be negative, and must
/// be at most a century. The message names what was wrong, for a usage error.
pub fn parse(text: &str) -> Result<Duration, String> {
    let trimmed = text.trim();
    let out_of_range = || format!("{text:?} is out of range (from 0 to 100 years)");
    let duration = match trimmed.parse::<f64>() {
        // humantime wants a unit; a bare number is seconds, as it always was here.
        Ok(seconds) if (0.0..=MAX_SECONDS).contains(&seconds) => {
            Duration::try_from_secs_f64(seconds).map_err(|_| out_of_range())?
        }
        Ok(_) => return Err(out_of_range()),
        Err(_) => humantime::parse_duration(trimmed).map_err(|e| match e {
            humantime::DurationError::NumberOverflow => out_of_range(),
            e => format!("{text:?} is not a duration ({e}); e.g. 90s, 15m, 6h, 3d, 1h30m"),
        })?,
    };
    if duration.as_secs_f64() > MAX_SECONDS {
        return Err(out_of_range());
    }
    Ok(duration)
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
            ("5 s", 5.0),
            // humantime's forms, refused before it read them.
            ("3 days", 259_200.0),
            ("100y", 3_155_760_000.0),
            ("1h30m", 5_400.0),
        ];
        for (text, seconds) in cases {
            assert_eq!(
                parse(text).ok(),
                Some(Duration::from_secs_f64(seconds)),
                "{text}"
            );
        }
        for (bad, message) in [
            ("", "is not a duration"),
            ("s", "is not a duration"),
            ("-1s", "is not a duration"),
            ("3x", "unknown time unit"),
            ("3 parsecs", "unknown time unit"),
            ("1e300", "out of range"),
            ("101y", "out of range"),
            ("36526d", "out of range"),
            ("99999999999999999999999d", "out of range"),
            ("NaN", "out of range"),
            ("inf", "out of range"),
            ("\u{1b}", "is not a duration"),
        ] {
            match parse(bad) {
                Err(error) => assert!(error.contains(message), "{bad:?}: {error}"),
                Ok(duration) => panic!("{bad:?} accepted as {duration:?}"),
            }
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
            (1e30, "365250d"),
        ];
        for (seconds, text) in cases {
            assert_eq!(human(seconds), text, "{seconds}");
        }
    }
}
