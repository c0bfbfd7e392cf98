//! Failed sign-ins slow further tries, per account and per address: after
//! [`FREE_FAILURES`] failures within [`WINDOW_MINUTES`], each further try must wait, 30
//! seconds after the fifth failure and twice as long after each one more (at most 15
//! minutes). A success clears the account's count. Time comes from the app's clock.
//!
//! Kept in the process's memory: with several servers each slows on its own, which
//! weakens the limit by the number of servers but never locks anyone out for good.

use baoxiu_domain::Timestamp;
use chrono::Duration;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const FREE_FAILURES: u32 = 4;
pub const WINDOW_MINUTES: i64 = 15;
/// Most entries kept; past it, entries older than the window are dropped.
const MAX_ENTRIES: usize = 100_000;

#[derive(Clone, Default)]
pub struct Throttle(Arc<Mutex<HashMap<String, (u32, Timestamp)>>>);

impl Throttle {
    /// Seconds to wait before `keys` may try again, if any must wait.
    pub fn wait(&self, keys: &[String], now: Timestamp) -> Option<i64> {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        keys.iter()
            .filter_map(|key| map.get(key))
            .filter_map(|(failures, last)| {
                let until = *last + delay(*failures)?;
                (until > now).then(|| (until - now).num_seconds().max(1))
            })
            .max()
    }

    pub fn failed(&self, keys: &[String], now: Timestamp) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_ENTRIES {
            map.retain(|_, (_, last)| now - *last < Duration::minutes(WINDOW_MINUTES));
        }
        for key in keys {
            let entry = map.entry(key.clone()).or_insert((0, now));
            if now - entry.1 >= Duration::minutes(WINDOW_MINUTES) {
                entry.0 = 0;
            }
            *entry = (entry.0 + 1, now);
        }
    }

    pub fn succeeded(&self, key: &str) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
    }
}

/// The wait after `failures` failures in a row.
fn delay(failures: u32) -> Option<Duration> {
    let beyond = failures
        .checked_sub(FREE_FAILURES)?
        .checked_sub(1)
        .map_or(0, |n| n.min(5));
    (failures > FREE_FAILURES).then(|| Duration::seconds((30_i64 << beyond).min(900)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn the_fifth_failure_makes_the_next_try_wait_and_the_wait_grows() {
        let t = Throttle::default();
        let keys = vec!["login:wang".to_string()];
        let start = Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap();
        for i in 0..4 {
            t.failed(&keys, start + Duration::seconds(i));
            assert_eq!(
                t.wait(&keys, start + Duration::seconds(i)),
                None,
                "failure {}",
                i + 1
            );
        }
        t.failed(&keys, start + Duration::seconds(4));
        assert_eq!(t.wait(&keys, start + Duration::seconds(4)), Some(30));
        assert_eq!(t.wait(&keys, start + Duration::seconds(35)), None);
        t.failed(&keys, start + Duration::seconds(35));
        assert_eq!(t.wait(&keys, start + Duration::seconds(35)), Some(60));
        t.succeeded("login:wang");
        assert_eq!(t.wait(&keys, start + Duration::seconds(36)), None);
    }
}
