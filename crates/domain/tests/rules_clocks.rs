//! The clocks of the two templates, each by its rule, driven by an injected clock: when each
//! level fires, who is told, what meets a clock, what pauses it, and that a level decided
//! is never decided again (X02, X03).

mod support;

use baoxiu_domain::calendar::china;
use baoxiu_domain::sla::{self, NotifyChannel, SkipReason};
use baoxiu_domain::{
    CancelReason, Command, ContactOutcome, Event, Kind, NewOrder, PersonRef, Priority, Refusal, Role,
    Template, Timestamp,
};
use chrono::{Duration, TimeZone};
use support::*;

/// A case whose clocks follow every step, and a runner that decides due timers at the
/// case's time, as the server's background step does.
struct Timed {
    case: Case,
    /// What each timer decided, in order: (clock, level, event kind).
    decided: Vec<(String, u8, &'static str)>,
}

fn beijing(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> Timestamp {
    chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(y, mo, d, h, mi, 0)
        .unwrap()
        .to_utc()
}

impl Timed {
    fn defs(&self) -> &'static [sla::ClockDef] {
        &self.case.order.details.template.spec().clocks
    }

    /// Opens `new` as `by` at `at`.
    fn open(new: NewOrder, by: &PersonRef, at: Timestamp) -> Timed {
        let mut case = Case::open(new, by);
        case.clock = Clock::new();
        case.clock.advance(at - case.now());
        // Re-open at `at`: the fixture opens at the fixed `now`.
        let (order, records) = baoxiu_domain::WorkOrder::open(
            order_id(1),
            &organisation(),
            case.order.details.clone(),
            code(),
            by,
            at,
        )
        .unwrap();
        case.order = order;
        case.records = records;
        let defs = &case.order.details.template.spec().clocks;
        case.order.clocks = sla::follow(defs, chrono_tz::Asia::Shanghai, tenant(), None, &case.records);
        Timed {
            case,
            decided: Vec::new(),
        }
    }

    fn at(&mut self, at: Timestamp) {
        assert!(at >= self.case.now(), "time only moves forward");
        let by = at - self.case.now();
        self.case.clock.advance(by);
    }

    /// Runs a command that must succeed, then lets the clocks follow it.
    fn ok(&mut self, by: &PersonRef, command: Command) {
        let before = self.case.order.clone();
        let records = self
            .case
            .run(by, command)
            .unwrap_or_else(|r| panic!("refused: {r:?}"));
        self.case.order.clocks = sla::follow(
            self.defs(),
            chrono_tz::Asia::Shanghai,
            tenant(),
            Some(&before),
            &records,
        );
    }

    fn refused(&mut self, by: &PersonRef, command: Command) -> Refusal {
        self.case.refused(by, command)
    }

    /// Decides every timer due by now, earliest first, as the server's background step
    /// does, recording what it decides.
    fn run_due(&mut self) {
        let now = self.case.now();
        let defs = self.defs();
        let records = sla::fire_due(defs, &china::office(), &mut self.case.order, now, false);
        for record in records {
            let (clock, level) = match &record.event {
                Event::Escalated { clock, level, .. }
                | Event::EscalationSkipped { clock, level, .. }
                | Event::EscalationHeld { clock, level } => (clock.clone(), *level),
                other => panic!("a timer recorded {other:?}"),
            };
            self.decided.push((clock, level, record.event.kind()));
            self.case.records.push(record);
        }
    }

    /// The decisions about `clock`, as (level, what).
    fn of(&self, clock: &str) -> Vec<(u8, &'static str)> {
        self.decided
            .iter()
            .filter(|(c, _, _)| c == clock)
            .map(|(_, l, k)| (*l, *k))
            .collect()
    }

    /// The event that fired `clock`'s `level`.
    fn fired(&self, clock: &str, level: u8) -> Event {
        self.case
            .records
            .iter()
            .map(|r| r.event.clone())
            .find(|e| matches!(e, Event::Escalated { clock: c, level: l, .. } if c == clock && *l == level))
            .unwrap_or_else(|| panic!("{clock} level {level} did not fire"))
    }
}

fn tells(event: &Event) -> (Vec<Role>, Vec<NotifyChannel>, i64) {
    match event {
        Event::Escalated {
            tell,
            channels,
            late_by_seconds,
            ..
        } => (tell.clone(), channels.clone(), *late_by_seconds),
        other => panic!("not a firing: {other:?}"),
    }
}

fn after_sales_dispatched(at: Timestamp) -> Timed {
    let mut t = Timed::open(after_sales_order(), &desk(), at);
    t.ok(&desk(), dispatch(head_station()));
    t.ok(&coordinator(), Command::Accept);
    t
}

// ---------------------------------------------------------------------------------------
// A03, A05: after-sales contact
// ---------------------------------------------------------------------------------------

#[test]
fn r_a03_the_station_is_chased_when_it_has_not_contacted_the_customer_in_4_working_hours() {
    // Reported Monday 09:00: 4 working hours end at 14:30, after the lunch break.
    let mut t = after_sales_dispatched(beijing(2026, 11, 2, 9, 0));
    t.at(beijing(2026, 11, 2, 14, 29));
    t.run_due();
    assert!(t.of("a03_contact").is_empty(), "not yet");
    t.at(beijing(2026, 11, 2, 14, 30));
    t.run_due();
    assert_eq!(t.of("a03_contact"), [(1, "escalated")]);
    assert_eq!(
        tells(&t.fired("a03_contact", 1)),
        (vec![Role::Coordinator], vec![NotifyChannel::Inbox], 0)
    );
    t.at(beijing(2026, 11, 2, 16, 30));
    t.run_due();
    assert_eq!(t.of("a03_contact"), [(1, "escalated"), (2, "escalated")]);
    let (roles, channels, _) = tells(&t.fired("a03_contact", 2));
    assert_eq!(roles, [Role::Coordinator, Role::RegionOfficer]);
    assert_eq!(channels, [NotifyChannel::Inbox, NotifyChannel::Email]);
}

#[test]
fn r_a03_a_met_clock_fires_nothing_and_says_why() {
    let mut t = after_sales_dispatched(beijing(2026, 11, 2, 9, 0));
    t.at(beijing(2026, 11, 2, 10, 0));
    t.ok(&coordinator(), contact(ContactOutcome::Reached));
    t.at(beijing(2026, 11, 3, 9, 0));
    t.run_due();
    assert_eq!(
        t.of("a03_contact"),
        [(1, "escalation_skipped"), (2, "escalation_skipped")]
    );
    let skipped = t.case.records.iter().any(|r| {
        matches!(&r.event, Event::EscalationSkipped { clock, reason: SkipReason::Met, .. } if clock == "a03_contact")
    });
    assert!(skipped, "the history says the clock was met");
    t.run_due();
    assert_eq!(
        t.of("a03_contact").len(),
        2,
        "a decided level is never decided again"
    );
}

#[test]
fn r_a05_unreachable_is_recorded_only_three_and_a_half_hours_after_t1() {
    let mut t = after_sales_dispatched(beijing(2026, 11, 2, 9, 0));
    t.at(beijing(2026, 11, 2, 12, 29));
    assert_eq!(
        t.refused(&coordinator(), contact(ContactOutcome::Unreachable)),
        Refusal::UnreachableTooEarly { minutes: 210 }
    );
    t.at(beijing(2026, 11, 2, 12, 30));
    t.ok(&coordinator(), contact(ContactOutcome::Unreachable));
}

#[test]
fn r_a05_an_unreachable_customers_order_may_be_cancelled_only_after_five_working_days() {
    let mut t = after_sales_dispatched(beijing(2026, 11, 2, 9, 0));
    t.at(beijing(2026, 11, 2, 13, 0));
    t.ok(&coordinator(), contact(ContactOutcome::Unreachable));
    let cancel = request_cancel(CancelReason::CustomerUnreachable);
    assert_eq!(
        t.refused(&coordinator(), cancel.clone()),
        Refusal::NotYetCancellable
    );
    // 13:00 is in the lunch break, so counting starts at 13:30. Three working days of
    // attempts (7 working hours a day) end on Thursday at 12:00: the station is reminded.
    t.at(beijing(2026, 11, 5, 11, 59));
    t.run_due();
    assert!(t.of("a05_unreachable").is_empty());
    t.at(beijing(2026, 11, 5, 12, 0));
    t.run_due();
    assert_eq!(t.of("a05_unreachable"), [(1, "escalated")]);
    assert_eq!(
        t.refused(&coordinator(), cancel.clone()),
        Refusal::NotYetCancellable
    );
    // Two more working days, the weekend between: Monday 12:00 opens cancellation, and the
    // region is told.
    t.at(beijing(2026, 11, 9, 11, 59));
    t.run_due();
    assert_eq!(t.of("a05_unreachable").len(), 1);
    assert_eq!(
        t.refused(&coordinator(), cancel.clone()),
        Refusal::NotYetCancellable
    );
    t.at(beijing(2026, 11, 9, 12, 0));
    t.run_due();
    let (roles, _, _) = tells(&t.fired("a05_unreachable", 2));
    assert!(roles.contains(&Role::RegionOfficer));
    t.ok(&coordinator(), cancel);
    assert!(t.case.order.cancellation_pending());
}

// ---------------------------------------------------------------------------------------
// B02, B06, B12, B15: property
// ---------------------------------------------------------------------------------------

fn property_at(at: Timestamp) -> Timed {
    Timed::open(property_order(), &desk(), at)
}

#[test]
fn r_b02_an_order_unclaimed_for_5_minutes_goes_to_the_supervisor() {
    let mut t = property_at(beijing(2026, 11, 2, 20, 0));
    t.at(beijing(2026, 11, 2, 20, 4));
    t.run_due();
    assert!(t.of("b02_unclaimed").is_empty());
    t.at(beijing(2026, 11, 2, 20, 5));
    t.run_due();
    let (roles, channels, _) = tells(&t.fired("b02_unclaimed", 1));
    assert_eq!(roles, [Role::Supervisor]);
    assert_eq!(channels, [NotifyChannel::Inbox, NotifyChannel::Robot]);
}

#[test]
fn r_b02_a_claim_within_5_minutes_meets_the_clock() {
    let mut t = property_at(beijing(2026, 11, 2, 20, 0));
    t.at(beijing(2026, 11, 2, 20, 3));
    t.ok(&technician(), Command::Claim);
    t.at(beijing(2026, 11, 2, 20, 10));
    t.run_due();
    assert_eq!(t.of("b02_unclaimed"), [(1, "escalation_skipped")]);
}

#[test]
fn r_b06_no_progress_two_hours_after_the_report_chases_the_team_lead() {
    let mut t = property_at(beijing(2026, 11, 2, 9, 0));
    t.ok(&technician(), Command::Claim);
    t.at(beijing(2026, 11, 2, 11, 0));
    t.run_due();
    assert_eq!(tells(&t.fired("b06_progress", 1)).0, [Role::TeamLead]);
    // With a call to the customer in time, nothing fires.
    let mut t = property_at(beijing(2026, 11, 2, 9, 0));
    t.ok(&technician(), Command::Claim);
    t.at(beijing(2026, 11, 2, 10, 0));
    t.ok(&technician(), contact(ContactOutcome::Reached));
    t.at(beijing(2026, 11, 2, 12, 0));
    t.run_due();
    assert_eq!(t.of("b06_progress"), [(1, "escalation_skipped")]);
}

#[test]
fn r_b12_an_order_unfinished_24_hours_after_the_report_is_listed() {
    let mut t = property_at(beijing(2026, 11, 2, 9, 0));
    t.ok(&technician(), Command::Claim);
    t.at(beijing(2026, 11, 3, 9, 0));
    t.run_due();
    assert_eq!(tells(&t.fired("b12_unfinished", 1)).0, [Role::Supervisor]);
}

#[test]
fn r_b12_the_team_lead_hears_of_the_days_unfinished_orders_before_the_shift_ends() {
    let mut t = property_at(beijing(2026, 11, 2, 9, 0));
    t.ok(&technician(), Command::Claim);
    t.at(beijing(2026, 11, 2, 16, 59));
    t.run_due();
    assert!(t.of("b12_shift").is_empty());
    t.at(beijing(2026, 11, 2, 17, 0));
    t.run_due();
    assert_eq!(t.of("b12_shift"), [(1, "escalated")]);
    assert_eq!(tells(&t.fired("b12_shift", 1)).0, [Role::TeamLead]);
    // Taken in the evening, it is the night shift's: not in the day's report.
    let mut t = property_at(beijing(2026, 11, 2, 18, 0));
    t.ok(&technician(), Command::Claim);
    t.at(beijing(2026, 11, 3, 18, 0));
    t.run_due();
    assert!(t.of("b12_shift").is_empty());
}

#[test]
fn r_b15_a_complaint_is_answered_within_three_working_days() {
    let complaint = NewOrder {
        kind: Kind::Complaint,
        description: "维修师傅上门态度差，要求投诉".into(),
        ..property_order()
    };
    // Friday 17:00: half an hour that day, Monday and Tuesday, and Wednesday until 17:00.
    let mut t = Timed::open(complaint, &desk(), beijing(2026, 11, 6, 17, 0));
    t.at(beijing(2026, 11, 11, 16, 59));
    t.run_due();
    assert!(t.of("b15_complaint").is_empty());
    t.at(beijing(2026, 11, 11, 17, 0));
    t.run_due();
    assert_eq!(t.of("b15_complaint"), [(1, "escalated")]);
}

// ---------------------------------------------------------------------------------------
// B17, B23: arrival, overnight, slips and callbacks
// ---------------------------------------------------------------------------------------

#[test]
fn r_b17_arrival_is_checked_at_15_minutes_and_again_15_minutes_after_a_miss() {
    let mut t = property_at(beijing(2026, 11, 2, 9, 0));
    t.at(beijing(2026, 11, 2, 9, 2));
    t.ok(&technician(), Command::Claim);
    t.at(beijing(2026, 11, 2, 9, 17));
    t.run_due();
    assert_eq!(tells(&t.fired("b17_arrival", 1)).0, [Role::DeskAgent]);
    t.at(beijing(2026, 11, 2, 9, 32));
    t.run_due();
    assert_eq!(
        tells(&t.fired("b17_arrival", 2)).0,
        [Role::DeskAgent, Role::Supervisor]
    );
}

#[test]
fn r_b17_an_urgent_repair_is_on_site_within_5_minutes() {
    let urgent = NewOrder {
        priority: Priority::Urgent,
        ..property_order()
    };
    let mut t = Timed::open(urgent, &desk(), beijing(2026, 11, 2, 9, 0));
    t.ok(&technician(), Command::Claim);
    t.at(beijing(2026, 11, 2, 9, 4));
    t.ok(&technician(), arrive(code()));
    t.at(beijing(2026, 11, 2, 10, 0));
    t.run_due();
    assert_eq!(
        t.of("b17_arrival"),
        [(1, "escalation_skipped"), (2, "escalation_skipped")]
    );
    // Late: the first level fires at five minutes.
    let urgent = NewOrder {
        priority: Priority::Urgent,
        ..property_order()
    };
    let mut t = Timed::open(urgent, &desk(), beijing(2026, 11, 2, 9, 0));
    t.ok(&technician(), Command::Claim);
    t.at(beijing(2026, 11, 2, 9, 5));
    t.run_due();
    assert_eq!(t.of("b17_arrival"), [(1, "escalated")]);
}

#[test]
fn r_b17_no_emergency_repair_is_left_overnight() {
    let emergency = NewOrder {
        priority: Priority::Emergency,
        description: "电梯困人，2号楼东侧电梯停在8楼".into(),
        ..property_order()
    };
    let mut t = Timed::open(emergency, &desk(), beijing(2026, 11, 2, 20, 0));
    t.ok(&technician(), Command::Claim);
    t.at(beijing(2026, 11, 2, 21, 59));
    t.run_due();
    assert_eq!(
        t.of("b17_overnight"),
        [(1, "escalated")],
        "warned two hours before midnight"
    );
    t.at(beijing(2026, 11, 2, 23, 59));
    t.run_due();
    let (_, channels, _) = tells(&t.fired("b17_overnight", 2));
    assert!(channels.contains(&NotifyChannel::Robot));
}

#[test]
fn r_b23_a_slip_issued_before_14_comes_back_by_17_the_same_day() {
    let mut t = property_at(beijing(2026, 11, 2, 10, 0));
    t.ok(&technician(), Command::Claim);
    t.at(beijing(2026, 11, 2, 17, 0));
    t.run_due();
    assert_eq!(tells(&t.fired("b23_slip", 1)).0, [Role::TeamLead]);
    // Issued after 14:00, it is not timed that day.
    let mut t = property_at(beijing(2026, 11, 2, 14, 30));
    t.ok(&technician(), Command::Claim);
    assert!(!t.case.order.clocks.iter().any(|c| c.clock == "b23_slip"));
}

#[test]
fn r_b23_the_days_callbacks_are_made_the_same_day() {
    let mut t = property_at(beijing(2026, 11, 2, 9, 0));
    t.ok(&technician(), Command::Claim);
    t.ok(&technician(), arrive(code()));
    t.at(beijing(2026, 11, 2, 15, 0));
    t.ok(&technician(), resolve_signed());
    t.at(beijing(2026, 11, 2, 23, 59));
    t.run_due();
    assert_eq!(
        tells(&t.fired("b23_callback", 1)).0,
        [Role::DeskAgent, Role::Supervisor]
    );
}

// ---------------------------------------------------------------------------------------
// X01, X02, X03: pauses, priorities, ladders
// ---------------------------------------------------------------------------------------

#[test]
fn r_x01_a_pause_and_a_priority_change_during_it_lose_no_time_and_count_none_twice() {
    // A normal repair has 24 hours; two hours in, parts are requested and the clock waits.
    let start = beijing(2026, 11, 2, 9, 0);
    let mut t = property_at(start);
    t.ok(&technician(), Command::Claim);
    t.at(start + Duration::hours(2));
    t.ok(&technician(), request_parts());
    // While it waits, the supervisor makes it urgent: 8 hours, 2 of them already spent.
    t.at(start + Duration::hours(5));
    t.ok(
        &supervisor(),
        Command::Reprioritize {
            priority: Priority::Urgent,
            reason: "业主家中漏水加重".into(),
        },
    );
    assert_eq!(t.case.order.details.priority, Priority::Urgent);
    // Parts arrive ten hours after the report: six hours are left.
    t.at(start + Duration::hours(10));
    t.ok(&technician(), parts_received());
    let calendar = china::office();
    let def = t.defs().iter().find(|d| d.id == "b21_major").unwrap();
    let log = t
        .case
        .order
        .clocks
        .iter()
        .find(|c| c.clock == "b21_major")
        .unwrap();
    let status = log.status(def, &t.case.order, &calendar).unwrap();
    assert_eq!(status.spent, Duration::hours(2), "the pause counted nothing");
    assert_eq!(
        status.deadline,
        start + Duration::hours(16),
        "resumed at 10h with 6h left"
    );
    t.at(start + Duration::hours(15) + Duration::minutes(59));
    t.run_due();
    assert!(t.of("b21_major").is_empty());
    t.at(start + Duration::hours(16));
    t.run_due();
    assert_eq!(t.of("b21_major"), [(1, "escalated")]);
}

#[test]
fn r_x02_a_level_due_while_its_clock_waits_is_held_and_fires_when_the_clock_runs_late() {
    let start = beijing(2026, 11, 2, 9, 0);
    let mut t = property_at(start);
    t.ok(&technician(), Command::Claim);
    t.at(start + Duration::hours(20));
    t.ok(&technician(), request_parts());
    // It would have been due at 24 hours: the clock is waiting, so the level is held.
    t.at(start + Duration::hours(24));
    t.run_due();
    assert_eq!(t.of("b21_major").last(), Some(&(1, "escalation_held")));
    t.at(start + Duration::hours(30));
    t.run_due();
    // Each level is held once when it comes due, and not again while the clock waits.
    let held = [
        (1, "escalation_held"),
        (2, "escalation_held"),
        (3, "escalation_held"),
    ];
    assert_eq!(t.of("b21_major"), held);
    // Parts at 30 hours: 4 hours remain, due at 34.
    t.ok(&technician(), parts_received());
    t.at(start + Duration::hours(34));
    t.run_due();
    assert_eq!(t.of("b21_major")[3..], [(1, "escalated")]);
}

#[test]
fn r_x03_a_three_level_ladder_fires_its_levels_in_order_and_a_met_clock_fires_nothing() {
    let start = beijing(2026, 11, 2, 9, 0);
    let mut t = property_at(start);
    t.ok(&technician(), Command::Claim);
    // Late by an hour at the first level (a server that was down): marked late.
    t.at(start + Duration::hours(25));
    t.run_due();
    assert_eq!(t.of("b21_major"), [(1, "escalated")]);
    assert_eq!(tells(&t.fired("b21_major", 1)).2, 3600, "an hour late");
    t.at(start + Duration::hours(28));
    t.run_due();
    assert_eq!(
        t.of("b21_major"),
        [(1, "escalated"), (2, "escalated"), (3, "escalated")]
    );
    let (roles, channels, _) = tells(&t.fired("b21_major", 3));
    assert_eq!(roles, [Role::Supervisor, Role::Admin]);
    assert_eq!(
        channels,
        [NotifyChannel::Inbox, NotifyChannel::Email, NotifyChannel::Webhook]
    );
    // Met in time: nothing fires, and each level says so once.
    let mut t = property_at(start);
    t.ok(&technician(), Command::Claim);
    t.ok(&technician(), arrive(code()));
    t.ok(&technician(), resolve_signed());
    t.at(start + Duration::hours(30));
    t.run_due();
    assert_eq!(
        t.of("b21_major"),
        [
            (1, "escalation_skipped"),
            (2, "escalation_skipped"),
            (3, "escalation_skipped")
        ]
    );
}

#[test]
fn r_x02_following_a_history_in_parts_gives_the_logs_of_following_it_whole() {
    let mut t = property_at(beijing(2026, 11, 2, 9, 0));
    t.ok(&technician(), Command::Claim);
    t.at(beijing(2026, 11, 2, 11, 0));
    t.ok(&technician(), request_parts());
    t.at(beijing(2026, 11, 3, 11, 0));
    t.run_due();
    t.ok(&technician(), parts_received());
    let whole = sla::follow(
        t.defs(),
        chrono_tz::Asia::Shanghai,
        tenant(),
        None,
        &t.case.records,
    );
    assert_eq!(whole, t.case.order.clocks);
}

#[test]
fn r_x01_the_shipped_templates_load_and_a_bad_file_names_its_line_and_field() {
    for template in Template::ALL {
        assert!(!template.spec().clocks.is_empty(), "{template:?} has clocks");
    }
    let broken = "[[clocks]]\nid = \"x\"\nrule = \"B02\"\nstarts = [\"created\"]\nmeets = []\ntarget = \"5 minutes\"\ntime = \"wall\"\nladder = [{ after = \"0m\", tell = [\"supervisor\"], channels = [\"inbox\"] }]\n";
    let error = Template::Property
        .spec()
        .with_override("acme/property.toml", broken)
        .unwrap_err();
    assert_eq!(
        (error.file.as_str(), error.field.as_str()),
        ("acme/property.toml", "clocks[0].target")
    );
    assert_eq!(error.line, 6);
    let rules = "[rules]\ninitial_route = \"pool\"\n";
    let error = Template::Property
        .spec()
        .with_override("acme/property.toml", rules)
        .unwrap_err();
    assert_eq!(error.field, "rules");
    let typo = "[[clocks]]\nid = \"x\"\nrule = \"B02\"\nstart = [\"created\"]\n";
    let error = Template::Property
        .spec()
        .with_override("acme/property.toml", typo)
        .unwrap_err();
    assert!(error.message.contains("start"), "{error}");
    // A working-time ladder in days and hours at once has no plain order (a working day has
    // no fixed length).
    let mixed = "[[clocks]]\nid = \"x\"\nrule = \"A03\"\nstarts = [\"created\"]\nmeets = []\ntarget = \"4h\"\ntime = \"working\"\nladder = [{ after = \"8h\", tell = [\"coordinator\"], channels = [\"inbox\"] }, { after = \"1d\", tell = [\"coordinator\"], channels = [\"inbox\"] }]\n";
    let error = Template::Property
        .spec()
        .with_override("acme/property.toml", mixed)
        .unwrap_err();
    assert_eq!(error.field, "clocks[0].ladder");
    let huge = broken.replace("5 minutes", "99999999999999h");
    let error = Template::Property
        .spec()
        .with_override("acme/property.toml", &huge)
        .unwrap_err();
    assert_eq!(
        error.field, "clocks[0].target",
        "too long is an error, not a panic"
    );
    let wide = broken.replace("5 minutes", "3天");
    let error = Template::Property
        .spec()
        .with_override("acme/property.toml", &wide)
        .unwrap_err();
    assert_eq!(error.field, "clocks[0].target");
    // An organisation may move its clocks but not drop what a rule waits for (A05).
    let quicker = broken.replace("5 minutes", "10m");
    let spec = Template::Property
        .spec()
        .with_override("acme/property.toml", &quicker)
        .unwrap();
    assert_eq!(spec.clocks.len(), 1);
    assert_eq!(spec.rules, Template::Property.spec().rules);
    let error = Template::AfterSales
        .spec()
        .with_override("acme/after_sales.toml", &quicker)
        .unwrap_err();
    assert!(error.message.contains("cancel_unreachable"), "{error}");
}

// ---------------------------------------------------------------------------------------
// A18, B19: steps of one template, timed
// ---------------------------------------------------------------------------------------

fn urge() -> Command {
    Command::Urge {
        note: "用户为省级媒体记者，要求尽快上门".into(),
    }
}

#[test]
fn r_a18_a_special_customers_order_is_told_to_the_region_within_half_a_working_day() {
    // Urged Monday 09:00: half of a 7-hour working day ends at 14:00, after the lunch break.
    let mut t = after_sales_dispatched(beijing(2026, 11, 2, 9, 0));
    t.ok(&desk(), urge());
    t.at(beijing(2026, 11, 2, 13, 59));
    t.run_due();
    assert!(t.of("a18_special").is_empty(), "not yet");
    t.at(beijing(2026, 11, 2, 14, 0));
    t.run_due();
    assert_eq!(t.of("a18_special"), [(1, "escalated")]);
    let (roles, channels, _) = tells(&t.fired("a18_special", 1));
    assert_eq!(roles, [Role::Coordinator, Role::RegionOfficer]);
    assert_eq!(channels, [NotifyChannel::Inbox, NotifyChannel::Sms]);
    // The station reports: the clock is met, and the region is not told again.
    t.ok(
        &coordinator(),
        Command::ReportToRegion {
            note: "已电话报告大区，安排资深工程师明早上门".into(),
        },
    );
    t.at(beijing(2026, 11, 4, 9, 0));
    t.run_due();
    assert_eq!(t.of("a18_special"), [(1, "escalated"), (2, "escalation_skipped")]);
}

#[test]
fn r_a18_urging_is_an_after_sales_step_and_the_desks() {
    let mut t = property_at(beijing(2026, 11, 2, 9, 0));
    assert_eq!(
        t.refused(&desk(), urge()),
        Refusal::NotInTemplate {
            command: baoxiu_domain::CommandName::Urge
        }
    );
    let mut t = after_sales_dispatched(beijing(2026, 11, 2, 9, 0));
    assert!(matches!(
        t.refused(&technician(), urge()),
        Refusal::NotPermitted { .. }
    ));
}

#[test]
fn r_b19_a_complex_repair_is_reviewed_within_30_minutes_and_the_owner_told_the_plan_within_24_hours() {
    let start = beijing(2026, 11, 2, 9, 0);
    let mut t = property_at(start);
    t.ok(&technician(), Command::Claim);
    t.ok(&technician(), arrive(code()));
    t.at(beijing(2026, 11, 2, 10, 0));
    t.ok(
        &technician(),
        Command::MarkComplex {
            note: "主管道锈蚀穿孔，需停水更换立管".into(),
        },
    );
    t.at(beijing(2026, 11, 2, 10, 29));
    t.run_due();
    assert!(t.of("b19_review").is_empty());
    t.at(beijing(2026, 11, 2, 10, 30));
    t.run_due();
    assert_eq!(t.of("b19_review"), [(1, "escalated")]);
    assert_eq!(
        tells(&t.fired("b19_review", 1)).0,
        [Role::TeamLead, Role::Supervisor]
    );
    t.ok(
        &supervisor(),
        Command::ReviewComplex {
            plan: "明日9点停水两小时更换立管，已报物业经理".into(),
        },
    );
    // Reviewed: the engineering department is not told. The owner hears the plan the next
    // morning, within the 24 hours.
    t.at(beijing(2026, 11, 3, 9, 0));
    t.ok(&technician(), contact(ContactOutcome::Reached));
    t.at(beijing(2026, 11, 4, 9, 0));
    t.run_due();
    assert_eq!(t.of("b19_review"), [(1, "escalated"), (2, "escalation_skipped")]);
    assert_eq!(t.of("b19_plan"), [(1, "escalation_skipped")]);
}

#[test]
fn r_b19_the_owner_not_told_the_plan_in_24_hours_goes_to_the_team_lead() {
    let start = beijing(2026, 11, 2, 9, 0);
    let mut t = property_at(start);
    t.ok(&technician(), Command::Claim);
    t.ok(&technician(), arrive(code()));
    t.ok(
        &technician(),
        Command::MarkComplex {
            note: "需要专业单位检测".into(),
        },
    );
    t.at(start + Duration::hours(24) - Duration::minutes(1));
    t.run_due();
    assert!(t.of("b19_plan").is_empty());
    t.at(start + Duration::hours(24));
    t.run_due();
    assert_eq!(t.of("b19_plan"), [(1, "escalated")]);
}

// ---------------------------------------------------------------------------------------
// Found in review: lapsed levels, new cycles, waiting clocks, clocks that cannot be counted
// ---------------------------------------------------------------------------------------

#[test]
fn r_x02_a_level_that_lapsed_before_its_clock_was_met_still_fires_marked_late() {
    // Due at 20:05; the claim comes at 20:06, before any background step ran.
    let mut t = property_at(beijing(2026, 11, 2, 20, 0));
    t.at(beijing(2026, 11, 2, 20, 6));
    t.ok(&technician(), Command::Claim);
    t.at(beijing(2026, 11, 2, 20, 7));
    t.run_due();
    assert_eq!(t.of("b02_unclaimed"), [(1, "escalated")]);
    assert_eq!(tells(&t.fired("b02_unclaimed", 1)).2, 120, "two minutes late");
    // Claimed in time, the level is skipped as met.
    let mut t = property_at(beijing(2026, 11, 2, 20, 0));
    t.at(beijing(2026, 11, 2, 20, 4));
    t.ok(&technician(), Command::Claim);
    t.at(beijing(2026, 11, 2, 20, 7));
    t.run_due();
    assert_eq!(t.of("b02_unclaimed"), [(1, "escalation_skipped")]);
}

#[test]
fn r_a05_unreachable_again_after_being_reached_starts_the_five_working_days_over() {
    let mut t = after_sales_dispatched(beijing(2026, 11, 2, 9, 0));
    t.at(beijing(2026, 11, 2, 13, 0));
    t.ok(&coordinator(), contact(ContactOutcome::Unreachable));
    t.at(beijing(2026, 11, 3, 10, 0));
    t.ok(&coordinator(), contact(ContactOutcome::Reached));
    // Unreachable again from Wednesday 10:00: five working days end the next Wednesday.
    t.at(beijing(2026, 11, 4, 10, 0));
    t.ok(&coordinator(), contact(ContactOutcome::Unreachable));
    t.at(beijing(2026, 11, 10, 17, 0));
    t.run_due();
    let cancel = request_cancel(CancelReason::CustomerUnreachable);
    assert_eq!(
        t.refused(&coordinator(), cancel.clone()),
        Refusal::NotYetCancellable
    );
    t.at(beijing(2026, 11, 11, 10, 0));
    t.run_due();
    t.ok(&coordinator(), cancel);
}

#[test]
fn r_x01_a_waiting_clock_with_time_left_is_not_overdue() {
    let start = beijing(2026, 11, 2, 9, 0);
    let mut t = property_at(start);
    t.ok(&technician(), Command::Claim);
    t.at(start + Duration::hours(20));
    t.ok(&technician(), request_parts());
    t.at(start + Duration::hours(30));
    let defs = t.defs();
    let calendar = china::office();
    let schedule = sla::schedule(defs, &t.case.order, &calendar);
    assert!(
        !schedule.deadlines.iter().any(|d| d.clock == "b21_major"),
        "waiting for parts with four hours left: not on the overdue list"
    );
    let log = t
        .case
        .order
        .clocks
        .iter()
        .find(|l| l.clock == "b21_major")
        .unwrap();
    let def = defs.iter().find(|d| d.id == "b21_major").unwrap();
    let status = log.status(def, &t.case.order, &calendar).unwrap();
    assert!(!status.late);
    assert_eq!(status.remaining, Duration::hours(4));
}

#[test]
fn r_x01_a_clock_that_cannot_be_counted_holds_up_no_other() {
    // A complaint on the last day of 2026: three working days reach into 2027, whose
    // holidays are not known. The 24-hour list still comes due.
    let complaint = NewOrder {
        kind: Kind::Complaint,
        description: "物业费账单有误，要求答复".into(),
        ..property_order()
    };
    let mut t = Timed::open(complaint, &desk(), beijing(2026, 12, 31, 10, 0));
    let schedule = sla::schedule(t.defs(), &t.case.order, &china::office());
    assert!(
        schedule
            .problems
            .iter()
            .any(|(clock, _)| clock == "b15_complaint")
    );
    t.at(beijing(2027, 1, 1, 10, 0));
    t.run_due();
    assert_eq!(t.of("b12_unfinished"), [(1, "escalated")]);
    assert!(t.of("b15_complaint").is_empty(), "never guessed");
}
