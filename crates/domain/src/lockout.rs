//! OPR-3: 3 failed logins within 10 minutes block that login for the next 10 minutes, even with
//! the right password. Attempts made while blocked are not failures (they are refused unseen).

use jiff::{SignedDuration, Timestamp};

pub const MAX_FAILURES: usize = 3;
pub const WINDOW: SignedDuration = SignedDuration::from_secs(10 * 60);
pub const BLOCK: SignedDuration = SignedDuration::from_secs(10 * 60);

/// Given the recorded failures of one login (any order), the instant the block ends if the login
/// is blocked at `now`.
pub fn blocked_until(failures: &[Timestamp], now: Timestamp) -> Option<Timestamp> {
    let mut sorted: Vec<Timestamp> = failures.iter().copied().filter(|t| *t <= now).collect();
    sorted.sort();
    sorted
        .windows(MAX_FAILURES)
        .filter(|w| w[MAX_FAILURES - 1].duration_since(w[0]) <= WINDOW)
        .map(|w| w[MAX_FAILURES - 1] + BLOCK)
        .filter(|until| *until > now)
        .max()
}

/// How far back failures need to be read to decide [`blocked_until`].
pub fn lookback() -> SignedDuration {
    WINDOW + BLOCK
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(min: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + min * 60).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn opr_3_three_failures_in_ten_minutes_block_for_ten() {
        let f = [t(0), t(3), t(9)];
        assert_eq!(blocked_until(&f, t(9)), Some(t(19)));
        assert_eq!(blocked_until(&f, t(18)), Some(t(19)));
        assert_eq!(blocked_until(&f, t(19)), None);
    }

    #[test]
    fn opr_3_spread_failures_do_not_block() {
        let f = [t(0), t(6), t(11)];
        assert_eq!(blocked_until(&f, t(11)), None);
        assert_eq!(blocked_until(&[t(0), t(1)], t(1)), None);
    }

    #[test]
    fn opr_3_latest_window_wins() {
        let f = [t(0), t(1), t(2), t(30), t(31), t(32)];
        assert_eq!(blocked_until(&f, t(33)), Some(t(42)));
    }
}
