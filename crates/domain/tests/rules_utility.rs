//! Rules E01–E09: the utility's 95598 fault hotline. One or more tests per rule, named
//! `r_<id>_…`. Every command runs through the harness in `support`, which also checks that
//! a refused command leaves the order exactly as it was.

mod support;

use baoxiu_domain::calendar::china;
use baoxiu_domain::sla::{self, NotifyChannel, SkipReason};
use baoxiu_domain::{
    AccountStatus, Command, CommandName, CrewReport, Event, Finding, GridFault, InternalCause, Refusal,
    Resolution, Role, State, Template, Timestamp, WorkOrder, Zone,
};
use support::*;

// ---------------------------------------------------------------------------------------
// The hotline's steps
// ---------------------------------------------------------------------------------------

fn check_account(status: AccountStatus) -> Command {
    Command::CheckAccount {
        account: "3301234567".into(),
        status,
        note: None,
    }
}

fn grid(zone: Zone) -> Command {
    Command::Triage {
        finding: Finding::Grid {
            fault: GridFault::Line,
            zone,
        },
    }
}

fn internal(paid_service: bool) -> Command {
    Command::Triage {
        finding: Finding::Internal {
            cause: InternalCause::Breaker,
            paid_service,
            guidance: "请客户检查户内空气开关是否跳闸，合上后恢复供电".into(),
        },
    }
}

fn outage() -> Command {
    Command::Triage {
        finding: Finding::Outage {
            notice: "文三路10kV线路计划检修，今日08:00–18:00停电".into(),
        },
    }
}

fn report(restored_at: Timestamp) -> Command {
    Command::Resolve {
        signature: None,
        summary: "更换熔断的跌落式熔断器，恢复供电".into(),
        report: Some(
            CrewReport::parse(
                "10kV支线跌落式熔断器熔断",
                restored_at,
                "赵强、孙磊",
                "已恢复供电",
            )
            .unwrap(),
        ),
    }
}

/// A call taken by the desk: awaiting dispatch.
fn call() -> Case {
    Case::open(utility_order(), &desk())
}

/// A grid fault in the city, checked and found at intake.
fn grid_fault() -> Case {
    let mut case = call();
    case.ok(&desk(), check_account(AccountStatus::Paid));
    case.ok(&desk(), grid(Zone::City));
    case
}

/// [`grid_fault`] dispatched to the district crew, confirmed by its duty lead, a lineman
/// assigned (E04, E05).
fn crew_on_it() -> Case {
    let mut case = grid_fault();
    case.ok(&desk(), dispatch(head_station()));
    case.ok(&coordinator(), Command::Accept);
    case.ok(&coordinator(), assign(technician()));
    case
}

/// [`crew_on_it`], the crew set off and arrived.
fn crew_on_site() -> Case {
    let mut case = crew_on_it();
    case.clock.advance_minutes(5);
    case.ok(&technician(), Command::Depart);
    case.clock.advance_minutes(25);
    case.ok(&technician(), arrive_without_code());
    case
}

/// [`crew_on_site`], power back and reported.
fn restored() -> Case {
    let mut case = crew_on_site();
    case.clock.advance_minutes(40);
    let at = case.now() - minutes(5);
    case.ok(&technician(), report(at));
    case
}

/// The order's clocks followed from its whole history, and when `clock`'s first level
/// (level 1) is due.
fn due(case: &Case, clock: &str) -> Option<Timestamp> {
    let defs = &Template::Utility.spec().clocks;
    let mut order: WorkOrder = case.order.clone();
    order.clocks = sla::follow(defs, chrono_tz::Asia::Shanghai, tenant(), None, &case.records);
    sla::timers(defs, &order, &china::office())
        .unwrap()
        .into_iter()
        .find(|t| t.clock == clock && t.level == 1)
        .map(|t| t.at)
}

/// What the timers of `clock` decide when the server's step runs at `at` on the order as
/// it stands: `escalated`, or `escalation_skipped` with why.
fn decided(case: &Case, clock: &str, at: Timestamp) -> Vec<Event> {
    let defs = &Template::Utility.spec().clocks;
    let mut order: WorkOrder = case.order.clone();
    order.clocks = sla::follow(defs, chrono_tz::Asia::Shanghai, tenant(), None, &case.records);
    sla::fire_due(defs, &china::office(), &mut order, at, false)
        .into_iter()
        .map(|r| r.event)
        .filter(|e| matches!(e, Event::Escalated { clock: c, .. } | Event::EscalationSkipped { clock: c, .. } if c == clock))
        .collect()
}

fn met(events: &[Event]) -> bool {
    !events.is_empty()
        && events.iter().all(|e| {
            matches!(
                e,
                Event::EscalationSkipped {
                    reason: SkipReason::Met,
                    ..
                }
            )
        })
}

// ---------------------------------------------------------------------------------------
// E01: the account check; arrears end the call
// ---------------------------------------------------------------------------------------

#[test]
fn r_e01_arrears_end_the_call_at_intake_and_nothing_is_dispatched() {
    let mut case = call();
    assert_eq!(case.state(), State::AwaitingDispatch);
    case.ok(&desk(), check_account(AccountStatus::Arrears));
    assert_eq!(case.state(), State::Closed);
    assert!(!case.state().is_open());
    assert!(case.order.timeline.closed_at.is_some());
    assert_eq!(
        case.refused(&desk(), dispatch(head_station())),
        Refusal::InvalidState {
            state: State::Closed,
            command: CommandName::Dispatch
        }
    );
    // Nothing else happens to it but the check and the archive (E09).
    let desk_may = case.order.commands_for(&actor(&desk()));
    assert_eq!(desk_may, vec![CommandName::Archive]);
}

#[test]
fn r_e01_a_paid_account_goes_on_but_is_not_dispatched_before_the_fault_is_found() {
    let mut case = call();
    assert_eq!(
        case.refused(&desk(), dispatch(head_station())),
        Refusal::IntakeIncomplete
    );
    case.ok(&desk(), check_account(AccountStatus::Paid));
    assert_eq!(case.state(), State::AwaitingDispatch);
    assert_eq!(
        case.refused(&desk(), dispatch(head_station())),
        Refusal::IntakeIncomplete
    );
    // The page offers no dispatch until then: it asks the domain.
    assert!(
        !case
            .order
            .commands_for(&actor(&desk()))
            .contains(&CommandName::Dispatch)
    );
}

#[test]
fn r_e01_the_account_is_checked_once_and_before_the_fault_is_found() {
    let mut case = call();
    assert_eq!(case.refused(&desk(), outage()), Refusal::AccountFirst);
    case.ok(&desk(), check_account(AccountStatus::Paid));
    assert_eq!(
        case.refused(&desk(), check_account(AccountStatus::Arrears)),
        Refusal::AlreadyRecorded {
            command: CommandName::CheckAccount
        }
    );
}

#[test]
fn r_e01_a_create_naming_a_crew_is_refused_until_the_call_is_checked() {
    // The same check holds on the create path: naming a station runs `dispatch`.
    let mut new = utility_order();
    new.station = Some(head_station());
    let refused = WorkOrder::open(order_id(2), &organisation(), new, code(), &desk(), now()).unwrap_err();
    assert_eq!(refused, Refusal::IntakeIncomplete);
}

// ---------------------------------------------------------------------------------------
// E02: internal or grid fault; guidance or the paid service
// ---------------------------------------------------------------------------------------

#[test]
fn r_e02_an_internal_fault_guided_by_phone_ends_the_call() {
    let mut case = call();
    case.ok(&desk(), check_account(AccountStatus::Paid));
    let events = case.ok(&desk(), internal(false));
    assert!(matches!(
        &events[..],
        [Event::Triaged {
            finding: Finding::Internal {
                cause: InternalCause::Breaker,
                paid_service: false,
                ..
            }
        }]
    ));
    assert_eq!(case.state(), State::Closed);
}

#[test]
fn r_e02_an_internal_fault_as_a_paid_service_is_dispatched_after_the_customer_was_told() {
    let mut case = call();
    case.ok(&desk(), check_account(AccountStatus::Paid));
    case.ok(&desk(), internal(true));
    assert_eq!(case.state(), State::AwaitingDispatch);
    case.ok(&desk(), dispatch(head_station()));
    assert_eq!(case.state(), State::Assigned);
}

#[test]
fn r_e02_a_finding_names_what_it_needs() {
    let missing = Finding::parse("grid", Some("line"), None, None, false, None).unwrap_err();
    assert_eq!(missing.field, "zone");
    let wrong = Finding::parse("internal", None, None, Some("meter"), false, Some("x")).unwrap_err();
    assert_eq!(wrong.field, "cause");
    let silent = Finding::parse("internal", None, None, Some("fuse"), false, None).unwrap_err();
    assert_eq!(silent.field, "guidance");
    let unknown = Finding::parse("weather", None, None, None, false, None).unwrap_err();
    assert_eq!(unknown.field, "finding");
}

#[test]
fn r_e02_only_the_hotline_finds_the_fault() {
    let mut case = call();
    case.ok(&desk(), check_account(AccountStatus::Paid));
    for who in [technician(), coordinator(), customer()] {
        assert!(matches!(
            case.refused(&who, grid(Zone::City)),
            Refusal::NotPermitted {
                command: CommandName::Triage,
                ..
            }
        ));
    }
}

// ---------------------------------------------------------------------------------------
// E03: an outage: told and apologised to
// ---------------------------------------------------------------------------------------

#[test]
fn r_e03_an_outage_is_told_and_the_call_ends() {
    let mut case = call();
    case.ok(&desk(), check_account(AccountStatus::Paid));
    case.ok(&desk(), outage());
    assert_eq!(case.state(), State::Closed);
    let Some(Finding::Outage { notice }) = &case.order.intake.finding else {
        panic!("the outage is kept: {:?}", case.order.intake);
    };
    assert!(notice.contains("计划检修"));
}

// ---------------------------------------------------------------------------------------
// E04: grid faults go to the district crew
// ---------------------------------------------------------------------------------------

#[test]
fn r_e04_a_grid_fault_goes_to_a_district_crew_whose_duty_lead_dispatches() {
    let mut case = grid_fault();
    // The desk sends it to the crew (a station), not to a lineman directly.
    assert_eq!(
        case.refused(&desk(), assign(technician())),
        Refusal::NotDispatched
    );
    case.ok(&desk(), dispatch(head_station()));
    assert_eq!(case.order.station, Some(head_station()));
    // Another district's crew cannot take it.
    assert_eq!(
        case.refused(&foreign_coordinator(), Command::Accept),
        Refusal::OtherStation
    );
}

// ---------------------------------------------------------------------------------------
// E05: the duty lead confirms; the desk apologises
// ---------------------------------------------------------------------------------------

#[test]
fn r_e05_the_desk_apologises_once_the_duty_lead_has_sent_the_crew() {
    let mut case = grid_fault();
    case.ok(&desk(), dispatch(head_station()));
    // Not before the duty lead sent someone (派工): accepting alone is not a dispatch.
    assert_eq!(
        case.refused(&desk(), Command::Apologise { note: None }),
        Refusal::CrewNotDispatched
    );
    case.ok(&coordinator(), Command::Accept);
    assert_eq!(
        case.refused(&desk(), Command::Apologise { note: None }),
        Refusal::CrewNotDispatched
    );
    case.ok(&coordinator(), assign(technician()));
    case.ok(
        &desk(),
        Command::Apologise {
            note: Some("已向客户致歉，抢修人员正在赶往现场".into()),
        },
    );
    assert!(case.order.timeline.apologised_at.is_some());
    assert_eq!(
        case.refused(&desk(), Command::Apologise { note: None }),
        Refusal::AlreadyRecorded {
            command: CommandName::Apologise
        }
    );
}

#[test]
fn r_e05_the_dispatch_and_the_apology_are_timed() {
    let mut case = grid_fault();
    case.ok(&desk(), dispatch(head_station()));
    assert_eq!(due(&case, "e05_confirm"), Some(case.now() + minutes(10)));
    case.clock.advance_minutes(3);
    case.ok(&coordinator(), Command::Accept);
    let later = case.now() + hours(1);
    assert!(
        matches!(
            &decided(&case, "e05_confirm", later)[..],
            [Event::Escalated { .. }]
        ),
        "accepting is not sending a crew"
    );
    case.ok(&coordinator(), assign(technician()));
    assert!(met(&decided(&case, "e05_confirm", later)), "met by the crew sent");
    assert_eq!(due(&case, "e05_apology"), Some(case.now() + minutes(15)));
    let level = &Template::Utility
        .spec()
        .clocks
        .iter()
        .find(|c| c.id == "e05_apology")
        .unwrap()
        .ladder[0];
    assert_eq!(level.tell, vec![Role::DeskAgent]);
    assert!(matches!(
        &decided(&case, "e05_apology", later)[..],
        [Event::Escalated { .. }]
    ));
    case.ok(&desk(), Command::Apologise { note: None });
    assert!(met(&decided(&case, "e05_apology", later)), "met by the apology");
}

#[test]
fn r_e07_a_utility_job_is_never_closed_by_phone() {
    let mut case = crew_on_it();
    assert_eq!(
        case.refused(
            &coordinator(),
            resolve_by_phone(baoxiu_domain::PhoneSolution::Other)
        ),
        Refusal::NotInTemplate {
            command: CommandName::ResolveByPhone
        }
    );
}

#[test]
fn r_e02_a_finding_may_be_put_right_before_dispatch() {
    let mut case = call();
    case.ok(&desk(), check_account(AccountStatus::Paid));
    case.ok(&desk(), grid(Zone::City));
    case.ok(&desk(), grid(Zone::Remote));
    assert_eq!(
        case.order.intake.finding.as_ref().and_then(|f| f.zone()),
        Some(Zone::Remote)
    );
    assert_eq!(due(&case, "e06_arrival"), Some(case.now() + minutes(120)));
}

// ---------------------------------------------------------------------------------------
// E06: arrival by area class
// ---------------------------------------------------------------------------------------

#[test]
fn r_e06_arrival_targets_follow_the_area_city_rural_remote() {
    for (zone, target) in [(Zone::City, 45), (Zone::Rural, 90), (Zone::Remote, 120)] {
        let mut case = call();
        case.ok(&desk(), check_account(AccountStatus::Paid));
        case.ok(&desk(), grid(zone));
        assert_eq!(
            due(&case, "e06_arrival"),
            Some(case.now() + minutes(target)),
            "{zone:?}"
        );
    }
}

#[test]
fn r_e06_an_internal_fault_has_no_arrival_target_but_the_time_agreed() {
    let mut case = call();
    case.ok(&desk(), check_account(AccountStatus::Paid));
    case.ok(&desk(), internal(true));
    assert_eq!(due(&case, "e06_arrival"), None);
    case.ok(&desk(), dispatch(head_station()));
    case.ok(&coordinator(), Command::Accept);
    let at = case.now() + hours(3);
    case.ok(&coordinator(), commit(at));
    assert_eq!(case.state(), State::Scheduled);
}

#[test]
fn r_e06_arrival_meets_the_clock_and_a_late_crew_escalates() {
    let case = crew_on_site();
    let later = case.now() + hours(3);
    assert!(
        met(&decided(&case, "e06_arrival", later)),
        "arrived within 45 minutes"
    );

    let mut late = crew_on_it();
    let due_at = due(&late, "e06_arrival").unwrap();
    let defs = &Template::Utility.spec().clocks;
    late.order.clocks = sla::follow(defs, chrono_tz::Asia::Shanghai, tenant(), None, &late.records);
    let fired = sla::fire_due(defs, &china::office(), &mut late.order, due_at, false);
    let escalation = fired
        .iter()
        .find_map(|r| match &r.event {
            Event::Escalated {
                clock,
                tell,
                channels,
                ..
            } if clock == "e06_arrival" => Some((tell.clone(), channels.clone())),
            _ => None,
        })
        .expect("the arrival clock fired");
    assert_eq!(escalation.0, vec![Role::Coordinator, Role::Supervisor]);
    assert!(escalation.1.contains(&NotifyChannel::Sms));
}

// ---------------------------------------------------------------------------------------
// E07: departure, arrival, cause, restoration, who, result
// ---------------------------------------------------------------------------------------

#[test]
fn r_e07_the_crew_reports_departure_arrival_cause_restoration_who_and_result() {
    let case = restored();
    let t = &case.order.timeline;
    assert_eq!(t.departures.len(), 1);
    assert_eq!(t.arrivals.len(), 1);
    assert!(t.departures[0] < t.arrivals[0]);
    let Some(Resolution::Crew { report, .. }) = &case.order.resolution else {
        panic!("resolved with the crew's report: {:?}", case.order.resolution);
    };
    assert_eq!(report.cause, "10kV支线跌落式熔断器熔断");
    assert_eq!(report.crew, "赵强、孙磊");
    assert_eq!(report.result, "已恢复供电");
    assert!(report.restored_at <= case.order.timeline.resolved_at.unwrap());
    assert_eq!(case.state(), State::Resolved);
}

#[test]
fn r_e07_no_report_no_resolution_and_the_restoration_time_must_be_real() {
    let mut case = crew_on_site();
    let bare = Command::Resolve {
        signature: Some(signature()),
        summary: "已恢复".into(),
        report: None,
    };
    assert_eq!(
        case.refused(&technician(), bare),
        Refusal::Missing { field: "report" }
    );
    let future = case.now() + minutes(30);
    assert_eq!(
        case.refused(&technician(), report(future)),
        Refusal::RestorationOutOfRange
    );
    let before_the_call = now() - hours(1);
    assert_eq!(
        case.refused(&technician(), report(before_the_call)),
        Refusal::RestorationOutOfRange
    );
}

#[test]
fn r_e07_the_duty_lead_reports_for_the_crew() {
    let mut case = crew_on_it();
    let mut order = case.order.clone();
    let records = order
        .execute_for(
            &actor(&coordinator()),
            &actor(&technician()),
            case.now(),
            &Command::Depart,
        )
        .unwrap();
    assert_eq!(records[0].actor, technician());
    assert_eq!(records[0].recorded_by, Some(coordinator()));
    case.order = order;
    assert_eq!(case.order.timeline.departures.len(), 1);
}

// ---------------------------------------------------------------------------------------
// E08: the callback; an unreachable one records why it ended
// ---------------------------------------------------------------------------------------

#[test]
fn r_e08_an_unreachable_callback_records_its_termination_reason_and_ends() {
    let mut case = restored();
    assert_eq!(
        case.refused(&desk(), callback_unreached(None)),
        Refusal::Missing { field: "note" }
    );
    case.ok(&desk(), callback_unreached(Some("三次致电均无人接听，终止回访")));
    assert_eq!(case.state(), State::CalledBack);
    let last = case.order.callbacks.last().unwrap();
    assert!(!last.reached);
    assert_eq!(last.note.as_deref(), Some("三次致电均无人接听，终止回访"));
}

#[test]
fn r_e08_a_reached_callback_records_satisfaction_and_opinion() {
    let mut case = restored();
    assert!(due(&case, "e08_callback").is_some());
    let rating = |n| baoxiu_domain::Satisfaction::new(n).unwrap();
    let answers = baoxiu_domain::CallbackAnswers {
        quality: rating(5),
        attitude: rating(4),
        restoration: rating(3),
    };
    let callback = |satisfaction, answers| Command::Callback {
        reached: true,
        satisfaction,
        note: Some("恢复供电及时，希望提前通知停电".into()),
        answers,
    };
    // E08: the quality, the attitude and the restoration time are asked, and satisfaction.
    assert_eq!(
        case.refused(&desk(), callback(Some(rating(4)), None)),
        Refusal::Missing { field: "answers" }
    );
    assert_eq!(
        case.refused(&desk(), callback(None, Some(answers))),
        Refusal::Missing {
            field: "satisfaction"
        }
    );
    case.ok(&desk(), callback(Some(rating(4)), Some(answers)));
    assert_eq!(case.order.callbacks[0].answers, Some(answers));
    assert_eq!(case.replayed(), case.order);
    assert_eq!(case.state(), State::CalledBack);
    assert!(met(&decided(&case, "e08_callback", case.now() + days(3))));
}

// ---------------------------------------------------------------------------------------
// E09: checked and archived
// ---------------------------------------------------------------------------------------

#[test]
fn r_e09_an_order_is_archived_after_the_callback_and_a_call_ended_at_intake_too() {
    let mut case = restored();
    assert!(matches!(
        case.refused(&supervisor(), Command::Archive),
        Refusal::InvalidState { .. }
    ));
    case.ok(&desk(), callback_reached(5));
    case.ok(&supervisor(), Command::Archive);
    assert_eq!(case.state(), State::Archived);

    let mut ended = call();
    ended.ok(&desk(), check_account(AccountStatus::Arrears));
    ended.ok(&supervisor(), Command::Archive);
    assert_eq!(ended.state(), State::Archived);
    // The whole story replays to the same order.
    assert_eq!(ended.replayed(), ended.order);
    assert_eq!(case.replayed(), case.order);
}

#[test]
fn r_e09_the_hotline_steps_belong_to_the_utility_template_only() {
    let mut property = Case::property();
    assert_eq!(
        property.refused(&desk(), check_account(AccountStatus::Paid)),
        Refusal::NotInTemplate {
            command: CommandName::CheckAccount
        }
    );
    let mut after_sales = Case::after_sales();
    assert_eq!(
        after_sales.refused(&desk(), grid(Zone::City)),
        Refusal::NotInTemplate {
            command: CommandName::Triage
        }
    );
}

#[test]
fn r_x05_a_triage_event_reads_back_as_written() {
    let case = restored();
    for record in &case.records {
        let json = serde_json::to_string(record).unwrap();
        let back: baoxiu_domain::EventRecord = serde_json::from_str(&json).unwrap();
        assert_eq!(&back, record, "{json}");
    }
}
