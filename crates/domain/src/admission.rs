//! How long a busy node asks agents to stay away (SYS-1 at scale).
//!
//! A node admits a bounded number of sessions at once; the others are refused with a
//! `retryAfterSeconds`. Each refusal costs a TLS and WebSocket handshake on both sides, so the
//! refused agents should come back exactly as fast as the node admits them: sooner and they are
//! refused again (the node spends its CPU refusing), later and the node idles while systems stay
//! offline. The node therefore keeps a *line*: each refused agent is given its own time to come
//! back, one admission after the previous one at the rate the node admits while it is saturated.
//! A storm of 16,000 agents on a node admitting 60 a second is told to come back over the next
//! ~270 seconds, once each, instead of all within a few seconds (and again, and again).

use std::time::Duration;

/// The shortest wait a busy node asks for.
pub const MIN_RETRY: Duration = Duration::from_secs(5);
/// The longest: a system is shown offline meanwhile, so not more than five minutes.
pub const MAX_RETRY: Duration = Duration::from_secs(300);
/// Admissions a second assumed before the node has seen itself saturated.
pub const INITIAL_RATE: f64 = 50.0;
/// The slowest pace the line assumes (a node admitting nobody in a window still gets its line
/// looked at again within minutes).
const MIN_RATE: f64 = 5.0;

/// The line of agents a busy node refused, on the node's own clock (seconds).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    /// When the last agent in line was told to come back.
    end: f64,
    /// Admissions a second while saturated.
    rate: f64,
}

impl Default for Line {
    fn default() -> Self {
        Self {
            end: 0.0,
            rate: INITIAL_RATE,
        }
    }
}

impl Line {
    /// A window of `secs` seconds in which `attempts` sessions asked and `admitted` got in. Only
    /// a saturated window (someone refused) measures what the node can do; the rate moves half
    /// way towards it.
    pub fn observe(&mut self, attempts: u64, admitted: u64, secs: f64) {
        if attempts > admitted && secs > 0.0 {
            let measured = (admitted as f64 / secs).max(MIN_RATE);
            self.rate = 0.5 * self.rate + 0.5 * measured;
        }
    }

    /// Admissions a second the line assumes.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// An agent refused at `now`: its place at the end of the line, as whole seconds to wait
    /// (from [`MIN_RETRY`] to [`MAX_RETRY`]).
    pub fn refuse(&mut self, now: f64) -> u64 {
        let (min, max) = (MIN_RETRY.as_secs_f64(), MAX_RETRY.as_secs_f64());
        let at = self.end.max(now + min).min(now + max);
        self.end = at + 1.0 / self.rate;
        ((at - now).round() as u64).max(1)
    }

    /// The wait the next refused agent would be told at `now`.
    pub fn wait(&self, now: f64) -> Duration {
        Duration::from_secs_f64(
            (self.end - now).clamp(MIN_RETRY.as_secs_f64(), MAX_RETRY.as_secs_f64()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sys_1_a_node_that_was_not_busy_asks_for_the_minimum() {
        let mut line = Line::default();
        assert_eq!(line.wait(1000.0), MIN_RETRY);
        assert_eq!(line.refuse(1000.0), 5);
        // Long after, the line is empty again.
        assert_eq!(line.refuse(2000.0), 5);
        assert_eq!(line.wait(3000.0), MIN_RETRY);
    }

    #[test]
    fn sys_1_refused_agents_come_back_one_admission_apart() {
        let mut line = Line::default();
        // Saturated: 120 admitted in 2 s while others were refused: 60 a second, half way from 50.
        line.observe(500, 120, 2.0);
        assert!((line.rate() - 55.0).abs() < 1e-9, "{}", line.rate());
        line.observe(500, 120, 2.0);
        line.observe(500, 120, 2.0);
        // 1,100 agents refused in the same second: told over the next ~20 s, not all at once.
        let waits: Vec<u64> = (0..1100).map(|_| line.refuse(10.0)).collect();
        assert_eq!(waits[0], 5);
        let last = waits[waits.len() - 1];
        assert!((22..=25).contains(&last), "{last}");
        assert!(waits.windows(2).all(|w| w[0] <= w[1]));
        let per_second = waits.iter().filter(|w| **w == 10).count();
        assert!((50..=62).contains(&per_second), "{per_second}");
        // Whoever comes later joins the end of the line.
        assert!(line.refuse(11.0) >= last - 1);
    }

    #[test]
    fn sys_1_the_rate_follows_only_saturated_windows_and_the_wait_stops_at_five_minutes() {
        let mut line = Line::default();
        // Everyone got in: the window says nothing of the node's capacity.
        line.observe(10, 10, 2.0);
        assert_eq!(line.rate(), INITIAL_RATE);
        // Nobody got in: the slowest pace, 5 a second.
        for _ in 0..20 {
            line.observe(1000, 0, 2.0);
        }
        assert!(line.rate() < 5.01, "{}", line.rate());
        let waits: Vec<u64> = (0..3000).map(|_| line.refuse(0.0)).collect();
        assert_eq!(waits.iter().max(), Some(&300));
        assert_eq!(line.wait(0.0), MAX_RETRY);
        // The line drains with time.
        assert_eq!(line.wait(400.0), MIN_RETRY);
    }
}
