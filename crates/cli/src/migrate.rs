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
/// Photos read per page: each up to 8 MiB.
const PHOTOS: u32 = 8;

fn page(part: Part) -> u32 {
    if part == Part::Uploads { PHOTOS } else { PAGE }
}
/// Records written at once: their writes share the target's commits.
const AT_ONCE: usize = 32;

pub async fn run(args: MigrateStoreArgs) -> CliResult {
    if args.from == args.to {
        return Err("--to: the same database as --from".into());
    }
    let (from_files, to_files) = (args.from_files.as_deref(), args.to_files.as_deref());
    with_store!(args.from, from_files, |from| {
        with_store!(args.to, to_files, |to| move_all(&args, &from, &to).await?)
    });
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
    // Every photo is read once before anything is written: a file missing from the source's
    // folder stops the move here, not after the rest has been written.
    let mut after: Option<String> = None;
    loop {
        let photos = from.export(Part::Uploads, after.as_deref(), PHOTOS).await.map_err(|e| {
            format!("--from: {e} (with SQLite, --from-files names the photos' folder if it is not beside the file); nothing was moved")
        })?;
        match photos.next {
            Some(next) => after = Some(next),
            None => break,
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
            let page = from.export(part, after.as_deref(), page(part)).await?;
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

    // Both read again, page by page in the same key order: every record must be the same
    // (a page at a time of each in memory).
    let mut summary = Vec::new();
    let mut events = Sha256::new();
    let (mut orders_seen, mut events_seen) = (0u64, 0u64);
    for part in Part::ALL {
        let (mut had, mut has) = (Reader::new(from, part), Reader::new(to, part));
        let mut n = 0u64;
        loop {
            let (a, b) = (had.next(&wanted).await?, has.next(&wanted).await?);
            let (a, b) = match (a, b) {
                (None, None) => break,
                (Some(a), Some(b)) => (a, b),
                (a, _) => {
                    let (short, other) = if a.is_some() {
                        (&args.to, &args.from)
                    } else {
                        (&args.from, &args.to)
                    };
                    return Err(format!(
                        "{}: {short} holds fewer than {other} after the move",
                        part.as_str()
                    )
                    .into());
                }
            };
            if a != b {
                return Err(format!("{}: a record differs after the move: {a:?}", part.as_str()).into());
            }
            n += 1;
            if let Record::Order { order, history, .. } = &a {
                orders_seen += 1;
                events_seen += history.len() as u64;
                events.update(order.id.to_string());
                for event in history {
                    events.update(serde_json::to_string(event)?);
                }
            }
        }
        summary.push(format!("{n} {}", part.as_str()));
    }
    println!("moved from {} to {}: {}", args.from, args.to, summary.join(", "));
    println!(
        "checked: every record the same in both; {orders_seen} orders with {events_seen} events, sha256 {:x} in both",
        events.finalize()
    );
    Ok(())
}

/// The records of one part a store holds, one at a time, read a page at a time.
struct Reader<'a, S> {
    store: &'a S,
    part: Part,
    page: std::collections::VecDeque<Record>,
    after: Option<String>,
    done: bool,
}

impl<'a, S: Store> Reader<'a, S> {
    fn new(store: &'a S, part: Part) -> Self {
        Reader {
            store,
            part,
            page: Default::default(),
            after: None,
            done: false,
        }
    }

    /// The next record `wanted` keeps; `None` after the last.
    async fn next(
        &mut self,
        wanted: &impl Fn(&Record) -> bool,
    ) -> Result<Option<Record>, baoxiu_domain::StoreError> {
        loop {
            if let Some(record) = self.page.pop_front() {
                if wanted(&record) {
                    return Ok(Some(record));
                }
                continue;
            }
            if self.done {
                return Ok(None);
            }
            let page = self
                .store
                .export(self.part, self.after.as_deref(), page(self.part))
                .await?;
            self.page.extend(page.records);
            match page.next {
                Some(next) => self.after = Some(next),
                None => self.done = true,
            }
        }
    }
}
