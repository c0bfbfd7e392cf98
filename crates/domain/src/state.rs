//! The states a work order moves through. Transitions live in `decide.rs`; this file only
//! names the states and says which are open.

use serde::{Deserialize, Serialize};

/// Where a work order stands. Names follow SPEC "Core model"; the Chinese labels are what
/// the desk and the stations call them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// 待派单: recorded, waiting for the desk (or a supervisor) to dispatch it.
    AwaitingDispatch,
    /// 待抢单: in the claim pool; the first technician to claim it gets it (B02).
    Pool,
    /// 已派工: dispatched to a station or assigned to a technician, not yet accepted.
    Assigned,
    /// 已接单: accepted by the station coordinator or the technician.
    Accepted,
    /// 已预约: a service time (T3) has been committed with the customer.
    Scheduled,
    /// 已到场: the technician arrived (verified with the customer's code, B01).
    OnSite,
    /// 维修中: work has started.
    InProgress,
    /// 备件申领中 / 待修: waiting for parts (A09).
    WaitingForParts,
    /// 多次维修中: not fixed in one visit; a new visit is committed (A13).
    MultipleVisits,
    /// 已解决: resolved, confirmed by the customer's signature (A14) or solved by phone (A07).
    Resolved,
    /// 已回访: the desk called the customer back (A15, B07).
    CalledBack,
    /// 已归档: archived; nothing more happens.
    Archived,
    /// 已撤单: cancelled through an approved cancellation request (A17).
    Cancelled,
    /// 已结束: the call ended at intake with nothing to dispatch (E01 arrears, E02 an
    /// internal fault guided by phone, E03 an outage); it is checked and archived (E09).
    Closed,
}

impl State {
    pub const ALL: [State; 14] = [
        State::AwaitingDispatch,
        State::Pool,
        State::Assigned,
        State::Accepted,
        State::Scheduled,
        State::OnSite,
        State::InProgress,
        State::WaitingForParts,
        State::MultipleVisits,
        State::Resolved,
        State::CalledBack,
        State::Archived,
        State::Cancelled,
        State::Closed,
    ];

    /// The wire name, as used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            State::AwaitingDispatch => "awaiting_dispatch",
            State::Pool => "pool",
            State::Assigned => "assigned",
            State::Accepted => "accepted",
            State::Scheduled => "scheduled",
            State::OnSite => "on_site",
            State::InProgress => "in_progress",
            State::WaitingForParts => "waiting_for_parts",
            State::MultipleVisits => "multiple_visits",
            State::Resolved => "resolved",
            State::CalledBack => "called_back",
            State::Archived => "archived",
            State::Cancelled => "cancelled",
            State::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The Chinese label shown to the people who use the system.
    pub fn label_zh(self) -> &'static str {
        match self {
            State::AwaitingDispatch => "待派单",
            State::Pool => "待抢单",
            State::Assigned => "已派工",
            State::Accepted => "已接单",
            State::Scheduled => "已预约",
            State::OnSite => "已到场",
            State::InProgress => "维修中",
            State::WaitingForParts => "备件申领中",
            State::MultipleVisits => "多次维修中",
            State::Resolved => "已解决",
            State::CalledBack => "已回访",
            State::Archived => "已归档",
            State::Cancelled => "已撤单",
            State::Closed => "已结束",
        }
    }

    /// Work is still owed on the order: it can be worked on or cancelled.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            State::Resolved | State::CalledBack | State::Archived | State::Cancelled | State::Closed
        )
    }
}
