//! The utility hotline's intake (E01–E03) and its crew's report (E07): what the desk finds
//! before anything is dispatched, and what the crew reports back when the power is on again.
//! A call ends at intake when there is nothing for a crew to do; [`Intake::ends_call`] is the
//! one place that says so.

use crate::values::{AccountStatus, FieldError, GridFault, InternalCause, Zone, text};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

// The messages name the choices as the wire spells them (a test keeps them in step with
// the enums); written out, so the pages' catalogue has them word for word.
const FINDINGS: &str = "must be one of grid, internal, outage";
const FAULTS: &str = "must be one of line, transformer, cable, meter_box, other";
const ZONES: &str = "must be one of city, rural, remote";
const CAUSES: &str = "must be one of breaker, switch, fuse, prepaid_meter, overload";

/// What the desk found the fault to be (E02, E03).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "finding", rename_all = "snake_case")]
pub enum Finding {
    /// A fault on the company's side: dispatched to the district crew (E04), to arrive
    /// within the area's target (E06).
    Grid { fault: GridFault, zone: Zone },
    /// A fault inside the customer's installation (E02). The desk guides the customer over
    /// the phone, and the call ends; or the customer asks for the (paid) repair service,
    /// told first that it is paid, and the order goes on with an arrival time agreed (E06).
    Internal {
        cause: InternalCause,
        paid_service: bool,
        /// What the customer was told to check, or that the service is paid.
        guidance: String,
    },
    /// A planned or fault outage covers the address (E03): the customer is told and
    /// apologised to, and the call ends.
    Outage { notice: String },
}

impl Finding {
    /// The wire name of the finding (`grid`, `internal`, `outage`), also what a clock's
    /// trigger `event:triaged:grid` names.
    pub fn as_str(&self) -> &'static str {
        match self {
            Finding::Grid { .. } => "grid",
            Finding::Internal { .. } => "internal",
            Finding::Outage { .. } => "outage",
        }
    }

    /// Builds a finding from the fields a form or the API sends, naming what is missing.
    pub fn parse(
        finding: &str,
        fault: Option<&str>,
        zone: Option<&str>,
        cause: Option<&str>,
        paid_service: bool,
        text_field: Option<&str>,
    ) -> Result<Finding, FieldError> {
        fn pick<T>(
            field: &str,
            value: Option<&str>,
            parse: fn(&str) -> Option<T>,
            wrong: &str,
        ) -> Result<T, FieldError> {
            let value = value
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .ok_or_else(|| FieldError::new(field, "must be given for this finding"))?;
            parse(value).ok_or_else(|| FieldError::new(field, wrong))
        }
        match finding.trim() {
            "grid" => Ok(Finding::Grid {
                fault: pick("fault", fault, GridFault::parse, FAULTS)?,
                zone: pick("zone", zone, Zone::parse, ZONES)?,
            }),
            "internal" => Ok(Finding::Internal {
                cause: pick("cause", cause, InternalCause::parse, CAUSES)?,
                paid_service,
                guidance: text("guidance", text_field.unwrap_or(""), 1000)?,
            }),
            "outage" => Ok(Finding::Outage {
                notice: text("notice", text_field.unwrap_or(""), 1000)?,
            }),
            _ => Err(FieldError::new("finding", FINDINGS)),
        }
    }

    /// The area class, for a grid fault.
    pub fn zone(&self) -> Option<Zone> {
        match self {
            Finding::Grid { zone, .. } => Some(*zone),
            _ => None,
        }
    }
}

/// What the desk recorded at intake.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Intake {
    /// E01: the account number checked and what was found.
    pub account: Option<String>,
    pub status: Option<AccountStatus>,
    /// E02, E03.
    pub finding: Option<Finding>,
}

impl Intake {
    pub fn is_empty(&self) -> bool {
        *self == Intake::default()
    }

    /// The call ends at intake (E01 arrears, E02 an internal fault guided by phone, E03 an
    /// outage): nothing is dispatched.
    pub fn ends_call(&self) -> bool {
        self.status == Some(AccountStatus::Arrears)
            || matches!(
                self.finding,
                Some(Finding::Outage { .. })
                    | Some(Finding::Internal {
                        paid_service: false,
                        ..
                    })
            )
    }

    /// The intake is done and a crew is needed: the account is paid and the fault is the
    /// grid's, or an internal one the customer asked the (paid) service for.
    pub fn ready_to_dispatch(&self) -> bool {
        self.status == Some(AccountStatus::Paid) && self.finding.is_some() && !self.ends_call()
    }
}

/// E07: what the crew's duty lead reports to 95598 when the fault is cleared. Departure and
/// arrival are the order's own steps (`depart`, `arrive`); this is the rest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CrewReport {
    /// 故障原因.
    pub cause: String,
    /// 恢复供电时间.
    pub restored_at: DateTime<Utc>,
    /// 处理人: who did the work.
    pub crew: String,
    /// 抢修结果.
    pub result: String,
}

impl CrewReport {
    pub fn parse(
        cause: &str,
        restored_at: DateTime<Utc>,
        crew: &str,
        result: &str,
    ) -> Result<Self, FieldError> {
        Ok(CrewReport {
            cause: text("report.cause", cause, 500)?,
            restored_at,
            crew: text("report.crew", crew, 200)?,
            result: text("report.result", result, 1000)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(all: impl Iterator<Item = &'static str>) -> String {
        format!("must be one of {}", all.collect::<Vec<_>>().join(", "))
    }

    #[test]
    fn the_messages_list_every_choice() {
        assert_eq!(FAULTS, listed(GridFault::ALL.iter().map(|f| f.as_str())));
        assert_eq!(ZONES, listed(Zone::ALL.iter().map(|z| z.as_str())));
        assert_eq!(CAUSES, listed(InternalCause::ALL.iter().map(|c| c.as_str())));
        let findings = [
            Finding::Grid {
                fault: GridFault::Line,
                zone: Zone::City,
            },
            Finding::Internal {
                cause: InternalCause::Fuse,
                paid_service: false,
                guidance: String::new(),
            },
            Finding::Outage {
                notice: String::new(),
            },
        ];
        assert_eq!(FINDINGS, listed(findings.iter().map(|f| f.as_str())));
    }
}
