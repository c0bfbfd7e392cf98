//! C12: the daily work log (维修工作日志): one day's jobs done and not done, for those who
//! lead the work, within what each may see. The domain decides which orders belong to the
//! day ([`WorkLog::of`]); this page asks the store for the candidates and shows the two
//! lists.

use super::view::Row;
use super::{Layout, Viewer, not_found};
use crate::App;
use crate::error::ApiError;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use baoxiu_domain::{OrderQuery, Store, Visibility, WorkLog, reads_work_log};
use chrono::{Duration, NaiveDate};
use serde::Deserialize;

/// Orders read for one day at most; a day with more says the log is cut short.
const MOST: usize = 2000;

#[derive(Template)]
#[template(path = "worklog.html")]
struct WorkLogPage {
    l: Layout,
    day: String,
    previous: String,
    next: String,
    done: Vec<(Row, String)>,
    not_done: Vec<Row>,
    cut_short: bool,
}

#[derive(Deserialize)]
pub struct Day {
    day: Option<String>,
}

pub async fn page<S: Store>(State(app): State<App<S>>, viewer: Viewer, Query(q): Query<Day>) -> Response {
    if !reads_work_log(viewer.person.role) {
        return not_found(Some(&viewer), viewer.tr);
    }
    let today = viewer.tenant.local_date(app.clock.now());
    let day = match q.day.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => today,
        Some(text) => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            // Days people keep logs of: a year such as 99999 is not one.
            Ok(day) if (2000..=2100).contains(&chrono::Datelike::year(&day)) => day,
            _ => {
                return ApiError::Invalid(baoxiu_domain::FieldError::new(
                    "day",
                    "must be a date such as 2026-12-01",
                ))
                .into_response();
            }
        },
    };
    let zone = viewer.tenant.zone();
    let midnight = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(zone).earliest())
            .map(|t| t.with_timezone(&chrono::Utc))
    };
    let (Some(start), Some(end)) = (midnight(day), midnight(day + Duration::days(1))) else {
        return not_found(Some(&viewer), viewer.tr);
    };
    let mut query = OrderQuery {
        visibility: Visibility::of(&viewer.person),
        active_between: Some((start, end)),
        limit: 200,
        ..OrderQuery::default()
    };
    let mut orders = Vec::new();
    let mut cut_short = false;
    loop {
        let page = match app.store.list(viewer.tenant.id, &query).await {
            Ok(page) => page,
            Err(e) => return ApiError::from(e).into_response(),
        };
        orders.extend(page.orders);
        match page.next {
            Some(_) if orders.len() >= MOST => {
                cut_short = true;
                break;
            }
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    let log = WorkLog::of(start, end, orders);
    let l = Layout::new(
        &viewer,
        viewer.tr.f("worklog.title", &[("day", &day.to_string())]),
    );
    let done = log
        .done
        .iter()
        .map(|o| (Row::new(o, &l), l.maybe_time(&o.timeline.resolved_at)))
        .collect();
    let not_done = log.not_done.iter().map(|o| Row::new(o, &l)).collect();
    let page = WorkLogPage {
        day: day.to_string(),
        previous: (day - Duration::days(1)).to_string(),
        next: (day + Duration::days(1)).to_string(),
        l,
        done,
        not_done,
        cut_short,
    };
    super::render(&page)
}
