//! Plays an order's life through the real domain: `WorkOrder::open`, then one
//! `execute` per step with a historical `now`. A story stops at the state the order should
//! be left in, or earlier if its next step would fall after the present.

use baoxiu_domain::calendar::{Calendar, china as holidays};
use baoxiu_domain::sla::{self, ClockDef};
use baoxiu_domain::{
    Command, CommandName, CommitmentKind, EventRecord, NewOrder, Person, PersonRef, Priority, Refused, Role,
    Satisfaction, Signature, State, Timestamp, VerificationCode, WorkOrder,
};
use chrono::{Days, Duration, FixedOffset, NaiveDate, TimeZone, Timelike};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use std::sync::LazyLock;

/// A 1×1 PNG: the customer's signature as the app would upload it.
pub const SIGNATURE_PNG: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

/// How an order is created: what was reported, and by whom.
pub struct Opening {
    pub new: NewOrder,
    pub by: PersonRef,
}

/// One generated order: its final state and every event the domain produced for it.
pub struct Outcome {
    pub order: WorkOrder,
    pub events: Vec<EventRecord>,
    /// Commands the domain refused (a generator bug: the story stopped there).
    pub refusals: Vec<String>,
}

/// An order being played.
pub struct Sim {
    pub rng: StdRng,
    /// The time of the last step.
    pub t: Timestamp,
    limit: Timestamp,
    target: State,
    order: WorkOrder,
    events: Vec<EventRecord>,
    done: bool,
    refusals: Vec<String>,
}

/// Why a first service time was agreed as it was: the customer's wish, as desks note it.
const BOOKINGS: &[&str] = &[
    "按用户要求约定上门时间",
    "用户白天上班，约定下班后上门",
    "用户要求尽快上门",
    "用户周末在家，约定周末上门",
    "与用户电话确认上门时间",
];

pub fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

pub fn local(date: NaiveDate, hour: u32, minute: u32) -> Timestamp {
    let naive = date.and_hms_opt(hour, minute, 0).expect("valid time of day");
    china()
        .from_local_datetime(&naive)
        .single()
        .expect("a fixed offset is unambiguous")
        .to_utc()
}

/// The demo organisations' calendar: a mainland office.
pub fn calendar() -> &'static Calendar {
    static OFFICE: LazyLock<Calendar> = LazyLock::new(holidays::office);
    &OFFICE
}

impl Sim {
    /// A story about to be played on a freshly opened order.
    pub fn new(
        seed: u64,
        limit: Timestamp,
        target: State,
        mut order: WorkOrder,
        events: Vec<EventRecord>,
    ) -> Sim {
        let defs = &order.details.template.spec().clocks;
        order.clocks = sla::follow(defs, calendar().zone, order.tenant, None, &events);
        Sim {
            rng: StdRng::seed_from_u64(seed),
            t: events[0].at,
            limit,
            target,
            order,
            events,
            done: false,
            refusals: Vec::new(),
        }
    }

    fn defs(&self) -> &'static [ClockDef] {
        &self.order.details.template.spec().clocks
    }

    /// Fires the clocks' levels due by `at`, each at the moment it was due, as the server
    /// would have.
    fn clocks_until(&mut self, at: Timestamp) {
        let records = sla::fire_due(self.defs(), calendar(), &mut self.order, at, true);
        self.events.extend(records);
    }

    /// When a clock's level comes due on the order as it stands.
    pub fn due_of(&self, clock: &str, level: u8) -> Option<Timestamp> {
        let timers = sla::timers(self.defs(), &self.order, calendar()).ok()?;
        timers
            .into_iter()
            .find(|t| t.clock == clock && t.level == level)
            .map(|t| t.at)
    }

    /// When the order was reported (T1).
    pub fn reported(&self) -> Timestamp {
        self.order.timeline.reported_at.unwrap_or(self.t)
    }

    /// Lets time pass to `at` with nothing done.
    pub fn wait_until(&mut self, at: Timestamp) {
        self.t = self.t.max(at);
    }

    /// The order as the story left it: every level due by the present fired, and what the
    /// store keeps of its clocks.
    pub fn outcome(mut self) -> Outcome {
        self.clocks_until(self.limit);
        Outcome {
            order: self.order,
            events: self.events,
            refusals: self.refusals,
        }
    }

    pub fn mins(&mut self, lo: i64, hi: i64) -> Duration {
        Duration::milliseconds(self.rng.random_range(lo * 60_000..hi * 60_000))
    }

    pub fn hours(&mut self, lo: i64, hi: i64) -> Duration {
        self.mins(lo * 60, hi * 60)
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        items
            .choose(&mut self.rng)
            .expect("the demo never picks from an empty list")
    }

    /// Moves `at` into the working day (08:00–21:00 in China).
    pub fn working(&mut self, at: Timestamp) -> Timestamp {
        let here = at.with_timezone(&china());
        if (8..21).contains(&here.hour()) {
            return at;
        }
        let mut date = here.date_naive();
        if here.hour() >= 21 {
            date = date + Days::new(1);
        }
        local(date, 8, 0) + self.mins(5, 120)
    }

    /// An appointment (09:00–19:30, on the hour or half hour) `days` days after `earliest`,
    /// never before it.
    pub fn appointment(&mut self, earliest: Timestamp, days: std::ops::RangeInclusive<u64>) -> Timestamp {
        let hour = *self.pick(&[9, 9, 10, 10, 10, 11, 13, 14, 14, 15, 15, 16, 17, 18, 19]);
        let minute = if self.chance(0.5) { 0 } else { 30 };
        let date = earliest.with_timezone(&china()).date_naive() + Days::new(self.rng.random_range(days));
        let mut at = local(date, hour, minute);
        while at < earliest {
            at += Duration::days(1);
        }
        at
    }

    /// The service time currently committed (the latest T3x).
    pub fn committed(&self) -> Option<Timestamp> {
        self.order.current_commitment().map(|c| c.at)
    }

    /// Runs `command` `gap` after the previous step. Station staff start new work in the
    /// daytime unless it is an emergency; the desk and customers act at any hour.
    pub fn step(&mut self, who: &Person, gap: Duration, command: Command) -> Option<()> {
        let mut at = self.t + gap;
        // A power crew restores supply at any hour (E06).
        let anytime = matches!(who.role, Role::DeskAgent | Role::Customer)
            || self.order.details.template == baoxiu_domain::Template::Utility
            || self.order.details.priority == Priority::Emergency
            || gap < Duration::minutes(45);
        if !anytime {
            at = self.working(at);
        }
        self.step_at(who, at, command)
    }

    /// Runs `command` as `who` at `at` (at least a minute after the previous step). Stops
    /// the story when `at` is after the present, when the command would take the order
    /// out of its target state, or when the domain refuses.
    pub fn step_at(&mut self, who: &Person, at: Timestamp, command: Command) -> Option<()> {
        if self.done {
            return None;
        }
        let at = at.max(self.t + Duration::minutes(1));
        if at > self.limit {
            self.done = true;
            return None;
        }
        self.clocks_until(at);
        let mut next = self.order.clone();
        match next.execute(&who.actor(), at, &command) {
            Ok(records) => {
                if self.holds(next.state) {
                    return None;
                }
                next.clocks = sla::follow(
                    self.defs(),
                    calendar().zone,
                    next.tenant,
                    Some(&self.order),
                    &records,
                );
                self.events.extend(records);
                self.order = next;
                self.t = at;
                Some(())
            }
            Err(refused) => {
                self.refusals.push(format!(
                    "{} by {} in {}: {}",
                    command.name().as_str(),
                    who.role.as_str(),
                    self.order.state.as_str(),
                    refused.refusal
                ));
                self.done = true;
                None
            }
        }
    }

    /// Whether to stop here: the order is in its target state and the next step would
    /// leave it (or, now and then, even when it would not).
    fn holds(&mut self, next: State) -> bool {
        if self.order.state == self.target && (next != self.target || self.rng.random_bool(0.3)) {
            self.done = true;
        }
        self.done
    }

    /// B01: the technician enters a wrong code first; the domain counts it.
    pub fn wrong_code(&mut self, tech: &Person, at: Timestamp) -> Option<()> {
        let at = at.max(self.t + Duration::minutes(1));
        if self.done || at > self.limit || self.holds(self.order.state) {
            self.done = true;
            return None;
        }
        let real: u32 = self.order.verification.code.as_str().parse().unwrap_or_default();
        let wrong = VerificationCode::from_number(real + self.rng.random_range(1..999_999));
        let command = Command::Arrive {
            code: Some(wrong),
            desk_note: None,
            escort: None,
        };
        let actor = tech.actor();
        match self.order.decide(&actor, at, &command) {
            Err(Refused {
                counted: Some(event), ..
            }) => {
                self.clocks_until(at);
                let before = self.order.clone();
                let record = self.order.record(&actor, at, *event);
                self.order.clocks = sla::follow(
                    self.defs(),
                    calendar().zone,
                    self.order.tenant,
                    Some(&before),
                    std::slice::from_ref(&record),
                );
                self.events.push(record);
                self.t = at;
                Some(())
            }
            _ => {
                self.refusals.push("a wrong code was not counted".into());
                self.done = true;
                None
            }
        }
    }

    /// Arrival on site at `at`: with the customer's code; now and then after a wrong code
    /// (B01) or verified by the desk over the phone (B03).
    pub fn arrive(&mut self, tech: &Person, desk: &Person, at: Timestamp) -> Option<()> {
        let roll = self.rng.random_range(0..100);
        if roll < 4 {
            let phone = self.order.details.customer.phone.as_str().to_string();
            let note = format!(
                "客户未收到验证码短信，客服致电客户（尾号{}）核实维修人员已到场",
                super::names::tail(&phone)
            );
            let command = Command::Arrive {
                code: None,
                desk_note: Some(note),
                escort: None,
            };
            return self.step_at(desk, at, command);
        }
        // Only an arrival that asks for the code can be refused a wrong one (a carry-in
        // machine is already at the station, A16).
        let asks_code = self.order.details.template.rules().arrival_code_required
            && self.order.details.service_mode == baoxiu_domain::ServiceMode::OnSite;
        if roll < 7 && asks_code {
            self.wrong_code(tech, at)?;
        }
        let code = Some(self.order.verification.code.clone());
        self.step_at(
            tech,
            at,
            Command::Arrive {
                code,
                desk_note: None,
                escort: None,
            },
        )
    }

    /// Work, then the customer signs (A14).
    /// The work, then the sign-off: the customer signs for the technician, or, where the
    /// domain gives the sign-off to customer service after re-inspection (A14, public
    /// areas), `inspector` re-inspects and signs.
    pub fn repair(&mut self, tech: &Person, inspector: &Person, work: Duration, summary: &str) -> Option<()> {
        let gap = self.mins(1, 8);
        self.step(tech, gap, Command::Start)?;
        let by_tech = self.order.check(&tech.actor(), CommandName::Resolve).is_ok();
        let (resolver, signer, work) = if by_tech {
            (tech, self.order.details.customer.name.clone(), work)
        } else {
            (inspector, inspector.name.clone(), work + self.mins(20, 90))
        };
        let signature =
            Signature::parse(&signer, SIGNATURE_PNG).expect("the demo signature is a valid data URL");
        let command = Command::Resolve {
            signature: Some(signature),
            summary: summary.to_string(),
            report: None,
        };
        self.step(resolver, work, command)
    }

    /// The desk's callback (A15, B07), sometimes unreached at first, then the archive.
    pub fn close(&mut self, callers: &[Person], archiver: &Person) -> Option<()> {
        let caller = self.pick(callers).clone();
        let mut at = self.t + self.hours(2, 30);
        if self.chance(0.1) {
            let note = self.pick(&["电话无人接听，稍后再次回访", "客户正在开会，约定稍后回访"]);
            let command = Command::Callback {
                reached: false,
                satisfaction: None,
                note: Some(note.to_string()),
                answers: None,
            };
            let when = self.working(at);
            self.step_at(&caller, when, command)?;
            at = self.t + self.hours(2, 26);
        }
        let score = *self.pick(&[5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 4, 4, 4, 4, 4, 3, 3, 2, 1]);
        let notes: &[&str] = match score {
            5 => &[
                "客户表示非常满意",
                "维修及时，师傅态度很好",
                "问题已解决，无其他意见",
            ],
            4 => &["基本满意，希望上门前提前电话联系", "满意，维修后现场清理不够干净"],
            3 => &["一般，等待时间较长"],
            2 => &["不满意，师傅迟到一个多小时"],
            _ => &["非常不满意，同样问题反复出现"],
        };
        let note = self.pick(notes).to_string();
        let satisfaction = Satisfaction::new(score).expect("scores are 1 to 5");
        let command = Command::Callback {
            reached: true,
            satisfaction: Some(satisfaction),
            note: Some(note),
            answers: None,
        };
        let when = self.working(at);
        self.step_at(&caller, when, command)?;
        let when = self.t + self.hours(12, 120);
        let when = self.working(when);
        self.step_at(archiver, when, Command::Archive)
    }

    /// The same fault reported twice: `clerk` asks to cancel the second order and
    /// `supervisor` approves (A17).
    pub fn cancel_duplicate(&mut self, clerk: &Person, supervisor: &Person, note: &str) -> Option<()> {
        let gap = self.mins(1, 20);
        let request = Command::RequestCancel {
            reason: baoxiu_domain::CancelReason::Duplicate,
            note: note.to_string(),
        };
        self.step(clerk, gap, request)?;
        let gap = self.mins(5, 60);
        let note = Some("核实为重复报修".to_string());
        self.step(supervisor, gap, Command::ApproveCancel { note })
    }

    /// Agrees a service time (T3x) a little after the previous step and returns it. Every
    /// T3 write carries a reason (A04); without one given, the customer's wish is noted.
    pub fn book(&mut self, who: &Person, kind: CommitmentKind, reason: Option<String>) -> Option<Timestamp> {
        let step = self.t + self.mins(2, 30);
        let at = self.appointment(step + Duration::minutes(90), 0..=2);
        let reason = Some(reason.unwrap_or_else(|| self.pick(BOOKINGS).to_string()));
        self.step_at(who, step, Command::Commit { at, kind, reason })?;
        Some(at)
    }
}
