//! The clocks at work (X01–X03): which template files each organisation runs on, its
//! business calendar, the clocks followed on every write, the background step that fires
//! what is due, and the notices a firing sends.

use crate::App;
use crate::pages::i18n::{Lang, Tr};
use baoxiu_domain::calendar::{Week, YearFile, china};
use baoxiu_domain::sla::{self, ClockDef, ClockState, NotifyChannel, Schedule};
use baoxiu_domain::{
    Calendar, Event, EventRecord, Notice, Person, Store, StoreError, Template, TemplateError, TemplateSpec,
    Tenant, TenantId, Timestamp, WorkOrder,
};
use baoxiu_notify::OrgChannels;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, RwLock};

/// The templates as files: the shipped ones, and each organisation's own clocks and ladders
/// (`DIR/<organisation>/<template>.toml`).
#[derive(Default)]
pub struct ClockBook {
    overrides: HashMap<(String, Template), TemplateSpec>,
    /// Each organisation's calendar as last read, and when: re-read after a minute, so a year
    /// an admin adds elsewhere (the command line, another server) is used within a minute.
    calendars: RwLock<HashMap<TenantId, (std::time::Instant, Arc<Calendar>)>>,
}

/// How long a calendar read from the store is used before it is read again.
/// How long a server holds the timers it took for one background step, when several servers
/// share a database: another server takes them over only after this (the first stopped
/// before deciding them). Longer than a step takes, far shorter than any clock's levels; a
/// decision is also guarded by the order's version, so a lease that ran out writes nothing
/// twice.
const TIMER_LEASE: chrono::Duration = chrono::Duration::minutes(2);

/// How long a server holds the outbox messages it took: longer than the slowest step (200
/// messages, 16 at a time, each up to a receiver's timeout), so a message is never sent by
/// two servers at once. A server that dies holding some delays them by this much.
const DELIVERY_LEASE: chrono::Duration = chrono::Duration::minutes(10);

const CALENDAR_FRESH: std::time::Duration = std::time::Duration::from_secs(60);

impl ClockBook {
    /// Reads every organisation's files under `dir`. A file that cannot be used stops the
    /// start with its file, line and field.
    pub fn load(dir: &Path) -> Result<ClockBook, TemplateError> {
        let error = |file: &Path, message: String| TemplateError {
            file: file.display().to_string(),
            line: 1,
            field: "file".into(),
            message,
        };
        let mut book = ClockBook::default();
        let orgs = std::fs::read_dir(dir).map_err(|e| error(dir, e.to_string()))?;
        for org in orgs {
            let org = org.map_err(|e| error(dir, e.to_string()))?.path();
            if !org.is_dir() {
                continue;
            }
            let slug = org
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            for file in std::fs::read_dir(&org).map_err(|e| error(&org, e.to_string()))? {
                let path = file.map_err(|e| error(&org, e.to_string()))?.path();
                let Some(name) = path.file_stem().and_then(|n| n.to_str()) else {
                    continue;
                };
                if path.extension().and_then(|e| e.to_str()) != Some("toml") {
                    continue;
                }
                let template = Template::parse(name).ok_or_else(|| {
                    error(
                        &path,
                        format!(
                            "`{name}` is not a template; the templates are {}",
                            Template::names(&Template::ALL)
                        ),
                    )
                })?;
                let text = std::fs::read_to_string(&path).map_err(|e| error(&path, e.to_string()))?;
                let spec = template
                    .spec()
                    .with_override(&path.display().to_string(), &text)?;
                book.overrides.insert((slug.clone(), template), spec);
            }
        }
        Ok(book)
    }

    /// The template as this organisation runs it.
    pub fn spec(&self, tenant: &Tenant, template: Template) -> &TemplateSpec {
        self.overrides
            .get(&(tenant.slug.clone(), template))
            .unwrap_or_else(|| template.spec())
    }

    pub fn defs(&self, tenant: &Tenant, template: Template) -> &[ClockDef] {
        &self.spec(tenant, template).clocks
    }

    /// One line per organisation's own file, for the start.
    pub fn describe(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .overrides
            .iter()
            .map(|((slug, template), spec)| {
                format!(
                    "{slug}: its own {} clocks ({})",
                    template.as_str(),
                    spec.clocks.len()
                )
            })
            .collect();
        lines.sort();
        lines
    }
}

/// What an admin changes of an organisation's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarChange {
    /// A year of public holidays and make-up working days.
    Year,
    /// The working periods of a day and the days worked.
    Week,
}

/// A clock as the API and the pages show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClockView {
    pub clock: String,
    /// The rule it keeps (`B02`).
    pub rule: String,
    /// `running`, `paused`, `met` or `stopped`.
    pub state: &'static str,
    pub deadline: Option<chrono::DateTime<chrono::Utc>>,
    /// Why it waits, while paused: `customer`, `parts`, `vendor`, `approval`.
    pub paused_for: Option<String>,
    /// Past its deadline (still running, or met or stopped after it).
    pub late: bool,
    /// Why it cannot be computed (a calendar year is missing); never a guess.
    pub problem: Option<String>,
}

/// What one background step did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct DueReport {
    pub orders: usize,
    pub fired: usize,
    pub skipped: usize,
    pub held: usize,
    /// Timers that had moved (a changed template) and were put at their new time.
    pub moved: usize,
    /// Orders whose timers could not be decided this step (tried again next step).
    pub failed: usize,
}

impl DueReport {
    fn add(&mut self, other: &DueReport) {
        self.orders += other.orders;
        self.fired += other.fired;
        self.skipped += other.skipped;
        self.held += other.held;
        self.moved += other.moved;
        self.failed += other.failed;
    }
}

/// What one delivery step did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryReport {
    pub delivered: usize,
    pub retrying: usize,
    pub dead: usize,
}

/// Timers decided per background step at most: a backlog (after a long stop) drains over a
/// few steps rather than in one long one.
const DUE_PER_STEP: u32 = 1000;
/// Orders decided at once in a step: enough for their writes to fill the store's batches.
const ORDERS_IN_FLIGHT: usize = 64;
/// Outbox messages tried per step at most.
const DELIVERIES_PER_STEP: u32 = 200;
/// Outbox messages in flight at once: a slow receiver holds up only its own.
const DELIVERIES_AT_ONCE: usize = 16;

impl<S: Store> App<S> {
    /// The organisation's business calendar: the mainland-China years baoxiu ships, and
    /// the years its admin added, in its time zone.
    pub async fn calendar(&self, tenant: &Tenant) -> Result<Arc<Calendar>, StoreError> {
        let known = self
            .clocks
            .calendars
            .read()
            .expect("calendars lock")
            .get(&tenant.id)
            .cloned();
        if let Some((read, calendar)) = known
            && read.elapsed() < CALENDAR_FRESH
        {
            return Ok(calendar);
        }
        let mut calendar = china::office();
        calendar.zone = tenant.zone();
        if let Some(text) = self.store.working_week(tenant.id).await? {
            match Week::parse(&text) {
                Ok(week) => calendar.set_week(&week),
                Err(e) => {
                    tracing::warn!(tenant = %tenant.slug, error = %e, "the stored working week cannot be read")
                }
            }
        }
        for (year, text) in self.store.calendar_years(tenant.id).await? {
            match YearFile::parse(&text) {
                Ok(file) => calendar.add_year(&file),
                Err(e) => {
                    tracing::warn!(tenant = %tenant.slug, year, error = %e, "a stored calendar year cannot be read")
                }
            }
        }
        let calendar = Arc::new(calendar);
        self.clocks
            .calendars
            .write()
            .expect("calendars lock")
            .insert(tenant.id, (std::time::Instant::now(), calendar.clone()));
        Ok(calendar)
    }

    /// Changes the organisation's calendar from a file: adds (or replaces) a year of
    /// holidays, or sets the working week. Checked first, with the field named; the
    /// calendar is read again at its next use. Reschedule the open orders after it
    /// ([`App::reschedule_open`]).
    pub async fn change_calendar(
        &self,
        tenant: &Tenant,
        change: CalendarChange,
        text: &str,
    ) -> Result<(), crate::ApiError> {
        match change {
            CalendarChange::Year => {
                let year = YearFile::parse(text)?;
                self.store.put_calendar_year(tenant.id, year.year, text).await?;
            }
            CalendarChange::Week => {
                Week::parse(text)?;
                self.store.put_working_week(tenant.id, text).await?;
            }
        }
        self.clocks
            .calendars
            .write()
            .expect("calendars lock")
            .remove(&tenant.id);
        Ok(())
    }

    pub fn clock_defs(&self, tenant: &Tenant, template: Template) -> &[ClockDef] {
        self.clocks.defs(tenant, template)
    }

    /// Follows the clocks through `records` (applied to `order`, which was `before`) and
    /// says what the store keeps of them.
    pub(crate) async fn follow_clocks(
        &self,
        tenant: &Tenant,
        before: Option<&WorkOrder>,
        order: &mut WorkOrder,
        records: &[EventRecord],
    ) -> Result<Schedule, StoreError> {
        let defs = self.clock_defs(tenant, order.details.template);
        order.clocks = sla::follow(defs, tenant.zone(), tenant.id, before, records);
        let calendar = self.calendar(tenant).await?;
        let schedule = sla::schedule(defs, order, &calendar);
        for (clock, problem) in &schedule.problems {
            tracing::warn!(order = %order.id, clock, error = %problem, "a clock cannot be computed");
        }
        Ok(schedule)
    }

    /// The order's clocks as people see them.
    pub async fn clock_views(
        &self,
        tenant: &Tenant,
        order: &WorkOrder,
    ) -> Result<Vec<ClockView>, StoreError> {
        let defs = self.clock_defs(tenant, order.details.template);
        let calendar = self.calendar(tenant).await?;
        Ok(order
            .clocks
            .iter()
            .filter_map(|log| {
                let def = defs.iter().find(|d| d.id == log.clock)?;
                Some(match log.status(def, order, &calendar) {
                    Ok(status) => ClockView {
                        clock: def.id.clone(),
                        rule: def.rule.clone(),
                        state: status.state.as_str(),
                        deadline: Some(status.deadline),
                        paused_for: status.paused_for,
                        late: status.late
                            || (matches!(status.state, ClockState::Running | ClockState::Paused)
                                && status.deadline < self.clock.now()),
                        problem: None,
                    },
                    Err(e) => ClockView {
                        clock: def.id.clone(),
                        rule: def.rule.clone(),
                        state: "running",
                        deadline: None,
                        paused_for: None,
                        late: false,
                        problem: Some(e.to_string()),
                    },
                })
            })
            .collect())
    }

    /// The people notices may go to: everyone whose account is not disabled (people with
    /// no account, reached only by SMS or e-mail, included).
    async fn told_people(&self, tenant: TenantId) -> Result<Vec<Person>, StoreError> {
        let disabled: Vec<baoxiu_domain::PersonId> = self
            .store
            .accounts(tenant)
            .await?
            .into_iter()
            .filter(|a| a.disabled)
            .map(|a| a.person)
            .collect();
        let mut people = self.store.people(tenant).await?;
        people.retain(|p| !disabled.contains(&p.id));
        Ok(people)
    }

    /// The organisation's own channels (its webhook, its robot).
    pub async fn org_channels(&self, tenant: TenantId) -> Result<OrgChannels, StoreError> {
        let rows = self.store.channel_settings(tenant).await?;
        OrgChannels::from_settings(&rows).map_err(StoreError::Backend)
    }

    /// The notices `records` cause: each escalation, to the people of its roles by its
    /// channels; a channel the organisation or this server has not set up is skipped.
    pub async fn notices_for(
        &self,
        tenant: &Tenant,
        order: &WorkOrder,
        records: &[EventRecord],
        people: &[Person],
    ) -> Result<Vec<Notice>, StoreError> {
        let escalations: Vec<&EventRecord> = records
            .iter()
            .filter(|r| matches!(r.event, Event::Escalated { .. }))
            .collect();
        if escalations.is_empty() {
            return Ok(Vec::new());
        }
        let org = self.org_channels(tenant.id).await?;
        Ok(self.notices_with(tenant, order, &escalations, people, &org))
    }

    /// [`App::notices_for`] with the organisation's channel settings already read.
    fn notices_with(
        &self,
        tenant: &Tenant,
        order: &WorkOrder,
        escalations: &[&EventRecord],
        people: &[Person],
        org: &OrgChannels,
    ) -> Vec<Notice> {
        let tr = Tr::new(Lang::ZhCn);
        let mut notices = Vec::new();
        for &record in escalations {
            let Event::Escalated {
                clock,
                level,
                late_by_seconds: _,
                tell,
                channels,
                opens: _,
            } = &record.event
            else {
                continue;
            };
            let number = order
                .number()
                .map_or_else(|| order.id.to_string(), |n| n.as_str().to_string());
            let clock_name = tr.word("clock", clock);
            let subject = tr.f(
                "notice.escalated_subject",
                &[
                    ("number", &number),
                    ("clock", &clock_name),
                    ("level", &level.to_string()),
                ],
            );
            let text = tr.f(
                "notice.escalated_text",
                &[
                    ("number", &number),
                    ("clock", &clock_name),
                    ("state", &tr.word("state", order.state.as_str())),
                    ("address", &order.details.location.address),
                ],
            );
            let base = Notice {
                id: crate::service::new_v7(record.at),
                tenant: tenant.id,
                order: Some(order.id),
                channel: NotifyChannel::Inbox,
                person: None,
                address: String::new(),
                kind: "escalated".into(),
                subject,
                text,
                link: format!("/orders/{}", order.id),
                created_at: record.at,
            };
            for channel in channels {
                if !self.channels.configured(*channel, org) {
                    continue;
                }
                match channel {
                    NotifyChannel::Webhook | NotifyChannel::Robot => notices.push(Notice {
                        id: crate::service::new_v7(record.at),
                        channel: *channel,
                        ..base.clone()
                    }),
                    NotifyChannel::Inbox | NotifyChannel::Sms | NotifyChannel::Email => {
                        for person in people
                            .iter()
                            .filter(|p| tell.iter().any(|role| sla::told(*role, order, p)))
                        {
                            let address = match channel {
                                NotifyChannel::Sms => person.phone.clone(),
                                NotifyChannel::Email => person.email.clone(),
                                _ => Some(String::new()),
                            };
                            let Some(address) =
                                address.filter(|a| !a.is_empty() || *channel == NotifyChannel::Inbox)
                            else {
                                continue;
                            };
                            notices.push(Notice {
                                id: crate::service::new_v7(record.at),
                                channel: *channel,
                                person: Some(person.id),
                                address,
                                ..base.clone()
                            });
                        }
                    }
                }
            }
        }
        notices
    }

    /// B01: the customer's verification code, by SMS when the server has a gateway.
    pub(crate) fn code_notice(&self, tenant: &Tenant, order: &WorkOrder, at: Timestamp) -> Option<Notice> {
        if !order.asks_code()
            || !self
                .channels
                .configured(NotifyChannel::Sms, &OrgChannels::default())
        {
            return None;
        }
        let tr = Tr::new(Lang::ZhCn);
        let number = order
            .number()
            .map_or_else(|| order.id.to_string(), |n| n.as_str().to_string());
        Some(Notice {
            id: crate::service::new_v7(at),
            tenant: tenant.id,
            order: Some(order.id),
            channel: NotifyChannel::Sms,
            person: None,
            address: order.details.customer.phone.as_str().to_string(),
            kind: "verification_code".into(),
            subject: tr.f("notice.code_subject", &[("number", &number)]),
            text: tr.f(
                "notice.code_text",
                &[("number", &number), ("code", order.verification.code.as_str())],
            ),
            link: format!("/orders/{}", order.id),
            created_at: at,
        })
    }

    /// One background step: decides every timer due by now (at most [`DUE_PER_STEP`]),
    /// order by order. Each decision is an event written with the order's new timers and
    /// its notices in one transaction, so after a crash a timer has fired exactly once or
    /// not yet. A fired level is marked late by how long it waited.
    pub async fn run_due(&self) -> Result<DueReport, StoreError> {
        use futures_util::stream::{self, StreamExt};
        let now = self.clock.now();
        let due = self
            .store
            .take_due_timers(now, now + TIMER_LEASE, DUE_PER_STEP)
            .await?;
        let mut orders: Vec<(TenantId, baoxiu_domain::OrderId)> =
            due.iter().map(|t| (t.tenant, t.order)).collect();
        orders.dedup();
        orders.sort();
        orders.dedup();
        let mut report = DueReport::default();
        // What a step needs of each organisation is read once: its people and its channels.
        type Known = (Tenant, Vec<Person>, Result<OrgChannels, StoreError>);
        let mut tenants: HashMap<TenantId, Arc<Known>> = HashMap::new();
        let mut jobs = Vec::with_capacity(orders.len());
        for (tenant_id, order_id) in orders {
            let known = match tenants.entry(tenant_id) {
                std::collections::hash_map::Entry::Occupied(known) => known.get().clone(),
                std::collections::hash_map::Entry::Vacant(slot) => {
                    let Some(tenant) = self.store.tenant(tenant_id).await? else {
                        continue;
                    };
                    let people = self.told_people(tenant_id).await?;
                    // Settings that cannot be read hold up only this organisation's orders.
                    let org = self.org_channels(tenant_id).await;
                    slot.insert(Arc::new((tenant, people, org))).clone()
                }
            };
            jobs.push((known, order_id));
        }
        // Orders are decided a few dozen at a time, so their writes share the store's
        // batches (one disk sync for many) instead of paying one sync each.
        let mut decided = stream::iter(jobs)
            .map(|(known, order_id)| async move {
                let (tenant, people, org) = &*known;
                let mut one = DueReport {
                    orders: 1,
                    ..DueReport::default()
                };
                // One order that cannot be decided (a broken row) holds up no other.
                let fired = match org {
                    Ok(org) => self.fire_order(tenant, people, org, order_id, &mut one).await,
                    Err(e) => Err(e.clone()),
                };
                if let Err(e) = fired {
                    tracing::warn!(order = %order_id, error = %e, "the order's timers cannot be decided now");
                    one.failed += 1;
                    // Offered again at the next step, as if never taken.
                    if let Err(e) = self.store.release_timers(tenant.id, order_id).await {
                        tracing::warn!(order = %order_id, error = %e, "the order's timers stay taken until their lease ends");
                    }
                }
                one
            })
            .buffer_unordered(ORDERS_IN_FLIGHT);
        while let Some(one) = decided.next().await {
            report.add(&one);
        }
        Ok(report)
    }

    async fn fire_order(
        &self,
        tenant: &Tenant,
        people: &[Person],
        org: &OrgChannels,
        id: baoxiu_domain::OrderId,
        report: &mut DueReport,
    ) -> Result<(), StoreError> {
        // A command may win the race for the order; decide again on the fresh one, at the
        // time of that attempt (the history never goes back in time).
        for _ in 0..8 {
            let Some(before) = self.store.order(tenant.id, id).await? else {
                return Ok(());
            };
            let now = self.clock.now();
            let defs = self.clock_defs(tenant, before.details.template);
            let calendar = self.calendar(tenant).await?;
            let mut order = before.clone();
            let records = sla::fire_due(defs, &calendar, &mut order, now, false);
            let schedule = sla::schedule(defs, &order, &calendar);
            if records.is_empty() {
                // Nothing was due after all: the template moved the timer. Put it where it is now.
                if self
                    .store
                    .reschedule(tenant.id, id, before.version, &schedule)
                    .await?
                {
                    report.moved += 1;
                    return Ok(());
                }
                continue;
            }
            let escalations: Vec<&EventRecord> = records
                .iter()
                .filter(|r| matches!(r.event, Event::Escalated { .. }))
                .collect();
            let notices = self.notices_with(tenant, &order, &escalations, people, org);
            for record in &records {
                match record.event {
                    Event::Escalated { .. } => report.fired += 1,
                    Event::EscalationSkipped { .. } => report.skipped += 1,
                    Event::EscalationHeld { .. } => report.held += 1,
                    _ => {}
                }
            }
            let write = baoxiu_domain::Write {
                tenant: tenant.id,
                expected_version: before.version,
                events: records,
                idempotency: None,
                order,
                schedule: Some(schedule),
                notices,
            };
            let changed = self.listening().then(|| write.order.clone());
            match self.store.write(write).await {
                Ok(_) => {
                    if let Some(order) = changed {
                        self.changed(&order);
                    }
                    return Ok(());
                }
                Err(StoreError::VersionConflict) => continue,
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// One delivery step: tries every outbox message due by now, once each, a few at a
    /// time, each at its own moment (its signature's timestamp and its retry time are the
    /// time it was sent). An organisation whose settings cannot be read is skipped this
    /// step; the others go on.
    pub async fn deliver_due(&self) -> Result<DeliveryReport, StoreError> {
        use futures_util::stream::{self, StreamExt};
        let now = self.clock.now();
        let due = self
            .store
            .take_deliveries(now, now + DELIVERY_LEASE, DELIVERIES_PER_STEP)
            .await?;
        let mut settings: HashMap<TenantId, Option<OrgChannels>> = HashMap::new();
        for tenant in due.iter().map(|d| d.notice.tenant) {
            if let std::collections::hash_map::Entry::Vacant(slot) = settings.entry(tenant) {
                slot.insert(match self.org_channels(tenant).await {
                    Ok(org) => Some(org),
                    Err(e) => {
                        tracing::warn!(%tenant, error = %e, "the organisation's channel settings cannot be read");
                        None
                    }
                });
            }
        }
        let jobs: Vec<(baoxiu_domain::Delivery, Option<OrgChannels>)> = due
            .into_iter()
            .map(|d| {
                let org = settings.get(&d.notice.tenant).cloned().flatten();
                (d, org)
            })
            .collect();
        let attempts: Vec<Option<baoxiu_domain::Attempt>> = stream::iter(jobs)
            .map(|(delivery, org)| {
                let app = self.clone();
                async move { app.deliver_one(delivery, org?).await }
            })
            .buffer_unordered(DELIVERIES_AT_ONCE)
            .collect()
            .await;
        let mut report = DeliveryReport::default();
        for attempt in attempts.into_iter().flatten() {
            match attempt {
                baoxiu_domain::Attempt::Delivered => report.delivered += 1,
                baoxiu_domain::Attempt::Retry { .. } => report.retrying += 1,
                baoxiu_domain::Attempt::Dead { .. } => report.dead += 1,
            }
        }
        Ok(report)
    }

    /// Tries one message now and records the attempt; `None` if it cannot be recorded (the
    /// message stays pending and is tried again: at least once).
    async fn deliver_one(
        self,
        delivery: baoxiu_domain::Delivery,
        org: OrgChannels,
    ) -> Option<baoxiu_domain::Attempt> {
        let now = self.clock.now();
        let attempt = match self
            .channels
            .deliver(&delivery.notice, &org, now.timestamp_millis())
            .await
        {
            Ok(()) => baoxiu_domain::Attempt::Delivered,
            Err(failure) => {
                tracing::warn!(message = %delivery.notice.id, channel = delivery.notice.channel.as_str(), error = %failure, "a delivery failed");
                baoxiu_domain::notify::failed(delivery.attempts + 1, failure.0, now)
            }
        };
        match self.store.record_attempt(delivery.notice.id, now, &attempt).await {
            Ok(()) => Some(attempt),
            Err(e) => {
                tracing::warn!(message = %delivery.notice.id, error = %e, "a delivery attempt cannot be recorded");
                None
            }
        }
    }

    /// Puts every open order's timers and deadlines where the organisation's calendar now
    /// says (a year was added, the working week changed): clocks that could not be counted
    /// get their timers, deadlines that moved earlier come due. Returns how many orders.
    pub async fn reschedule_open(&self, tenant: &Tenant) -> Result<usize, StoreError> {
        let calendar = self.calendar(tenant).await?;
        let mut done = 0;
        for state in baoxiu_domain::State::ALL {
            if matches!(
                state,
                baoxiu_domain::State::Archived | baoxiu_domain::State::Cancelled
            ) {
                continue;
            }
            let mut after = None;
            loop {
                let query = baoxiu_domain::OrderQuery {
                    state: Some(state),
                    after,
                    limit: 200,
                    ..baoxiu_domain::OrderQuery::default()
                };
                let page = self.store.list(tenant.id, &query).await?;
                for order in &page.orders {
                    let defs = self.clock_defs(tenant, order.details.template);
                    let schedule = sla::schedule(defs, order, &calendar);
                    // An order that moved on meanwhile was scheduled by its own write.
                    if self
                        .store
                        .reschedule(tenant.id, order.id, order.version, &schedule)
                        .await?
                    {
                        done += 1;
                    }
                }
                match page.next {
                    Some(next) => after = Some(next),
                    None => break,
                }
            }
        }
        Ok(done)
    }
}
