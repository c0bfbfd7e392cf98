//! `baoxiu migrate-store`: moves every organisation (or one) from one database to another,
//! an SQLite file to PostgreSQL or back, then reads both again and compares them record by
//! record, with a checksum of every order's events.

use crate::cli::MigrateStoreArgs;
use crate::serve::CliResult;
use crate::with_store;
use baoxiu_domain::archive::{Part, Record};
use baoxiu_domain::{OrderQuery, Store, TenantId};
use futures_util::stream::{self, StreamExt, TryStreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use sha2::{Digest, Sha256};

/// Records read per page.
const PAGE: u32 = 500;
/// Records written at once: their writes share the target's commits.
const AT_ONCE: usize = 32;

pub async fn run(args: MigrateStoreArgs) -> CliResult {
    if args.from == args.to {
        return Err("--to: the same database as --from".into());
    }
    with_store!(args.from, |from| with_store!(args.to, |to| move_all(
        &args, &from, &to
    )
    .await?));
    Ok(())
}

async fn move_all<A: Store, B: Store>(args: &MigrateStoreArgs, from: &A, to: &B) -> CliResult {
    let tenants: Vec<TenantId> = from
        .export(Part::Tenants, None, PAGE)
        .await?
        .records
        .iter()
        .filter(|r| match (&args.tenant, r) {
            (Some(slug), Record::Tenant(t)) => &t.slug == slug,
            _ => true,
        })
        .map(Record::tenant)
        .collect();
    if tenants.is_empty() {
        return Err(match &args.tenant {
            Some(slug) => format!("--tenant: no organisation `{slug}` in {}", args.from),
            None => format!("--from: {} holds no organisation", args.from),
        }
        .into());
    }
    for tenant in &tenants {
        if to.tenant(*tenant).await?.is_some() {
            return Err(format!(
                "--to: {} already holds organisation {tenant}; nothing was moved",
                args.to
            )
            .into());
        }
    }
    let mut orders = 0;
    for tenant in &tenants {
        let counts = from.count_by_state(*tenant, &OrderQuery::default()).await?;
        orders += counts.unwrap_or_default().iter().map(|(_, n)| n).sum::<u64>();
    }
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(orders)
    };
    bar.set_style(ProgressStyle::with_template(
        "{msg:30} {wide_bar} {pos}/{len} orders ({elapsed})",
    )?);

    let wanted = |r: &Record| tenants.contains(&r.tenant());
    for part in Part::ALL {
        bar.set_message(part.as_str());
        let mut after: Option<String> = None;
        loop {
            let page = from.export(part, after.as_deref(), PAGE).await?;
            let records: Vec<Record> = page.records.into_iter().filter(wanted).collect();
            let n = records.len();
            stream::iter(records.into_iter().map(|r| to.import(vec![r])))
                .buffer_unordered(AT_ONCE)
                .try_collect::<Vec<()>>()
                .await
                .map_err(|e| format!("writing {} to {}: {e}", part.as_str(), args.to))?;
            if part == Part::Orders {
                bar.inc(n as u64);
            }
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
    }
    bar.finish_with_message("moved; checking");

    // Both read again, page by page in the same key order: every record must be the same.
    let mut summary = Vec::new();
    let mut events = Sha256::new();
    let (mut orders_seen, mut events_seen) = (0u64, 0u64);
    for part in Part::ALL {
        let (had, has) = (
            read_all(from, part, &wanted).await?,
            read_all(to, part, &wanted).await?,
        );
        if had.len() != has.len() {
            return Err(format!(
                "{}: {} in {} but {} in {}",
                part.as_str(),
                had.len(),
                args.from,
                has.len(),
                args.to
            )
            .into());
        }
        if let Some((a, _)) = had.iter().zip(&has).find(|(a, b)| a != b) {
            return Err(format!("{}: a record differs after the move: {a:?}", part.as_str()).into());
        }
        for (a, b) in had.iter().zip(&has) {
            if let (
                Record::Order {
                    order, history: h1, ..
                },
                Record::Order { history: h2, .. },
            ) = (a, b)
            {
                orders_seen += 1;
                events_seen += h1.len() as u64;
                events.update(order.id.to_string());
                for (e1, e2) in h1.iter().zip(h2) {
                    let (j1, j2) = (serde_json::to_string(e1)?, serde_json::to_string(e2)?);
                    if j1 != j2 {
                        return Err(
                            format!("order {}: event {} differs after the move", order.id, e1.seq).into(),
                        );
                    }
                    events.update(j1);
                }
            }
        }
        summary.push(format!("{} {}", had.len(), part.as_str()));
    }
    println!("moved from {} to {}: {}", args.from, args.to, summary.join(", "));
    println!(
        "checked: every record the same in both; {orders_seen} orders with {events_seen} events, sha256 {:x} in both",
        events.finalize()
    );
    Ok(())
}

async fn read_all<S: Store>(
    store: &S,
    part: Part,
    wanted: &impl Fn(&Record) -> bool,
) -> Result<Vec<Record>, baoxiu_domain::StoreError> {
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store.export(part, after.as_deref(), PAGE).await?;
        out.extend(page.records.into_iter().filter(|r| wanted(r)));
        match page.next {
            Some(next) => after = Some(next),
            None => return Ok(out),
        }
    }
}
