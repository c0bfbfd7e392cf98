//! Work the server does on its own, as steps a test can call with an injected time, and
//! the loop `serve` runs them in.

use crate::App;
use baoxiu_domain::{Store, StoreError, idempotency_horizon};
use std::time::Duration;

/// How often expired idempotency records are swept.
const SWEEP_EVERY: Duration = Duration::from_secs(600);

impl<S: Store> App<S> {
    /// Removes the idempotency records that expired by now (24 hours after their first
    /// answer); returns how many.
    pub async fn sweep_idempotency(&self) -> Result<u64, StoreError> {
        self.store
            .expire_idempotency(idempotency_horizon(self.clock.now()))
            .await
    }

    /// Runs the background steps until the task is dropped: every `tick` the timers due
    /// fire and the maintenance plans due make their orders (C12); beside them, the notices waiting are delivered (a slow receiver never holds up
    /// the timers); every ten minutes the expired idempotency records go. A failed step is
    /// logged and tried again next time.
    pub async fn run_background(self, tick: Duration) {
        let tick = tick.max(Duration::from_millis(100));
        let timers = async {
            let mut ticks = tokio::time::interval(tick);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut swept = tokio::time::Instant::now() - SWEEP_EVERY;
            loop {
                ticks.tick().await;
                match self.run_due().await {
                    Ok(r) if r.orders > 0 => tracing::info!(
                        orders = r.orders,
                        fired = r.fired,
                        skipped = r.skipped,
                        held = r.held,
                        failed = r.failed,
                        "timers"
                    ),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "cannot fire the timers due"),
                }
                match self.run_maintenance().await {
                    Ok(r) if r.made + r.refused > 0 => {
                        tracing::info!(made = r.made, refused = r.refused, "maintenance plans")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "cannot make the maintenance orders due"),
                }
                if swept.elapsed() >= SWEEP_EVERY {
                    swept = tokio::time::Instant::now();
                    match self.sweep_idempotency().await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(removed = n, "expired idempotency records"),
                        Err(e) => tracing::warn!(error = %e, "cannot expire idempotency records"),
                    }
                }
            }
        };
        let deliveries = async {
            let mut ticks = tokio::time::interval(tick);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                match self.deliver_due().await {
                    Ok(r) if r.delivered + r.retrying + r.dead > 0 => {
                        tracing::info!(
                            delivered = r.delivered,
                            retrying = r.retrying,
                            dead = r.dead,
                            "notices"
                        )
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "cannot deliver the notices waiting"),
                }
            }
        };
        tokio::join!(timers, deliveries);
    }

    /// Reschedules the organisation's open orders in the background after its calendar
    /// changed (see [`App::reschedule_open`]).
    pub fn reschedule_later(&self, tenant: &baoxiu_domain::Tenant) {
        let (app, tenant) = (self.clone(), tenant.clone());
        tokio::spawn(async move {
            match app.reschedule_open(&tenant).await {
                Ok(n) => {
                    tracing::info!(tenant = %tenant.slug, orders = n, "rescheduled after a calendar change")
                }
                Err(e) => {
                    tracing::warn!(tenant = %tenant.slug, error = %e, "cannot reschedule after a calendar change")
                }
            }
        });
    }
}
