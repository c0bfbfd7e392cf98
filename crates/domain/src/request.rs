//! Requests to change the organisation itself (申请), decided through the same approvals
//! engine as an order's: a station's coverage areas and capacity (A19) and the price list of
//! paid home services (B24). The change takes effect only when the last approver in the
//! organisation's chain approves; a rejection changes nothing. What a change does to the
//! organisation's books is decided here; the store writes the request and the book it
//! changed in one transaction, the book guarded by its version.

use crate::Timestamp;
use crate::approval::{Approval, ApprovalDecision};
use crate::ids::{RequestId, TenantId};
use crate::money::Fen;
use crate::org::{Actor, StationRef};
use crate::refusal::Refusal;
use crate::role::Role;
use crate::values::{ApprovalKind, FieldError, text};
use serde::{Deserialize, Serialize};

/// The most areas a station covers.
pub const MAX_AREAS: usize = 100;
/// The most items on a price list.
pub const MAX_ITEMS: usize = 200;

/// A19: what a station covers and how much it takes on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StationCoverage {
    pub station: StationRef,
    /// The districts, towns or estates it serves, as the desk names them.
    pub areas: Vec<String>,
    /// Orders a day it can take on.
    pub capacity: u32,
    /// When this coverage took effect (set when its request is approved).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl StationCoverage {
    /// `areas` as typed (one per line or separated by commas), trimmed, without repeats.
    pub fn parse(station: StationRef, areas: &str, capacity: u32) -> Result<StationCoverage, FieldError> {
        let mut list: Vec<String> = Vec::new();
        for area in areas
            .split(['\n', ',', '，', '、'])
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            let area = text("areas", area, 50)?;
            if !list.contains(&area) {
                list.push(area);
            }
        }
        if list.is_empty() {
            return Err(FieldError::new("areas", "must not be empty"));
        }
        if list.len() > MAX_AREAS {
            return Err(FieldError::new("areas", "must be at most 100 areas"));
        }
        if !(1..=10_000).contains(&capacity) {
            return Err(FieldError::new("capacity", "must be between 1 and 10000"));
        }
        Ok(StationCoverage {
            station,
            areas: list,
            capacity,
            approved_at: None,
        })
    }
}

/// A19: every station's coverage in force, and the areas recorded as having no station
/// (无网点区域): dropped by a station and covered by no other.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoverageBook {
    pub stations: Vec<StationCoverage>,
    pub uncovered: Vec<String>,
    /// Counts the changes; the store writes a book only over the version it was read at.
    pub version: u64,
}

impl CoverageBook {
    pub fn of(&self, station: crate::ids::StationId) -> Option<&StationCoverage> {
        self.stations.iter().find(|s| s.station.id == station)
    }

    fn covered(&self, area: &str) -> bool {
        self.stations.iter().any(|s| s.areas.iter().any(|a| a == area))
    }

    /// The station's coverage replaced by `new`: the areas it drops that no other station
    /// covers are recorded as uncovered; the areas it takes on are no longer.
    fn apply(&mut self, new: &StationCoverage, now: Timestamp) {
        let dropped: Vec<String> = self
            .of(new.station.id)
            .map(|old| {
                old.areas
                    .iter()
                    .filter(|a| !new.areas.contains(a))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        self.stations.retain(|s| s.station.id != new.station.id);
        self.stations.push(StationCoverage {
            approved_at: Some(now),
            ..new.clone()
        });
        self.stations.sort_by(|a, b| a.station.name.cmp(&b.station.name));
        for area in dropped {
            if !self.covered(&area) && !self.uncovered.contains(&area) {
                self.uncovered.push(area);
            }
        }
        let book = self.clone();
        self.uncovered.retain(|a| !book.covered(a));
        self.version += 1;
    }
}

/// B24: one service on the price list (常规服务项目表).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PriceItem {
    /// Short and unique on the list: `BJ-01`.
    pub code: String,
    /// 家政保洁（2小时）.
    pub name: String,
    /// 次, 小时, 平方米.
    pub unit: String,
    pub price: Fen,
}

impl PriceItem {
    pub fn parse(
        index: usize,
        code: &str,
        name: &str,
        unit: &str,
        price: Fen,
    ) -> Result<PriceItem, FieldError> {
        let at = |f: &str| format!("items[{index}].{f}");
        let code = text(&at("code"), code, 20)?;
        if !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(FieldError::new(
                at("code"),
                "must be letters, digits, dashes or underscores",
            ));
        }
        Ok(PriceItem {
            code,
            name: text(&at("name"), name, 100)?,
            unit: text(&at("unit"), unit, 10)?,
            price,
        })
    }
}

/// B24: the price list in force, approved by management.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PriceList {
    pub items: Vec<PriceItem>,
    /// When the last change was approved.
    pub approved_at: Option<chrono::DateTime<chrono::Utc>>,
    pub version: u64,
}

impl PriceList {
    pub fn item(&self, code: &str) -> Option<&PriceItem> {
        self.items.iter().find(|i| i.code == code)
    }

    /// A list in force: charges follow it (B24).
    pub fn in_force(&self) -> bool {
        !self.items.is_empty()
    }

    /// The items as a request proposes them: at least one, codes unique.
    pub fn check_items(items: &[PriceItem]) -> Result<(), FieldError> {
        if items.is_empty() {
            return Err(FieldError::new("items", "must list at least one line"));
        }
        if items.len() > MAX_ITEMS {
            return Err(FieldError::new("items", "must be at most 200 items"));
        }
        for (i, item) in items.iter().enumerate() {
            if items[..i].iter().any(|o| o.code == item.code) {
                return Err(FieldError::new(
                    format!("items[{i}].code"),
                    "is taken by someone else",
                ));
            }
        }
        Ok(())
    }
}

/// What a request changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// A19: the station's coverage and capacity from now on.
    Coverage(StationCoverage),
    /// B24: the whole price list from now on.
    PriceList { items: Vec<PriceItem> },
}

impl Change {
    pub fn kind(&self) -> ApprovalKind {
        match self {
            Change::Coverage(_) => ApprovalKind::Coverage,
            Change::PriceList { .. } => ApprovalKind::PriceList,
        }
    }

    /// Who may ask: a station's coordinator or supervisor for its own coverage (the admin for
    /// any); the supervisor or the admin for the price list.
    fn check_requester(&self, actor: &Actor) -> Result<(), Refusal> {
        let allowed = match self {
            Change::Coverage(c) => may_ask_coverage(&actor.person, &c.station),
            Change::PriceList { .. } => may_ask_prices(&actor.person),
        };
        if allowed {
            Ok(())
        } else {
            Err(Refusal::NotRequester { role: actor.role() })
        }
    }
}

/// A19: who may ask to change `station`'s coverage: the admin; a coordinator or supervisor
/// of the station or of its head station (or of no station in particular).
pub fn may_ask_coverage(person: &crate::org::PersonRef, station: &StationRef) -> bool {
    match person.role {
        Role::Admin => true,
        Role::Coordinator | Role::Supervisor => person
            .station
            .is_none_or(|s| s == station.id || Some(s) == station.head),
        _ => false,
    }
}

/// B24: who may propose the price list: the supervisor or the admin.
pub fn may_ask_prices(person: &crate::org::PersonRef) -> bool {
    matches!(person.role, Role::Supervisor | Role::Admin)
}

/// One request and its approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgRequest {
    pub id: RequestId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub tenant: TenantId,
    pub change: Change,
    pub approval: Approval,
}

/// A book a request changed, to be written with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Book {
    Coverage(CoverageBook),
    Prices(PriceList),
}

impl OrgRequest {
    /// Asks for `change`, to be decided by `chain` (the organisation's chain for its kind).
    pub fn open(
        id: RequestId,
        tenant: TenantId,
        change: Change,
        note: &str,
        by: &Actor,
        chain: Vec<Role>,
        now: Timestamp,
    ) -> Result<OrgRequest, RequestError> {
        change.check_requester(by)?;
        Approval::check_chain(&chain)?;
        if let Change::PriceList { items } = &change {
            PriceList::check_items(items)?;
        }
        Ok(OrgRequest {
            id,
            tenant,
            approval: Approval {
                kind: change.kind(),
                note: text("note", note, 500)?,
                requested_by: by.id(),
                requested_at: now,
                chain,
                decisions: Vec::new(),
            },
            change,
        })
    }

    /// One decision; a rejection gives its reason. On the last approval, the book it
    /// changes: the caller writes both together.
    pub fn decide(
        &mut self,
        by: &Actor,
        approve: bool,
        reason: Option<&str>,
        now: Timestamp,
        coverage: &CoverageBook,
        prices: &PriceList,
    ) -> Result<Option<Book>, RequestError> {
        self.approval.check_decider(by)?;
        let reason = match reason.map(str::trim).filter(|r| !r.is_empty()) {
            Some(r) => Some(text("reason", r, 500)?),
            None if !approve => return Err(Refusal::Missing { field: "reason" }.into()),
            None => None,
        };
        self.approval.decisions.push(ApprovalDecision {
            by: by.id(),
            role: by.role(),
            approve,
            reason,
            at: now,
        });
        if !self.approval.approved() {
            return Ok(None);
        }
        // A newer change of the same thing took effect after this one was asked: approving
        // this would bring the older back. It is asked again, on what is in force.
        let changed_at = match &self.change {
            Change::Coverage(new) => coverage.of(new.station.id).and_then(|c| c.approved_at),
            Change::PriceList { .. } => prices.approved_at,
        };
        if changed_at.is_some_and(|at| at > self.approval.requested_at) {
            self.approval.decisions.pop();
            return Err(Refusal::Superseded.into());
        }
        Ok(Some(match &self.change {
            Change::Coverage(new) => {
                let mut book = coverage.clone();
                book.apply(new, now);
                Book::Coverage(book)
            }
            Change::PriceList { items } => Book::Prices(PriceList {
                items: items.clone(),
                approved_at: Some(now),
                version: prices.version + 1,
            }),
        }))
    }
}

/// Why a request is not taken: a refusal, or a field that does not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error(transparent)]
    Refusal(#[from] Refusal),
    #[error(transparent)]
    Invalid(#[from] FieldError),
}
