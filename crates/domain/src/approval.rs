//! Approvals: one engine for every kind (D03's shut-offs today). An approval has a subject
//! (its kind and a note), a chain of approvers by role copied from the template when it is
//! requested, and decisions with reasons. Its effect happens only when the last approver in
//! the chain approves; a rejection ends it and changes nothing else. Nobody approves their
//! own request. [`Approval::next`] says whose turn it is; the state machine asks it.

use crate::ids::PersonId;
use crate::role::Role;
use crate::values::ApprovalKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One decision in a chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalDecision {
    pub by: PersonId,
    pub role: Role,
    pub approve: bool,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// An approval on an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Approval {
    pub kind: ApprovalKind,
    pub note: String,
    pub requested_by: PersonId,
    pub requested_at: DateTime<Utc>,
    /// The approvers' roles, in order.
    pub chain: Vec<Role>,
    pub decisions: Vec<ApprovalDecision>,
}

impl Approval {
    /// Approved by every step of its chain.
    pub fn approved(&self) -> bool {
        self.decisions.len() == self.chain.len() && self.decisions.iter().all(|d| d.approve)
    }

    pub fn rejected(&self) -> bool {
        self.decisions.iter().any(|d| !d.approve)
    }

    pub fn pending(&self) -> bool {
        !self.approved() && !self.rejected()
    }

    /// The role whose decision is due, while pending.
    pub fn next(&self) -> Option<Role> {
        self.pending()
            .then(|| self.chain.get(self.decisions.len()).copied())
            .flatten()
    }
}
