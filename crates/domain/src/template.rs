//! Service templates (服务模板). Each organisation kind runs the same state machine with its
//! own settings. Today the settings are built in; ROADMAP 1 moves them to files under
//! `templates/`, which is why they are plain data and not code paths.

use crate::role::Role;
use serde::{Deserialize, Serialize};

/// The five kinds of organisation baoxiu serves (SPEC table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Template {
    AfterSales,
    Property,
    Equipment,
    Hotel,
    Utility,
}

impl Template {
    pub const ALL: [Template; 5] = [
        Template::AfterSales,
        Template::Property,
        Template::Equipment,
        Template::Hotel,
        Template::Utility,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Template::AfterSales => "after_sales",
            Template::Property => "property",
            Template::Equipment => "equipment",
            Template::Hotel => "hotel",
            Template::Utility => "utility",
        }
    }

    pub fn parse(s: &str) -> Option<Template> {
        Template::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The built-in settings of this template.
    pub fn rules(self) -> TemplateRules {
        match self {
            Template::AfterSales => TemplateRules {
                initial_route: InitialRoute::AwaitingDispatch,
                t2_on_first_commitment: true,
                arrival_code_required: true,
                dispatch_to_station_first: true,
                // A17: the region approves cancellations.
                cancel_approvers: &[Role::RegionOfficer],
            },
            Template::Property => TemplateRules {
                initial_route: InitialRoute::Pool,
                t2_on_first_commitment: false,
                arrival_code_required: true,
                dispatch_to_station_first: false,
                cancel_approvers: &[Role::Supervisor, Role::Approver],
            },
            Template::Equipment | Template::Hotel | Template::Utility => TemplateRules {
                initial_route: InitialRoute::AwaitingDispatch,
                t2_on_first_commitment: false,
                arrival_code_required: true,
                dispatch_to_station_first: false,
                cancel_approvers: &[Role::Supervisor, Role::Approver],
            },
        }
    }
}

/// Where a new order goes when the create names no station or technician.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InitialRoute {
    /// 待派单: the desk dispatches (A01).
    AwaitingDispatch,
    /// 待抢单: technicians claim (B02).
    Pool,
}

/// A template's settings, as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TemplateRules {
    pub initial_route: InitialRoute,
    /// A04: writing T31 sets T2 (after_sales). Otherwise T2 is the first reached contact,
    /// or the first commitment if no contact was recorded.
    pub t2_on_first_commitment: bool,
    /// B01: arrival needs the customer's verification code (or the desk's check, B03).
    pub arrival_code_required: bool,
    /// A01/A02: the desk dispatches to a station and the station assigns; nobody assigns a
    /// technician to an order no station has taken.
    pub dispatch_to_station_first: bool,
    /// A17: who may approve or reject a cancellation request for this template.
    pub cancel_approvers: &'static [Role],
}
