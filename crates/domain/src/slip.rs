//! The hotel's repair slip (维修单, D01–D04, D06): who asked, at what level, who signed,
//! and whether it is one of the special emergencies. [`Slip::check`] is the one place that
//! says whether a report may be taken.

use crate::refusal::Refusal;
use crate::values::{Channel, FieldError, Position, SpecialCase, text};
use serde::{Deserialize, Serialize};

/// A named employee and their level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Staff {
    pub name: String,
    pub position: Position,
}

impl Staff {
    pub fn parse(field: &str, name: &str, position: Position) -> Result<Staff, FieldError> {
        Ok(Staff {
            name: text(&format!("{field}.name"), name, 50)?,
            position,
        })
    }
}

/// The slip a requesting department sends to engineering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Slip {
    /// The requesting department (客房部, 餐饮部…).
    pub department: String,
    /// Who reported it (D02: by phone, a named foreman or above).
    pub reporter: Option<Staff>,
    /// Who signed the slip (D01: supervisor level or above). A phone report's slip follows
    /// afterwards (`file-slip`).
    pub signed_by: Option<Staff>,
    /// D04: a special emergency.
    pub special: Option<SpecialCase>,
    /// D03: the job is in a guest area (a room, a restaurant, a meeting room): staff take
    /// the technician in.
    #[serde(default)]
    pub guest_area: bool,
}

/// D02: the lowest level that may report by phone; D01: the lowest that may sign a slip.
pub const PHONE_REPORTER: Position = Position::Foreman;
pub const SLIP_SIGNER: Position = Position::Supervisor;

impl Slip {
    /// D01, D02: whether a report that came by `channel` may be taken. An alarm needs no
    /// named caller; a phone report needs a named foreman or above, its slip to follow; any
    /// other report is the slip itself and needs a supervisor's signature.
    pub fn check(&self, channel: Channel) -> Result<(), Refusal> {
        if let Some(signer) = &self.signed_by
            && !signer.position.at_least(SLIP_SIGNER)
        {
            return Err(Refusal::SlipSigner);
        }
        match channel {
            Channel::Alarm => Ok(()),
            Channel::Phone | Channel::Hotline => match &self.reporter {
                Some(caller) if caller.position.at_least(PHONE_REPORTER) => Ok(()),
                _ => Err(Refusal::CallerNotQualified),
            },
            _ if self.signed_by.is_none() => Err(Refusal::SlipUnsigned),
            _ => Ok(()),
        }
    }
}
