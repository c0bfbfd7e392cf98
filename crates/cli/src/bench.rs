//! `baoxiu bench`: drives the real HTTP API on a real SQLite file (and, with `--postgres`,
//! a real PostgreSQL database) at several client counts and reports durable creates per second, claims per second and latency
//! percentiles. The server runs in this process on port 0; clients speak HTTP/1.1 over
//! loopback like any other client, so parsing, auth, JSON and the disk sync are all paid.

use crate::cli::BenchArgs;
use crate::db::Backend;
use crate::org::{ensure_tenant, issue_token};
use crate::serve::CliResult;
use baoxiu_domain::{Person, PersonId, Role, Tenant};
use baoxiu_store_postgres::{PgStore, ScratchDatabase};
use baoxiu_store_sqlite::SqliteStore;
use baoxiu_web::{App, Clock};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const ORDER: &str = r#"{"template":"property","customer":{"name":"李秀英","phone":"13912345678"},"location":{"address":"阳光花园小区","building":"3栋","room":"1单元502"},"description":"卫生间漏水，楼下天花板有水渍"}"#;

/// A create of each template, as its desk records a call.
const ORDERS: [(&str, &str); 5] = [
    ("property", ORDER),
    (
        "after_sales",
        r#"{"template":"after_sales","channel":"hotline","customer":{"name":"王建国","phone":"010-62345678"},"location":{"address":"北京市海淀区中关村大街27号 中关村大厦1208"},"description":"笔记本无法开机，电源灯不亮","asset":{"serial":"LX20250612A0091","model":"昭阳 K4e","warranty_end":"2027-06-12"}}"#,
    ),
    (
        "utility",
        r#"{"template":"utility","channel":"hotline","priority":"urgent","customer":{"name":"周桂兰","phone":"13712345678"},"location":{"address":"江城市西湖区文三路118号 文苑小区5幢"},"description":"家里突然停电，邻居家也没电"}"#,
    ),
    (
        "hotel",
        r#"{"template":"hotel","channel":"other_department","customer":{"name":"客房部 刘芳","phone":"0571-87001208"},"location":{"address":"锦江大酒店","building":"主楼12层","room":"1208房"},"description":"1208房卫生间面盆下水管漏水","slip":{"department":"客房部","reporter":{"name":"刘芳","position":"foreman"},"signed_by":{"name":"陈静怡","position":"supervisor"},"special":"occupied_room","guest_area":true}}"#,
    ),
    (
        "equipment",
        r#"{"template":"equipment","channel":"phone","priority":"urgent","category":"液压","customer":{"name":"注塑车间 王强","phone":"13612345678"},"location":{"address":"一号厂房 注塑车间","building":"3号线","room":"注塑机 ZS-03"},"description":"注塑机液压泵漏油，压力上不去","asset":{"serial":"ZS-03"}}"#,
    ),
];

/// Throughput and latency of one measurement.
struct Figures {
    requests: usize,
    failures: usize,
    elapsed: Duration,
    p50: Duration,
    p99: Duration,
}

impl Figures {
    fn from(mut latencies: Vec<Duration>, failures: usize, elapsed: Duration) -> Figures {
        latencies.sort_unstable();
        let pick = |q: f64| {
            latencies
                .get(((latencies.len() as f64 * q).ceil() as usize).saturating_sub(1))
                .copied()
                .unwrap_or_default()
        };
        Figures {
            requests: latencies.len(),
            failures,
            elapsed,
            p50: pick(0.50),
            p99: pick(0.99),
        }
    }

    fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
}

pub async fn run(args: BenchArgs) -> CliResult {
    let seconds = Duration::from_secs(args.seconds);
    if args.templates {
        return per_template(&args, seconds).await;
    }
    println!(
        "baoxiu bench: {} s per measurement, a fresh SQLite file (and PostgreSQL database) per client count",
        args.seconds
    );
    println!();
    println!(
        "| backend | clients | HTTP ceiling/s | creates/s | create p50 | create p99 | claims/s | claim p50 | claim p99 | failures | bytes/order |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for &clients in &args.clients {
        let dir = tempfile::tempdir()?;
        let db = match &args.db {
            Some(db) => db.clone(),
            None => dir.path().join("bench.sqlite3"),
        };
        let store = SqliteStore::open(&db).await?;
        print_row("SQLite", clients, measure(vec![store], clients, seconds).await?);
        if let Some(server) = &args.postgres {
            for servers in 1..=args.servers.max(1) {
                let scratch = ScratchDatabase::create_on(server, "bench")
                    .await
                    .map_err(|e| format!("--postgres: cannot make a database on {server}: {e}"))?;
                let mut stores = Vec::new();
                for _ in 0..servers {
                    stores.push(PgStore::open(scratch.url()).await?);
                }
                let name = match servers {
                    1 => "PostgreSQL".to_string(),
                    n => format!("PostgreSQL, {n} servers"),
                };
                print_row(&name, clients, measure(stores, clients, seconds).await?);
            }
        }
    }
    Ok(())
}

fn print_row(backend: &str, clients: usize, m: Measured) {
    println!(
        "| {backend} | {clients} | {:.0} | {:.0} | {:.1} ms | {:.1} ms | {:.0} | {:.1} ms | {:.1} ms | {} | {} |",
        m.ceiling.per_second(),
        m.creates.per_second(),
        ms(m.creates.p50),
        ms(m.creates.p99),
        m.claims.per_second(),
        ms(m.claims.p50),
        ms(m.claims.p99),
        m.creates.failures + m.claims.failures,
        m.bytes,
    );
}

/// Creates per template: each on a fresh file, at each client count.
async fn per_template(args: &BenchArgs, seconds: Duration) -> CliResult {
    println!(
        "baoxiu bench --templates: {} s per measurement, a fresh SQLite file each",
        args.seconds
    );
    println!();
    println!("| template | clients | creates/s | create p50 | create p99 | failures |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (template, body) in ORDERS {
        for &clients in &args.clients {
            let dir = tempfile::tempdir()?;
            let store = SqliteStore::open(dir.path().join("bench.sqlite3")).await?;
            let offered = baoxiu_domain::Template::ALL;
            let tenant = ensure_tenant(&store, "bench", "压测", &offered).await?;
            let desk = token_for(&store, &tenant, Role::DeskAgent, "压测客服").await?;
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            let base = format!("http://{}", listener.local_addr()?);
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            let app = App::new(store.clone(), Clock::system());
            let server = tokio::spawn(baoxiu_web::serve(listener, app, async {
                let _ = stopped.await;
            }));
            let client = baoxiu_notify::http_client()
                .pool_max_idle_per_host(clients)
                .build()?;
            let figures = creates_of(
                &client,
                std::slice::from_ref(&base),
                &desk,
                body,
                clients,
                seconds,
            )
            .await;
            let _ = stop.send(());
            server.await??;
            store.close().await;
            println!(
                "| {template} | {clients} | {:.0} | {:.1} ms | {:.1} ms | {} |",
                figures.per_second(),
                ms(figures.p50),
                ms(figures.p99),
                figures.failures
            );
        }
    }
    Ok(())
}

/// One server per store (handles on one database) with `clients` clients spread over them:
/// creates for `seconds`, then claims. Before them, the same clients against `GET /healthz`
/// of the same servers: what HTTP alone allows here.
async fn measure<S: Backend>(stores: Vec<S>, clients: usize, seconds: Duration) -> CliResultWith<Measured> {
    let store = stores[0].clone();
    let tenant = ensure_tenant(&store, "bench", "压测物业", &[baoxiu_domain::Template::Property]).await?;
    let desk = token_for(&store, &tenant, Role::DeskAgent, "压测客服").await?;
    let mut technicians = Vec::new();
    for i in 0..clients {
        technicians.push(token_for(&store, &tenant, Role::Technician, &format!("压测师傅{i}")).await?);
    }
    let mut bases = Vec::new();
    let mut servers = Vec::new();
    let (stop, _) = tokio::sync::broadcast::channel::<()>(1);
    for store in &stores {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        bases.push(format!("http://{}", listener.local_addr()?));
        let app = App::new(store.clone(), Clock::system());
        let mut stopped = stop.subscribe();
        servers.push(tokio::spawn(baoxiu_web::serve(listener, app, async move {
            let _ = stopped.recv().await;
        })));
    }
    let client = baoxiu_notify::http_client()
        .pool_max_idle_per_host(clients)
        .build()?;
    let ceiling = ceiling(&client, &bases, clients, seconds.min(Duration::from_secs(5))).await;
    let creates = creates(&client, &bases, &desk, clients, seconds).await;
    let pool = prepare_pool(&client, &bases[0], &desk, creates.per_second(), seconds).await?;
    let claims = claims(&client, &bases, &technicians, pool, seconds).await;
    let _ = stop.send(());
    for server in servers {
        server.await??;
    }
    // The orders created and claimed in the run: the file's bytes per order.
    let (bytes, orders) = store.footprint().await?;
    for store in &stores {
        store.close().await;
    }
    Ok(Measured {
        ceiling,
        creates,
        claims,
        bytes: bytes / orders.max(1),
    })
}

/// What one measurement found.
struct Measured {
    ceiling: Figures,
    creates: Figures,
    claims: Figures,
    bytes: u64,
}

/// The same clients asking `GET /healthz`, which touches no database.
async fn ceiling(client: &reqwest::Client, bases: &[String], clients: usize, duration: Duration) -> Figures {
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..clients {
        let (client, url) = (client.clone(), format!("{}/healthz", bases[i % bases.len()]));
        tasks.spawn(async move {
            let (mut latencies, mut failures) = (Vec::new(), 0);
            while start.elapsed() < duration {
                match timed(client.get(&url), 200).await {
                    Some(latency) => latencies.push(latency),
                    None => failures += 1,
                }
            }
            (latencies, failures)
        });
    }
    collect(tasks, start).await
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn token_for<S: baoxiu_domain::Store>(
    store: &S,
    tenant: &Tenant,
    role: Role,
    name: &str,
) -> Result<String, baoxiu_domain::StoreError> {
    let person = Person {
        id: PersonId(uuid::Uuid::now_v7()),
        tenant: tenant.id,
        name: name.into(),
        role,
        station: None,
        team: None,
        phone: None,
        email: None,
    };
    store.put_person(&person).await?;
    issue_token(store, &person).await
}

/// `clients` loops creating orders for `duration`; every 201 is a durable create.
async fn creates(
    client: &reqwest::Client,
    bases: &[String],
    desk: &str,
    clients: usize,
    duration: Duration,
) -> Figures {
    creates_of(client, bases, desk, ORDER, clients, duration).await
}

/// [`creates`] of the order `body`, client `i` to server `bases[i % n]`.
async fn creates_of(
    client: &reqwest::Client,
    bases: &[String],
    desk: &str,
    body: &'static str,
    clients: usize,
    duration: Duration,
) -> Figures {
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..clients {
        let base = &bases[i % bases.len()];
        let (client, url, desk) = (client.clone(), format!("{base}/api/v1/orders"), desk.to_string());
        tasks.spawn(async move {
            let (mut latencies, mut failures) = (Vec::new(), 0);
            while start.elapsed() < duration {
                match timed(client.post(&url).bearer_auth(&desk).body(body), 201).await {
                    Some(latency) => latencies.push(latency),
                    None => failures += 1,
                }
            }
            (latencies, failures)
        });
    }
    collect(tasks, start).await
}

/// Pooled orders for the claim measurement: enough for the rate just seen, plus margin.
async fn prepare_pool(
    client: &reqwest::Client,
    base: &str,
    desk: &str,
    rate: f64,
    duration: Duration,
) -> CliResultWith<Arc<Vec<String>>> {
    let wanted = ((rate * duration.as_secs_f64() * 1.5) as usize).max(1000);
    let mut ids = Vec::with_capacity(wanted);
    let mut tasks = tokio::task::JoinSet::new();
    let per_task = wanted.div_ceil(32);
    for _ in 0..32 {
        let (client, url, desk) = (client.clone(), format!("{base}/api/v1/orders"), desk.to_string());
        tasks.spawn(async move {
            let mut ids = Vec::with_capacity(per_task);
            for _ in 0..per_task {
                let r = client.post(&url).bearer_auth(&desk).body(ORDER).send().await?;
                let body: serde_json::Value = r.json().await?;
                ids.push(body["id"].as_str().unwrap_or_default().to_string());
            }
            Ok::<_, reqwest::Error>(ids)
        });
    }
    while let Some(joined) = tasks.join_next().await {
        ids.extend(joined??);
    }
    Ok(Arc::new(ids))
}

type CliResultWith<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Each client (a technician) claims the next unclaimed pooled order until time is up.
async fn claims(
    client: &reqwest::Client,
    bases: &[String],
    technicians: &[String],
    pool: Arc<Vec<String>>,
    duration: Duration,
) -> Figures {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, token) in technicians.iter().enumerate() {
        let (client, base, token, pool, next) = (
            client.clone(),
            bases[i % bases.len()].clone(),
            token.clone(),
            pool.clone(),
            next.clone(),
        );
        tasks.spawn(async move {
            let (mut latencies, mut failures) = (Vec::new(), 0);
            while start.elapsed() < duration {
                let Some(id) = pool.get(next.fetch_add(1, Ordering::Relaxed)) else {
                    break;
                };
                let claim = client
                    .post(format!("{base}/api/v1/orders/{id}/claim"))
                    .bearer_auth(&token);
                match timed(claim, 200).await {
                    Some(latency) => latencies.push(latency),
                    None => failures += 1,
                }
            }
            (latencies, failures)
        });
    }
    collect(tasks, start).await
}

/// The latency of one request whose whole response arrived with the expected status.
async fn timed(request: reqwest::RequestBuilder, expected: u16) -> Option<Duration> {
    let sent = Instant::now();
    let response = request.send().await.ok()?;
    let ok = response.status().as_u16() == expected;
    response.bytes().await.ok()?;
    ok.then(|| sent.elapsed())
}

async fn collect(mut tasks: tokio::task::JoinSet<(Vec<Duration>, usize)>, start: Instant) -> Figures {
    let (mut all, mut failures) = (Vec::new(), 0);
    while let Some(Ok((latencies, failed))) = tasks.join_next().await {
        all.extend(latencies);
        failures += failed;
    }
    Figures::from(all, failures, start.elapsed())
}
