//! `baoxiu bench --pages`: the pages the desk uses on every call, timed on a large file.
//! Fills a SQLite file with property orders (through the domain and the store's write
//! path, numbered, indexed for search), starts the server in this process, signs a desk
//! agent in, and times, over loopback HTTP: the order list (50 rows, filtered), the order
//! page, search by full phone, last four digits, name, order number and a two-character
//! Chinese term, and the sign-in itself.

use crate::cli::BenchArgs;
use crate::demo::names;
use crate::demo::words_property::PROJECTS;
use crate::demo::words_property_faults::FAULTS;
use crate::serve::CliResult;
use baoxiu_domain::{
    Account, Channel, Command, Customer, Kind, Location, Login, NewOrder, OrderId, OrderNumber, OrderQuery,
    Person, PersonId, Priority, Role, ServiceMode, Session, Store, Template, Tenant, TenantId,
    VerificationCode, WorkOrder, Write,
};
use baoxiu_store_sqlite::SqliteStore;
use baoxiu_web::{App, Clock};
use chrono::{Duration as Days, Utc};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

const LOGIN: &str = "bench.desk";
const PASSWORD: &str = "bench-desk-1";

pub async fn run(args: BenchArgs) -> CliResult {
    let dir = tempfile::tempdir()?;
    let db = args
        .db
        .clone()
        .unwrap_or_else(|| dir.path().join("pages.sqlite3"));
    let store = SqliteStore::open(&db).await?;
    let (tenant, desk) = fill(&store, args.orders).await?;
    let app = App::new(store.clone(), Clock::system());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(baoxiu_web::serve(listener, app, std::future::pending()));

    // A session for the desk agent, as the sign-in makes one.
    let token = baoxiu_web::new_token();
    let now = Utc::now();
    store
        .put_session(&Session {
            digest: baoxiu_web::token_digest(&token),
            tenant: tenant.id,
            person: desk.id,
            csrf: baoxiu_web::new_token(),
            created_at: now,
            expires_at: now + Days::days(1),
        })
        .await?;
    let client = baoxiu_notify::http_client().build().expect("an HTTP client");
    let get = |path: String| {
        let client = client.clone();
        let url = format!("{base}{path}");
        let cookie = format!("bx_session={token}");
        async move {
            let started = Instant::now();
            let res = client.get(&url).header("cookie", cookie).send().await?;
            let status = res.status();
            res.bytes().await?;
            if !status.is_success() {
                return Err(format!("{url}: {status}").into());
            }
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(started.elapsed())
        }
    };

    // Samples to look for: orders spread over the file.
    let mut rng = StdRng::seed_from_u64(42);
    let samples = store
        .list(
            tenant.id,
            &OrderQuery {
                limit: 200,
                ..OrderQuery::default()
            },
        )
        .await?
        .orders;
    let older = store
        .list(
            tenant.id,
            &OrderQuery {
                limit: 200,
                after: samples.last().map(|o| o.id),
                text: Some("漏水".into()),
                ..OrderQuery::default()
            },
        )
        .await?
        .orders;
    let pool: Vec<&WorkOrder> = samples.iter().chain(older.iter()).collect();
    let pick = |rng: &mut StdRng| *pool.choose(rng).expect("the file has orders");
    println!(
        "baoxiu bench --pages: {} orders in {}\n",
        args.orders,
        db.display()
    );
    println!("| page | requests | p50 | p99 | max |");
    println!("|---|---:|---:|---:|---:|");
    const N: usize = 200;
    let report = |name: &str, mut times: Vec<Duration>| {
        times.sort_unstable();
        let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).saturating_sub(1)];
        println!(
            "| {name} | {} | {:.1} ms | {:.1} ms | {:.1} ms |",
            times.len(),
            ms(at(0.5)),
            ms(at(0.99)),
            ms(*times.last().unwrap())
        );
    };
    // Warm the caches once, as a running server has them.
    get("/orders".into()).await?;

    let mut times = Vec::new();
    for i in 0..N {
        let path = match i % 3 {
            0 => "/orders?state=pool&template=property".to_string(),
            1 => "/orders?state=accepted".to_string(),
            _ => format!("/orders?state=accepted&after={}", pick(&mut rng).id),
        };
        times.push(get(path).await?);
    }
    report("order list, 50 rows, filtered", times);
    let mut times = Vec::new();
    for _ in 0..N {
        times.push(get(format!("/orders/{}", pick(&mut rng).id)).await?);
    }
    report("order page", times);
    type Term = fn(&WorkOrder) -> String;
    let searches: [(&str, Term); 5] = [
        ("search: full phone", |o| {
            o.details.customer.phone.as_str().to_string()
        }),
        ("search: last four digits", |o| {
            let p = o.details.customer.phone.as_str();
            p[p.len() - 4..].to_string()
        }),
        ("search: name", |o| o.details.customer.name.clone()),
        ("search: order number", |o| {
            o.number().map(|n| n.to_string()).unwrap_or_default()
        }),
        ("search: 漏水", |_| "漏水".to_string()),
    ];
    for (name, term) in searches {
        let mut times = Vec::new();
        for _ in 0..N {
            let q = baoxiu_web_encode(&term(pick(&mut rng)));
            times.push(get(format!("/orders?q={q}")).await?);
        }
        report(name, times);
    }
    let mut times = Vec::new();
    for _ in 0..N {
        times.push(get(format!("/orders?q={}", baoxiu_web_encode("暖气片漏气"))).await?);
    }
    report("search: a term that matches nothing", times);

    // Sign-in: argon2id is slow on purpose.
    let mut times = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        let res = client
            .post(format!("{base}/signin"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("login={LOGIN}&password={PASSWORD}"))
            .send()
            .await?;
        if !res.status().is_redirection() && !res.status().is_success() {
            return Err(format!("sign-in answered {}", res.status()).into());
        }
        times.push(started.elapsed());
    }
    report("sign-in (argon2id verify)", times);
    store.close().await;
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn baoxiu_web_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The bench organisation with `orders` orders (kept when the file already has them).
async fn fill(
    store: &SqliteStore,
    orders: usize,
) -> Result<(Tenant, Person), Box<dyn std::error::Error + Send + Sync>> {
    if let Some(tenant) = store.tenant_by_slug("bench-pages").await? {
        let account = store
            .account_by_login(LOGIN)
            .await?
            .ok_or("the bench file has no desk")?;
        let desk = store.person(tenant.id, account.person).await?.ok_or("no desk")?;
        let have = store
            .count_by_state(tenant.id, &OrderQuery::default())
            .await?
            .map(|c| c.iter().map(|(_, n)| *n as usize).sum::<usize>())
            .unwrap_or(0);
        if have >= orders {
            return Ok((tenant, desk));
        }
        return Err(format!("the file holds {have} orders, fewer than {orders}: use a new file").into());
    }
    let tenant = Tenant {
        id: TenantId(uuid::Uuid::now_v7()),
        slug: "bench-pages".into(),
        name: "压测物业".into(),
        time_zone: "Asia/Shanghai".into(),
        templates: vec![Template::Property],
    };
    store.create_tenant(&tenant).await?;
    let desk = Person {
        id: PersonId(uuid::Uuid::now_v7()),
        tenant: tenant.id,
        name: "压测客服".into(),
        role: Role::DeskAgent,
        station: None,
        team: None,
        phone: None,
        email: None,
    };
    let tech = Person {
        id: PersonId(uuid::Uuid::now_v7()),
        name: "压测师傅".into(),
        role: Role::Technician,
        ..desk.clone()
    };
    store.put_person(&desk).await?;
    store.put_person(&tech).await?;
    store
        .put_account(&Account {
            tenant: tenant.id,
            person: desk.id,
            login: Login::parse("login", LOGIN)?,
            phone: None,
            password_hash: baoxiu_web::password::hash(PASSWORD).await?,
            disabled: false,
        })
        .await?;

    // Orders over the last year, oldest first, 2,000 to a batch of concurrent writes.
    let mut rng = StdRng::seed_from_u64(20261127);
    let end = Utc::now();
    let start = end - Days::days(365);
    let step = (end - start) / orders.max(1) as i32;
    let started = Instant::now();
    let mut day = None;
    let mut seq = 0;
    let mut writes = JoinSet::new();
    for i in 0..orders {
        let at = start + step * i as i32;
        let today = tenant.local_date(at);
        if day != Some(today) {
            (day, seq) = (Some(today), 0);
        }
        seq += 1;
        let new = pool_repair(&mut rng, OrderNumber::new(today, seq))?;
        let id = OrderId(baoxiu_web::service::new_v7(at));
        let code = VerificationCode::from_number(rng.random_range(0..1_000_000));
        let (mut order, mut events) = WorkOrder::open(id, &tenant, new, code, &desk.to_ref(), at)?;
        // Most old orders were claimed; a few wait in the pool.
        if rng.random_bool(0.7) {
            events.extend(
                order
                    .execute(&tech.actor(), at + Days::minutes(3), &Command::Claim)
                    .map_err(|r| format!("{:?}", r.refusal))?,
            );
        }
        let write = Write {
            tenant: tenant.id,
            order,
            expected_version: 0,
            events,
            idempotency: None,
            schedule: None,
            notices: Vec::new(),
        };
        let store = store.clone();
        writes.spawn(async move { store.write(write).await });
        if writes.len() >= 2000 {
            while let Some(done) = writes.join_next().await {
                done??;
            }
        }
        if (i + 1) % 100_000 == 0 {
            eprintln!(
                "  {} orders written in {:.0} s",
                i + 1,
                started.elapsed().as_secs_f64()
            );
        }
    }
    while let Some(done) = writes.join_next().await {
        done??;
    }
    eprintln!(
        "  {orders} orders written in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok((tenant, desk))
}

/// `baoxiu bench --board`: how long after a command a change reaches 200 open dispatch
/// boards (server-sent events), on this server, over loopback.
pub async fn board(_args: BenchArgs) -> CliResult {
    const BOARDS: usize = 200;
    const ROUNDS: usize = 20;
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("board.sqlite3");
    let store = SqliteStore::open(&db).await?;
    let (tenant, desk) = fill(&store, ROUNDS * 10).await?;
    let supervisor = Person {
        id: PersonId(uuid::Uuid::now_v7()),
        name: "压测主管".into(),
        role: Role::Supervisor,
        ..desk.clone()
    };
    let tech = Person {
        id: PersonId(uuid::Uuid::now_v7()),
        name: "压测抢单师傅".into(),
        role: Role::Technician,
        ..desk.clone()
    };
    store.put_person(&supervisor).await?;
    store.put_person(&tech).await?;
    let now = Utc::now();
    let token = baoxiu_web::new_token();
    store
        .put_session(&Session {
            digest: baoxiu_web::token_digest(&token),
            tenant: tenant.id,
            person: supervisor.id,
            csrf: baoxiu_web::new_token(),
            created_at: now,
            expires_at: now + Days::days(1),
        })
        .await?;
    let tech_token = baoxiu_web::issue_token(&store, &tech, "bench", now).await?;
    let app = App::new(store.clone(), Clock::system());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(baoxiu_web::serve(listener, app, std::future::pending()));

    // The boards: each reads its event stream and notes when each order's change arrived.
    let (seen_tx, mut seen_rx) = tokio::sync::mpsc::unbounded_channel::<(usize, String, Instant)>();
    let client = baoxiu_notify::http_client().build().expect("an HTTP client");
    let mut ready = 0;
    for board in 0..BOARDS {
        let mut res = client
            .get(format!("{base}/board/events"))
            .header("cookie", format!("bx_session={token}"))
            .send()
            .await?;
        if !res.status().is_success() {
            return Err(format!("board {board}: {}", res.status()).into());
        }
        ready += 1;
        let seen = seen_tx.clone();
        tokio::spawn(async move {
            let mut text = String::new();
            while let Ok(Some(chunk)) = res.chunk().await {
                let at = Instant::now();
                text.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = text.find("\n\n") {
                    let message: String = text.drain(..end + 2).collect();
                    if let Some(id) = message
                        .split("\"id\":\"")
                        .nth(1)
                        .and_then(|r| r.split('"').next())
                    {
                        let _ = seen.send((board, id.to_string(), at));
                    }
                }
            }
        });
    }
    let pool = store
        .list(
            tenant.id,
            &OrderQuery {
                state: Some(baoxiu_domain::State::Pool),
                limit: ROUNDS as u32,
                ..OrderQuery::default()
            },
        )
        .await?
        .orders;
    let mut delays = Vec::new();
    for order in &pool {
        let id = order.id.to_string();
        let sent = Instant::now();
        let res = client
            .post(format!("{base}/api/v1/orders/{id}/claim"))
            .bearer_auth(&tech_token)
            .send()
            .await?;
        if !res.status().is_success() {
            return Err(format!("claim answered {}", res.status()).into());
        }
        let mut heard = 0;
        while heard < ready {
            let (_, seen, at) = tokio::time::timeout(Duration::from_secs(10), seen_rx.recv())
                .await?
                .ok_or("the boards stopped")?;
            if seen == id {
                heard += 1;
                delays.push(at - sent);
            }
        }
    }
    delays.sort_unstable();
    let at = |q: f64| delays[((delays.len() as f64 * q).ceil() as usize).saturating_sub(1)];
    println!(
        "baoxiu bench --board: {BOARDS} boards open, {} claims\n",
        pool.len()
    );
    println!("| from sending a claim to a board hearing it | p50 | p99 | max |");
    println!("|---|---:|---:|---:|");
    println!(
        "| {} deliveries | {:.1} ms | {:.1} ms | {:.1} ms |",
        delays.len(),
        ms(at(0.5)),
        ms(at(0.99)),
        ms(*delays.last().unwrap())
    );
    Ok(())
}

/// A property repair phoned in at one of the demo's projects, with a fault, a caller and a
/// flat drawn from `rng`: what the benchmarks fill their files with.
pub(crate) fn pool_repair(
    rng: &mut StdRng,
    number: OrderNumber,
) -> Result<NewOrder, Box<dyn std::error::Error + Send + Sync>> {
    let project = PROJECTS.choose(rng).expect("projects");
    let fault = FAULTS.choose(rng).expect("faults");
    Ok(NewOrder {
        kind: Kind::Repair,
        channel: Channel::Phone,
        template: Template::Property,
        category: Some(fault.category.to_string()),
        priority: Priority::Normal,
        service_mode: ServiceMode::OnSite,
        customer: Customer::parse(&names::caller(rng), &names::mobile(rng))?,
        location: Location::parse(
            project.address,
            None,
            Some(&format!("{}幢", rng.random_range(1..=project.buildings))),
            Some(&format!(
                "{}0{}",
                rng.random_range(1..=project.floors),
                rng.random_range(1..=4)
            )),
        )?,
        description: fault.text.to_string(),
        asset: None,
        station: None,
        technician: None,
        slip: None,
        number: Some(number),
    })
}
