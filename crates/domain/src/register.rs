//! The register (台账) of what is repaired: a factory's equipment, a hotel's rooms and areas,
//! a property's buildings and units. Each entry has a code unique in its organisation, printed
//! on a QR sticker; scanning it opens the report with the place filled in (扫码报修), and the
//! entry's repair history is the orders reported for it.
//!
//! C12: an entry may carry preventive-maintenance plans (what, how often). A plan that falls
//! due makes a maintenance order in its author's name; the entry's ledger (设备台帐) is its
//! orders, repairs and maintenance alike, so every job updates it by being recorded.

use crate::Timestamp;
use crate::ids::TenantId;
use crate::order::NewOrder;
use crate::org::{PersonRef, StationRef};
use crate::role::Role;
use crate::template::Template;
use crate::values::{
    Asset, Channel, Customer, FieldError, Kind, Location, Priority, ServiceMode, optional_text, text,
};
use serde::{Deserialize, Serialize};

/// The longest interval a plan may have: a year.
pub const MAX_PLAN_DAYS: u32 = 366;
/// The most plans one entry carries.
pub const MAX_PLANS: usize = 12;

/// C12: a preventive-maintenance plan on one entry of the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaintenancePlan {
    /// Numbers the entry's plans from 1; never reused.
    pub id: u32,
    /// What the job is: 更换液压油、清洗滤网.
    pub what: String,
    /// How often, in days.
    pub every_days: u32,
    /// When the next maintenance order is made.
    pub next_due: chrono::DateTime<chrono::Utc>,
    /// Who set the plan; its orders are made in their name.
    pub by: PersonRef,
    /// Whom the technician contacts: the using department's person.
    pub contact: Customer,
    /// The station its orders go to.
    pub station: Option<StationRef>,
    /// The order last made for it, by number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_order: Option<String>,
}

impl MaintenancePlan {
    /// The idempotency key of the order made for the plan's current due time: a restart
    /// between making the order and moving the plan on makes the same order, not a second.
    pub fn order_key(&self, code: &str) -> String {
        format!("pm:{code}:{}:{}", self.id, self.next_due.timestamp())
    }
}

/// A plan as it is asked for (C12).
#[derive(Debug, Clone)]
pub struct PlanSpec<'a> {
    /// What the job is.
    pub what: &'a str,
    /// How often, in days.
    pub every_days: u32,
    /// When its first order is made.
    pub first_due: Timestamp,
    /// Whom the technician contacts: the using department's person.
    pub contact: Customer,
    /// The station its orders go to.
    pub station: Option<StationRef>,
}

/// Who sets maintenance plans: the maintenance supervisor (主管) and the admin.
pub fn may_plan(role: Role) -> bool {
    matches!(role, Role::Supervisor | Role::Admin)
}

/// One entry of the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssetRecord {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub tenant: TenantId,
    /// Unique in the organisation; what the sticker carries (letters, digits, dashes).
    pub code: String,
    /// What it is: 注塑机 ZS-03, 1208房, 3号楼2单元.
    pub name: String,
    /// Where it is, as a report names it.
    pub location: Location,
    /// The model, for equipment.
    pub model: Option<String>,
    /// C12: its preventive-maintenance plans.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plans: Vec<MaintenancePlan>,
    /// Counts the entry's changes: a change is written only over the version it was made on.
    #[serde(default)]
    pub version: u64,
}

impl AssetRecord {
    pub fn parse(
        tenant: TenantId,
        code: &str,
        name: &str,
        location: Location,
        model: Option<&str>,
    ) -> Result<AssetRecord, FieldError> {
        let code = text("code", code, 40)?;
        if !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(FieldError::new(
                "code",
                "must be letters, digits, dashes or underscores",
            ));
        }
        Ok(AssetRecord {
            tenant,
            code,
            name: text("name", name, 100)?,
            location,
            model: optional_text("model", model, 100)?,
            plans: Vec::new(),
            version: 0,
        })
    }

    /// C12: adds a plan set by `by` (a supervisor or admin), its first order due at
    /// `spec.first_due` (within a year of `now`).
    pub fn add_plan(
        &mut self,
        spec: PlanSpec<'_>,
        by: &PersonRef,
        now: Timestamp,
    ) -> Result<&MaintenancePlan, FieldError> {
        let PlanSpec {
            what,
            every_days,
            first_due,
            contact,
            station,
        } = spec;
        if !may_plan(by.role) {
            return Err(FieldError::new(
                "by",
                "only a supervisor or the admin sets maintenance plans",
            ));
        }
        if (first_due - now).num_days().abs() > i64::from(MAX_PLAN_DAYS) {
            return Err(FieldError::new("first_due", "must be within a year of today"));
        }
        let what = text("what", what, 100)?;
        if !(1..=MAX_PLAN_DAYS).contains(&every_days) {
            return Err(FieldError::new("every_days", "must be 1 to 366 days"));
        }
        if self.plans.len() >= MAX_PLANS {
            return Err(FieldError::new("what", "an entry carries at most 12 plans"));
        }
        let id = self.plans.iter().map(|p| p.id).max().unwrap_or(0) + 1;
        self.plans.push(MaintenancePlan {
            id,
            what,
            every_days,
            next_due: first_due,
            by: by.clone(),
            contact,
            station,
            last_order: None,
        });
        Ok(self.plans.last().expect("just pushed"))
    }

    /// When the earliest plan falls due, if it has any.
    pub fn plan_due(&self) -> Option<Timestamp> {
        self.plans.iter().map(|p| p.next_due).min()
    }

    /// The plans due by `now`.
    pub fn due_plans(&self, now: Timestamp) -> Vec<&MaintenancePlan> {
        self.plans.iter().filter(|p| p.next_due <= now).collect()
    }

    /// The maintenance order a plan makes: on site, normal priority, on this entry, from
    /// preventive maintenance (C01), for the plan's contact at the entry's place.
    pub fn maintenance_order(&self, plan: &MaintenancePlan, template: Template) -> NewOrder {
        NewOrder {
            kind: Kind::Repair,
            channel: Channel::PreventiveMaintenance,
            template,
            category: Some("maintenance".into()),
            priority: Priority::Normal,
            service_mode: ServiceMode::OnSite,
            customer: plan.contact.clone(),
            location: self.location.clone(),
            description: format!("{} 定期保养：{}", self.name, plan.what),
            asset: Asset::parse(&self.code, self.model.as_deref(), None).ok(),
            station: plan.station.clone(),
            technician: None,
            slip: None,
            number: None,
        }
    }

    /// After the plan's order is made: the next one is due a period later, past `now` (a
    /// plan that was missed for several periods, the server being down, makes one order,
    /// not one for each missed period). `order` is the number of the order made.
    pub fn advance(&mut self, id: u32, now: Timestamp, order: Option<String>) {
        if let Some(plan) = self.plans.iter_mut().find(|p| p.id == id) {
            let step = chrono::Duration::days(i64::from(plan.every_days));
            while plan.next_due <= now {
                plan.next_due += step;
            }
            plan.last_order = order.or(plan.last_order.take());
        }
    }
}
