//! What the API accepts and returns. Requests are plain serde structs, turned into domain
//! values through the domain's fallible constructors, so every invalid value is reported
//! with the field's name. Responses reuse the domain's own types where they are fit to show.

use baoxiu_domain::{
    Area, Asset, CallbackRecord, Cancellation, Channel, Commitment, ContactAttempt, Customer, Kind, Location,
    NewOrder, PartsRequest, PersonRef, Priority, Refusal, Resolution, Role, ServiceMode, State, StationRef,
    Template, Tenant, Timeline, WorkOrder,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// `POST /api/v1/orders`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrder {
    /// One of the templates the organisation offers.
    #[schema(value_type = Template)]
    pub template: String,
    #[serde(default = "default_kind")]
    pub kind: Kind,
    #[serde(default = "default_channel")]
    pub channel: Channel,
    pub category: Option<String>,
    #[serde(default = "default_priority")]
    pub priority: Priority,
    /// On-site by default; a station's own order is carry-in (A16).
    pub service_mode: Option<ServiceMode>,
    pub customer: CustomerInput,
    pub location: LocationInput,
    pub description: String,
    pub asset: Option<AssetInput>,
    /// Dispatch at once to this head station (A01); for a property repair, the project
    /// whose claim pool it waits in (B02). Station staff record orders for their own station.
    pub station_id: Option<Uuid>,
    /// Assign at once to this technician (B04), with the checks of `assign`: for after-sales,
    /// only together with the head station the technician belongs to.
    pub technician_id: Option<Uuid>,
    /// Hotel (D01–D04): the requesting department's slip.
    pub slip: Option<SlipInput>,
}

/// A named employee and their position (staff, foreman, supervisor, manager).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffInput {
    pub name: String,
    pub position: baoxiu_domain::Position,
}

/// The hotel's repair slip: by phone, a named foreman or above reports and the signed slip
/// follows; otherwise a supervisor or above has signed it (D01, D02).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlipInput {
    /// The requesting department (客房部, 餐饮部…).
    pub department: String,
    pub reporter: Option<StaffInput>,
    pub signed_by: Option<StaffInput>,
    /// D04: occupied_room, vip_room, private_dining, meeting_in_progress, kitchen_in_service,
    /// guests_or_equipment.
    pub special: Option<baoxiu_domain::SpecialCase>,
    /// D03: the job is in a guest area; staff take the technician in.
    #[serde(default)]
    pub guest_area: bool,
}

impl SlipInput {
    pub fn parse(self) -> Result<baoxiu_domain::Slip, baoxiu_domain::FieldError> {
        let staff = |field: &str, s: Option<StaffInput>| {
            s.map(|s| baoxiu_domain::Staff::parse(field, &s.name, s.position))
                .transpose()
        };
        Ok(baoxiu_domain::Slip {
            department: baoxiu_domain::text("slip.department", &self.department, 50)?,
            reporter: staff("slip.reporter", self.reporter)?,
            signed_by: staff("slip.signed_by", self.signed_by)?,
            special: self.special,
            guest_area: self.guest_area,
        })
    }
}

fn default_kind() -> Kind {
    Kind::Repair
}
fn default_channel() -> Channel {
    Channel::Phone
}
fn default_priority() -> Priority {
    Priority::Normal
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerInput {
    pub name: String,
    /// Mainland mobile or landline with area code.
    pub phone: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationInput {
    pub address: String,
    pub area: Option<Area>,
    pub building: Option<String>,
    pub room: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssetInput {
    pub serial: String,
    pub model: Option<String>,
    pub warranty_end: Option<NaiveDate>,
}

impl CreateOrder {
    /// The validated order, with the station and technician already looked up. An
    /// unknown template is refused like one the organisation does not offer, naming the
    /// templates it does.
    pub fn into_new_order(
        self,
        tenant: &Tenant,
        by: &PersonRef,
        station: Option<StationRef>,
        technician: Option<PersonRef>,
    ) -> Result<NewOrder, crate::error::ApiError> {
        use baoxiu_domain::{optional_text, text};
        let template = Template::parse(self.template.trim()).ok_or_else(|| Refusal::TemplateNotOffered {
            offered: tenant.templates.clone(),
        })?;
        Ok(NewOrder {
            kind: self.kind,
            channel: self.channel,
            template,
            category: optional_text("category", self.category.as_deref(), 50)?,
            priority: self.priority,
            service_mode: self
                .service_mode
                .unwrap_or_else(|| NewOrder::default_service_mode(template, by)),
            customer: Customer::parse(&self.customer.name, &self.customer.phone)?,
            location: Location::parse(
                &self.location.address,
                self.location.area,
                self.location.building.as_deref(),
                self.location.room.as_deref(),
            )?,
            description: text("description", &self.description, 2000)?,
            asset: self
                .asset
                .map(|a| Asset::parse(&a.serial, a.model.as_deref(), a.warranty_end))
                .transpose()?,
            station,
            technician,
            slip: self.slip.map(SlipInput::parse).transpose()?,
            // Given by the service when the create is allowed.
            number: None,
        })
    }
}

/// Roles that see the customer's verification code: the customer, the desk that must read
/// it out or check it (B03), and the supervisors and admins above the desk. Technicians and
/// station staff must get it from the customer (B01). An order whose arrival asks no code
/// shows none.
pub fn sees_code(role: Role, order: &WorkOrder) -> bool {
    order.asks_code()
        && matches!(
            role,
            Role::Customer | Role::DeskAgent | Role::Supervisor | Role::Admin
        )
}

/// A work order as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderView {
    pub id: Uuid,
    /// The number people read out (X09), e.g. `20261127-0042`.
    #[schema(value_type = Option<String>)]
    pub number: Option<baoxiu_domain::OrderNumber>,
    /// Pass as `If-Match` to make a command fail rather than apply to a changed order.
    pub version: u64,
    pub state: State,
    /// The state as the people who use it say it (zh-CN).
    pub state_label: &'static str,
    pub template: Template,
    pub kind: Kind,
    pub channel: Channel,
    pub category: Option<String>,
    pub priority: Priority,
    pub service_mode: ServiceMode,
    pub customer: Customer,
    pub location: Location,
    pub description: String,
    pub asset: Option<Asset>,
    pub station: Option<StationRef>,
    pub assignee: Option<PersonRef>,
    pub created_by: Option<PersonRef>,
    pub timeline: Timeline,
    pub contacts: Vec<ContactAttempt>,
    pub parts_requests: Vec<PartsRequest>,
    pub resolution: Option<Resolution>,
    pub callbacks: Vec<CallbackRecord>,
    pub cancellation: Option<Cancellation>,
    /// Hotel (D01–D04): the requesting department's slip.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slip: Option<baoxiu_domain::Slip>,
    /// Approvals asked for on the order, with their chains and decisions (D03).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub approvals: Vec<baoxiu_domain::Approval>,
    /// Paid work (B18, B24): the charges told, whether accepted, the owner's materials and
    /// the money handed to finance; amounts in fen.
    #[serde(skip_serializing_if = "baoxiu_domain::Charges::is_empty")]
    pub charges: baoxiu_domain::Charges,
    /// Equipment (C04): the confirmed fault's complexity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub complexity: Option<baoxiu_domain::Complexity>,
    /// Equipment (C09): the tag on the machine.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub equipment_tag: Option<baoxiu_domain::EquipmentTag>,
    /// What the hotline found at intake (utility, E01–E03): the account checked, the fault.
    #[serde(skip_serializing_if = "baoxiu_domain::Intake::is_empty")]
    pub intake: baoxiu_domain::Intake,
    /// Photos kept with the order, removed ones included with who removed them and why;
    /// the bytes are at `/api/v1/orders/{id}/attachments/{attachment id}`.
    pub attachments: Vec<baoxiu_domain::AttachedFile>,
    /// The customer's code (B01): shown only to the customer and the desk.
    pub verification_code: Option<String>,
    /// Wrong codes still allowed before arrival by code is locked.
    pub code_attempts_left: u8,
    /// The order's service-level clocks: deadline, paused and why, late (X01).
    pub clocks: Vec<crate::clocks::ClockView>,
    /// The whole history (X05), on `GET /api/v1/orders/{id}` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<baoxiu_domain::EventRecord>>)]
    pub history: Option<Vec<serde_json::Value>>,
}

impl OrderView {
    pub fn new(order: &WorkOrder, viewer: Role) -> OrderView {
        let d = &order.details;
        OrderView {
            id: order.id.as_uuid(),
            number: order.number().cloned(),
            version: order.version,
            state: order.state,
            state_label: order.state.label_zh(),
            template: d.template,
            kind: d.kind,
            channel: d.channel,
            category: d.category.clone(),
            priority: d.priority,
            service_mode: d.service_mode,
            customer: d.customer.clone(),
            location: d.location.clone(),
            description: d.description.clone(),
            asset: d.asset.clone(),
            station: order.station.clone(),
            assignee: order.assignee.clone(),
            created_by: order.created_by.clone(),
            timeline: order.timeline.clone(),
            contacts: order.contacts.clone(),
            parts_requests: order.parts_requests.clone(),
            resolution: order.resolution.clone(),
            callbacks: order.callbacks.clone(),
            cancellation: order.cancellation.clone(),
            slip: d.slip.clone(),
            approvals: order.approvals.clone(),
            charges: order.charges.clone(),
            complexity: order.complexity,
            equipment_tag: order.equipment_tag(),
            intake: order.intake.clone(),
            attachments: order.attachments.clone(),
            verification_code: sees_code(viewer, order).then(|| order.verification.code.as_str().to_string()),
            code_attempts_left: baoxiu_domain::MAX_CODE_ATTEMPTS
                .saturating_sub(order.verification.failed_attempts),
            clocks: Vec::new(),
            history: None,
        }
    }
}

/// One row of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderSummary {
    pub id: Uuid,
    #[schema(value_type = Option<String>)]
    pub number: Option<baoxiu_domain::OrderNumber>,
    pub version: u64,
    pub state: State,
    pub state_label: &'static str,
    pub template: Template,
    pub kind: Kind,
    pub priority: Priority,
    pub customer_name: String,
    pub address: String,
    pub description: String,
    pub station: Option<String>,
    pub assignee: Option<String>,
    pub reported_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    /// The service time currently committed (latest T3x).
    pub committed_at: Option<DateTime<Utc>>,
}

impl From<&WorkOrder> for OrderSummary {
    fn from(o: &WorkOrder) -> Self {
        OrderSummary {
            id: o.id.as_uuid(),
            number: o.number().cloned(),
            version: o.version,
            state: o.state,
            state_label: o.state.label_zh(),
            template: o.details.template,
            kind: o.details.kind,
            priority: o.details.priority,
            customer_name: o.details.customer.name.clone(),
            address: o.details.location.address.clone(),
            description: o.details.description.clone(),
            station: o.station.as_ref().map(|s| s.name.clone()),
            assignee: o.assignee.as_ref().map(|p| p.name.clone()),
            reported_at: o.timeline.reported_at,
            updated_at: o.updated_at,
            committed_at: o.current_commitment().map(|c: &Commitment| c.at),
        }
    }
}

/// A page of orders, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderList {
    pub orders: Vec<OrderSummary>,
    /// Pass as `after` to get the next page; absent on the last page.
    pub next: Option<String>,
}
