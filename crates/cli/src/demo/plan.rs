//! When an order's story happens. To leave an order in, say, `on_site` for a few minutes,
//! its story is first played 28 days earlier (same weekday and time of day, so every step
//! comes out the same) to learn how long it takes; then T1 is set so that it ends that
//! long before now, and the story is played for real.

use super::simulate::{Opening, Outcome, Sim, china, local};
use baoxiu_domain::{OrderId, State, Tenant, Timestamp, VerificationCode, WorkOrder};
use chrono::Duration;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

/// One order's story, ready to be played from any T1.
pub struct Script<'a> {
    pub tenant: &'a Tenant,
    pub target: State,
    pub opening: &'a dyn Fn(Timestamp) -> Opening,
    pub play: &'a dyn Fn(&mut Sim) -> Option<()>,
}

impl Script<'_> {
    /// Plays the story once from T1 = `t1`, stopping at `limit`.
    fn run(
        &self,
        seed: u64,
        code: &VerificationCode,
        t1: Timestamp,
        limit: Timestamp,
    ) -> Result<Sim, String> {
        let Opening { new, by } = (self.opening)(t1);
        let id = OrderId(baoxiu_web::service::new_v7(t1));
        let (order, events) = WorkOrder::open(id, self.tenant, new, code.clone(), &by, t1)
            .map_err(|refusal| format!("open by {}: {refusal}", by.role.as_str()))?;
        let mut sim = Sim::new(seed, limit, self.target, order, events);
        let _ = (self.play)(&mut sim);
        Ok(sim)
    }

    /// The order, ended in its target state: T1 is picked so that the story reaches the
    /// state before now and then stays in it for a plausible while.
    pub fn produce(&self, master: &mut StdRng, now: Timestamp) -> Result<Outcome, String> {
        let code = VerificationCode::from_number(master.random_range(0..1_000_000));
        let seed: u64 = master.random();
        let dwell_seed: u64 = master.random();
        let settled = matches!(self.target, State::Archived | State::Cancelled);
        let mut t1 = now;
        if settled {
            let days = Duration::days(master.random_range(0..90));
            let day = (now.with_timezone(&china()) - days).date_naive();
            let hours = [7, 8, 9, 9, 10, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22];
            let hour = *hours.choose(master).expect("hours");
            let minute = Duration::seconds(master.random_range(0..3600));
            t1 = (local(day, hour, 0) + minute).min(now - Duration::hours(1));
        }
        let shift = Duration::days(28);
        let far = now + Duration::days(3650);
        for attempt in 0..5 {
            let dry = self.run(seed, &code, t1 - shift, far)?;
            let busy = dry.t - (t1 - shift);
            let dwell = match settled {
                true => Duration::zero(),
                false => dwell(self.target, &dry, dwell_seed),
            };
            if t1 + busy + dwell <= now {
                break;
            }
            // Too late: start earlier, by more on every attempt (times of day shift the
            // story a little each time).
            let slack = Duration::hours(3 * attempt) + Duration::minutes(master.random_range(0..120));
            let backoff = match (settled, attempt) {
                (true, _) => slack * 12,
                (false, 0) => Duration::zero(),
                (false, _) => slack,
            };
            t1 = now - busy - dwell - backoff;
        }
        Ok(self.run(seed, &code, t1, now)?.outcome())
    }
}

/// How long an order has been sitting in its (open) target state.
fn dwell(target: State, dry: &Sim, seed: u64) -> Duration {
    let mut rng = StdRng::seed_from_u64(seed);
    let until_visit = dry
        .committed()
        .map(|at| at - dry.t)
        .filter(|d| *d > Duration::minutes(30));
    let (lo, hi) = match target {
        State::AwaitingDispatch => (0, 40),
        State::Pool => (0, 12),
        State::Assigned => (5, 240),
        State::Accepted => (10, 1200),
        State::OnSite => (2, 30),
        State::InProgress => (10, 180),
        State::Scheduled | State::WaitingForParts | State::MultipleVisits => match until_visit {
            Some(d) => return d * rng.random_range(5..95) / 100,
            None => (60, 3 * 24 * 60),
        },
        State::Resolved | State::Closed => (30, 40 * 60),
        State::CalledBack => (120, 6 * 24 * 60),
        State::Archived | State::Cancelled => return Duration::zero(),
    };
    Duration::seconds(rng.random_range(lo * 60..hi * 60 + 1))
}

/// The state each order should be left in: the first orders cover every state once, the
/// rest follow the template's mix (mostly archived; recent ones open).
pub fn target(index: usize, mix: &[(State, u32)], rng: &mut StdRng) -> State {
    if let Some((state, _)) = mix.get(index) {
        return *state;
    }
    let total: u32 = mix.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total);
    for (state, weight) in mix {
        if roll < *weight {
            return *state;
        }
        roll -= weight;
    }
    State::Archived
}
