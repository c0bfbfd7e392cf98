//! Service templates (服务模板). Each organisation kind runs the same state machine with its
//! own settings. Today the settings are built in; ROADMAP 1 moves them to files under
//! `templates/`, which is why they are plain data and not code paths.
//!
//! Only templates that are built are listed here. The equipment, hotel and utility
//! templates of the product's plan come with their own rules (approvals, parts, vendors);
//! until then no organisation can offer them and the API does not name them.

use crate::role::Role;
use serde::{Deserialize, Serialize};

/// The kinds of organisation baoxiu serves today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Template {
    /// A manufacturer's call centre dispatching to a network of repair stations.
    AfterSales,
    /// A property-management company serving owners and public areas.
    Property,
}

impl Template {
    pub const ALL: [Template; 2] = [Template::AfterSales, Template::Property];

    pub fn as_str(self) -> &'static str {
        match self {
            Template::AfterSales => "after_sales",
            Template::Property => "property",
        }
    }

    pub fn parse(s: &str) -> Option<Template> {
        Template::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Parses a comma-separated list (`after_sales,property`), as stored and as given on the
    /// command line. Unknown names and an empty list are errors naming what is valid.
    pub fn parse_list(s: &str) -> Result<Vec<Template>, String> {
        let mut list = Vec::new();
        for name in s.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let template = Template::parse(name).ok_or_else(|| {
                format!(
                    "unknown template `{name}`; the templates are {}",
                    Template::names(&Template::ALL)
                )
            })?;
            if !list.contains(&template) {
                list.push(template);
            }
        }
        if list.is_empty() {
            return Err("an organisation offers at least one template".into());
        }
        list.sort();
        Ok(list)
    }

    /// `after_sales, property`: for messages.
    pub fn names(list: &[Template]) -> String {
        list.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ")
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
                customer_names_technician: false,
                station_orders_are_carry_in: true,
                public_area_reinspection: false,
                station_records_for_technician: true,
            },
            Template::Property => TemplateRules {
                initial_route: InitialRoute::Pool,
                t2_on_first_commitment: false,
                arrival_code_required: true,
                dispatch_to_station_first: false,
                cancel_approvers: &[Role::Supervisor, Role::Approver],
                customer_names_technician: true,
                station_orders_are_carry_in: false,
                public_area_reinspection: true,
                station_records_for_technician: false,
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
    /// B04: the customer may ask for a named technician when reporting (self-service).
    pub customer_names_technician: bool,
    /// A16: an order a station records itself is a carry-in (送修) order of that station.
    pub station_orders_are_carry_in: bool,
    /// A14 (amended): a public-area job is signed off by customer service (the desk) after
    /// re-inspection, not by an owner.
    pub public_area_reinspection: bool,
    /// X10 (A02 amended): a station's coordinator records steps for its technicians (the
    /// seeds' stations log in "as the engineer"); the history shows both.
    pub station_records_for_technician: bool,
}
