//! Rules D01–D07: a hotel's engineering department, and the approvals engine its shut-offs
//! use. One or more tests per rule, named `r_<id>_…`; every command runs through the harness
//! in `support`, which also checks that a refused command leaves the order as it was.

mod support;

use baoxiu_domain::{
    ApprovalKind, ArrivalCheck, Channel, Command, CommandName, Event, NewOrder, Position, Priority, Refusal,
    Role, Signature, SpecialCase, Staff, State, Template, WorkOrder,
};
use support::*;

/// 工程部: the hotel's engineering department, as a station (the duty foreman's scope).
fn engineering() -> baoxiu_domain::StationRef {
    head_station()
}

fn staff(name: &str, position: Position) -> Staff {
    Staff::parse("slip.signed_by", name, position).unwrap()
}

/// A phone report from `reporter` (D02), its slip to follow.
fn phoned(reporter: Option<Staff>) -> NewOrder {
    let mut new = hotel_order();
    new.channel = Channel::Phone;
    let slip = new.slip.as_mut().unwrap();
    slip.reporter = reporter;
    slip.signed_by = None;
    new
}

fn open(new: NewOrder) -> Result<Case, Refusal> {
    WorkOrder::open(order_id(1), &organisation(), new.clone(), code(), &desk(), now()).map(|_| {
        let mut new = new;
        new.station = Some(engineering());
        Case::open(new, &desk())
    })
}

/// A signed slip recorded by the duty room and sent to engineering.
fn slip_taken() -> Case {
    let mut new = hotel_order();
    new.station = Some(engineering());
    Case::open(new, &desk())
}

/// [`slip_taken`], instructed by the supervisor and dispatched by the duty foreman to a
/// technician, who accepts.
fn dispatched() -> Case {
    let mut case = slip_taken();
    case.ok(
        &supervisor(),
        Command::Instruct {
            note: "客房急修，安排赵强前往".into(),
        },
    );
    case.ok(&team_lead(), assign(technician()));
    case.ok(&technician(), Command::Accept);
    case
}

fn escorted() -> Command {
    Command::Arrive {
        code: None,
        desk_note: None,
        escort: Some("客房部服务员 王丽".into()),
    }
}

fn signed(position: Option<Position>) -> Command {
    let mut signature =
        Signature::parse("刘芳", "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAE=").unwrap();
    signature.position = position;
    Command::Resolve {
        signature: Some(signature),
        summary: "更换面盆下水管，试水无渗漏，现场已清理".into(),
        report: None,
    }
}

fn shut_off() -> Command {
    let kind = ApprovalKind::ShutOffWater;
    Command::RequestApproval {
        kind,
        note: "更换下水管需关闭12层东侧冷热水约30分钟".into(),
        chain: Template::Hotel.spec().chain(kind).unwrap().to_vec(),
    }
}

// ---------------------------------------------------------------------------------------
// D01: a slip needs a supervisor's signature
// ---------------------------------------------------------------------------------------

#[test]
fn r_d01_a_written_slip_without_a_supervisors_signature_is_refused() {
    let mut unsigned = hotel_order();
    unsigned.slip.as_mut().unwrap().signed_by = None;
    assert_eq!(open(unsigned).err(), Some(Refusal::SlipUnsigned));
    let mut foreman = hotel_order();
    foreman.slip.as_mut().unwrap().signed_by = Some(staff("刘芳", Position::Foreman));
    assert_eq!(open(foreman).err(), Some(Refusal::SlipSigner));
    let mut none = hotel_order();
    none.slip = None;
    assert_eq!(open(none).err(), Some(Refusal::Missing { field: "slip" }));
    assert!(open(hotel_order()).is_ok());
}

#[test]
fn r_d01_only_the_hotel_takes_slips() {
    let mut new = property_order();
    new.slip = hotel_order().slip;
    let refused = WorkOrder::open(order_id(1), &organisation(), new, code(), &desk(), now()).unwrap_err();
    assert_eq!(refused, Refusal::NoSlips);
}

#[test]
fn r_d01_the_file_is_closed_only_with_the_signed_slip() {
    let mut new = phoned(Some(staff("张伟", Position::Foreman)));
    new.station = Some(engineering());
    let mut case = Case::open(new, &desk());
    case.ok(
        &supervisor(),
        Command::Instruct {
            note: "安排维修".into(),
        },
    );
    case.ok(&team_lead(), assign(technician()));
    case.ok(&technician(), Command::Accept);
    case.ok(&technician(), escorted());
    case.ok(&technician(), Command::Start);
    case.ok(&technician(), signed(Some(Position::Foreman)));
    assert_eq!(case.refused(&desk(), Command::Archive), Refusal::SlipUnsigned);
    assert_eq!(
        case.refused(
            &desk(),
            Command::FileSlip {
                signed_by: staff("刘芳", Position::Foreman)
            }
        ),
        Refusal::SlipSigner
    );
    case.ok(
        &desk(),
        Command::FileSlip {
            signed_by: staff("陈静怡", Position::Supervisor),
        },
    );
    case.ok(&desk(), Command::Archive);
    assert_eq!(case.state(), State::Archived);
}

// ---------------------------------------------------------------------------------------
// D02: phone reports from a named foreman or above; alarms excepted
// ---------------------------------------------------------------------------------------

#[test]
fn r_d02_anonymous_and_ordinary_staff_phone_reports_are_refused() {
    assert_eq!(open(phoned(None)).err(), Some(Refusal::CallerNotQualified));
    assert_eq!(
        open(phoned(Some(staff("小李", Position::Staff)))).err(),
        Some(Refusal::CallerNotQualified)
    );
    assert!(open(phoned(Some(staff("张伟", Position::Foreman)))).is_ok());
}

#[test]
fn r_d02_an_alarm_needs_no_named_caller() {
    let mut alarm = phoned(None);
    alarm.channel = Channel::Alarm;
    assert!(open(alarm).is_ok());
}

// ---------------------------------------------------------------------------------------
// D03: guest areas with staff; shut-offs and noise need the department head
// ---------------------------------------------------------------------------------------

#[test]
fn r_d03_a_guest_area_is_entered_only_with_staff() {
    let mut case = dispatched();
    assert_eq!(
        case.refused(&technician(), arrive_without_code()),
        Refusal::Missing { field: "escort" }
    );
    let events = case.ok(&technician(), escorted());
    assert!(matches!(
        &events[..],
        [Event::Arrived {
            check: ArrivalCheck::Escorted { .. }
        }]
    ));
}

#[test]
fn r_d03_a_shut_off_waits_for_the_department_heads_approval() {
    let mut case = dispatched();
    case.ok(&technician(), escorted());
    let events = case.ok(&technician(), shut_off());
    assert!(matches!(
        &events[..],
        [Event::ApprovalRequested { chain, .. }] if chain == &vec![Role::Approver]
    ));
    // The work waits for the decision; nobody else decides it.
    assert_eq!(
        case.refused(&technician(), Command::Start),
        Refusal::ApprovalPending
    );
    assert_eq!(
        case.refused(&supervisor(), Command::Approve { note: None }),
        Refusal::NotNextApprover { role: Role::Approver }
    );
    assert!(!case.order.approved(ApprovalKind::ShutOffWater));
    case.ok(
        &approver(),
        Command::Approve {
            note: Some("14:00后可停水".into()),
        },
    );
    assert!(case.order.approved(ApprovalKind::ShutOffWater));
    case.ok(&technician(), Command::Start);
}

#[test]
fn r_d03_a_rejected_shut_off_changes_nothing_else() {
    let mut case = dispatched();
    case.ok(&technician(), escorted());
    case.ok(&technician(), shut_off());
    let before = case.order.clone();
    case.ok(
        &approver(),
        Command::Reject {
            note: "会议进行中，不能停水".into(),
        },
    );
    assert!(!case.order.approved(ApprovalKind::ShutOffWater));
    assert_eq!(case.state(), before.state);
    assert_eq!(case.order.timeline, before.timeline);
    assert!(case.order.pending_approval().is_none());
    // The work may go on without the shut-off, or ask again.
    case.ok(&technician(), Command::Start);
}

#[test]
fn r_d03_nobody_approves_their_own_request() {
    let mut case = dispatched();
    case.ok(&technician(), escorted());
    // An organisation whose chain has the supervisor decide: the supervisor who asked may
    // not decide it; another step's holder may not either.
    let own = Template::Hotel
        .spec()
        .with_override(
            "acme/hotel.toml",
            "[approvals]\nnoisy_work = [\"supervisor\", \"approver\"]\n",
        )
        .unwrap();
    let kind = ApprovalKind::NoisyWork;
    case.ok(
        &supervisor(),
        Command::RequestApproval {
            kind,
            note: "电锤打孔约20分钟".into(),
            chain: own.chain(kind).unwrap().to_vec(),
        },
    );
    assert_eq!(
        case.refused(&supervisor(), Command::Approve { note: None }),
        Refusal::SelfApproval
    );
    assert_eq!(
        case.refused(&approver(), Command::Approve { note: None }),
        Refusal::NotNextApprover {
            role: Role::Supervisor
        }
    );
}

// ---------------------------------------------------------------------------------------
// D04: special emergencies
// ---------------------------------------------------------------------------------------

#[test]
fn r_d04_a_special_emergency_is_an_emergency_and_timed() {
    let case = slip_taken();
    assert_eq!(
        case.order.details.slip.as_ref().unwrap().special,
        Some(SpecialCase::OccupiedRoom)
    );
    assert_eq!(case.order.details.priority, Priority::Emergency);
    let clock = Template::Hotel
        .spec()
        .clocks
        .iter()
        .find(|c| c.id == "d04_special")
        .unwrap();
    assert_eq!(clock.rule, "D04");
    let mut ordinary = hotel_order();
    ordinary.slip.as_mut().unwrap().special = None;
    ordinary.station = Some(engineering());
    assert_eq!(
        Case::open(ordinary, &desk()).order.details.priority,
        Priority::Normal
    );
}

// ---------------------------------------------------------------------------------------
// D05: not fixable now
// ---------------------------------------------------------------------------------------

#[test]
fn r_d05_not_fixable_now_tells_the_department_head_and_the_engineering_manager() {
    let mut case = dispatched();
    case.ok(
        &supervisor(),
        Command::ReportUnfixable {
            note: "需更换整段立管，已向客房部主管解释，安排夜间施工".into(),
        },
    );
    let clock = Template::Hotel
        .spec()
        .clocks
        .iter()
        .find(|c| c.id == "d05_unfixable")
        .unwrap();
    assert_eq!(clock.ladder[0].tell, vec![Role::Approver, Role::Admin]);
    assert!(matches!(
        case.refused(&technician(), Command::ReportUnfixable { note: "x".into() }),
        Refusal::NotPermitted { .. }
    ));
}

// ---------------------------------------------------------------------------------------
// D06: completion signed by the using department's foreman or above; no callback
// ---------------------------------------------------------------------------------------

#[test]
fn r_d06_completion_needs_a_foreman_or_above_and_there_is_no_callback() {
    let mut case = dispatched();
    case.ok(&technician(), escorted());
    case.ok(&technician(), Command::Start);
    assert_eq!(
        case.refused(&technician(), signed(None)),
        Refusal::SignOffPosition
    );
    assert_eq!(
        case.refused(&technician(), signed(Some(Position::Staff))),
        Refusal::SignOffPosition
    );
    case.ok(&technician(), signed(Some(Position::Foreman)));
    assert_eq!(
        case.refused(&desk(), callback_reached(5)),
        Refusal::NotInTemplate {
            command: CommandName::Callback
        }
    );
    case.ok(&desk(), Command::Archive);
    assert_eq!(case.state(), State::Archived);
    assert_eq!(case.replayed(), case.order);
    // Nor is a hotel job closed by phone: the department signs.
    let mut other = dispatched();
    assert_eq!(
        other.refused(
            &technician(),
            resolve_by_phone(baoxiu_domain::PhoneSolution::Other)
        ),
        Refusal::NotInTemplate {
            command: CommandName::ResolveByPhone
        }
    );
}

// ---------------------------------------------------------------------------------------
// D07: the duty foreman dispatches on the supervisor's instruction
// ---------------------------------------------------------------------------------------

#[test]
fn r_d07_the_duty_foreman_dispatches_on_the_supervisors_instruction() {
    let mut case = slip_taken();
    assert_eq!(
        case.refused(&team_lead(), assign(technician())),
        Refusal::AwaitingInstruction
    );
    assert!(
        !case
            .order
            .commands_for(&actor(&team_lead()))
            .contains(&CommandName::Assign)
    );
    case.ok(
        &supervisor(),
        Command::Instruct {
            note: "安排赵强".into(),
        },
    );
    case.ok(&team_lead(), assign(technician()));
    assert_eq!(case.order.assignee, Some(technician()));
}

#[test]
fn r_x05_hotel_events_read_back_as_written() {
    let mut case = dispatched();
    case.ok(&technician(), escorted());
    case.ok(&technician(), shut_off());
    case.ok(&approver(), Command::Approve { note: None });
    for record in &case.records {
        let json = serde_json::to_string(record).unwrap();
        let back: baoxiu_domain::EventRecord = serde_json::from_str(&json).unwrap();
        assert_eq!(&back, record, "{json}");
    }
    assert_eq!(case.replayed(), case.order);
}
