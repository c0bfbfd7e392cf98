//! `baoxiu timers`, `baoxiu notify`, `baoxiu calendar`, and how `serve` sets up its clocks
//! and channels.

use crate::cli::{CalendarCommand, NotifyCommand, RunArgs, TimersCommand};
use crate::serve::CliResult;
use crate::with_store;
use baoxiu_domain::{Store, Tenant};
use baoxiu_notify::{Channels, Config, Robot, RobotKind, Secret, SmsGateway, Webhook};
use baoxiu_web::clocks::{CalendarChange, ClockBook};
use baoxiu_web::{App, Clock};
use std::path::PathBuf;

/// The clock the server reads: the system's, or (tests) the time written in a file.
pub fn clock(args: &RunArgs) -> Clock {
    match args.clock_file.clone() {
        None => Clock::system(),
        Some(file) => Clock::new(move || read_clock(&file)),
    }
}

fn read_clock(file: &PathBuf) -> baoxiu_domain::Timestamp {
    std::fs::read_to_string(file)
        .ok()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t.trim()).ok())
        .map(|t| t.to_utc())
        .unwrap_or_else(chrono::Utc::now)
}

/// The app on `store` with the organisations' templates and the server's channels; the
/// lines to print at start (one per channel, one per organisation's own template file).
pub fn app<S: Store>(
    store: S,
    args: &RunArgs,
    listening: Option<std::net::SocketAddr>,
) -> Result<(App<S>, Vec<String>), Box<dyn std::error::Error + Send + Sync>> {
    let book = match &args.templates {
        Some(dir) => ClockBook::load(dir).map_err(|e| format!("--templates: {e}"))?,
        None => ClockBook::default(),
    };
    let sms = match (&args.sms_url, &args.sms_key) {
        (Some(url), Some(key)) => Some(SmsGateway {
            url: url.clone(),
            key: Secret(key.clone()),
        }),
        (None, None) => None,
        _ => return Err("--sms-url and --sms-key go together".into()),
    };
    let public_url = args
        .public_url
        .clone()
        .or_else(|| listening.map(|a| format!("http://{a}")))
        .unwrap_or_default();
    let channels = Channels::new(Config {
        sms,
        smtp_url: args.smtp_url.clone().map(Secret),
        mail_from: args.mail_from.clone(),
        public_url,
    })?;
    let mut lines = channels.describe();
    lines.push("webhook, robot: per organisation (baoxiu notify webhook|robot)".into());
    lines.extend(book.describe());
    let app = App::new(store, clock(args))
        .with_templates(book)
        .with_channels(channels);
    Ok((app, lines))
}

pub async fn timers(command: TimersCommand) -> CliResult {
    match command {
        TimersCommand::RunDue { db, run } => {
            let (due, sent) = with_store!(db.db, |store| {
                let (app, _) = app(store.clone(), &run, None)?;
                (app.run_due().await?, app.deliver_due().await?)
            });
            println!(
                "timers: {} orders, {} fired, {} skipped, {} held, {} moved; notices: {} delivered, {} to retry, {} given up",
                due.orders,
                due.fired,
                due.skipped,
                due.held,
                due.moved,
                sent.delivered,
                sent.retrying,
                sent.dead
            );
            Ok(())
        }
    }
}

async fn tenant<S: Store>(store: &S, slug: &str) -> Result<Tenant, String> {
    store
        .tenant_by_slug(slug)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("--tenant: no organisation `{slug}`"))
}

fn secret_from_stdin(wanted: bool) -> Result<Option<Secret>, String> {
    if !wanted {
        return Ok(None);
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the secret: {e}"))?;
    let secret = line.trim().to_string();
    if secret.is_empty() {
        return Err("the secret on standard input is empty".into());
    }
    Ok(Some(Secret(secret)))
}

fn check_url(url: &str) -> Result<(), String> {
    if url.starts_with("https://") || url.starts_with("http://") {
        Ok(())
    } else {
        Err(format!("--url: `{url}` is not an http:// or https:// address"))
    }
}

pub async fn notify(command: NotifyCommand) -> CliResult {
    let (db, slug, channel, settings) = match command {
        NotifyCommand::Webhook {
            db,
            tenant,
            url,
            secret_stdin,
            off,
        } => {
            let settings = match (off, url) {
                (true, _) => None,
                (false, Some(url)) => {
                    check_url(&url)?;
                    let secret = secret_from_stdin(secret_stdin)?.ok_or("a webhook needs --secret-stdin")?;
                    Some(serde_json::to_string(&Webhook { url, secret })?)
                }
                (false, None) => return Err("--url is needed".into()),
            };
            (db, tenant, "webhook", settings)
        }
        NotifyCommand::Robot {
            db,
            tenant,
            kind,
            url,
            secret_stdin,
            off,
        } => {
            let settings = match (off, kind, url) {
                (true, _, _) => None,
                (false, Some(kind), Some(url)) => {
                    let kind = RobotKind::parse(&kind)
                        .ok_or_else(|| format!("--kind: `{kind}` is not wecom, dingtalk or feishu"))?;
                    check_url(&url)?;
                    let secret = secret_from_stdin(secret_stdin)?;
                    Some(serde_json::to_string(&Robot {
                        kind,
                        url: Secret(url),
                        secret,
                    })?)
                }
                _ => return Err("--kind and --url are needed".into()),
            };
            (db, tenant, "robot", settings)
        }
    };
    with_store!(db.db, |store| {
        let tenant = tenant(&store, &slug).await?;
        store
            .put_channel_settings(tenant.id, channel, settings.as_deref())
            .await?
    });
    match settings {
        Some(_) => println!("{slug}: the {channel} is set; a running server uses it from its next delivery"),
        None => println!("{slug}: the {channel} is off"),
    }
    Ok(())
}

pub async fn calendar(command: CalendarCommand) -> CliResult {
    let (db, slug, file, change) = match command {
        CalendarCommand::AddYear { db, tenant, file } => (db, tenant, file, CalendarChange::Year),
        CalendarCommand::Week { db, tenant, file } => (db, tenant, file, CalendarChange::Week),
        CalendarCommand::Show { db, tenant } => return show_calendar(db, tenant).await,
    };
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let moved = with_store!(db.db, |store| {
        let tenant = tenant(&store, &slug).await?;
        let app = App::new(store.clone(), Clock::system());
        app.change_calendar(&tenant, change, &text)
            .await
            .map_err(|e| format!("{}: {}", file.display(), e.body().error.message))?;
        app.reschedule_open(&tenant).await?
    });
    println!(
        "{slug}: {} is in the calendar; {moved} open orders were rescheduled, and a running server uses it within a minute",
        file.display()
    );
    Ok(())
}

async fn show_calendar(db: crate::cli::DbArgs, slug: String) -> CliResult {
    let (tenant, calendar) = with_store!(db.db, |store| {
        let tenant = tenant(&store, &slug).await?;
        let app = App::new(store.clone(), Clock::system());
        let calendar = app.calendar(&tenant).await?;
        (tenant, calendar)
    });
    let years: Vec<String> = calendar.years.iter().map(|y| y.to_string()).collect();
    let periods: Vec<String> = calendar
        .periods
        .iter()
        .map(|(a, b)| format!("{}-{}", a.format("%H:%M"), b.format("%H:%M")))
        .collect();
    let days: Vec<&str> = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        .into_iter()
        .zip(calendar.weekdays)
        .filter_map(|(day, worked)| worked.then_some(day))
        .collect();
    println!(
        "{slug}: {}, {} on {}; holidays known for {}",
        tenant.time_zone,
        periods.join(" "),
        days.join(" "),
        years.join(", ")
    );
    Ok(())
}
