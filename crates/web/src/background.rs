//! Work the server does on its own, as steps a test can call with an injected time, and
//! the loop `serve` runs them in.

use crate::App;
use baoxiu_domain::{Store, StoreError, idempotency_horizon};
use std::time::Duration;

/// How often the loop runs its steps.
const EVERY: Duration = Duration::from_secs(600);

impl<S: Store> App<S> {
    /// Removes the idempotency records that expired by now (24 hours after their first
    /// answer); returns how many.
    pub async fn sweep_idempotency(&self) -> Result<u64, StoreError> {
        self.store
            .expire_idempotency(idempotency_horizon(self.clock.now()))
            .await
    }

    /// Runs the background steps every ten minutes until the task is dropped. A failed step
    /// is logged and tried again next time.
    pub async fn run_background(self) {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match self.sweep_idempotency().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(removed = n, "expired idempotency records"),
                Err(e) => tracing::warn!(error = %e, "cannot expire idempotency records"),
            }
        }
    }
}
