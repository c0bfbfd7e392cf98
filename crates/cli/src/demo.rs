//! `baoxiu demo`: builds a fresh database with five organisations — a property-management
//! company, a computer maker's after-sales network, a power utility's 95598 hotline, a
//! hotel's engineering department and a factory's maintenance team — and thousands of orders
//! in every state, each played through the real domain; prints a token per role; then serves it.

mod after_sales;
mod equipment;
mod hotel;
pub(crate) mod names;
mod org;
mod plan;
mod property;
mod simulate;
mod summary;
#[cfg(test)]
mod tests;
mod utility;
mod words_after_sales;
mod words_equipment;
mod words_hotel;
mod words_products;
pub(crate) mod words_property;
pub(crate) mod words_property_faults;
mod words_utility;

use crate::cli::DemoArgs;
use crate::org::{ensure_tenant, issue_token};
use crate::serve::{CliResult, serve_until_stopped};
use baoxiu_domain::{
    Account, Event, Login, OrderNumber, PersonId, Role, State, Store, Template, Tenant, Timestamp, Write,
};
use baoxiu_store_sqlite::SqliteStore;
use indicatif::{ProgressBar, ProgressStyle};
use org::Cast;
use rand::SeedableRng;
use rand::rngs::StdRng;
use simulate::Outcome;
use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::task::JoinSet;

type DemoResult<T> = Result<T, Box<dyn Error + Send + Sync>>;

/// Orders handed to the store at once: its writer commits up to 256 writes together.
const CHUNK: usize = 256;

pub struct Options {
    pub db: PathBuf,
    /// Orders per organisation.
    pub orders: usize,
    pub seed: u64,
    /// "Now": the present the orders' histories lead up to.
    pub now: Timestamp,
    pub progress: bool,
}

/// A person of the demo with their token.
pub struct Badge {
    pub role: Role,
    pub name: String,
    pub station: Option<String>,
    pub login: String,
    pub token: String,
}

pub struct TenantReport {
    pub tenant: Tenant,
    /// Orders per state, in the order of [`State::ALL`].
    pub counts: [usize; State::ALL.len()],
    pub badges: Vec<Badge>,
}

pub struct Built {
    pub store: SqliteStore,
    pub tenants: Vec<TenantReport>,
    /// Commands the domain refused while generating (none expected).
    pub refusals: Vec<String>,
    pub elapsed: Duration,
}

type Generator = fn(&Cast, &mut StdRng, Timestamp, usize) -> Result<Outcome, String>;

pub async fn run(args: DemoArgs) -> CliResult {
    // Bind first: a busy port should fail before the build, and port 0 needs the real one.
    let listener = match args.no_serve {
        true => None,
        false => Some(
            TcpListener::bind(args.listen)
                .await
                .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?,
        ),
    };
    let options = Options {
        db: args.db.clone(),
        orders: args.orders,
        seed: args.seed,
        now: chrono::Utc::now(),
        progress: true,
    };
    let built = build(&options).await?;
    for refusal in built.refusals.iter().take(5) {
        tracing::warn!("demo story stopped early: {refusal}");
    }
    let addr = listener.as_ref().map(TcpListener::local_addr).transpose()?;
    print!("{}", summary::render(&built, &args, addr));
    match listener {
        None => {
            built.store.close().await;
            Ok(())
        }
        Some(listener) => {
            println!("Serving until Ctrl-C.");
            serve_until_stopped(listener, built.store, false, &args.run).await
        }
    }
}

/// Builds the demo database at `options.db`, replacing any file there.
pub async fn build(options: &Options) -> DemoResult<Built> {
    let started = Instant::now();
    remove_database(&options.db)?;
    let store = SqliteStore::open(&options.db).await?;
    let plans: [(&str, &str, Generator); 5] = [
        ("property", words_property::COMPANY, property::order),
        ("after_sales", words_after_sales::COMPANY, after_sales::order),
        ("utility", words_utility::COMPANY, utility::order),
        ("hotel", words_hotel::COMPANY, hotel::order),
        ("equipment", words_equipment::COMPANY, equipment::order),
    ];
    let mut tenants = Vec::new();
    let mut refusals = Vec::new();
    let hash = baoxiu_web::password::hash(DEMO_PASSWORD).await?;
    for (i, (slug, name, generate)) in plans.into_iter().enumerate() {
        let mut rng = StdRng::seed_from_u64(options.seed.wrapping_add(i as u64 * 0x9E37_79B9));
        let template = match slug {
            "property" => Template::Property,
            "utility" => Template::Utility,
            "hotel" => Template::Hotel,
            "equipment" => Template::Equipment,
            _ => Template::AfterSales,
        };
        let tenant = ensure_tenant(&store, slug, name, &[template]).await?;
        let cast = match slug {
            "property" => org::property(&mut rng, tenant, options.now),
            "utility" => org::utility(&mut rng, tenant, options.now),
            "hotel" => org::hotel(&mut rng, tenant, options.now),
            "equipment" => org::equipment(&mut rng, tenant, options.now),
            _ => org::after_sales(&mut rng, tenant, options.now),
        };
        cast.persist(&store).await?;
        register(&store, &cast, template, options.now).await?;
        requests(&store, &cast, template, options.now).await?;
        let bar = progress(options, &cast)?;
        let (counts, stopped) = write_orders(&store, &cast, options, &mut rng, generate, &bar).await?;
        bar.finish();
        refusals.extend(stopped);
        let logins = accounts(&store, &cast, &hash).await?;
        let badges = badges(&store, &cast, &logins).await?;
        tenants.push(TenantReport {
            tenant: cast.tenant,
            counts,
            badges,
        });
    }
    Ok(Built {
        store,
        tenants,
        refusals,
        elapsed: started.elapsed(),
    })
}

/// The register of the factory's machines and the hotel's rooms, for their QR stickers.
/// The factory's machines carry maintenance plans (C12) set by the section head: a weekly
/// check on each, staggered over the week from today, and an oil change every 90 days on
/// every third machine; the server makes their orders as they fall due.
async fn register(
    store: &SqliteStore,
    cast: &org::Cast,
    template: Template,
    now: Timestamp,
) -> DemoResult<()> {
    use baoxiu_domain::{AssetRecord, Customer, Location};
    let tenant = &cast.tenant;
    let mut entries = Vec::new();
    match template {
        Template::Equipment => {
            let zone = tenant.zone();
            let morning = |days: i64| {
                (tenant.local_date(now) + chrono::Duration::days(days))
                    .and_hms_opt(8, 0, 0)
                    .and_then(|t| t.and_local_timezone(zone).earliest())
                    .map(|t| t.with_timezone(&chrono::Utc))
                    .unwrap_or(now)
            };
            let planner = cast.supervisor.to_ref();
            let phone = cast.supervisor.phone.clone().unwrap_or_default();
            let station = cast.sites.first().map(|s| s.station.to_ref());
            let mut i = 0i64;
            for shop in words_equipment::WORKSHOPS {
                let contact = Customer::parse(&format!("{}值班长", shop.name), &phone)?;
                for (line, machine) in shop.machines {
                    let location = Location::parse(shop.name, None, Some(line), Some(machine))?;
                    let code = words_equipment::code_of(machine);
                    let mut entry = AssetRecord::parse(tenant.id, code, machine, location, None)?;
                    entry.add_plan(
                        baoxiu_domain::PlanSpec {
                            what: "周检：油位、气压、安全门、紧固件",
                            every_days: 7,
                            first_due: morning(i % 7),
                            contact: contact.clone(),
                            station: station.clone(),
                        },
                        &planner,
                        now,
                    )?;
                    if i % 3 == 0 {
                        entry.add_plan(
                            baoxiu_domain::PlanSpec {
                                what: "更换液压油、清洗滤网",
                                every_days: 90,
                                first_due: morning(20 + i),
                                contact: contact.clone(),
                                station: station.clone(),
                            },
                            &planner,
                            now,
                        )?;
                    }
                    entries.push(entry);
                    i += 1;
                }
            }
        }
        Template::Hotel => {
            for (d, department) in words_hotel::DEPARTMENTS.iter().enumerate() {
                for (i, (building, room, _, _)) in department.places.iter().enumerate() {
                    let location = Location::parse("锦江大酒店", None, Some(building), Some(room))?;
                    let code = format!("H-{}-{}", d + 1, i + 1);
                    entries.push(AssetRecord::parse(tenant.id, &code, room, location, None)?);
                }
            }
        }
        _ => {}
    }
    for entry in entries {
        store.add_asset(&entry).await?;
    }
    Ok(())
}

/// A19, B24 in the demo: the after-sales stations' coverage, approved by their region and
/// headquarters, with one station's extension waiting for headquarters; the property
/// company's price list of home services, approved by its general manager.
async fn requests(
    store: &SqliteStore,
    cast: &org::Cast,
    template: Template,
    now: Timestamp,
) -> DemoResult<()> {
    use baoxiu_domain::{ApprovalKind, Change, Fen, OrgRequest, PriceItem, RequestId, StationCoverage};
    let chain = |kind| template.spec().chain(kind).map(<[_]>::to_vec).unwrap_or_default();
    let mut seq = 0u64;
    let mut id = || {
        seq += 1;
        RequestId(uuid::Uuid::from_u64_pair(now.timestamp_millis() as u64, seq))
    };
    match template {
        Template::AfterSales => {
            let mut coverage = store.coverage(cast.tenant.id).await?;
            for (i, (site, spec)) in cast.sites.iter().zip(words_after_sales::SITES).enumerate() {
                let mut areas: Vec<String> = Vec::new();
                for (place, _) in spec.places {
                    let end = place
                        .find('区')
                        .or_else(|| place.find('县'))
                        .map(|at| at + '区'.len_utf8());
                    let area = place[..end.unwrap_or(place.len())].to_string();
                    if !areas.contains(&area) {
                        areas.push(area);
                    }
                }
                let capacity = 6 * site.technicians.len().max(1) as u32;
                let asker = site.coordinator.as_ref().unwrap_or(&cast.admin).actor();
                let change = StationCoverage::parse(site.station.to_ref(), &areas.join("\n"), capacity)?;
                let mut request = OrgRequest::open(
                    id(),
                    cast.tenant.id,
                    Change::Coverage(change),
                    "网点服务范围和日接单能力",
                    &asker,
                    chain(ApprovalKind::Coverage),
                    now,
                )?;
                store.put_request(&request, None, None).await?;
                let region = cast.regions.get(site.region).unwrap_or(&cast.admin).actor();
                let prices = baoxiu_domain::PriceList::default();
                let book = request.decide(&region, true, None, now, &coverage, &prices)?;
                store.put_request(&request, Some(0), book.as_ref()).await?;
                if i == 0 {
                    // The first station's extension waits for headquarters.
                    continue;
                }
                let book = request.decide(
                    &cast.approver.actor(),
                    true,
                    Some("同意"),
                    now,
                    &coverage,
                    &prices,
                )?;
                store.put_request(&request, Some(1), book.as_ref()).await?;
                if let Some(baoxiu_domain::Book::Coverage(after)) = book {
                    coverage = after;
                }
            }
        }
        Template::Property => {
            let items = [
                ("BJ-01", "家政保洁（2小时）", "次", "120"),
                ("BJ-02", "开荒保洁", "平方米", "8"),
                ("WX-01", "疏通下水道（人工）", "次", "80"),
                ("WX-02", "更换水龙头（人工）", "个", "30"),
                ("WX-03", "更换灯具（人工）", "个", "25"),
                ("DB-01", "代购代办", "次", "20"),
            ]
            .iter()
            .enumerate()
            .map(|(i, (code, name, unit, price))| {
                PriceItem::parse(i, code, name, unit, Fen::parse_yuan("price", price)?)
            })
            .collect::<Result<Vec<_>, _>>()?;
            let mut request = OrgRequest::open(
                id(),
                cast.tenant.id,
                Change::PriceList { items },
                "《常规服务项目表》经评审，报总经理审批",
                &cast.supervisor.actor(),
                chain(ApprovalKind::PriceList),
                now,
            )?;
            store.put_request(&request, None, None).await?;
            let book = request.decide(
                &cast.approver.actor(),
                true,
                Some("同意执行"),
                now,
                &store.coverage(cast.tenant.id).await?,
                &store.price_list(cast.tenant.id).await?,
            )?;
            store.put_request(&request, Some(0), book.as_ref()).await?;
        }
        _ => {}
    }
    Ok(())
}

fn remove_database(db: &Path) -> std::io::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut path = db.as_os_str().to_owned();
        path.push(suffix);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

fn progress(options: &Options, cast: &Cast) -> DemoResult<ProgressBar> {
    if !options.progress {
        return Ok(ProgressBar::hidden());
    }
    let style = ProgressStyle::with_template("{msg} {wide_bar} {pos}/{len} orders ({elapsed})")?;
    let message = format!("{} ({})", cast.tenant.name, cast.tenant.slug);
    Ok(ProgressBar::new(options.orders as u64)
        .with_style(style)
        .with_message(message))
}

/// Generates the tenant's orders, then writes them in the order they were reported, each
/// numbered as the desk would have numbered it that day (X09): a story is played before it
/// is known when its order was reported, so the numbers are given once all are known.
/// Writes are handed to the store a chunk at a time, so its writer commits a whole chunk in
/// one transaction.
async fn write_orders(
    store: &SqliteStore,
    cast: &Cast,
    options: &Options,
    rng: &mut StdRng,
    generate: Generator,
    bar: &ProgressBar,
) -> DemoResult<([usize; State::ALL.len()], Vec<String>)> {
    let mut counts = [0; State::ALL.len()];
    let mut refusals = Vec::new();
    let mut outcomes = Vec::with_capacity(options.orders);
    for index in 0..options.orders {
        match generate(cast, rng, options.now, index) {
            Ok(outcome) => {
                refusals.extend(outcome.refusals.iter().cloned());
                let state = outcome.order.state;
                counts[State::ALL.iter().position(|s| *s == state).unwrap_or_default()] += 1;
                outcomes.push(outcome);
            }
            Err(refusal) => refusals.push(refusal),
        }
        bar.inc(1);
    }
    outcomes.sort_by_key(|o| (o.order.timeline.reported_at, o.order.id));
    // The last two days' escalations wait in their people's inboxes, as a running server
    // would have left them.
    let now = options.now;
    let app = baoxiu_web::App::new(store.clone(), baoxiu_web::Clock::new(move || now));
    let people = store.people(cast.tenant.id).await?;
    let recent = options.now - chrono::Duration::days(2);
    let mut day_counts: std::collections::HashMap<chrono::NaiveDate, u32> = Default::default();
    let mut writes = JoinSet::new();
    for chunk in outcomes.chunks_mut(CHUNK) {
        for outcome in chunk.iter_mut() {
            let reported = outcome.order.timeline.reported_at.unwrap_or(options.now);
            let day = cast.tenant.local_date(reported);
            let seq = day_counts.entry(day).or_insert(0);
            *seq += 1;
            number(outcome, OrderNumber::new(day, *seq));
            let escalations: Vec<_> = outcome
                .events
                .iter()
                .filter(|r| r.at >= recent && matches!(r.event, baoxiu_domain::Event::Escalated { .. }))
                .cloned()
                .collect();
            let notices = match escalations.is_empty() {
                true => Vec::new(),
                false => {
                    app.notices_for(&cast.tenant, &outcome.order, &escalations, &people)
                        .await?
                }
            };
            let write = Write {
                tenant: cast.tenant.id,
                order: outcome.order.clone(),
                expected_version: 0,
                events: std::mem::take(&mut outcome.events),
                idempotency: None,
                schedule: Some(baoxiu_domain::sla::schedule(
                    &outcome.order.details.template.spec().clocks,
                    &outcome.order,
                    simulate::calendar(),
                )),
                notices,
            };
            let store = store.clone();
            writes.spawn(async move { store.write(write).await });
        }
        while let Some(done) = writes.join_next().await {
            done??;
        }
    }
    Ok((counts, refusals))
}

/// Gives a generated order its number, in the order and in its `created` event.
fn number(outcome: &mut Outcome, number: OrderNumber) {
    outcome.order.details.number = Some(number.clone());
    if let Some(Event::Created { order, .. }) = outcome.events.first_mut().map(|r| &mut r.event) {
        order.number = Some(number);
    }
}

/// The password of every demo account, printed with the logins.
pub const DEMO_PASSWORD: &str = "baoxiu-demo";

/// Every person of the demo signs in as `<organisation>.<role><n>` with [`DEMO_PASSWORD`].
/// The password is hashed once and the hash shared: fine for a demo, never for real people.
async fn accounts(store: &SqliteStore, cast: &Cast, hash: &str) -> DemoResult<Vec<(PersonId, String)>> {
    let mut made = Vec::new();
    let mut per_role: std::collections::HashMap<Role, usize> = Default::default();
    let mut writes = JoinSet::new();
    for person in cast.people() {
        let n = per_role.entry(person.role).or_insert(0);
        *n += 1;
        let login = format!("{}.{}{n}", cast.tenant.slug, person.role.as_str());
        let account = Account {
            tenant: cast.tenant.id,
            person: person.id,
            login: Login::parse("login", &login)?,
            phone: None,
            password_hash: hash.to_string(),
            disabled: false,
        };
        let store = store.clone();
        writes.spawn(async move { store.put_account(&account).await });
        made.push((person.id, login));
    }
    while let Some(done) = writes.join_next().await {
        done??;
    }
    Ok(made)
}

/// One person per role, with their login and an API token: the first person holding it.
async fn badges(store: &SqliteStore, cast: &Cast, logins: &[(PersonId, String)]) -> DemoResult<Vec<Badge>> {
    let people = cast.people();
    let mut badges = Vec::new();
    for role in Role::ALL {
        let Some(person) = people.iter().find(|p| p.role == role) else {
            continue;
        };
        badges.push(Badge {
            role,
            name: person.name.clone(),
            station: cast.station_name(person).map(str::to_string),
            login: logins
                .iter()
                .find(|(id, _)| *id == person.id)
                .map(|(_, login)| login.clone())
                .unwrap_or_default(),
            token: issue_token(store, person).await?,
        });
    }
    Ok(badges)
}
