//! An order's write as one statement: the read row (guarded by its version), the events, the
//! timers and deadlines that changed, the notices and, for an idempotent request, its record,
//! each a data-modifying `WITH` part that writes only if the order's row was written. One
//! statement is one round trip and, outside a transaction, one transaction of its own:
//! PostgreSQL commits it whole or not at all.

use crate::{constraint, json, ms, search};
use baoxiu_domain::sla::{NotifyChannel, Schedule};
use baoxiu_domain::{IdempotencyRecord, Notice, StoreError, Write};
use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;

/// What the statement writes besides the order's row.
pub struct Parts<'a> {
    pub tenant: Uuid,
    pub order: Uuid,
    pub schedule: Option<&'a Schedule>,
    /// The order may have timers and deadlines already (not a create).
    pub replace: bool,
    pub notices: &'a [Notice],
    pub idempotency: Option<&'a IdempotencyRecord>,
}

/// The statement for a [`Write`]: its result is one row, the number of order rows written
/// (0: the version moved on, or the id is taken).
pub fn order_statement(w: &Write) -> Result<QueryBuilder<Postgres>, StoreError> {
    let order = &w.order;
    let tenant = w.tenant.0;
    let doc = json(order)?;
    let station = order.station.as_ref().map(|s| s.id.0);
    let station_parent = order.station.as_ref().and_then(|s| s.head).map(|h| h.0);
    let assignee = order.assignee.as_ref().map(|p| p.id.0);
    let approval_next = order
        .pending_approval()
        .and_then(|a| a.next())
        .map(|r| r.as_str().to_string());
    let vendor = order.vendor.as_ref().map(|v| v.id.0);
    let updated = order.updated_at.map(ms).unwrap_or(0);

    let mut sql = QueryBuilder::new("WITH o AS (");
    if w.expected_version == 0 {
        sql.push(
            "INSERT INTO orders (tenant_id, id, version, state, template, station_id, station_parent_id,
                                 assignee_id, reporter_id, vendor_id, number, reported_ms, updated_ms,
                                 cancel_pending, approval_next, search, doc) VALUES (",
        );
        let mut values = sql.separated(", ");
        values
            .push_bind(tenant)
            .push_bind(order.id.0)
            .push_bind(order.version as i64)
            .push_bind(order.state.as_str())
            .push_bind(order.details.template.as_str())
            .push_bind(station)
            .push_bind(station_parent)
            .push_bind(assignee)
            .push_bind(order.created_by.as_ref().map(|p| p.id.0))
            .push_bind(vendor)
            .push_bind(order.number().map(|n| n.as_str().to_string()))
            .push_bind(order.timeline.reported_at.map(ms).unwrap_or(0))
            .push_bind(updated)
            .push_bind(order.cancellation_pending())
            .push_bind(approval_next)
            .push_bind(search::vector(&order.search_text()))
            .push_unseparated("::tsvector")
            .push_bind(doc);
        sql.push(") ON CONFLICT (tenant_id, id) DO NOTHING RETURNING 1)");
    } else {
        sql.push("UPDATE orders SET version = ")
            .push_bind(order.version as i64)
            .push(", state = ")
            .push_bind(order.state.as_str())
            .push(", station_id = ")
            .push_bind(station)
            .push(", station_parent_id = ")
            .push_bind(station_parent)
            .push(", assignee_id = ")
            .push_bind(assignee)
            .push(", vendor_id = ")
            .push_bind(vendor)
            .push(", updated_ms = ")
            .push_bind(updated)
            .push(", cancel_pending = ")
            .push_bind(order.cancellation_pending())
            .push(", approval_next = ")
            .push_bind(approval_next)
            .push(", doc = ")
            .push_bind(doc)
            .push(" WHERE tenant_id = ")
            .push_bind(tenant)
            .push(" AND id = ")
            .push_bind(order.id.0)
            .push(" AND version = ")
            .push_bind(w.expected_version as i64)
            .push(" RETURNING 1)");
    }

    let (mut seqs, mut ats, mut actors, mut kinds, mut bodies) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for record in &w.events {
        seqs.push(record.seq as i64);
        ats.push(ms(record.at));
        actors.push(record.actor.id.0);
        kinds.push(record.event.kind());
        bodies.push(json(record)?);
    }
    sql.push(", e AS (INSERT INTO events (tenant_id, order_id, seq, at_ms, actor_id, kind, body) SELECT ")
        .push_bind(tenant)
        .push(", ")
        .push_bind(order.id.0)
        .push(", u.* FROM UNNEST(")
        .push_bind(seqs)
        .push("::bigint[], ")
        .push_bind(ats)
        .push("::bigint[], ")
        .push_bind(actors)
        .push("::uuid[], ")
        .push_bind(kinds)
        .push("::text[], ")
        .push_bind(bodies)
        .push("::text[]) AS u CROSS JOIN o)");

    push_parts(
        &mut sql,
        &Parts {
            tenant,
            order: order.id.0,
            schedule: w.schedule.as_ref(),
            replace: w.expected_version != 0,
            notices: &w.notices,
            idempotency: w.idempotency.as_ref(),
        },
    )?;
    sql.push(" SELECT ")
        .push(finish(w.schedule.is_some() && w.expected_version != 0));
    Ok(sql)
}

/// The parts after `o` (a `WITH` part returning a row when the order's row was written):
/// the schedule, the notices and the idempotency record, each written only with `o`.
pub fn push_parts(sql: &mut QueryBuilder<Postgres>, p: &Parts<'_>) -> Result<(), StoreError> {
    if let Some(schedule) = p.schedule {
        let (mut clocks, mut levels, mut dues) = (Vec::new(), Vec::new(), Vec::new());
        for t in &schedule.timers {
            clocks.push(t.clock.clone());
            levels.push(i16::from(t.level));
            dues.push(ms(t.at));
        }
        if p.replace {
            // Timers no longer in the schedule go; the others are written only if they moved
            // (or a server held one: a rewrite decides the order's timers afresh).
            // In a function, after `o` holds the order's row (see the schema's
            // `drop_timers_but`); referred to by the statement's result, so it runs.
            sql.push(", td AS (SELECT drop_timers_but(")
                .push_bind(p.tenant)
                .push(", ")
                .push_bind(p.order)
                .push(", ")
                .push_bind(clocks.clone())
                .push("::text[], ")
                .push_bind(levels.clone())
                .push("::smallint[]) AS n FROM o)");
        }
        if !clocks.is_empty() {
            sql.push(", ti AS (INSERT INTO timers (tenant_id, order_id, clock, level, due_ms) SELECT ")
                .push_bind(p.tenant)
                .push(", ")
                .push_bind(p.order)
                .push(", u.* FROM UNNEST(")
                .push_bind(clocks)
                .push("::text[], ")
                .push_bind(levels)
                .push("::smallint[], ")
                .push_bind(dues)
                .push(
                    "::bigint[]) AS u CROSS JOIN o
                     ON CONFLICT (tenant_id, order_id, clock, level) DO UPDATE
                     SET due_ms = excluded.due_ms, leased_ms = NULL
                     WHERE timers.due_ms <> excluded.due_ms OR timers.leased_ms IS NOT NULL)",
                );
        }
        let (mut clocks, mut states, mut ats) = (Vec::new(), Vec::new(), Vec::new());
        for d in &schedule.deadlines {
            clocks.push(d.clock.clone());
            states.push(d.state.as_str());
            ats.push(ms(d.at));
        }
        if p.replace {
            sql.push(", dd AS (SELECT drop_deadlines_but(")
                .push_bind(p.tenant)
                .push(", ")
                .push_bind(p.order)
                .push(", ")
                .push_bind(clocks.clone())
                .push("::text[]) AS n FROM o)");
        }
        if !clocks.is_empty() {
            sql.push(", di AS (INSERT INTO deadlines (tenant_id, order_id, clock, state, deadline_ms) SELECT ")
                .push_bind(p.tenant)
                .push(", ")
                .push_bind(p.order)
                .push(", u.* FROM UNNEST(")
                .push_bind(clocks)
                .push("::text[], ")
                .push_bind(states)
                .push("::text[], ")
                .push_bind(ats)
                .push(
                    "::bigint[]) AS u CROSS JOIN o
                     ON CONFLICT (tenant_id, order_id, clock) DO UPDATE
                     SET state = excluded.state, deadline_ms = excluded.deadline_ms
                     WHERE deadlines.state <> excluded.state OR deadlines.deadline_ms <> excluded.deadline_ms)",
                );
        }
    }

    // The inbox holds a notice at once; the outbox keeps every other channel's until delivered.
    let (mut in_people, mut in_ids, mut in_at, mut in_body) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut out_tenants, mut out_ids, mut out_at, mut out_body) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for notice in p.notices {
        let body = json(notice)?;
        match (notice.channel, notice.person) {
            (NotifyChannel::Inbox, Some(person)) => {
                in_people.push(person.0);
                in_ids.push(notice.id);
                in_at.push(ms(notice.created_at));
                in_body.push(body);
            }
            _ => {
                out_tenants.push(notice.tenant.0);
                out_ids.push(notice.id);
                out_at.push(ms(notice.created_at));
                out_body.push(body);
            }
        }
    }
    if !in_ids.is_empty() {
        sql.push(", ni AS (INSERT INTO inbox (tenant_id, person_id, id, created_ms, notice) SELECT ")
            .push_bind(p.tenant)
            .push(", u.* FROM UNNEST(")
            .push_bind(in_people)
            .push("::uuid[], ")
            .push_bind(in_ids)
            .push("::uuid[], ")
            .push_bind(in_at)
            .push("::bigint[], ")
            .push_bind(in_body)
            .push("::text[]) AS u CROSS JOIN o ON CONFLICT DO NOTHING)");
    }
    if !out_ids.is_empty() {
        sql.push(", no AS (INSERT INTO outbox (tenant_id, id, created_ms, state, next_ms, notice) SELECT u.t, u.i, u.c, 'pending', u.c, u.n FROM UNNEST(")
            .push_bind(out_tenants)
            .push("::uuid[], ")
            .push_bind(out_ids)
            .push("::uuid[], ")
            .push_bind(out_at)
            .push("::bigint[], ")
            .push_bind(out_body)
            .push("::text[]) AS u(t, i, c, n) CROSS JOIN o ON CONFLICT DO NOTHING)");
    }

    if let Some(idem) = p.idempotency {
        // An expired record that the background sweep has not removed yet is replaced.
        sql.push(", k AS (INSERT INTO idempotency (tenant_id, person_id, key, fingerprint, status, body, created_ms) SELECT ");
        let mut values = sql.separated(", ");
        values
            .push_bind(p.tenant)
            .push_bind(idem.person.0)
            .push_bind(idem.key.clone())
            .push_bind(idem.fingerprint.clone())
            .push_bind(i32::from(idem.response.status))
            .push_bind(idem.response.body.clone())
            .push_bind(ms(idem.created_at));
        sql.push(
            " FROM o ON CONFLICT (tenant_id, person_id, key) DO UPDATE SET
                 fingerprint = excluded.fingerprint, status = excluded.status,
                 body = excluded.body, created_ms = excluded.created_ms)",
        );
    }
    Ok(())
}

/// The statement's result: first the order rows written; then, when it replaces a schedule,
/// the parts that remove what the schedule no longer holds, which run only because the
/// result refers to them.
pub fn finish(replace: bool) -> &'static str {
    if replace {
        "(SELECT count(*) FROM o), (SELECT count(*) FROM td), (SELECT count(*) FROM dd)"
    } else {
        "(SELECT count(*) FROM o)"
    }
}

/// Runs an order statement on `executor`: the order rows it wrote (0 or 1).
pub async fn run<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    mut sql: QueryBuilder<Postgres>,
) -> Result<i64, StoreError> {
    sql.build_query_scalar::<i64>()
        .fetch_one(executor)
        .await
        .map_err(|e| match constraint(e) {
            // The only unique key a write can break besides its own id: the order's number.
            StoreError::Duplicate(_) => StoreError::Duplicate("order number".into()),
            other => other,
        })
}
