//! C12: the daily work log (维修工作日志) of jobs done and not done on a day. Pure: the
//! store hands over the orders that could belong to the day ([`OrderQuery::active_between`])
//! and this decides which do, from each order's own timeline.
//!
//! [`OrderQuery::active_between`]: crate::OrderQuery::active_between

use crate::Timestamp;
use crate::order::WorkOrder;

/// One day's log.
#[derive(Debug, Clone, Default)]
pub struct WorkLog {
    /// Repaired during the day (resolved within it), in the order they were finished.
    pub done: Vec<WorkOrder>,
    /// Reported before the day ended and still not finished when it ended: neither resolved,
    /// closed nor cancelled by then. Oldest report first.
    pub not_done: Vec<WorkOrder>,
}

/// When an order stopped being work to do: resolved, closed at intake or cancelled.
fn finished_at(order: &WorkOrder) -> Option<Timestamp> {
    let t = &order.timeline;
    [t.resolved_at, t.closed_at, t.cancelled_at]
        .into_iter()
        .flatten()
        .min()
}

impl WorkLog {
    /// The log of the day `[start, end)` from `orders` (any superset of the day's orders).
    pub fn of(start: Timestamp, end: Timestamp, orders: impl IntoIterator<Item = WorkOrder>) -> WorkLog {
        let mut log = WorkLog::default();
        for order in orders {
            let reported = order.timeline.reported_at.unwrap_or(start);
            if reported >= end {
                continue;
            }
            match (order.timeline.resolved_at, finished_at(&order)) {
                (Some(at), _) if at >= start && at < end => log.done.push(order),
                (_, Some(at)) if at < end => {}
                _ => log.not_done.push(order),
            }
        }
        log.done.sort_by_key(|o| o.timeline.resolved_at);
        log.not_done.sort_by_key(|o| o.timeline.reported_at);
        log
    }
}

/// Who reads the daily work log: those who lead the work (the team lead, the coordinator,
/// the supervisor) and the admin.
pub fn reads_work_log(role: crate::Role) -> bool {
    use crate::Role::*;
    matches!(role, TeamLead | Coordinator | Supervisor | Admin)
}
