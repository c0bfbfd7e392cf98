//! Which orders a person sees (X06). One rule: the API, the pages and the store's lists all
//! ask [`Visibility`]; a store translates it into its query and its contract suite checks
//! that the translation agrees with [`Visibility::allows`].

use crate::ids::{PersonId, StationId};
use crate::order::WorkOrder;
use crate::org::Person;
use crate::role::Role;
use crate::state::State;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Visibility {
    /// The desk, supervisors, region officers, approvers and admins see every order of
    /// their organisation.
    #[default]
    All,
    /// A customer sees what they reported; station staff without a station likewise.
    ReportedBy(PersonId),
    /// A technician sees the orders assigned to them and the claim pool they may claim
    /// from: pool orders of their station (or its sub-sites) and of no station.
    Technician {
        person: PersonId,
        station: Option<StationId>,
    },
    /// Station staff see their station's orders and, at a head station, its sub-sites'.
    Station(StationId),
    /// An outside firm's people see only the orders given to their firm (B22, C05).
    Vendor(StationId),
    /// Someone who sees nothing (a vendor not tied to a firm).
    Nothing,
}

impl Visibility {
    pub fn of(person: &Person) -> Visibility {
        match (person.role, person.station) {
            (Role::Customer, _) => Visibility::ReportedBy(person.id),
            (Role::Technician, station) => Visibility::Technician {
                person: person.id,
                station,
            },
            (Role::Coordinator | Role::TeamLead, Some(station)) => Visibility::Station(station),
            (Role::Coordinator | Role::TeamLead, None) => Visibility::ReportedBy(person.id),
            (Role::Vendor, Some(firm)) => Visibility::Vendor(firm),
            (Role::Vendor, None) => Visibility::Nothing,
            (
                Role::DeskAgent
                | Role::Supervisor
                | Role::RegionOfficer
                | Role::Approver
                | Role::Admin
                | Role::System,
                _,
            ) => Visibility::All,
        }
    }

    pub fn allows(&self, order: &WorkOrder) -> bool {
        let at = |station: StationId| {
            order
                .station
                .as_ref()
                .is_some_and(|s| s.id == station || s.head == Some(station))
        };
        match self {
            Visibility::All => true,
            Visibility::ReportedBy(person) => order.created_by.as_ref().is_some_and(|p| p.id == *person),
            Visibility::Technician { person, station } => {
                let theirs = order.assignee.as_ref().is_some_and(|a| a.id == *person);
                let claimable = order.state == State::Pool
                    && match (&order.station, station) {
                        (None, _) => true,
                        (Some(_), Some(mine)) => at(*mine),
                        (Some(_), None) => false,
                    };
                theirs || claimable
            }
            Visibility::Station(station) => at(*station),
            Visibility::Vendor(firm) => order.vendor.as_ref().is_some_and(|v| v.id == *firm),
            Visibility::Nothing => false,
        }
    }
}
