//! Which backups a system keeps (BKP-2, BKP-3). Pure calculators over the times the backups were
//! taken; the store deletes what they leave out, row and blob together.

use jiff::civil::{Date, DateTime};
use jiff::ToSpan;
use std::collections::BTreeSet;

/// BKP-2: manual backups kept per system; a new one replaces the oldest.
pub const MANUAL_KEPT: usize = 3;

/// BKP-3: automatic backups kept — each of the previous days, the last of each previous week, the
/// last of each previous month.
pub const DAILY_KEPT: i32 = 6;
pub const WEEKLY_KEPT: i32 = 3;
pub const MONTHLY_KEPT: i32 = 11;

/// BKP-3: automatic backups run between these times, system local time.
pub const WINDOW_START: jiff::civil::Time = jiff::civil::time(2, 0, 0, 0);
pub const WINDOW_END: jiff::civil::Time = jiff::civil::time(4, 0, 0, 0);
const WINDOW_MINUTES: u64 = 120;

/// BKP-3: when a system's automatic backup starts in the window: spread over it by a stable hash
/// of the system's id (FNV-1a), so a fleet does not start at once and a system keeps its time
/// from night to night.
pub fn automatic_slot(system: &[u8]) -> jiff::civil::Time {
    WINDOW_START
        .checked_add(jiff::SignedDuration::from_mins(i64::from(
            automatic_slot_minute(system),
        )))
        .unwrap_or(WINDOW_START)
}

/// BKP-3: [`automatic_slot`] as minutes after [`WINDOW_START`] (what the store keeps, so the due
/// systems are found by an index).
pub fn automatic_slot_minute(system: &[u8]) -> u16 {
    u16::try_from(crate::jobs::stable_hash(system) % WINDOW_MINUTES).unwrap_or(0)
}

/// BKP-3: the minute of the window `now` (system local time) is in, while it is open: the systems
/// whose [`automatic_slot_minute`] is at most this are due.
pub fn window_minute(now: jiff::civil::Time) -> Option<u16> {
    if now < WINDOW_START || now >= WINDOW_END {
        return None;
    }
    let minute = |t: jiff::civil::Time| i32::from(t.hour()) * 60 + i32::from(t.minute());
    let since = minute(now) - minute(WINDOW_START);
    u16::try_from(since).ok()
}

/// BKP-3: whether a system whose slot is `slot` is due at its local time `now`: from its slot until
/// the window closes (a hub that was down for the whole window skips that night).
pub fn automatic_due(now: jiff::civil::Time, slot: jiff::civil::Time) -> bool {
    now >= slot && now < WINDOW_END
}

/// BKP-2: the manual backups to remove before a new one is added, oldest first, so that with the new
/// one there are at most [`MANUAL_KEPT`]. `taken` holds each existing backup's time.
pub fn manual_to_replace<K: Clone>(existing: &[(K, DateTime)]) -> Vec<K> {
    let mut by_age: Vec<&(K, DateTime)> = existing.iter().collect();
    by_age.sort_by_key(|(_, t)| *t);
    let excess = (existing.len() + 1).saturating_sub(MANUAL_KEPT);
    by_age
        .into_iter()
        .take(excess)
        .map(|(k, _)| k.clone())
        .collect()
}

/// The Monday of `d`'s week (weeks run Monday to Sunday).
fn week_start(d: Date) -> Date {
    let back = i64::from(d.weekday().to_monday_zero_offset());
    d.checked_sub(back.days()).unwrap_or(d)
}

fn month_start(d: Date) -> Date {
    d.first_of_month()
}

/// BKP-3: the indexes of the automatic backups to keep on `today` (the system's local date),
/// given when each was taken (system local time):
///
/// - the newest backup, whenever it was taken;
/// - the newest of each of the previous [`DAILY_KEPT`] days;
/// - the newest of each of the previous [`WEEKLY_KEPT`] whole weeks (its last day);
/// - the newest of each of the previous [`MONTHLY_KEPT`] whole months (its last day).
///
/// Everything else may go. Kept backups stay kept as days pass until they leave every window: the
/// newest of the running day, week or month is the newest backup, so pruning every day never
/// removes what a later window wants.
pub fn automatic_to_keep(taken: &[DateTime], today: Date) -> BTreeSet<usize> {
    let mut keep = BTreeSet::new();
    // The newest of each bucket, by the bucket's first day.
    let newest_in = |bucket: &dyn Fn(Date) -> Date, start: Date| -> Option<usize> {
        taken
            .iter()
            .enumerate()
            .filter(|(_, t)| bucket(t.date()) == start)
            .max_by_key(|(_, t)| **t)
            .map(|(i, _)| i)
    };
    if let Some((i, _)) = taken.iter().enumerate().max_by_key(|(_, t)| **t) {
        keep.insert(i);
    }
    let same_day = |d: Date| d;
    for n in 1..=DAILY_KEPT {
        if let Ok(day) = today.checked_sub(n.days()) {
            keep.extend(newest_in(&same_day, day));
        }
    }
    let this_week = week_start(today);
    for n in 1..=WEEKLY_KEPT {
        if let Ok(start) = this_week.checked_sub((7 * n).days()) {
            keep.extend(newest_in(&week_start, start));
        }
    }
    let this_month = month_start(today);
    for n in 1..=MONTHLY_KEPT {
        if let Ok(start) = this_month.checked_sub(n.months()) {
            keep.extend(newest_in(&month_start, start));
        }
    }
    keep
}

/// The most automatic backups [`automatic_to_keep`] ever keeps.
pub const AUTOMATIC_MOST: usize =
    1 + DAILY_KEPT as usize + WEEKLY_KEPT as usize + MONTHLY_KEPT as usize;

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn bkp_2_a_fourth_manual_backup_replaces_the_oldest() {
        let t = |d: i8| date(2026, 3, d).at(10, 0, 0, 0);
        assert!(manual_to_replace::<u8>(&[]).is_empty());
        assert!(manual_to_replace(&[(1, t(1)), (2, t(2))]).is_empty());
        assert_eq!(
            manual_to_replace(&[(3, t(3)), (1, t(1)), (2, t(2))]),
            vec![1]
        );
        // Somehow four already: two go, oldest first.
        assert_eq!(
            manual_to_replace(&[(4, t(4)), (3, t(3)), (2, t(2)), (1, t(1))]),
            vec![1, 2]
        );
    }

    /// A small deterministic generator, so the simulation below is the same on every run.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, below: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 33) % below
        }
    }

    /// Years of daily automatic backups (some days missed, some days twice), pruned every day as
    /// the hub does; every day the kept set is checked against what BKP-3 asks of *all* the
    /// backups ever taken.
    #[test]
    fn bkp_3_retention_over_simulated_years() {
        for seed in [1_u64, 7, 42, 2026] {
            let mut rng = Lcg(seed);
            let mut all: Vec<DateTime> = Vec::new();
            let mut kept: Vec<DateTime> = Vec::new();
            let mut day = date(2024, 1, 1);
            for _ in 0..(3 * 366) {
                let runs = match rng.next(20) {
                    0 => 0,
                    1 => 2,
                    _ => 1,
                };
                for _ in 0..runs {
                    let minute = rng.next(120) as i8;
                    let t = day.at(2 + minute / 60, minute % 60, rng.next(60) as i8, 0);
                    all.push(t);
                    kept.push(t);
                }
                let keep = automatic_to_keep(&kept, day);
                kept = keep.iter().map(|i| kept[*i]).collect();
                check(&all, &kept, day);
                day = day.tomorrow().unwrap_or(day);
            }
        }
    }

    fn check(all: &[DateTime], kept: &[DateTime], today: Date) {
        assert!(kept.len() <= AUTOMATIC_MOST, "{today}: {} kept", kept.len());
        let newest_in = |from: Date, to: Date| {
            all.iter()
                .filter(|t| t.date() >= from && t.date() < to)
                .max()
                .copied()
        };
        let must = |t: Option<DateTime>, why: &str| {
            if let Some(t) = t {
                assert!(
                    kept.contains(&t),
                    "{today}: {why} {t} was not kept: {kept:?}"
                );
            }
        };
        must(all.iter().max().copied(), "the newest backup");
        for n in 1..=DAILY_KEPT {
            let d = today.checked_sub(n.days()).unwrap_or(today);
            must(
                newest_in(d, d.tomorrow().unwrap_or(d)),
                "the newest of a previous day",
            );
        }
        let week = week_start(today);
        for n in 1..=WEEKLY_KEPT {
            let w = week.checked_sub((7 * n).days()).unwrap_or(week);
            must(
                newest_in(w, w.checked_add(7.days()).unwrap_or(w)),
                "the last of a previous week",
            );
        }
        let month = today.first_of_month();
        for n in 1..=MONTHLY_KEPT {
            let m = month.checked_sub(n.months()).unwrap_or(month);
            must(
                newest_in(m, m.checked_add(1.month()).unwrap_or(m)),
                "the last of a previous month",
            );
        }
        // Nothing else: applying the rule again keeps everything that is left.
        assert_eq!(
            automatic_to_keep(kept, today).len(),
            kept.len(),
            "{today}: not stable"
        );
    }

    #[test]
    fn bkp_3_after_a_long_outage_the_last_backup_stays() {
        let old = [
            date(2025, 1, 5).at(3, 0, 0, 0),
            date(2025, 1, 6).at(3, 0, 0, 0),
        ];
        let keep = automatic_to_keep(&old, date(2026, 6, 1));
        assert_eq!(keep.into_iter().collect::<Vec<_>>(), vec![1]);
    }

    #[test]
    fn bkp_3_weeks_run_monday_to_sunday() {
        assert_eq!(week_start(date(2026, 11, 26)), date(2026, 11, 23));
        assert_eq!(week_start(date(2026, 11, 23)), date(2026, 11, 23));
        assert_eq!(week_start(date(2026, 11, 29)), date(2026, 11, 23));
    }

    #[test]
    fn bkp_3_the_window_minute_finds_the_slots_that_are_due() {
        assert_eq!(window_minute(jiff::civil::time(1, 59, 59, 0)), None);
        assert_eq!(window_minute(WINDOW_START), Some(0));
        assert_eq!(window_minute(jiff::civil::time(2, 40, 30, 0)), Some(40));
        assert_eq!(window_minute(jiff::civil::time(3, 59, 59, 0)), Some(119));
        assert_eq!(window_minute(WINDOW_END), None);
        // The stored minute and the slot agree, and a system is due from its own minute on.
        for n in 0..500u32 {
            let id = format!("0190c0de-0000-7000-8000-{n:012}");
            let m = automatic_slot_minute(id.as_bytes());
            let slot = automatic_slot(id.as_bytes());
            assert_eq!(window_minute(slot), Some(m));
            assert!(automatic_due(slot, slot));
        }
    }

    #[test]
    fn bkp_3_automatic_slots_spread_over_the_window_and_stay_put() {
        let mut minutes = std::collections::BTreeSet::new();
        for n in 0..2000u32 {
            let id = format!("0190c0de-0000-7000-8000-{n:012}");
            let slot = automatic_slot(id.as_bytes());
            assert!(slot >= WINDOW_START && slot < WINDOW_END, "{slot}");
            assert_eq!(slot, automatic_slot(id.as_bytes()));
            minutes.insert(slot);
        }
        // Spread: most minutes of the window are someone's start.
        assert!(minutes.len() > 100, "{}", minutes.len());
        let slot = jiff::civil::time(2, 40, 0, 0);
        assert!(!automatic_due(jiff::civil::time(2, 39, 59, 0), slot));
        assert!(automatic_due(slot, slot));
        assert!(automatic_due(jiff::civil::time(3, 59, 0, 0), slot));
        assert!(!automatic_due(WINDOW_END, slot));
        assert!(!automatic_due(jiff::civil::time(12, 0, 0, 0), slot));
    }
}
