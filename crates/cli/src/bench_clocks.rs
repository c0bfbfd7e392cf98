//! `baoxiu bench --clocks`: the clocks at scale (issue 8). Three figures:
//!
//! 1. One background step ([`App::run_due`]) firing 1,000 due timers among a million open
//!    orders whose timers all lie in the future, on SQLite; and, for contrast, the same step
//!    with nothing due, and a step of 1,000 due on a file holding nothing else.
//! 2. Working-time deadlines per second on the business calendar ([`Calendar::add`],
//!    [`Calendar::between`]), one thread.
//! 3. Webhook deliveries per second from the outbox ([`App::deliver_due`]) to a receiver on
//!    loopback that answers 200 at once, and what the delivery's two halves (the HTTP call,
//!    recording the attempt) cost on their own.
//!
//! The orders are property repairs waiting in the claim pool, opened by the domain
//! ([`WorkOrder::open`]) with their clocks followed and scheduled exactly as a create
//! through the API does, and written through the store's write path. The application's
//! clock is fixed (a Tuesday morning in March 2026, inside the shipped calendar years), so a
//! filled file keeps its timers in the future and is reused run after run.

use crate::cli::BenchArgs;
use crate::serve::CliResult;
use baoxiu_domain::calendar::china;
use baoxiu_domain::sla::{self, NotifyChannel, Schedule};
use baoxiu_domain::{
    Calendar, EventRecord, Notice, OrderId, OrderQuery, Person, PersonId, Role, Store, Template, Tenant,
    TenantId, Timestamp, VerificationCode, WorkOrder, Write,
};
use baoxiu_store_sqlite::SqliteStore;
use baoxiu_web::{App, Clock};
use chrono::{DateTime, Duration as Span, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::task::JoinSet;

type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The organisation of the large file.
const SLUG: &str = "bench-clocks";
const DEFAULT_DB: &str = "/tmp/clocks1m.sqlite3";
/// Timers due in each measured step, and how many such steps.
const DUE_PER_SET: usize = 1000;
const SETS: usize = 5;
/// The measured steps run this far apart on the application's clock.
const STEP_GAP: Span = Span::seconds(10);
/// Webhook notices put in the outbox.
const HOOKS: usize = 5000;
/// Calendar computations per measurement.
const CALENDAR_OPS: usize = 200_000;

/// The application's "now" for the steps: Tuesday 10 March 2026, 10:00 Beijing time.
fn t0() -> Timestamp {
    chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(2026, 3, 10, 10, 0, 0)
        .single()
        .expect("a plain local time")
        .to_utc()
}

/// The moment of step `k` (0-based).
fn step_at(k: usize) -> Timestamp {
    t0() + STEP_GAP * k as i32
}

pub async fn run(args: BenchArgs) -> CliResult {
    let db = args.db.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_DB));
    println!("baoxiu bench --clocks\n");

    // 1. The background step among a million open orders.
    let store = SqliteStore::open(&db).await?;
    let org = organisation(&store, SLUG, "压测物业（时钟）").await?;
    let open = fill_base(&store, &org, args.orders).await?;
    let timers_each = sample_schedule(&org)?.timers.len();
    let now = Arc::new(AtomicI64::new(step_at(SETS - 1).timestamp_millis()));
    let app = App::new(store.clone(), fixed_clock(&now));

    // Whatever an interrupted earlier run left due is decided first, untimed.
    let mut leftover = 0;
    loop {
        let report = app.run_due().await?;
        if report.orders == 0 {
            break;
        }
        leftover += report.orders;
    }
    if leftover > 0 {
        eprintln!("  {leftover} orders left due by an earlier run were decided first");
    }

    println!(
        "1. One background step (`App::run_due`) on SQLite, {}: {open} open orders, {timers_each} timers each\n",
        db.display()
    );
    println!("| step | timers due | orders decided | escalations | wall time |");
    println!("|---|---:|---:|---:|---:|");
    let mut idle = Vec::new();
    for _ in 0..SETS {
        let started = Instant::now();
        let report = app.run_due().await?;
        let took = started.elapsed();
        idle.push(took);
        println!(
            "| nothing due | 0 | {} | {} | {:.2} ms |",
            report.orders,
            report.fired,
            ms(took)
        );
    }

    // Fresh due sets: set k comes due between step k-1 and step k.
    let started = Instant::now();
    write_due_sets(&store, &org, SETS, 7).await?;
    eprintln!(
        "  {} due orders written in {:.1} s",
        SETS * DUE_PER_SET,
        started.elapsed().as_secs_f64()
    );
    let mut steps = Vec::new();
    for k in 0..SETS {
        now.store(step_at(k).timestamp_millis(), Ordering::SeqCst);
        let started = Instant::now();
        let report = app.run_due().await?;
        let took = started.elapsed();
        steps.push(took);
        println!(
            "| {DUE_PER_SET} due, set {} | {DUE_PER_SET} | {} | {} | {:.1} ms |",
            k + 1,
            report.orders,
            report.fired,
            ms(took)
        );
        if report.orders != DUE_PER_SET || report.fired != DUE_PER_SET {
            eprintln!("  warning: step {} decided {report:?}", k + 1);
        }
    }
    store.close().await;

    // The same step on a file that holds nothing but the due orders.
    let dir = tempfile::tempdir()?;
    let small = SqliteStore::open(dir.path().join("small.sqlite3")).await?;
    let small_org = organisation(&small, "bench-clocks-small", "压测物业（小）").await?;
    const SMALL_SETS: usize = 3;
    write_due_sets(&small, &small_org, SMALL_SETS, 11).await?;
    let small_now = Arc::new(AtomicI64::new(0));
    let small_app = App::new(small.clone(), fixed_clock(&small_now));
    let mut small_steps = Vec::new();
    for k in 0..SMALL_SETS {
        small_now.store(step_at(k).timestamp_millis(), Ordering::SeqCst);
        let started = Instant::now();
        let report = small_app.run_due().await?;
        let took = started.elapsed();
        small_steps.push(took);
        println!(
            "| {DUE_PER_SET} due, fresh file of {} orders, set {} | {DUE_PER_SET} | {} | {} | {:.1} ms |",
            SMALL_SETS * DUE_PER_SET,
            k + 1,
            report.orders,
            report.fired,
            ms(took)
        );
    }
    small.close().await;
    println!();
    println!("| summary | median | max | target |");
    println!("|---|---:|---:|---:|");
    let line = |name: &str, times: &[Duration], target: &str| {
        println!(
            "| {name} | {:.1} ms | {:.1} ms | {target} |",
            ms(median(times)),
            ms(max(times))
        )
    };
    line(
        &format!("step with {DUE_PER_SET} due among {open} open orders ({SETS} steps)"),
        &steps,
        "50 ms",
    );
    line(
        &format!("step with nothing due among {open} open orders ({SETS} steps)"),
        &idle,
        "—",
    );
    line(
        &format!("step with {DUE_PER_SET} due, nothing else in the file ({SMALL_SETS} steps)"),
        &small_steps,
        "—",
    );

    // 2. The calendar.
    println!("\n2. Working-time computations on the business calendar (`china::office()`), one thread\n");
    println!("| computation | operations | ns/op | ops/s | errors |");
    println!("|---|---:|---:|---:|---:|");
    for (name, ops, took, errors) in calendar_figures() {
        println!(
            "| {name} | {ops} | {:.0} | {:.0} | {errors} |",
            took.as_secs_f64() * 1e9 / ops as f64,
            ops as f64 / took.as_secs_f64()
        );
    }

    // 3. Webhook deliveries.
    webhooks().await?;
    Ok(())
}

fn fixed_clock(now: &Arc<AtomicI64>) -> Clock {
    let now = now.clone();
    Clock::new(move || {
        DateTime::<Utc>::from_timestamp_millis(now.load(Ordering::SeqCst)).expect("a time in range")
    })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

fn max(times: &[Duration]) -> Duration {
    times.iter().max().copied().unwrap_or_default()
}

/// The bench organisation: its desk agent, supervisors (told of unclaimed orders), a team
/// lead and technicians. Kept when the file already has it.
async fn organisation(store: &SqliteStore, slug: &str, name: &str) -> Res<Org> {
    if let Some(tenant) = store.tenant_by_slug(slug).await? {
        let desk = store
            .people(tenant.id)
            .await?
            .into_iter()
            .find(|p| p.role == Role::DeskAgent)
            .ok_or("the bench organisation has no desk agent")?;
        return Ok(Org { tenant, desk });
    }
    let tenant = Tenant {
        id: TenantId(uuid::Uuid::now_v7()),
        slug: slug.into(),
        name: name.into(),
        time_zone: "Asia/Shanghai".into(),
        templates: vec![Template::Property],
    };
    store.create_tenant(&tenant).await?;
    let person = |name: String, role| Person {
        id: PersonId(uuid::Uuid::now_v7()),
        tenant: tenant.id,
        name,
        role,
        station: None,
        team: None,
        phone: None,
        email: None,
    };
    let desk = person("压测客服".into(), Role::DeskAgent);
    store.put_person(&desk).await?;
    for i in 1..=2 {
        store
            .put_person(&person(format!("压测主管{i}"), Role::Supervisor))
            .await?;
    }
    store
        .put_person(&person("压测班组长".into(), Role::TeamLead))
        .await?;
    for i in 1..=5 {
        store
            .put_person(&person(format!("压测师傅{i}"), Role::Technician))
            .await?;
    }
    Ok(Org { tenant, desk })
}

struct Org {
    tenant: Tenant,
    desk: Person,
}

/// How many orders the organisation holds.
async fn orders_of(store: &SqliteStore, tenant: TenantId) -> Res<usize> {
    Ok(store
        .count_by_state(tenant, &OrderQuery::default())
        .await?
        .map(|c| c.iter().map(|(_, n)| *n as usize).sum::<usize>())
        .unwrap_or(0))
}

/// A property repair waiting in the pool, reported at `at`, with its clocks followed and
/// its timers and deadlines as a create through the API writes them.
fn pool_order(
    rng: &mut StdRng,
    org: &Org,
    calendar: &Calendar,
    at: Timestamp,
    number: baoxiu_domain::OrderNumber,
) -> Res<(WorkOrder, Vec<EventRecord>, Schedule)> {
    let new = crate::bench_pages::pool_repair(rng, number)?;
    let id = OrderId(baoxiu_web::service::new_v7(at));
    let code = VerificationCode::from_number(rng.random_range(0..1_000_000));
    let (mut order, events) = WorkOrder::open(id, &org.tenant, new, code, &org.desk.to_ref(), at)?;
    let defs = &Template::Property.spec().clocks;
    order.clocks = sla::follow(defs, org.tenant.zone(), org.tenant.id, None, &events);
    let schedule = sla::schedule(defs, &order, calendar);
    if let Some((clock, problem)) = schedule.problems.first() {
        return Err(format!("clock {clock} cannot be computed: {problem}").into());
    }
    Ok((order, events, schedule))
}

/// The schedule of one order as the fill writes it (to say how many timers each has).
fn sample_schedule(org: &Org) -> Res<Schedule> {
    let mut rng = StdRng::seed_from_u64(1);
    let at = t0();
    let number = baoxiu_domain::OrderNumber::new(org.tenant.local_date(at), 1);
    Ok(pool_order(&mut rng, org, &china::office(), at, number)?.2)
}

/// Writes `count` pool orders, the `i`-th reported at `at(i)`, through the store's write
/// path, 2,000 writes in flight; with a webhook notice each if `hook`. Returns the notices.
async fn write_orders(
    store: &SqliteStore,
    org: &Org,
    seed: u64,
    range: std::ops::Range<usize>,
    at: impl Fn(usize) -> Timestamp,
    hook: bool,
) -> Res<Vec<Notice>> {
    let mut rng = StdRng::seed_from_u64(seed);
    let calendar = china::office();
    let started = Instant::now();
    let (first, total) = (range.start, range.len());
    let mut writes = JoinSet::new();
    let mut notices = Vec::new();
    for i in range {
        let at = at(i);
        let number = store
            .reserve_order_number(org.tenant.id, org.tenant.local_date(at))
            .await?;
        let (order, events, schedule) = pool_order(&mut rng, org, &calendar, at, number)?;
        let notices_here = if hook {
            vec![hook_notice(&org.tenant, &order, at)]
        } else {
            Vec::new()
        };
        notices.extend(notices_here.iter().cloned());
        let write = Write {
            tenant: org.tenant.id,
            order,
            expected_version: 0,
            events,
            idempotency: None,
            schedule: Some(schedule),
            notices: notices_here,
        };
        let store = store.clone();
        writes.spawn(async move { store.write(write).await });
        if writes.len() >= 2000 {
            while let Some(done) = writes.join_next().await {
                done??;
            }
        }
        let written = i + 1 - first;
        if total >= 100_000 && written % 100_000 == 0 {
            eprintln!(
                "  {written} of {total} orders written in {:.0} s",
                started.elapsed().as_secs_f64()
            );
        }
    }
    while let Some(done) = writes.join_next().await {
        done??;
    }
    Ok(notices)
}

/// The million open orders, reported in the four minutes before the steps' "now": each
/// one's first timer (B02, unclaimed after 5 minutes) comes due a minute after the last
/// step at the earliest. Kept when the file has them; an interrupted fill is completed.
async fn fill_base(store: &SqliteStore, org: &Org, orders: usize) -> Res<usize> {
    let have = orders_of(store, org.tenant.id).await?;
    if have < orders {
        eprintln!("  filling: {have} orders in the file, {orders} wanted");
        let started = Instant::now();
        let window = Span::seconds(239).num_milliseconds();
        let at =
            move |i: usize| t0() - Span::seconds(240) + Span::milliseconds(i as i64 * window / orders as i64);
        write_orders(store, org, 20261208 + have as u64, have..orders, at, false).await?;
        eprintln!(
            "  {} orders written in {:.0} s",
            orders - have,
            started.elapsed().as_secs_f64()
        );
    }
    orders_of(store, org.tenant.id).await
}

/// `sets` sets of [`DUE_PER_SET`] pool orders; set k comes due (B02) between step k-1 and
/// step k: reported 5 minutes and up to 9 seconds before step k.
async fn write_due_sets(store: &SqliteStore, org: &Org, sets: usize, seed: u64) -> Res<()> {
    let at = |i: usize| {
        let (set, j) = (i / DUE_PER_SET, i % DUE_PER_SET);
        step_at(set) - Span::minutes(5) - Span::seconds(9) + Span::milliseconds(9 * (j as i64 + 1))
    };
    write_orders(store, org, seed, 0..sets * DUE_PER_SET, at, false).await?;
    Ok(())
}

/// The organisation's webhook notice about `order`, as the third level of B21 writes it.
fn hook_notice(tenant: &Tenant, order: &WorkOrder, at: Timestamp) -> Notice {
    let number = order
        .number()
        .map_or_else(|| order.id.to_string(), |n| n.as_str().to_string());
    Notice {
        id: baoxiu_web::service::new_v7(at),
        tenant: tenant.id,
        order: Some(order.id),
        channel: NotifyChannel::Webhook,
        person: None,
        address: String::new(),
        kind: "escalated".into(),
        subject: format!("工单 {number} 重要维修超时（第 3 级）"),
        text: format!(
            "工单 {number} 重要维修超时，当前状态：待抢单，地址：{}",
            order.details.location.address
        ),
        link: format!("/orders/{}", order.id),
        created_at: at,
    }
}

/// `Calendar::add` and `Calendar::between` from start times spread over 2025 and 2026.
fn calendar_figures() -> Vec<(String, usize, Duration, usize)> {
    let calendar = china::office();
    let mut rng = StdRng::seed_from_u64(8);
    let (from, to) = (
        Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
            .single()
            .expect("a time"),
        Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0)
            .single()
            .expect("a time"),
    );
    let spread = (to - from).num_seconds();
    let starts: Vec<Timestamp> = (0..10_000)
        .map(|_| from + Span::seconds(rng.random_range(0..spread)))
        .collect();
    let spans = |days: i64, rng: &mut StdRng| -> Vec<(Timestamp, Timestamp)> {
        starts
            .iter()
            .map(|s| (*s, *s + Span::seconds(rng.random_range(0..days * 86_400))))
            .collect()
    };
    let week = spans(7, &mut rng);
    let month = spans(31, &mut rng);
    let mut out = Vec::new();
    let mut add = |name: &str, working: Span| {
        let (mut errors, started) = (0, Instant::now());
        for i in 0..CALENDAR_OPS {
            let at = starts[i % starts.len()];
            if std::hint::black_box(calendar.add(std::hint::black_box(at), working)).is_err() {
                errors += 1;
            }
        }
        out.push((name.to_string(), CALENDAR_OPS, started.elapsed(), errors));
    };
    add("`add`: a 4-hour working deadline", Span::hours(4));
    add(
        "`add`: a 3-working-day deadline (3 × 7 h)",
        calendar.day_length() * 3,
    );
    for (name, pairs) in [
        ("`between`: spans of 0–7 days", &week),
        ("`between`: spans of 0–31 days", &month),
    ] {
        let (mut errors, started) = (0, Instant::now());
        for i in 0..CALENDAR_OPS {
            let (a, b) = pairs[i % pairs.len()];
            if std::hint::black_box(calendar.between(std::hint::black_box(a), b)).is_err() {
                errors += 1;
            }
        }
        out.push((name.to_string(), CALENDAR_OPS, started.elapsed(), errors));
    }
    out
}

/// A receiver that reads each HTTP/1.1 request (headers and a `content-length` body) and
/// answers 200 with no body, on a kept-alive connection; it verifies nothing.
async fn receiver(listener: tokio::net::TcpListener, heard: Arc<AtomicUsize>) {
    while let Ok((mut socket, _)) = listener.accept().await {
        let heard = heard.clone();
        tokio::spawn(async move {
            let mut buf: Vec<u8> = Vec::with_capacity(16 * 1024);
            loop {
                let head = loop {
                    if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break end + 4;
                    }
                    match socket.read_buf(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                };
                let length = String::from_utf8_lossy(&buf[..head])
                    .lines()
                    .find_map(|line| {
                        let (name, value) = line.split_once(':')?;
                        name.trim()
                            .eq_ignore_ascii_case("content-length")
                            .then(|| value.trim().parse::<usize>().ok())
                            .flatten()
                    })
                    .unwrap_or(0);
                while buf.len() < head + length {
                    match socket.read_buf(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                }
                buf.drain(..head + length);
                heard.fetch_add(1, Ordering::Relaxed);
                if socket
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                    .await
                    .is_err()
                {
                    return;
                }
            }
        });
    }
}

/// Webhook deliveries from the outbox, on a fresh file.
async fn webhooks() -> CliResult {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/hook", listener.local_addr()?);
    let heard = Arc::new(AtomicUsize::new(0));
    tokio::spawn(receiver(listener, heard.clone()));

    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("hooks.sqlite3")).await?;
    let org = organisation(&store, "bench-hooks", "压测物业（推送）").await?;
    let hook = baoxiu_notify::Webhook {
        url: url.clone(),
        secret: baoxiu_notify::Secret("bench-webhook-secret".into()),
    };
    store
        .put_channel_settings(org.tenant.id, "webhook", Some(&serde_json::to_string(&hook)?))
        .await?;
    let now = t0();
    let notices = write_orders(
        &store,
        &org,
        3,
        0..HOOKS,
        |i| now - Span::minutes(10) + Span::milliseconds(i as i64),
        true,
    )
    .await?;
    let app = App::new(
        store.clone(),
        fixed_clock(&Arc::new(AtomicI64::new(now.timestamp_millis()))),
    );

    println!("\n3. Webhook deliveries from the outbox to a receiver on loopback ({HOOKS} notices)\n");
    println!("| how | deliveries | calls | wall time | deliveries/s | failed |");
    println!("|---|---:|---:|---:|---:|---:|");
    let (mut delivered, mut failed, mut calls) = (0, 0, 0);
    let started = Instant::now();
    loop {
        let report = app.deliver_due().await?;
        calls += 1;
        if report.delivered + report.retrying + report.dead == 0 {
            break;
        }
        delivered += report.delivered;
        failed += report.retrying + report.dead;
    }
    let took = started.elapsed();
    println!(
        "| `App::deliver_due` until none pending | {delivered} | {calls} | {:.2} s | {:.0} | {failed} |",
        took.as_secs_f64(),
        delivered as f64 / took.as_secs_f64()
    );

    // Its two halves on their own: the signed HTTP call, and recording the attempt.
    let org_channels = baoxiu_notify::OrgChannels {
        webhook: Some(hook),
        robot: None,
    };
    let channels = baoxiu_notify::Channels::new(baoxiu_notify::Config::default())?;
    let unix_ms = now.timestamp_millis();
    let started = Instant::now();
    let mut failed = 0;
    for notice in &notices {
        if channels.deliver(notice, &org_channels, unix_ms).await.is_err() {
            failed += 1;
        }
    }
    let took = started.elapsed();
    println!(
        "| the HTTP call alone (`Channels::deliver`), one after another | {} | — | {:.2} s | {:.0} | {failed} |",
        notices.len(),
        took.as_secs_f64(),
        notices.len() as f64 / took.as_secs_f64()
    );
    const IN_FLIGHT: usize = 16;
    let notices = Arc::new(notices);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = JoinSet::new();
    for _ in 0..IN_FLIGHT {
        let (channels, org_channels, notices, next) = (
            channels.clone(),
            org_channels.clone(),
            notices.clone(),
            next.clone(),
        );
        tasks.spawn(async move {
            let mut failed = 0;
            while let Some(notice) = notices.get(next.fetch_add(1, Ordering::Relaxed)) {
                if channels.deliver(notice, &org_channels, unix_ms).await.is_err() {
                    failed += 1;
                }
            }
            failed
        });
    }
    let mut failed = 0;
    while let Some(done) = tasks.join_next().await {
        failed += done?;
    }
    let took = started.elapsed();
    println!(
        "| the HTTP call alone, {IN_FLIGHT} at a time | {} | — | {:.2} s | {:.0} | {failed} |",
        notices.len(),
        took.as_secs_f64(),
        notices.len() as f64 / took.as_secs_f64()
    );
    let started = Instant::now();
    for notice in notices.iter() {
        store
            .record_attempt(notice.id, now, &baoxiu_domain::Attempt::Delivered)
            .await?;
    }
    let took = started.elapsed();
    println!(
        "| recording the attempt alone (`Store::record_attempt`), one after another | {} | — | {:.2} s | {:.0} | 0 |",
        notices.len(),
        took.as_secs_f64(),
        notices.len() as f64 / took.as_secs_f64()
    );
    println!(
        "\nThe receiver heard {} requests in all.",
        heard.load(Ordering::Relaxed)
    );
    store.close().await;
    Ok(())
}
