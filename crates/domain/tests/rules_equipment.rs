//! Rules C01–C13 that are built: a factory's maintenance team. One or more tests per rule,
//! named `r_<id>_…`; every command runs through the harness in `support`, which also checks
//! that a refused command leaves the order as it was. What is not built is said in
//! docs/rules.md.

mod support;

use baoxiu_domain::calendar::china;
use baoxiu_domain::sla;
use baoxiu_domain::{
    ApprovalKind, Channel, Command, CommandName, Complexity, CrewReport, EquipmentTag, Event, Priority,
    Refusal, Resolution, Role, State, Template, Timestamp, WorkOrder,
};
use support::*;

fn chain(kind: ApprovalKind) -> Vec<Role> {
    Template::Equipment.spec().chain(kind).unwrap().to_vec()
}

fn ask(kind: ApprovalKind, note: &str) -> Command {
    Command::RequestApproval {
        kind,
        note: note.into(),
        chain: chain(kind),
    }
}

fn rate(level: Complexity) -> Command {
    Command::RateComplexity {
        level,
        note: Some("拆检液压泵，确认密封件老化".into()),
    }
}

/// The operator's report, sent to the maintenance team; the team lead gives it to a
/// technician, who accepts and is at the machine.
fn at_the_machine() -> Case {
    let mut case = Case::open(equipment_order(), &desk());
    case.ok(&team_lead(), assign(technician()));
    case.ok(&technician(), Command::Accept);
    case.ok(&technician(), with_operator());
    case
}

/// C13: the technician arrives with the operator, who stays on site.
fn with_operator() -> Command {
    Command::Arrive {
        code: None,
        desk_note: None,
        escort: Some("注塑车间 王强".into()),
    }
}

fn completed(at: Timestamp) -> Command {
    Command::Resolve {
        signature: Some(signature()),
        summary: "更换液压泵密封件，试机压力正常".into(),
        report: Some(CrewReport::parse("液压泵密封件老化", at, "赵强", "更换密封件一套，试机正常").unwrap()),
    }
}

// ---------------------------------------------------------------------------------------
// C01, C02: reports from operators, patrols and maintenance; dispatched by the team lead
// ---------------------------------------------------------------------------------------

#[test]
fn r_c01_reports_come_from_operators_patrols_and_preventive_maintenance() {
    for channel in [Channel::Phone, Channel::Patrol, Channel::PreventiveMaintenance] {
        let mut new = equipment_order();
        new.channel = channel;
        let case = Case::open(new, &desk());
        assert_eq!(case.state(), State::Assigned, "{channel:?}");
        assert_eq!(case.order.details.channel, channel);
    }
}

#[test]
fn r_c02_the_team_lead_dispatches_to_a_technician_of_the_team() {
    let mut case = Case::open(equipment_order(), &desk());
    // Another team's lead cannot; a technician of another station is not offered.
    assert_eq!(
        case.refused(&foreign_team_lead(), assign(technician())),
        Refusal::OtherStation
    );
    assert_eq!(
        case.refused(&team_lead(), assign(foreign_technician())),
        Refusal::OtherStation
    );
    case.ok(&team_lead(), assign(technician()));
    assert_eq!(case.order.assignee, Some(technician()));
}

// ---------------------------------------------------------------------------------------
// C03: an emergency has someone on site within 10 minutes
// ---------------------------------------------------------------------------------------

#[test]
fn r_c03_an_emergency_is_timed_to_ten_minutes_on_site() {
    let mut new = equipment_order();
    new.priority = Priority::Emergency;
    let case = Case::open(new, &desk());
    let defs = &Template::Equipment.spec().clocks;
    let mut order: WorkOrder = case.order.clone();
    order.clocks = sla::follow(defs, chrono_tz::Asia::Shanghai, tenant(), None, &case.records);
    let due = sla::timers(defs, &order, &china::office())
        .unwrap()
        .into_iter()
        .find(|t| t.clock == "c03_emergency")
        .map(|t| t.at);
    assert_eq!(due, Some(now() + minutes(10)));
    // An urgent (not emergency) report has no such clock.
    let urgent = Case::open(equipment_order(), &desk());
    let mut order = urgent.order.clone();
    order.clocks = sla::follow(defs, chrono_tz::Asia::Shanghai, tenant(), None, &urgent.records);
    assert!(order.clocks.is_empty());
}

// ---------------------------------------------------------------------------------------
// C04: complexity rated; a complex repair waits for its approved plan
// ---------------------------------------------------------------------------------------

#[test]
fn r_c04_work_starts_only_once_the_fault_is_rated() {
    let mut case = at_the_machine();
    assert_eq!(
        case.refused(&technician(), Command::Start),
        Refusal::ComplexityFirst
    );
    case.ok(&technician(), rate(Complexity::Low));
    assert_eq!(case.order.complexity, Some(Complexity::Low));
    // A simple fault is repaired on the spot.
    case.ok(&technician(), Command::Start);
}

#[test]
fn r_c04_a_complex_repair_starts_once_the_supervisor_approves_its_plan() {
    let mut case = at_the_machine();
    case.ok(&technician(), rate(Complexity::High));
    assert_eq!(
        case.refused(&technician(), Command::Start),
        Refusal::PlanNotApproved
    );
    case.ok(
        &technician(),
        ask(
            ApprovalKind::MaintenancePlan,
            "停机更换液压泵：停机、泄压、拆泵、装泵、试机；备件：液压泵总成一台；2人4小时",
        ),
    );
    case.ok(&supervisor(), Command::Approve { note: None });
    assert!(case.order.approved(ApprovalKind::MaintenancePlan));
    case.ok(&technician(), Command::Start);
}

#[test]
fn r_c04_a_rejected_plan_keeps_the_work_waiting() {
    let mut case = at_the_machine();
    case.ok(&technician(), rate(Complexity::Medium));
    case.ok(&technician(), ask(ApprovalKind::MaintenancePlan, "更换密封件"));
    case.ok(
        &supervisor(),
        Command::Reject {
            note: "计划缺少停机时间，请补充".into(),
        },
    );
    assert_eq!(
        case.refused(&technician(), Command::Start),
        Refusal::PlanNotApproved
    );
    // Nor can the rating be lowered to get round the plan.
    assert_eq!(
        case.refused(&technician(), rate(Complexity::Low)),
        Refusal::AlreadyRecorded {
            command: CommandName::RateComplexity
        }
    );
}

// ---------------------------------------------------------------------------------------
// C05, C06: outsourcing and the manufacturer's repair through the factory's chain
// ---------------------------------------------------------------------------------------

#[test]
fn r_c05_outsourcing_goes_through_team_section_head_and_department_head_in_order() {
    let mut case = at_the_machine();
    assert_eq!(
        chain(ApprovalKind::Outsourcing),
        vec![Role::TeamLead, Role::Supervisor, Role::Approver]
    );
    case.ok(
        &technician(),
        ask(ApprovalKind::Outsourcing, "液压泵需返修，委外至专业液压维修厂"),
    );
    // Out of turn: refused.
    assert_eq!(
        case.refused(&approver(), Command::Approve { note: None }),
        Refusal::NotNextApprover { role: Role::TeamLead }
    );
    case.ok(&team_lead(), Command::Approve { note: None });
    case.ok(&supervisor(), Command::Approve { note: None });
    assert!(
        !case.order.approved(ApprovalKind::Outsourcing),
        "not before the last"
    );
    case.ok(&approver(), Command::Approve { note: None });
    assert!(case.order.approved(ApprovalKind::Outsourcing));
}

#[test]
fn r_c05_a_factory_sets_its_own_chain() {
    let own = Template::Equipment
        .spec()
        .with_override(
            "acme/equipment.toml",
            "[approvals]\noutsourcing = [\"supervisor\", \"admin\"]\n",
        )
        .unwrap();
    assert_eq!(
        own.chain(ApprovalKind::Outsourcing),
        Some(&[Role::Supervisor, Role::Admin][..])
    );
}

#[test]
fn r_c06_the_manufacturers_repair_is_approved_before_anything_else_happens() {
    let mut case = at_the_machine();
    case.ok(&technician(), rate(Complexity::High));
    case.ok(
        &team_lead(),
        ask(ApprovalKind::ManufacturerRepair, "在保修期内，返厂维修"),
    );
    let before = case.order.clone();
    case.ok(&supervisor(), Command::Approve { note: None });
    case.ok(
        &approver(),
        Command::Reject {
            note: "先由本厂维修班检修".into(),
        },
    );
    assert!(!case.order.approved(ApprovalKind::ManufacturerRepair));
    assert_eq!(case.state(), before.state);
}

// ---------------------------------------------------------------------------------------
// C09: the equipment's tag
// ---------------------------------------------------------------------------------------

#[test]
fn r_c09_the_tag_follows_the_repair_waiting_under_repair_in_service() {
    let mut case = Case::open(equipment_order(), &desk());
    assert_eq!(case.order.equipment_tag(), Some(EquipmentTag::WaitingForRepair));
    case.ok(&team_lead(), assign(technician()));
    case.ok(&technician(), Command::Accept);
    case.ok(&technician(), with_operator());
    assert_eq!(case.order.equipment_tag(), Some(EquipmentTag::UnderRepair));
    case.ok(&technician(), rate(Complexity::Low));
    case.ok(&technician(), Command::Start);
    case.clock.advance_minutes(40);
    let at = case.now() - minutes(5);
    case.ok(&technician(), completed(at));
    assert_eq!(case.order.equipment_tag(), Some(EquipmentTag::InService));
    assert_eq!(Case::property().order.equipment_tag(), None);
}

// ---------------------------------------------------------------------------------------
// C10: the completion record, the operator's signature, the supervisor's archive
// ---------------------------------------------------------------------------------------

#[test]
fn r_c10_completion_records_cause_method_who_and_when_and_the_operator_signs() {
    let mut case = at_the_machine();
    case.ok(&technician(), rate(Complexity::Low));
    case.ok(&technician(), Command::Start);
    case.clock.advance_minutes(50);
    let unsigned = Command::Resolve {
        signature: None,
        summary: "已修复".into(),
        report: None,
    };
    assert_eq!(case.refused(&technician(), unsigned), Refusal::SignatureRequired);
    let no_record = Command::Resolve {
        signature: Some(signature()),
        summary: "已修复".into(),
        report: None,
    };
    assert_eq!(
        case.refused(&technician(), no_record),
        Refusal::Missing { field: "report" }
    );
    let at = case.now() - minutes(3);
    case.ok(&technician(), completed(at));
    let Some(Resolution::OnSite {
        report: Some(report), ..
    }) = &case.order.resolution
    else {
        panic!("the record is kept: {:?}", case.order.resolution);
    };
    assert_eq!(report.cause, "液压泵密封件老化");
    assert_eq!(report.crew, "赵强");
    // No callback; the supervisor reviews and archives.
    assert_eq!(
        case.refused(&desk(), callback_reached(5)),
        Refusal::NotInTemplate {
            command: CommandName::Callback
        }
    );
    assert_eq!(
        case.refused(&desk(), Command::Archive),
        Refusal::SupervisorArchives
    );
    case.ok(&supervisor(), Command::Archive);
    assert_eq!(case.state(), State::Archived);
    assert_eq!(case.replayed(), case.order);
}

#[test]
fn r_x05_equipment_events_read_back_as_written() {
    let mut case = at_the_machine();
    case.ok(&technician(), rate(Complexity::High));
    case.ok(
        &technician(),
        ask(ApprovalKind::MaintenancePlan, "停机更换液压泵"),
    );
    case.ok(&supervisor(), Command::Approve { note: None });
    for record in &case.records {
        let json = serde_json::to_string(record).unwrap();
        let back: baoxiu_domain::EventRecord = serde_json::from_str(&json).unwrap();
        assert_eq!(&back, record, "{json}");
    }
    assert!(matches!(
        case.records.last().unwrap().event,
        Event::ApprovalDecided { approve: true, .. }
    ));
}

// ---------------------------------------------------------------------------------------
// C07, C08: waiting for parts (待修) and a new time agreed with the using department
// ---------------------------------------------------------------------------------------

#[test]
fn r_c07_waiting_for_parts_is_noted_on_the_order_and_the_machine_waits_for_repair() {
    let mut case = at_the_machine();
    case.ok(&technician(), rate(Complexity::Low));
    case.ok(&technician(), Command::Start);
    case.ok(&technician(), request_parts());
    assert_eq!(case.state(), State::WaitingForParts);
    assert_eq!(case.order.equipment_tag(), Some(EquipmentTag::WaitingForRepair));
    assert_eq!(case.order.parts_requests.len(), 1);
    // The supervisor sends it to purchasing under a parts order number.
    case.ok(
        &supervisor(),
        Command::ShipParts {
            order_no: "CG-20261102-08".into(),
        },
    );
    assert_eq!(
        case.order.parts_requests[0].order_no.as_deref(),
        Some("CG-20261102-08")
    );
}

#[test]
fn r_c08_an_overloaded_team_agrees_a_later_time_with_the_using_department() {
    let mut case = Case::open(equipment_order(), &desk());
    case.ok(&team_lead(), assign(technician()));
    case.ok(&technician(), Command::Accept);
    let later = case.now() + days(1);
    case.ok(
        &team_lead(),
        recommit(
            later,
            baoxiu_domain::CommitmentKind::CustomerRequest,
            "维修班任务已满，与注塑车间协商明日上午维修",
        ),
    );
    assert_eq!(case.state(), State::Scheduled);
    assert_eq!(case.order.current_commitment().map(|c| c.at), Some(later));
}

// ---------------------------------------------------------------------------------------
// C13: the operator stays on site during the repair
// ---------------------------------------------------------------------------------------

#[test]
fn r_c13_the_arrival_names_the_operator_who_stays_on_site() {
    let mut case = Case::open(equipment_order(), &desk());
    case.ok(&team_lead(), assign(technician()));
    case.ok(&technician(), Command::Accept);
    assert_eq!(
        case.refused(&technician(), arrive_without_code()),
        Refusal::Missing { field: "escort" }
    );
    let events = case.ok(&technician(), with_operator());
    assert!(matches!(
        &events[..],
        [Event::Arrived {
            check: baoxiu_domain::ArrivalCheck::Escorted { escort }
        }] if escort == "注塑车间 王强"
    ));
}

#[test]
fn r_c04_a_repair_is_not_finished_without_its_rating_or_plan_nor_started_while_an_approval_waits() {
    let mut case = at_the_machine();
    let at = case.now() - minutes(1);
    assert_eq!(
        case.refused(&technician(), completed(at)),
        Refusal::ComplexityFirst
    );
    case.ok(&technician(), rate(Complexity::High));
    assert_eq!(
        case.refused(&technician(), completed(at)),
        Refusal::PlanNotApproved
    );

    let mut low = at_the_machine();
    low.ok(&technician(), rate(Complexity::Low));
    low.ok(&technician(), ask(ApprovalKind::Outsourcing, "液压泵需返修"));
    assert_eq!(
        low.refused(&technician(), Command::Start),
        Refusal::ApprovalPending
    );
}

// ---------------------------------------------------------------------------------------
// C12: preventive maintenance plans, the ledger, the daily work log
// ---------------------------------------------------------------------------------------

fn press() -> baoxiu_domain::AssetRecord {
    let at = baoxiu_domain::Location::parse("一号厂房 注塑车间", None, Some("3号线"), Some("ZS-03")).unwrap();
    baoxiu_domain::AssetRecord::parse(tenant(), "ZS-03", "注塑机 3号", at, Some("HTF-250")).unwrap()
}

fn line_contact() -> baoxiu_domain::Customer {
    baoxiu_domain::Customer::parse("注塑车间 王强", "13612345678").unwrap()
}

#[test]
fn r_c12_a_plan_makes_a_maintenance_order_when_it_falls_due() {
    let mut asset = press();
    let first = now() + days(1);
    asset
        .add_plan(
            baoxiu_domain::PlanSpec {
                what: "更换液压油、清洗滤网",
                every_days: 30,
                first_due: first,
                contact: line_contact(),
                station: Some(head_station()),
            },
            &supervisor(),
            now(),
        )
        .unwrap();
    assert_eq!(asset.plan_due(), Some(first));
    assert!(asset.due_plans(first - minutes(1)).is_empty());
    let plan = asset.due_plans(first)[0].clone();
    let new = asset.maintenance_order(&plan, Template::Equipment);
    assert_eq!(new.channel, Channel::PreventiveMaintenance);
    assert_eq!(new.asset.as_ref().map(|a| a.serial.as_str()), Some("ZS-03"));
    assert!(new.description.contains("更换液压油"), "{}", new.description);
    // The order is the supervisor's and goes to the team, which dispatches it (C02).
    let case = Case::open(new, &supervisor());
    assert_eq!(case.state(), State::Assigned);
    assert_eq!(case.order.details.channel, Channel::PreventiveMaintenance);

    // Made: the next is a period later, under another key.
    asset.advance(plan.id, first, Some("20261103-0001".into()));
    assert_eq!(asset.plan_due(), Some(first + days(30)));
    assert_ne!(asset.plans[0].order_key("ZS-03"), plan.order_key("ZS-03"));
    assert_eq!(asset.plans[0].last_order.as_deref(), Some("20261103-0001"));
    // Missed for three periods (the server was down): one order, then the next period.
    let late = first + days(95);
    assert_eq!(asset.due_plans(late).len(), 1);
    asset.advance(plan.id, late, None);
    assert_eq!(asset.plan_due(), Some(first + days(120)));
    assert_eq!(asset.plans[0].last_order.as_deref(), Some("20261103-0001"));
}

#[test]
fn r_c12_only_the_supervisor_or_admin_sets_plans_and_the_interval_is_checked() {
    let mut asset = press();
    let err = asset
        .add_plan(
            baoxiu_domain::PlanSpec {
                what: "润滑",
                every_days: 7,
                first_due: now(),
                contact: line_contact(),
                station: None,
            },
            &technician(),
            now(),
        )
        .unwrap_err();
    assert_eq!(err.field, "by");
    for every in [0, 367] {
        let err = asset
            .add_plan(
                baoxiu_domain::PlanSpec {
                    what: "润滑",
                    every_days: every,
                    first_due: now(),
                    contact: line_contact(),
                    station: None,
                },
                &supervisor(),
                now(),
            )
            .unwrap_err();
        assert_eq!(err.field, "every_days", "{every}");
    }
    let err = asset
        .add_plan(
            baoxiu_domain::PlanSpec {
                what: " ",
                every_days: 7,
                first_due: now(),
                contact: line_contact(),
                station: None,
            },
            &supervisor(),
            now(),
        )
        .unwrap_err();
    assert_eq!(err.field, "what");
    assert!(asset.plans.is_empty(), "a refused plan adds nothing");
    asset
        .add_plan(
            baoxiu_domain::PlanSpec {
                what: "润滑",
                every_days: 7,
                first_due: now(),
                contact: line_contact(),
                station: None,
            },
            &supervisor(),
            now(),
        )
        .unwrap();
    asset
        .add_plan(
            baoxiu_domain::PlanSpec {
                what: "点检",
                every_days: 1,
                first_due: now(),
                contact: line_contact(),
                station: None,
            },
            &supervisor(),
            now(),
        )
        .unwrap();
    assert_eq!(asset.plans.iter().map(|p| p.id).collect::<Vec<_>>(), [1, 2]);
}

#[test]
fn r_c12_the_daily_work_log_lists_jobs_done_and_not_done() {
    let day = now(); // the day runs from 09:00 for 24 hours here
    // Done within the day.
    let mut done = at_the_machine();
    done.ok(&technician(), rate(Complexity::Low));
    done.ok(&technician(), Command::Start);
    done.clock.advance(hours(2));
    let at = done.now() - minutes(3);
    done.ok(&technician(), completed(at));
    // Reported within the day, still at the machine when it ends.
    let open = at_the_machine();
    // Reported the day before and finished then: not the day's.
    let mut earlier = at_the_machine();
    earlier.ok(&technician(), rate(Complexity::Low));
    earlier.ok(&technician(), Command::Start);
    let at = earlier.now();
    earlier.ok(&technician(), completed(at));
    let shift = |mut o: WorkOrder, by: chrono::Duration| {
        for t in [&mut o.timeline.reported_at, &mut o.timeline.resolved_at]
            .into_iter()
            .flatten()
        {
            *t += by;
        }
        o
    };
    let earlier = shift(earlier.order, -days(1));
    // Reported the next day.
    let tomorrow = shift(open.order.clone(), days(1) + minutes(1));
    let log = baoxiu_domain::WorkLog::of(
        day,
        day + days(1),
        [done.order.clone(), open.order.clone(), earlier, tomorrow],
    );
    assert_eq!(log.done.len(), 1);
    assert_eq!(log.done[0].timeline.resolved_at, done.order.timeline.resolved_at);
    assert_eq!(log.not_done.len(), 1);
    assert_eq!(log.not_done[0].state, State::OnSite);
    // The next day the finished job is no longer in either list, the open one still waits.
    let next = baoxiu_domain::WorkLog::of(day + days(1), day + days(2), [done.order, open.order]);
    assert!(next.done.is_empty());
    assert_eq!(next.not_done.len(), 1);
}

#[test]
fn r_c13_the_supervisor_comes_in_person_to_an_important_job() {
    // Rated high: an important job. Plan approved, work done, but not finished until the
    // supervisor has been there.
    let mut case = at_the_machine();
    case.ok(&technician(), rate(Complexity::High));
    case.ok(&technician(), ask(ApprovalKind::MaintenancePlan, "更换液压泵"));
    case.ok(&supervisor(), Command::Approve { note: None });
    case.ok(&technician(), Command::Start);
    let at = case.now();
    assert_eq!(
        case.refused(&technician(), completed(at)),
        Refusal::SupervisorAbsent
    );
    assert!(matches!(
        case.refused(&team_lead(), Command::Attend { note: None }),
        Refusal::NotPermitted { .. }
    ));
    case.ok(
        &supervisor(),
        Command::Attend {
            note: Some("主管到场确认拆装方案".into()),
        },
    );
    assert_eq!(
        case.refused(&supervisor(), Command::Attend { note: None }),
        Refusal::AlreadyRecorded {
            command: CommandName::Attend
        }
    );
    case.ok(&technician(), completed(at));
    assert_eq!(case.state(), State::Resolved);
    assert_eq!(case.replayed(), case.order);

    // A job rated low is not important: no attendance needed.
    let mut small = at_the_machine();
    small.ok(&technician(), rate(Complexity::Low));
    small.ok(&technician(), Command::Start);
    let at = small.now();
    small.ok(&technician(), completed(at));
}

#[test]
fn r_c12_a_plan_starts_within_a_year() {
    let mut asset = press();
    for far in [days(400), -days(400)] {
        let err = asset
            .add_plan(
                baoxiu_domain::PlanSpec {
                    what: "润滑",
                    every_days: 7,
                    first_due: now() + far,
                    contact: line_contact(),
                    station: None,
                },
                &supervisor(),
                now(),
            )
            .unwrap_err();
        assert_eq!(err.field, "first_due");
    }
    assert!(asset.plans.is_empty());
}
