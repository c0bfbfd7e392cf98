//! C12: preventive maintenance on schedule. Each background step finds the register's plans
//! due and makes each one's maintenance order in its author's name, then moves the plan on.
//! The order is created under an idempotency key made of the plan and its due time, so a
//! crash between the two steps makes the same order again (the key answers with the first),
//! never a second one.

use crate::App;
use crate::error::ApiError;
use crate::service::Idempotency;
use baoxiu_domain::{Store, StoreError};

/// Entries looked at per step; the rest wait for the next.
const PLANS_PER_STEP: u32 = 100;

/// What one step did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MaintenanceReport {
    /// Maintenance orders made (or found made by an earlier, interrupted step).
    pub made: usize,
    /// Plans whose order the domain refused (their author may no longer create orders,
    /// or is gone): moved on without an order, and logged.
    pub refused: usize,
}

impl<S: Store> App<S> {
    /// One step: every plan due by now makes its order. A store failure stops the step
    /// with the plan unmoved, to be tried again.
    pub async fn run_maintenance(&self) -> Result<MaintenanceReport, StoreError> {
        let now = self.clock.now();
        let mut report = MaintenanceReport::default();
        for mut asset in self.store.assets_due(now, PLANS_PER_STEP).await? {
            let Some(tenant) = self.store.tenant(asset.tenant).await? else {
                continue;
            };
            let template = tenant.templates.first().copied();
            let due: Vec<_> = asset.due_plans(now).into_iter().cloned().collect();
            for plan in due {
                let author = self.store.person(tenant.id, plan.by.id).await?;
                let made = match (author, template) {
                    (Some(author), Some(template)) => {
                        let new = asset.maintenance_order(&plan, template);
                        let key = plan.order_key(&asset.code);
                        let idem = Idempotency {
                            fingerprint: key.clone(),
                            key,
                        };
                        match self.create_order(&author, &tenant, new, Some(&idem)).await {
                            Ok(reply) => Ok(number(&reply.body)),
                            Err(ApiError::Refused(_) | ApiError::Invalid(_)) => Err(()),
                            Err(e) => return Err(StoreError::Backend(e.to_string())),
                        }
                    }
                    _ => Err(()),
                };
                match made {
                    Ok(_) => report.made += 1,
                    Err(()) => {
                        report.refused += 1;
                        tracing::warn!(
                            asset = %asset.code,
                            plan = plan.id,
                            "a maintenance plan's order was refused; the plan moves on"
                        );
                    }
                }
                asset.advance(plan.id, now, made.ok().flatten());
            }
            match self.store.put_asset(&asset).await {
                // Changed meanwhile (a plan added): read again next step; the order just
                // made is found again under its key, not made twice.
                Ok(()) | Err(StoreError::VersionConflict) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(report)
    }
}

/// The order number in a create's answer.
fn number(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    value.get("number")?.as_str().map(str::to_string)
}
