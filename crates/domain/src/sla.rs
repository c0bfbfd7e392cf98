//! Service levels (SLA clocks). A template names its clocks: what starts each one, what
//! meets it, what pauses it and why, its target, whether it runs on the wall clock or on
//! the organisation's business calendar, and its escalation ladder (who is told, by which
//! channel, how long after the deadline).
//!
//! Every clock keeps an append-only log of marks per order (started, paused with a reason,
//! resumed, met, stopped, and each level's decision). The log is derived from the order's
//! events ([`follow`]); the deadline is derived from the log, the target and the calendar
//! ([`ClockLog::status`]), so a pause, a priority change or a changed template recomputes the
//! deadline without losing or counting twice the time already spent. Each level not yet
//! decided is a durable timer ([`timers`]); when one comes due, [`decide`] says whether it
//! fires, is skipped (the clock was met, the order closed) or held (the clock is paused),
//! and that decision is an event in the order's history.

use crate::Timestamp;
use crate::calendar::{Calendar, CalendarError};
use crate::event::{Event, EventRecord};
use crate::ids::TenantId;
use crate::order::WorkOrder;
use crate::role::Role;
use crate::state::State;
use crate::values::{Kind, Priority, Zone};
use chrono::{Duration, NaiveTime, TimeZone};
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------------------
// Definitions, as templates write them
// ---------------------------------------------------------------------------------------

/// How a clock measures time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// The clock on the wall, nights and holidays included.
    Wall,
    /// The organisation's working time (its business calendar).
    Working,
}

/// Why a clock waits (X01).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PauseReason {
    Customer,
    Parts,
    Vendor,
    Approval,
}

impl PauseReason {
    pub fn as_str(self) -> &'static str {
        match self {
            PauseReason::Customer => "customer",
            PauseReason::Parts => "parts",
            PauseReason::Vendor => "vendor",
            PauseReason::Approval => "approval",
        }
    }
}

/// Where a level's message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotifyChannel {
    /// The person's inbox in baoxiu.
    Inbox,
    /// A text message to the person's mobile, through the SMS gateway.
    Sms,
    /// An e-mail to the person's address.
    Email,
    /// A signed HTTP call to the organisation's system.
    Webhook,
    /// The station's group chat robot (DingTalk or Feishu).
    Robot,
}

impl NotifyChannel {
    pub const ALL: [NotifyChannel; 5] = [
        NotifyChannel::Inbox,
        NotifyChannel::Sms,
        NotifyChannel::Email,
        NotifyChannel::Webhook,
        NotifyChannel::Robot,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NotifyChannel::Inbox => "inbox",
            NotifyChannel::Sms => "sms",
            NotifyChannel::Email => "email",
            NotifyChannel::Webhook => "webhook",
            NotifyChannel::Robot => "robot",
        }
    }
}

/// What starts, meets, pauses or resumes a clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trigger {
    /// The order was created.
    Created,
    /// An event of this kind, optionally of this outcome (`contact_attempted:reached`).
    Event { kind: String, qualifier: Option<String> },
    /// The order came into this state.
    Enter(State),
    /// The order left this state.
    Leave(State),
}

impl Trigger {
    fn parse(s: &str) -> Result<Trigger, String> {
        let mut parts = s.splitn(3, ':');
        let head = parts.next().unwrap_or("");
        let state = |name: Option<&str>| {
            name.and_then(State::parse)
                .ok_or_else(|| format!("`{s}`: unknown state"))
        };
        match head {
            "created" => Ok(Trigger::Created),
            "event" => Ok(Trigger::Event {
                kind: parts
                    .next()
                    .filter(|k| !k.is_empty())
                    .ok_or_else(|| format!("`{s}`: which event?"))?
                    .into(),
                qualifier: parts.next().map(str::to_string),
            }),
            "enter" => Ok(Trigger::Enter(state(parts.next())?)),
            "leave" => Ok(Trigger::Leave(state(parts.next())?)),
            _ => Err(format!(
                "`{s}`: a trigger is created, event:KIND[:OUTCOME], enter:STATE or leave:STATE"
            )),
        }
    }

    fn matches(&self, event: &Event, before: Option<State>, after: State) -> bool {
        match self {
            Trigger::Created => matches!(event, Event::Created { .. }),
            Trigger::Event { kind, qualifier } => {
                event.kind() == kind
                    && qualifier.as_ref().is_none_or(|q| match event {
                        Event::ContactAttempted { outcome, .. } => outcome.as_str() == q,
                        Event::Triaged { finding } => finding.as_str() == q,
                        Event::AccountChecked { status, .. } => status.as_str() == q,
                        _ => false,
                    })
            }
            Trigger::Enter(state) => before != Some(*state) && after == *state,
            Trigger::Leave(state) => before == Some(*state) && after != *state,
        }
    }
}

/// A length of time as a template writes it: minutes, or days (working days of the
/// calendar for working clocks, 24 hours for wall clocks), a half day written `0.5d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Minutes(i64),
    /// Thousandths of a day.
    MilliDays(i64),
}

impl Span {
    fn parse(s: &str) -> Result<Span, String> {
        let s = s.trim();
        let wrong = || format!("`{s}` is not a duration such as 30m, 4h, 3d or 0.5d");
        // A year at most: a longer target is a mistake.
        const MAX_MINUTES: i64 = 366 * 24 * 60;
        let unit = s.chars().last().ok_or_else(wrong)?;
        let number = &s[..s.len() - unit.len_utf8()];
        match unit {
            'm' | 'h' => {
                let n: i64 = number.parse().map_err(|_| wrong())?;
                let minutes = if unit == 'h' { n.checked_mul(60) } else { Some(n) };
                match minutes {
                    Some(m) if m.abs() <= MAX_MINUTES => Ok(Span::Minutes(m)),
                    _ => Err(wrong()),
                }
            }
            'd' => {
                let days: f64 = number.parse().map_err(|_| wrong())?;
                let milli = (days * 1000.0).round();
                if !milli.is_finite() || milli.abs() > 366_000.0 || (milli - days * 1000.0).abs() > 1e-6 {
                    return Err(wrong());
                }
                Ok(Span::MilliDays(milli as i64))
            }
            _ => Err(wrong()),
        }
    }

    /// Minutes, counting a day as 24 hours: to keep a ladder's levels in order.
    fn nominal(self) -> i64 {
        match self {
            Span::Minutes(m) => m,
            Span::MilliDays(md) => md * 1440 / 1000,
        }
    }

    /// The span as a duration of this measure.
    pub fn resolve(self, measure: Measure, calendar: &Calendar) -> Duration {
        match (self, measure) {
            (Span::Minutes(m), _) => Duration::minutes(m),
            (Span::MilliDays(md), Measure::Wall) => Duration::milliseconds(md * 86_400),
            (Span::MilliDays(md), Measure::Working) => {
                Duration::milliseconds(calendar.day_length().num_milliseconds() * md / 1000)
            }
        }
    }
}

/// A clock's target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The same for every order.
    Fixed(Span),
    /// By the order's priority; a change of priority changes the target.
    ByPriority {
        emergency: Span,
        urgent: Span,
        normal: Span,
    },
    /// A time of the day the clock started on (`23:59`: not left overnight); a clock that
    /// starts at or after `started_before` does not apply.
    Until {
        at: NaiveTime,
        started_before: Option<NaiveTime>,
    },
    /// By the area class the desk found (E06); an order with none takes the longest.
    ByZone { city: Span, rural: Span, remote: Span },
}

impl Target {
    /// The length of the target for this order; `None` for a time of the day.
    fn span_for(&self, order: &WorkOrder) -> Option<Span> {
        match self {
            Target::Fixed(span) => Some(*span),
            Target::ByPriority {
                emergency,
                urgent,
                normal,
            } => Some(match order.details.priority {
                Priority::Emergency => *emergency,
                Priority::Urgent => *urgent,
                Priority::Normal => *normal,
            }),
            Target::ByZone { city, rural, remote } => {
                Some(match order.intake.finding.as_ref().and_then(|f| f.zone()) {
                    Some(Zone::City) => *city,
                    Some(Zone::Rural) => *rural,
                    Some(Zone::Remote) | None => *remote,
                })
            }
            Target::Until { .. } => None,
        }
    }
}

/// One level of an escalation ladder (X03).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level {
    /// How long after the deadline it fires, in the clock's measure (negative: before it,
    /// counted on the wall clock).
    pub after: Span,
    pub tell: Vec<Role>,
    pub channels: Vec<NotifyChannel>,
    /// What its firing allows (A05: `cancel_unreachable`).
    pub opens: Option<String>,
}

/// Which orders a clock times.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Applies {
    #[serde(default)]
    pub kinds: Vec<Kind>,
    #[serde(default)]
    pub priorities: Vec<Priority>,
}

impl Applies {
    fn admits(&self, order: &WorkOrder) -> bool {
        (self.kinds.is_empty() || self.kinds.contains(&order.details.kind))
            && (self.priorities.is_empty() || self.priorities.contains(&order.details.priority))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PauseDef {
    pub on: Trigger,
    pub until: Vec<Trigger>,
    pub reason: PauseReason,
}

/// A clock as a template defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockDef {
    pub id: String,
    /// The rule it keeps (`B02`).
    pub rule: String,
    pub applies: Applies,
    pub starts: Vec<Trigger>,
    pub meets: Vec<Trigger>,
    pub pauses: Vec<PauseDef>,
    pub target: Target,
    pub measure: Measure,
    pub ladder: Vec<Level>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PauseFile {
    on: String,
    until: Vec<String>,
    reason: PauseReason,
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum TargetFile {
    Fixed(String),
    ByPriority {
        emergency: String,
        urgent: String,
        normal: String,
    },
    Until {
        until: String,
        started_before: Option<String>,
    },
    ByZone {
        city: String,
        rural: String,
        remote: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LevelFile {
    after: String,
    tell: Vec<Role>,
    channels: Vec<NotifyChannel>,
    opens: Option<String>,
}

/// A clock as written in a template file, before it is checked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ClockFile {
    id: String,
    rule: String,
    #[serde(default)]
    applies: Applies,
    starts: Vec<String>,
    meets: Vec<String>,
    #[serde(default)]
    pauses: Vec<PauseFile>,
    target: TargetFile,
    time: Measure,
    ladder: Vec<LevelFile>,
}

fn time_of_day(field: &'static str, s: &str) -> Result<NaiveTime, (&'static str, String)> {
    NaiveTime::parse_from_str(s, "%H:%M").map_err(|_| (field, format!("`{s}` is not a time such as 17:00")))
}

impl ClockFile {
    /// The checked clock, or the field at fault and why.
    pub(crate) fn check(self) -> Result<ClockDef, (&'static str, String)> {
        let triggers = |field: &'static str, list: &[String]| {
            list.iter()
                .map(|s| Trigger::parse(s).map_err(|e| (field, e)))
                .collect::<Result<Vec<_>, _>>()
        };
        if self.id.trim().is_empty() || !self.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(("id", "a clock's id is letters, digits and underscores".into()));
        }
        let starts = triggers("starts", &self.starts)?;
        if starts.is_empty() {
            return Err(("starts", "a clock starts on something".into()));
        }
        let span = |field: &'static str, s: &str| Span::parse(s).map_err(|e| (field, e));
        let target = match &self.target {
            TargetFile::Fixed(s) => Target::Fixed(span("target", s)?),
            TargetFile::ByPriority {
                emergency,
                urgent,
                normal,
            } => Target::ByPriority {
                emergency: span("target", emergency)?,
                urgent: span("target", urgent)?,
                normal: span("target", normal)?,
            },
            TargetFile::ByZone { city, rural, remote } => Target::ByZone {
                city: span("target", city)?,
                rural: span("target", rural)?,
                remote: span("target", remote)?,
            },
            TargetFile::Until {
                until,
                started_before,
            } => Target::Until {
                at: time_of_day("target", until)?,
                started_before: started_before
                    .as_deref()
                    .map(|s| time_of_day("target", s))
                    .transpose()?,
            },
        };
        if matches!(target, Target::Until { .. }) && self.time == Measure::Working {
            return Err(("time", "a time-of-day target runs on the wall clock".into()));
        }
        if self.ladder.is_empty() {
            return Err(("ladder", "a clock names at least one level".into()));
        }
        let mut ladder = Vec::new();
        for level in self.ladder {
            let after = Span::parse(&level.after).map_err(|e| ("ladder", e))?;
            if level.tell.is_empty() || level.channels.is_empty() {
                return Err((
                    "ladder",
                    "each level names who is told and by which channel".into(),
                ));
            }
            ladder.push(Level {
                after,
                tell: level.tell,
                channels: level.channels,
                opens: level.opens,
            });
        }
        // Working time has no fixed length of day: a working clock's levels are all in days
        // or all in hours and minutes (zero aside), so their order is plain.
        let in_days = |l: &Level| matches!(l.after, Span::MilliDays(d) if d != 0);
        let in_minutes = |l: &Level| matches!(l.after, Span::Minutes(m) if m != 0);
        if self.time == Measure::Working && ladder.iter().any(in_days) && ladder.iter().any(in_minutes) {
            return Err((
                "ladder",
                "a working-time ladder counts its levels all in days or all in hours and minutes".into(),
            ));
        }
        if ladder
            .windows(2)
            .any(|w| w[0].after.nominal() >= w[1].after.nominal())
        {
            return Err(("ladder", "levels come in order, each later than the last".into()));
        }
        let pauses = self
            .pauses
            .iter()
            .map(|p| {
                Ok(PauseDef {
                    on: Trigger::parse(&p.on).map_err(|e| ("pauses", e))?,
                    until: triggers("pauses", &p.until)?,
                    reason: p.reason,
                })
            })
            .collect::<Result<Vec<_>, (&'static str, String)>>()?;
        Ok(ClockDef {
            meets: triggers("meets", &self.meets)?,
            id: self.id,
            rule: self.rule,
            applies: self.applies,
            starts,
            pauses,
            target,
            measure: self.time,
            ladder,
        })
    }
}

// ---------------------------------------------------------------------------------------
// The log of a clock on an order
// ---------------------------------------------------------------------------------------

impl ClockDef {
    /// When `level` of the ladder is due for a clock that stands as `status`: the time left
    /// plus the level's offset, counted in the clock's measure from where the clock last
    /// ran (a working-time clock counts the offset in working time too). A total at or
    /// below zero lies in the past, counted back on the wall clock.
    pub fn level_due(
        &self,
        level: &Level,
        status: &ClockStatus,
        calendar: &Calendar,
    ) -> Result<Timestamp, CalendarError> {
        let total = status.remaining + level.after.resolve(self.measure, calendar);
        match self.measure {
            Measure::Working if total > Duration::zero() => calendar.add(status.from, total),
            _ => Ok(status.from + total),
        }
    }

    /// Whether `level` lapsed before the clock was met or stopped: its time was used up.
    fn lapsed(&self, level: &Level, status: &ClockStatus, calendar: &Calendar) -> bool {
        status.remaining + level.after.resolve(self.measure, calendar) <= Duration::zero()
    }
}

/// Why a level did not fire, for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// The clock was met in time.
    Met,
    /// The order was closed (cancelled, archived) before the clock was met.
    Closed,
    /// The clock did not apply (a slip issued after the day's cut-off).
    NotApplicable,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Met => "met",
            SkipReason::Closed => "closed",
            SkipReason::NotApplicable => "not_applicable",
        }
    }
}

/// One entry of a clock's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "mark", rename_all = "snake_case")]
pub enum Mark {
    /// The clock started, or started again after it was met (a new cycle: A05's customer
    /// unreachable again after being reached).
    Started {
        at: chrono::DateTime<chrono::Utc>,
    },
    Paused {
        at: chrono::DateTime<chrono::Utc>,
        reason: String,
    },
    Resumed {
        at: chrono::DateTime<chrono::Utc>,
    },
    Met {
        at: chrono::DateTime<chrono::Utc>,
    },
    Stopped {
        at: chrono::DateTime<chrono::Utc>,
    },
    Fired {
        at: chrono::DateTime<chrono::Utc>,
        level: u8,
        late_by_seconds: i64,
        /// What the firing allowed, as the level said when it fired.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opens: Option<String>,
    },
    Skipped {
        at: chrono::DateTime<chrono::Utc>,
        level: u8,
        reason: SkipReason,
    },
    Held {
        at: chrono::DateTime<chrono::Utc>,
        level: u8,
    },
}

/// The log of one clock on one order: append-only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClockLog {
    pub clock: String,
    pub marks: Vec<Mark>,
}

/// Where a clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    Running,
    Paused,
    Met,
    Stopped,
}

impl ClockState {
    pub fn as_str(self) -> &'static str {
        match self {
            ClockState::Running => "running",
            ClockState::Paused => "paused",
            ClockState::Met => "met",
            ClockState::Stopped => "stopped",
        }
    }

    pub fn parse(s: &str) -> Option<ClockState> {
        [
            ClockState::Running,
            ClockState::Paused,
            ClockState::Met,
            ClockState::Stopped,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

/// A clock as a person sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockStatus {
    pub state: ClockState,
    /// Why it waits, while paused.
    pub paused_for: Option<String>,
    /// When it is (or was) due; while it waits, when it would be due if it ran on now.
    pub deadline: Timestamp,
    /// Time counted so far (in the clock's measure).
    pub spent: Duration,
    /// What is left of the target (negative: used up by that much).
    pub remaining: Duration,
    /// Where the count stands: where it last ran from (running), or where it stopped
    /// counting (waiting, met, stopped).
    pub from: Timestamp,
    /// When counting stopped (paused, met, stopped); `None` while it runs.
    pub ended: Option<Timestamp>,
    /// The target was used up before the clock was met, stopped or paused. A running
    /// clock is late once `deadline` passes.
    pub late: bool,
}

impl ClockLog {
    /// The current cycle: the marks since the clock last started.
    fn cycle(&self) -> &[Mark] {
        let start = self
            .marks
            .iter()
            .rposition(|m| matches!(m, Mark::Started { .. }))
            .unwrap_or(0);
        &self.marks[start..]
    }

    fn state(&self) -> ClockState {
        let mut state = ClockState::Running;
        for mark in self.cycle() {
            state = match mark {
                Mark::Started { .. } | Mark::Resumed { .. } => ClockState::Running,
                Mark::Paused { .. } => ClockState::Paused,
                Mark::Met { .. } => ClockState::Met,
                Mark::Stopped { .. } => ClockState::Stopped,
                _ => state,
            };
        }
        state
    }

    /// A level's final decision in this cycle, if it was fired or skipped.
    pub fn decided(&self, level: u8) -> bool {
        self.cycle().iter().any(
            |m| matches!(m, Mark::Fired { level: l, .. } | Mark::Skipped { level: l, .. } if *l == level),
        )
    }

    /// A level fired in this cycle and the clock still runs or waits: the order is late on it.
    pub fn escalated(&self) -> bool {
        matches!(self.state(), ClockState::Running | ClockState::Paused)
            && self.cycle().iter().any(|m| matches!(m, Mark::Fired { .. }))
    }

    /// Whether a level that fired in this cycle opened `what` (A05: `cancel_unreachable`).
    pub fn opened(&self, what: &str) -> bool {
        self.cycle()
            .iter()
            .any(|m| matches!(m, Mark::Fired { opens: Some(o), .. } if o == what))
    }

    fn held_since_pause(&self, level: u8) -> bool {
        let cycle = self.cycle();
        let paused = cycle.iter().rposition(|m| matches!(m, Mark::Paused { .. }));
        let held = cycle
            .iter()
            .rposition(|m| matches!(m, Mark::Held { level: l, .. } if *l == level));
        matches!((paused, held), (Some(p), Some(h)) if h > p)
    }

    /// Where the clock stands, for `order` on `calendar`.
    pub fn status(
        &self,
        def: &ClockDef,
        order: &WorkOrder,
        calendar: &Calendar,
    ) -> Result<ClockStatus, CalendarError> {
        let cycle = self.cycle();
        let started = match cycle.first() {
            Some(Mark::Started { at }) => *at,
            _ => Timestamp::default(),
        };
        let measure = |from: Timestamp, to: Timestamp| match def.measure {
            Measure::Wall => Ok((to - from).max(Duration::zero())),
            Measure::Working => calendar.between(from, to),
        };
        // Time spent in the running segments, and where counting last ran from or stopped.
        let (mut spent, mut running_since, mut end) = (Duration::zero(), None::<Timestamp>, None);
        let mut paused_for = None;
        for mark in cycle {
            match mark {
                Mark::Started { at } | Mark::Resumed { at } => {
                    running_since = Some(*at);
                    paused_for = None;
                }
                Mark::Paused { at, reason } => {
                    if let Some(since) = running_since.take() {
                        spent += measure(since, *at)?;
                    }
                    paused_for = Some(reason.clone());
                    end = Some(*at);
                }
                Mark::Met { at } | Mark::Stopped { at } => {
                    if let Some(since) = running_since.take() {
                        spent += measure(since, *at)?;
                    }
                    end = Some(*at);
                }
                _ => {}
            }
        }
        let state = self.state();
        let ended = if running_since.is_some() { None } else { end };
        let from = running_since.or(end).unwrap_or(started);
        let (deadline, remaining, from) = match &def.target {
            // A time of the day the clock started on: counted on the wall clock.
            Target::Until { at, .. } => {
                let day = started.with_timezone(&calendar.zone).date_naive();
                let deadline = local_time(calendar.zone, day.and_time(*at));
                (deadline, Duration::zero(), deadline)
            }
            Target::Fixed(_) | Target::ByPriority { .. } | Target::ByZone { .. } => {
                let span = def.target.span_for(order).expect("a target of a length");
                let remaining = span.resolve(def.measure, calendar) - spent;
                let deadline = match def.measure {
                    Measure::Working if remaining > Duration::zero() => calendar.add(from, remaining)?,
                    _ => from + remaining,
                };
                (deadline, remaining, from)
            }
        };
        let late = match (&def.target, state) {
            (_, ClockState::Running) => false,
            (Target::Until { .. }, _) => ended.is_some_and(|at| at > deadline),
            (_, ClockState::Paused) => remaining <= Duration::zero(),
            (_, ClockState::Met | ClockState::Stopped) => remaining < Duration::zero(),
        };
        Ok(ClockStatus {
            state,
            paused_for: (state == ClockState::Paused).then_some(paused_for).flatten(),
            deadline,
            spent,
            remaining,
            from,
            ended,
            late,
        })
    }
}

/// A local time of day in `zone`; one that does not exist (a spring-forward gap) is taken
/// as the first moment after the gap.
fn local_time(zone: chrono_tz::Tz, local: chrono::NaiveDateTime) -> Timestamp {
    let mut probe = local;
    for _ in 0..4 {
        if let Some(t) = zone.from_local_datetime(&probe).earliest() {
            return t.to_utc();
        }
        probe += Duration::minutes(30);
    }
    zone.from_utc_datetime(&local).to_utc()
}

/// An order is finished for the clocks when nothing more can be done on it.
fn terminal(state: State) -> bool {
    matches!(state, State::Archived | State::Cancelled | State::Closed)
}

/// The clock logs after `records` happened to `start` (the order before them; `None` for a
/// create) in an organisation whose day is in `zone`. Pure and incremental: following a
/// history in parts gives the same logs as following it whole.
pub fn follow(
    defs: &[ClockDef],
    zone: chrono_tz::Tz,
    tenant: TenantId,
    start: Option<&WorkOrder>,
    records: &[EventRecord],
) -> Vec<ClockLog> {
    let mut order = start.cloned();
    let mut logs = start.map(|o| o.clocks.clone()).unwrap_or_default();
    for record in records {
        let before = order.as_ref().map(|o| o.state);
        let next = match order.take() {
            Some(mut o) => {
                o.apply(record);
                o
            }
            None => match WorkOrder::replay(tenant, std::slice::from_ref(record)) {
                Ok(o) => o,
                Err(_) => return logs,
            },
        };
        let after = next.state;
        let at = record.at;
        for def in defs {
            let index = logs.iter().position(|l| l.clock == def.id);
            match (&record.event, index) {
                (
                    Event::Escalated {
                        clock,
                        level,
                        late_by_seconds,
                        opens,
                        ..
                    },
                    Some(i),
                ) if *clock == def.id => {
                    logs[i].marks.push(Mark::Fired {
                        at,
                        level: *level,
                        late_by_seconds: *late_by_seconds,
                        opens: opens.clone(),
                    });
                    continue;
                }
                (Event::EscalationSkipped { clock, level, reason }, Some(i)) if *clock == def.id => {
                    logs[i].marks.push(Mark::Skipped {
                        at,
                        level: *level,
                        reason: *reason,
                    });
                    continue;
                }
                (Event::EscalationHeld { clock, level }, Some(i)) if *clock == def.id => {
                    logs[i].marks.push(Mark::Held { at, level: *level });
                    continue;
                }
                _ => {}
            }
            let hit = |triggers: &[Trigger]| triggers.iter().any(|t| t.matches(&record.event, before, after));
            // A time-of-day target applies only to clocks started before its cut-off (a slip
            // issued after 14:00, B23) and never to one started after the time itself.
            let too_late = match &def.target {
                Target::Until {
                    at: time,
                    started_before,
                } => at.with_timezone(&zone).time() >= started_before.unwrap_or(*time).min(*time),
                _ => false,
            };
            let starts = !terminal(after) && def.applies.admits(&next) && hit(&def.starts) && !too_late;
            match index {
                None if starts => logs.push(ClockLog {
                    clock: def.id.clone(),
                    marks: vec![Mark::Started { at }],
                }),
                None => {}
                Some(i) => {
                    let log = &mut logs[i];
                    match log.state() {
                        ClockState::Running | ClockState::Paused if hit(&def.meets) => {
                            log.marks.push(Mark::Met { at })
                        }
                        ClockState::Running | ClockState::Paused if terminal(after) => {
                            log.marks.push(Mark::Stopped { at })
                        }
                        ClockState::Running => {
                            if let Some(pause) = def
                                .pauses
                                .iter()
                                .find(|p| p.on.matches(&record.event, before, after))
                            {
                                log.marks.push(Mark::Paused {
                                    at,
                                    reason: pause.reason.as_str().into(),
                                });
                            }
                        }
                        ClockState::Paused => {
                            let resumes = def
                                .pauses
                                .iter()
                                .any(|p| p.until.iter().any(|t| t.matches(&record.event, before, after)));
                            if resumes {
                                log.marks.push(Mark::Resumed { at });
                            }
                        }
                        // Met earlier and started again: a new cycle.
                        ClockState::Met if starts => log.marks.push(Mark::Started { at }),
                        ClockState::Met | ClockState::Stopped => {}
                    }
                }
            }
        }
        order = Some(next);
    }
    logs
}

/// A level due at a time: a durable timer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub clock: String,
    pub level: u8,
    pub at: Timestamp,
}

/// The timers of one clock: one per level of its current cycle not yet fired or skipped
/// (a level already held while its clock waits waits for the clock to run again).
fn clock_timers(
    def: &ClockDef,
    log: &ClockLog,
    order: &WorkOrder,
    calendar: &Calendar,
) -> Result<Vec<Due>, CalendarError> {
    let status = log.status(def, order, calendar)?;
    let mut due = Vec::new();
    for (i, level) in def.ladder.iter().enumerate() {
        let level_no = i as u8 + 1;
        if log.decided(level_no) || (status.state == ClockState::Paused && log.held_since_pause(level_no)) {
            continue;
        }
        due.push(Due {
            clock: def.id.clone(),
            level: level_no,
            at: def.level_due(level, &status, calendar)?,
        });
    }
    Ok(due)
}

/// The timers `order` needs, or the first clock that cannot be computed.
pub fn timers(defs: &[ClockDef], order: &WorkOrder, calendar: &Calendar) -> Result<Vec<Due>, CalendarError> {
    let mut due = Vec::new();
    for log in &order.clocks {
        if let Some(def) = defs.iter().find(|d| d.id == log.clock) {
            due.extend(clock_timers(def, log, order, calendar)?);
        }
    }
    Ok(due)
}

/// What a timer coming due means.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Record this event (a firing, a skip, a hold).
    Record(Event),
    /// The deadline moved later (the priority or the clock changed): come back then.
    Later(Timestamp),
    /// Nothing to do (the level was decided already, or the clock is unknown).
    Nothing,
}

/// Decides a timer of `clock`, level `level` (1-based) coming due at `now`. A level whose
/// time ran out before the clock was met or stopped fires, late (a timer that lapsed while
/// no step ran is never lost); one whose time had not run out is skipped, saying why.
pub fn decide(
    defs: &[ClockDef],
    order: &WorkOrder,
    calendar: &Calendar,
    clock: &str,
    level: u8,
    now: Timestamp,
) -> Result<Decision, CalendarError> {
    let (Some(def), Some(log)) = (
        defs.iter().find(|d| d.id == clock),
        order.clocks.iter().find(|l| l.clock == clock),
    ) else {
        return Ok(Decision::Nothing);
    };
    let Some(step) = def.ladder.get(usize::from(level).wrapping_sub(1)) else {
        return Ok(Decision::Nothing);
    };
    if log.decided(level) {
        return Ok(Decision::Nothing);
    }
    let status = log.status(def, order, calendar)?;
    let due = def.level_due(step, &status, calendar)?;
    let fire = || {
        Ok(Decision::Record(Event::Escalated {
            clock: clock.into(),
            level,
            late_by_seconds: (now - due).num_seconds().max(0),
            tell: step.tell.clone(),
            channels: step.channels.clone(),
            opens: step.opens.clone(),
        }))
    };
    let skip = |reason| {
        Ok(Decision::Record(Event::EscalationSkipped {
            clock: clock.into(),
            level,
            reason,
        }))
    };
    let lapsed = match &def.target {
        Target::Until { .. } => status.ended.is_some_and(|ended| ended >= due),
        _ => def.lapsed(step, &status, calendar),
    };
    match status.state {
        ClockState::Met | ClockState::Stopped if lapsed => fire(),
        ClockState::Met => skip(SkipReason::Met),
        ClockState::Stopped => skip(SkipReason::Closed),
        _ if terminal(order.state) => skip(SkipReason::Closed),
        ClockState::Paused => Ok(Decision::Record(Event::EscalationHeld {
            clock: clock.into(),
            level,
        })),
        ClockState::Running if now < due => Ok(Decision::Later(due)),
        ClockState::Running => fire(),
    }
}

/// A clock's deadline as the lists of late orders need it (X01: the overdue page, B12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub clock: String,
    pub state: ClockState,
    pub at: Timestamp,
}

/// What the store keeps of an order's clocks besides its document: the levels still to
/// decide (durable timers, X02) and each clock's deadline.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schedule {
    pub timers: Vec<Due>,
    pub deadlines: Vec<Deadline>,
    /// Clocks that cannot be computed (a calendar year is missing): shown, never guessed.
    pub problems: Vec<(String, CalendarError)>,
}

/// The timers and deadlines of `order`'s clocks. A clock whose working time cannot be
/// counted (its calendar lacks a year) has neither, and is named in `problems`; the others
/// are not held up by it. A clock that waits with time left has no deadline: it cannot be
/// overdue while it waits.
pub fn schedule(defs: &[ClockDef], order: &WorkOrder, calendar: &Calendar) -> Schedule {
    let mut out = Schedule::default();
    for log in &order.clocks {
        let Some(def) = defs.iter().find(|d| d.id == log.clock) else {
            continue;
        };
        match (
            log.status(def, order, calendar),
            clock_timers(def, log, order, calendar),
        ) {
            (Ok(status), Ok(due)) => {
                let waiting = status.state == ClockState::Paused && status.remaining > Duration::zero();
                if !waiting {
                    out.deadlines.push(Deadline {
                        clock: def.id.clone(),
                        state: status.state,
                        at: status.deadline,
                    });
                }
                out.timers.extend(due);
            }
            (Err(e), _) | (_, Err(e)) => out.problems.push((def.id.clone(), e)),
        }
    }
    out
}

/// Decides every level due by `now` on `order`, earliest first, recording each decision
/// on the order as baoxiu's own step and following the clocks after it. `on_time` records
/// each at the moment it was due (a history played afterwards, as the demo does);
/// otherwise at `now`, late by however long the timer waited. A clock that cannot be
/// computed is left out; the others go on.
pub fn fire_due(
    defs: &[ClockDef],
    calendar: &Calendar,
    order: &mut WorkOrder,
    now: Timestamp,
    on_time: bool,
) -> Vec<EventRecord> {
    let system = crate::org::Actor {
        person: crate::org::PersonRef::system(),
    };
    let mut records = Vec::new();
    // Each pass decides one timer; a decision removes or moves its timer, so this ends.
    for _ in 0..defs.iter().map(|d| d.ladder.len() * 4 + 1).sum::<usize>().max(1) {
        let mut due = schedule(defs, order, calendar).timers;
        due.retain(|d| d.at <= now);
        due.sort_by(|a, b| (a.at, &a.clock, a.level).cmp(&(b.at, &b.clock, b.level)));
        let mut decided = false;
        for timer in due {
            let last = order.updated_at.unwrap_or(timer.at);
            let at = if on_time {
                timer.at.max(last)
            } else {
                now.max(last)
            };
            if let Ok(Decision::Record(event)) = decide(defs, order, calendar, &timer.clock, timer.level, at)
            {
                let before = order.clone();
                let record = order.record(&system, at, event);
                order.clocks = follow(
                    defs,
                    calendar.zone,
                    order.tenant,
                    Some(&before),
                    std::slice::from_ref(&record),
                );
                records.push(record);
                decided = true;
                break;
            }
        }
        if !decided {
            break;
        }
    }
    records
}

/// Whether `person` is among the `role` told about `order`: people of a station hear of
/// their station's orders (a head station of its sub-sites' too), a technician of the
/// orders assigned to them; everyone else in the role hears of every order.
pub fn told(role: Role, order: &WorkOrder, person: &crate::org::Person) -> bool {
    if person.role != role {
        return false;
    }
    let station = order.station.as_ref();
    let at_station = |s: Option<crate::ids::StationId>| {
        s.is_some_and(|s| station.is_some_and(|o| o.id == s || o.head == Some(s)))
    };
    match role {
        Role::Technician => order.assignee.as_ref().is_some_and(|a| a.id == person.id),
        Role::Coordinator | Role::TeamLead => station.is_none() || at_station(person.station),
        Role::Customer | Role::System => false,
        _ => true,
    }
}
