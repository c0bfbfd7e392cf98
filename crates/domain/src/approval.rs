//! Approvals: one engine for every kind (D03's shut-offs today). An approval has a subject
//! (its kind and a note), a chain of approvers by role copied from the template when it is
//! requested, and decisions with reasons. Its effect happens only when the last approver in
//! the chain approves; a rejection ends it and changes nothing else. Nobody approves their
//! own request. [`Approval::next`] says whose turn it is; the state machine asks it.

use crate::command::CommandName;
use crate::ids::PersonId;
use crate::org::Actor;
use crate::refusal::Refusal;
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

    /// `actor` may decide now: the pending step is their role's, the request is not their
    /// own, and they have not decided an earlier step (a chain naming a role twice still
    /// needs two people). The one check for approvals on orders and on the organisation.
    pub fn check_decider(&self, actor: &Actor) -> Result<(), Refusal> {
        let role = self.next().ok_or(Refusal::NoApprovalPending)?;
        if actor.role() != role {
            return Err(Refusal::NotNextApprover { role });
        }
        if self.requested_by == actor.id() {
            return Err(Refusal::SelfApproval);
        }
        if self.decisions.iter().any(|d| d.by == actor.id()) {
            return Err(Refusal::AlreadyRecorded {
                command: CommandName::Approve,
            });
        }
        Ok(())
    }

    /// A chain is usable when it names at least one role and only roles that approve.
    pub fn check_chain(chain: &[Role]) -> Result<(), Refusal> {
        let unfit = |r: &Role| !r.may(CommandName::Approve);
        if chain.is_empty() || chain.iter().any(unfit) {
            return Err(Refusal::NoSuchApproval);
        }
        Ok(())
    }
}
