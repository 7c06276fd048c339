//! Dates, times and numbers written the way each console language writes them (UI-1).
//!
//! Numeric forms only, so no month or day name needs translating: English keeps the
//! international ISO order, the others follow their national conventions (CLDR's short forms,
//! on a 24-hour clock).

use jiff::civil::Date;
use jiff::Zoned;

/// The date pattern (`strftime`) of `lang`.
fn date_pattern(lang: &str) -> &'static str {
    match lang {
        "fr" => "%d/%m/%Y",
        "ro" | "uk" => "%d.%m.%Y",
        "ko" => "%Y. %-m. %-d.",
        _ => "%Y-%m-%d",
    }
}

/// The digit-group separator of `lang`.
fn group_separator(lang: &str) -> &'static str {
    match lang {
        // French: narrow no-break space; Ukrainian: no-break space; Romanian: full stop.
        "fr" => "\u{202f}",
        "uk" => "\u{a0}",
        "ro" => ".",
        _ => ",",
    }
}

/// A calendar date, e.g. 2026-11-26 (en), 26/11/2026 (fr), 26.11.2026 (ro, uk), 2026. 11. 26. (ko).
pub fn date(lang: &str, d: Date) -> String {
    d.strftime(date_pattern(lang)).to_string()
}

/// A date and time to the second, with the time zone's abbreviation.
pub fn datetime(lang: &str, z: &Zoned) -> String {
    format!(
        "{} {}",
        z.date().strftime(date_pattern(lang)),
        z.strftime("%H:%M:%S %Z")
    )
}

/// A whole number with the language's digit grouping: 12,345 (en, ko), 12 345 (fr, uk), 12.345 (ro).
/// Romanian groups from five digits only, as its convention asks.
pub fn integer(lang: &str, n: i128) -> String {
    let digits = n.unsigned_abs().to_string();
    let min_grouped = if lang == "ro" { 5 } else { 4 };
    let body = if digits.len() < min_grouped {
        digits
    } else {
        let sep = group_separator(lang);
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 * sep.len());
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(sep);
            }
            out.push(c);
        }
        out
    };
    if n < 0 {
        format!("-{body}")
    } else {
        body
    }
}

/// A number with one decimal: 1,234.5 (en, ko), 1 234,5 (fr, uk), 1234,5 (ro).
pub fn decimal1(lang: &str, v: f64) -> String {
    let tenths = (v * 10.0).round() as i128;
    let sep = if matches!(lang, "fr" | "ro" | "uk") {
        ','
    } else {
        '.'
    };
    let whole = integer(lang, tenths / 10);
    let whole = if tenths < 0 && tenths / 10 == 0 {
        format!("-{whole}")
    } else {
        whole
    };
    format!("{whole}{sep}{}", (tenths % 10).abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ui_1_decimals_use_the_languages_separator() {
        assert_eq!(decimal1("en", 1234.56), "1,234.6");
        assert_eq!(decimal1("fr", 3.04), "3,0");
        assert_eq!(decimal1("ro", 12345.0), "12.345,0");
    }

    #[test]
    fn ui_1_numbers_are_grouped_per_language() {
        assert_eq!(integer("en", 1_234_567), "1,234,567");
        assert_eq!(integer("ko", 1_234), "1,234");
        assert_eq!(integer("fr", 1_234_567), "1\u{202f}234\u{202f}567");
        assert_eq!(integer("uk", 12_345), "12\u{a0}345");
        assert_eq!(integer("ro", 1_234), "1234");
        assert_eq!(integer("ro", 12_345), "12.345");
        assert_eq!(integer("en", 999), "999");
        assert_eq!(integer("en", -1_000), "-1,000");
        assert_eq!(integer("en", i64::MIN.into()), "-9,223,372,036,854,775,808");
    }

    #[test]
    fn ui_1_dates_and_times_are_written_per_language() {
        let z: Zoned = "2026-11-05T08:07:09+00:00[UTC]"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(datetime("en", &z), "2026-11-05 08:07:09 UTC");
        assert_eq!(datetime("fr", &z), "05/11/2026 08:07:09 UTC");
        assert_eq!(datetime("ro", &z), "05.11.2026 08:07:09 UTC");
        assert_eq!(datetime("uk", &z), "05.11.2026 08:07:09 UTC");
        assert_eq!(datetime("ko", &z), "2026. 11. 5. 08:07:09 UTC");
        assert_eq!(date("fr", z.date()), "05/11/2026");
    }
}
