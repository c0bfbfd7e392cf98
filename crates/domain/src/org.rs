//! The organisation around the orders: tenants, stations, teams, people. Only what the
//! foundation needs; regions, coverage and capacity come with dispatch (ROADMAP 2).

use crate::ids::{PersonId, StationId, TeamId, TenantId};
use crate::role::Role;
use crate::template::Template;
use serde::{Deserialize, Serialize};

/// An organisation: a property company, a manufacturer's after-sales network…
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tenant {
    pub id: TenantId,
    /// Short unique name used on the command line (`--tenant acme`).
    pub slug: String,
    pub name: String,
    /// IANA zone for display, e.g. `Asia/Shanghai`.
    pub time_zone: String,
    /// The service templates this organisation offers; a create with any other is refused.
    pub templates: Vec<Template>,
}

impl Tenant {
    pub fn offers(&self, template: Template) -> bool {
        self.templates.contains(&template)
    }

    /// The organisation's time zone; a name that is not an IANA zone reads as Shanghai
    /// (tenants are checked when they are made, see [`Tenant::check_zone`]).
    pub fn zone(&self) -> chrono_tz::Tz {
        self.time_zone.parse().unwrap_or(chrono_tz::Asia::Shanghai)
    }

    /// The day `at` falls on where the organisation is.
    pub fn local_date(&self, at: crate::Timestamp) -> chrono::NaiveDate {
        at.with_timezone(&self.zone()).date_naive()
    }

    /// `time_zone` must name an IANA zone such as `Asia/Shanghai`.
    pub fn check_zone(zone: &str) -> Result<(), crate::FieldError> {
        zone.parse::<chrono_tz::Tz>().map(|_| ()).map_err(|_| {
            crate::FieldError::new("time_zone", "must be an IANA time zone such as Asia/Shanghai")
        })
    }
}

/// A station, project or service centre. A sub-site (分点) has the head station as parent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Station {
    pub id: StationId,
    pub tenant: TenantId,
    pub name: String,
    pub parent: Option<StationId>,
}

impl Station {
    pub fn to_ref(&self) -> StationRef {
        StationRef {
            id: self.id,
            name: self.name.clone(),
            head: self.parent,
        }
    }
}

/// A station as an order records it: enough to check A01 and data scope without a lookup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StationRef {
    pub id: StationId,
    pub name: String,
    /// The head station when this is a sub-site.
    pub head: Option<StationId>,
}

/// A team (班组) inside a station.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub id: TeamId,
    pub tenant: TenantId,
    pub station: Option<StationId>,
    pub name: String,
}

/// Someone who uses baoxiu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: PersonId,
    pub tenant: TenantId,
    pub name: String,
    pub role: Role,
    pub station: Option<StationId>,
    pub team: Option<TeamId>,
    pub phone: Option<String>,
    /// Where e-mail notices go (X03).
    #[serde(default)]
    pub email: Option<String>,
}

impl Person {
    pub fn to_ref(&self) -> PersonRef {
        PersonRef {
            id: self.id,
            name: self.name.clone(),
            role: self.role,
            station: self.station,
        }
    }

    pub fn actor(&self) -> Actor {
        Actor {
            person: self.to_ref(),
        }
    }
}

/// A person as an order or event records them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonRef {
    pub id: PersonId,
    pub name: String,
    pub role: Role,
    pub station: Option<StationId>,
}

impl PersonRef {
    /// baoxiu itself, as the actor of the clocks' escalations.
    pub fn system() -> PersonRef {
        PersonRef {
            id: crate::ids::PersonId(uuid::Uuid::nil()),
            name: "baoxiu".into(),
            role: Role::System,
            station: None,
        }
    }
}

/// Who issues a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub person: PersonRef,
}

impl Actor {
    pub fn role(&self) -> Role {
        self.person.role
    }
    pub fn id(&self) -> PersonId {
        self.person.id
    }
}
