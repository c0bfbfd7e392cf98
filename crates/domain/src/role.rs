//! The roles people hold and which commands each may issue. Data scope (which orders a
//! person may touch) is checked in `decide.rs`, next to the state checks.

use crate::command::CommandName;
use crate::template::Template;
use serde::{Deserialize, Serialize};

/// A person's role in their organisation (SPEC "Organisation").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 客户 / 业主: reports faults.
    Customer,
    /// 客服: the service desk / call centre.
    DeskAgent,
    /// 协调员: a station's coordinator.
    Coordinator,
    /// 工程师 / 维修师傅.
    Technician,
    /// 班长.
    TeamLead,
    /// 主管.
    Supervisor,
    /// 大区接口人.
    RegionOfficer,
    /// 审批人.
    Approver,
    /// 管理员.
    Admin,
    /// 外协单位 / 维保单位: an outside firm's person (B22, C05), who sees and works only the
    /// orders given to their firm.
    Vendor,
    /// baoxiu itself: the clocks' escalations are its steps. Nobody holds this role.
    System,
}

impl Role {
    pub const ALL: [Role; 10] = [
        Role::Customer,
        Role::DeskAgent,
        Role::Coordinator,
        Role::Technician,
        Role::TeamLead,
        Role::Supervisor,
        Role::RegionOfficer,
        Role::Approver,
        Role::Admin,
        Role::Vendor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::DeskAgent => "desk_agent",
            Role::Coordinator => "coordinator",
            Role::Technician => "technician",
            Role::TeamLead => "team_lead",
            Role::Supervisor => "supervisor",
            Role::RegionOfficer => "region_officer",
            Role::Approver => "approver",
            Role::Admin => "admin",
            Role::Vendor => "vendor",
            Role::System => "system",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Customer => "客户",
            Role::DeskAgent => "客服",
            Role::Coordinator => "协调员",
            Role::Technician => "维修师傅",
            Role::TeamLead => "班长",
            Role::Supervisor => "主管",
            Role::RegionOfficer => "大区接口人",
            Role::Approver => "审批人",
            Role::Admin => "管理员",
            Role::Vendor => "外协单位",
            Role::System => "系统",
        }
    }

    /// May this role create work orders? Customers report through the app; the desk records
    /// calls; coordinators create station orders (A16); supervisors and leads create orders
    /// from self-inspection (B13) and matters that need a repair (B10).
    pub fn may_create(self) -> bool {
        !matches!(
            self,
            Role::Approver | Role::RegionOfficer | Role::Vendor | Role::System
        )
    }

    /// Who adds people, sets their passwords, disables accounts and revokes tokens.
    /// The organisation's service levels (clocks, escalations, the overdue lists) are the
    /// staff's: a customer sees where their order is, not how the organisation times itself.
    pub fn sees_service_levels(self) -> bool {
        // Nor does an outside firm: the organisation's lists are its own staff's.
        !matches!(self, Role::Customer | Role::Vendor)
    }

    pub fn manages_people(self) -> bool {
        self == Role::Admin
    }

    /// The permission table: role × command. The state machine decides *when*; this
    /// decides *who*.
    pub fn may(self, command: CommandName) -> bool {
        use CommandName as C;
        use Role::*;
        match command {
            C::Dispatch => matches!(self, DeskAgent | Supervisor | RegionOfficer | Admin),
            C::HandOver => matches!(self, Coordinator | Supervisor | Admin),
            C::Assign => matches!(self, DeskAgent | Coordinator | TeamLead | Supervisor | Admin),
            C::Claim => matches!(self, Technician),
            C::Accept => matches!(self, Coordinator | Technician),
            C::Contact => matches!(self, DeskAgent | Coordinator | Technician | TeamLead | Supervisor),
            C::Commit => matches!(self, Coordinator | Technician | TeamLead | Supervisor | Vendor),
            C::RequestParts | C::PartsReceived => matches!(self, Coordinator | Technician),
            // A desk agent records an arrival only by verifying it by phone (B03).
            C::Arrive => matches!(self, Technician | DeskAgent | Vendor),
            C::Start => matches!(self, Technician | Vendor),
            // The desk signs off public-area property jobs after re-inspection (A14 amended);
            // the state machine refuses it everything else.
            C::Resolve => matches!(self, Technician | Coordinator | DeskAgent | Vendor),
            C::ResolveByPhone => matches!(self, Technician | Coordinator),
            // A customer confirms and rates their own repair in self-service: their callback.
            C::Callback => matches!(self, DeskAgent | Supervisor | Customer),
            C::Archive => matches!(self, DeskAgent | Supervisor | Admin),
            C::RequestCancel => {
                matches!(
                    self,
                    DeskAgent | Coordinator | TeamLead | Supervisor | RegionOfficer
                )
            }
            // The desk or a supervisor changes an order's urgency, saying why.
            C::Reprioritize => matches!(self, DeskAgent | Supervisor),
            // A18: the desk urges a special customer's order; the station tells the region.
            C::Urge => matches!(self, DeskAgent | Supervisor),
            C::ReportToRegion => matches!(self, Coordinator | TeamLead),
            // B19: whoever is on the job finds it complex; the team lead or the supervisor
            // reviews it.
            C::MarkComplex => matches!(self, Technician | TeamLead | Coordinator),
            C::ReviewComplex => matches!(self, TeamLead | Supervisor),
            // E01–E03, E05: the hotline's representatives take and check the call.
            C::CheckAccount | C::Triage | C::Apologise => matches!(self, DeskAgent | Supervisor),
            // E07: the crew sets off; its duty lead may record it for them (X10).
            C::Depart => matches!(self, Technician),
            // D01, D02: the engineering duty room files the slip that follows a phone report.
            C::FileSlip => matches!(self, DeskAgent | Supervisor),
            // D07: the engineering supervisor instructs the duty foreman.
            C::Instruct => matches!(self, Supervisor),
            // C13: the supervisor in person.
            C::Attend => matches!(self, Supervisor),
            // D03: whoever does or leads the work asks; the chain says who decides.
            C::RequestApproval => matches!(self, Technician | TeamLead | Coordinator | Supervisor),
            C::Approve | C::Reject => matches!(
                self,
                Coordinator | TeamLead | Supervisor | RegionOfficer | Approver | Admin
            ),
            // D05: the duty supervisor or foreman reports what cannot be fixed now.
            C::ReportUnfixable => matches!(self, Supervisor | TeamLead),
            // C04: who confirms the fault rates it.
            C::RateComplexity => matches!(self, Technician | TeamLead),
            // Parts: service support (a supervisor or admin; a station's coordinator for its
            // own stock) ships and takes old parts back; the technician fits and returns; the
            // using department (the customer) or the supervisor refuses what is not up to
            // standard (C11).
            C::ShipParts | C::OldPartsReceived => matches!(self, Coordinator | Supervisor | Admin),
            C::FitParts => matches!(self, Technician),
            C::ReturnOldParts => matches!(self, Technician | Coordinator),
            C::RefuseParts => matches!(self, Customer | Supervisor),
            // B18: whoever is on the job or at the desk tells the charges; the customer
            // accepts (the technician records it with the customer's name); the desk or a
            // supervisor hands the money to finance.
            C::Quote => matches!(self, Technician | Coordinator | DeskAgent | Supervisor),
            C::AcceptQuote => matches!(self, Customer | Technician | DeskAgent),
            C::RecordOwnerMaterial => matches!(self, Technician),
            C::HandToFinance => matches!(self, DeskAgent | Supervisor),
            // B22, C05: the desk, a supervisor or the team lead gives the order to an outside
            // firm; the supervisor records a penalty on it.
            C::Outsource => matches!(self, DeskAgent | Supervisor | TeamLead),
            C::RecordPenalty => matches!(self, Supervisor),
            C::Attach => matches!(
                self,
                Customer | DeskAgent | Coordinator | Technician | TeamLead | Supervisor
            ),
            C::RemoveAttachment => matches!(
                self,
                DeskAgent | Coordinator | Technician | TeamLead | Supervisor | Admin
            ),
            // Which of these decides is the template's (A17: the region for after-sales).
            C::ApproveCancel | C::RejectCancel => matches!(self, RegionOfficer | Approver | Supervisor),
        }
    }

    /// The permission table's row for what a create may do at once: dispatch to a station
    /// and name a technician. A create that names a station runs `dispatch`, one that names
    /// a technician runs `assign`, with every check those commands make; this says only
    /// who may ask for them while recording the order.
    ///
    /// | at create | who |
    /// |---|---|
    /// | dispatch to a station (A01) | desk agent, supervisor, region officer, admin |
    /// | name a technician | those who may `assign` (desk agent, coordinator, team lead, supervisor, admin); and the customer on a template where the customer may ask for one (B04: property) |
    ///
    /// A technician never names themselves, and nobody names a technician for an
    /// after-sales order without the head station that covers them (A01): `assign` refuses it.
    pub fn may_at_create(self, template: Template, command: CommandName) -> bool {
        match command {
            CommandName::Dispatch => self.may(CommandName::Dispatch),
            CommandName::Assign => {
                self.may(CommandName::Assign)
                    || (self == Role::Customer && template.rules().customer_names_technician)
            }
            _ => false,
        }
    }
}
