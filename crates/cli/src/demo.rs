//! `baoxiu demo`: builds a fresh database with two organisations — a property-management
//! company and a computer maker's after-sales network — and thousands of orders in every
//! state, each played through the real domain; prints a token per role; then serves it.

mod after_sales;
mod names;
mod org;
mod plan;
mod property;
mod simulate;
mod summary;
#[cfg(test)]
mod tests;
mod words_after_sales;
mod words_products;
mod words_property;
mod words_property_faults;

use crate::cli::DemoArgs;
use crate::org::{ensure_tenant, issue_token};
use crate::serve::{CliResult, serve_until_stopped};
use baoxiu_domain::{Role, State, Store, Template, Tenant, Timestamp, Write};
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
            serve_until_stopped(listener, built.store).await
        }
    }
}

/// Builds the demo database at `options.db`, replacing any file there.
pub async fn build(options: &Options) -> DemoResult<Built> {
    let started = Instant::now();
    remove_database(&options.db)?;
    let store = SqliteStore::open(&options.db).await?;
    let plans: [(&str, &str, Generator); 2] = [
        ("property", words_property::COMPANY, property::order),
        ("after_sales", words_after_sales::COMPANY, after_sales::order),
    ];
    let mut tenants = Vec::new();
    let mut refusals = Vec::new();
    for (i, (slug, name, generate)) in plans.into_iter().enumerate() {
        let mut rng = StdRng::seed_from_u64(options.seed.wrapping_add(i as u64 * 0x9E37_79B9));
        let template = match slug {
            "property" => Template::Property,
            _ => Template::AfterSales,
        };
        let tenant = ensure_tenant(&store, slug, name, &[template]).await?;
        let cast = match slug {
            "property" => org::property(&mut rng, tenant, options.now),
            _ => org::after_sales(&mut rng, tenant, options.now),
        };
        cast.persist(&store).await?;
        let bar = progress(options, &cast)?;
        let (counts, stopped) = write_orders(&store, &cast, options, &mut rng, generate, &bar).await?;
        bar.finish();
        refusals.extend(stopped);
        let badges = badges(&store, &cast).await?;
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

/// Generates and writes the tenant's orders, one write each. Writes are handed to the
/// store a chunk at a time, so its writer commits a whole chunk in one transaction while
/// the next chunk is generated.
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
    let mut writes = JoinSet::new();
    let mut chunk = Vec::with_capacity(CHUNK);
    for index in 0..options.orders {
        match generate(cast, rng, options.now, index) {
            Ok(outcome) => {
                refusals.extend(outcome.refusals);
                let state = outcome.order.state;
                counts[State::ALL.iter().position(|s| *s == state).unwrap_or_default()] += 1;
                chunk.push(Write {
                    tenant: cast.tenant.id,
                    order: outcome.order,
                    expected_version: 0,
                    events: outcome.events,
                    idempotency: None,
                });
            }
            Err(refusal) => refusals.push(refusal),
        }
        if chunk.len() == CHUNK || index + 1 == options.orders {
            for write in chunk.drain(..) {
                let store = store.clone();
                writes.spawn(async move { store.write(write).await });
            }
            // At most one chunk committing while the next one is generated.
            while writes.len() > CHUNK {
                settle(writes.join_next().await, bar)?;
            }
        }
    }
    while let Some(done) = writes.join_next().await {
        settle(Some(done), bar)?;
    }
    Ok((counts, refusals))
}

type Written = Result<Result<baoxiu_domain::WriteOutcome, baoxiu_domain::StoreError>, tokio::task::JoinError>;

fn settle(done: Option<Written>, bar: &ProgressBar) -> DemoResult<()> {
    if let Some(done) = done {
        done??;
        bar.inc(1);
    }
    Ok(())
}

/// One token per role: the first person holding it.
async fn badges(store: &SqliteStore, cast: &Cast) -> DemoResult<Vec<Badge>> {
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
            token: issue_token(store, person).await?,
        });
    }
    Ok(badges)
}
