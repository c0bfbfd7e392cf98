//! Rules B01, B02, B03, B04, B07: one or more tests per SPEC rule, named `r_<id>_…` so that `grep -r r_a04` finds the
//! proof of A04. Every command runs through the harness in `support`, which also checks
//! that a refused command leaves the order exactly as it was.

mod support;

use baoxiu_domain::{
    ArrivalCheck, Command, CommandName, CommitmentKind, Event, MAX_CODE_ATTEMPTS, NewOrder, PhoneSolution,
    Refusal, Role, State, WorkOrder,
};
use support::*;

// ---------------------------------------------------------------------------------------
// B01: the technician enters the customer's code on arrival
// ---------------------------------------------------------------------------------------

#[test]
fn r_b01_arrival_without_the_code_is_refused() {
    let mut case = Case::property_claimed();
    assert_eq!(
        case.refused(&technician(), arrive_without_code()),
        Refusal::CodeRequired
    );
}

#[test]
fn r_b01_a_wrong_code_is_refused_and_counted() {
    let mut case = Case::property_claimed();
    let before = case.order.clone();
    // Deciding alone changes nothing; the refusal carries the event to count.
    let refused = case
        .order
        .clone()
        .execute(&actor(&technician()), case.now(), &arrive(wrong_code()))
        .unwrap_err();
    assert_eq!(
        refused.refusal,
        Refusal::WrongCode {
            remaining: MAX_CODE_ATTEMPTS - 1
        }
    );
    assert_eq!(
        refused.counted,
        Some(Box::new(Event::CodeRejected { failed_attempts: 1 }))
    );
    assert_eq!(case.order, before);

    for attempt in 1..=3u8 {
        let refused = case.run(&technician(), arrive(wrong_code())).unwrap_err();
        assert_eq!(
            refused.refusal,
            Refusal::WrongCode {
                remaining: MAX_CODE_ATTEMPTS - attempt
            }
        );
        assert_eq!(
            refused.counted.map(|e| *e),
            Some(Event::CodeRejected {
                failed_attempts: attempt
            })
        );
        assert_eq!(case.order.verification.failed_attempts, attempt);
        assert_eq!(case.state(), State::Accepted);
    }
    assert_eq!(case.order.version, before.version + 3);
    assert_eq!(case.replayed(), case.order);
}

#[test]
fn r_b01_after_five_wrong_codes_even_the_right_code_is_locked_out() {
    let mut case = Case::property_claimed();
    for _ in 0..MAX_CODE_ATTEMPTS {
        case.run(&technician(), arrive(wrong_code())).unwrap_err();
    }
    assert_eq!(case.order.verification.failed_attempts, MAX_CODE_ATTEMPTS);
    assert!(case.order.verification.locked());
    assert_eq!(case.refused(&technician(), arrive(code())), Refusal::CodeLocked);
    assert_eq!(
        case.refused(&technician(), arrive(wrong_code())),
        Refusal::CodeLocked
    );
    assert_eq!(case.state(), State::Accepted);
}

#[test]
fn r_b01_the_last_wrong_code_leaves_no_attempt() {
    let mut case = Case::property_claimed();
    for _ in 1..MAX_CODE_ATTEMPTS {
        case.run(&technician(), arrive(wrong_code())).unwrap_err();
    }
    let refused = case.run(&technician(), arrive(wrong_code())).unwrap_err();
    assert_eq!(refused.refusal, Refusal::WrongCode { remaining: 0 });
}

#[test]
fn r_b01_the_right_code_puts_the_technician_on_site() {
    let mut case = Case::property_claimed();
    case.run(&technician(), arrive(wrong_code())).unwrap_err();
    case.clock.advance(minutes(1));
    let at = case.now();
    let events = case.ok(&technician(), arrive(code()));
    assert_eq!(
        events,
        vec![Event::Arrived {
            check: ArrivalCheck::Code
        }]
    );
    assert_eq!(case.state(), State::OnSite);
    assert_eq!(case.order.timeline.arrivals, vec![at]);
}

#[test]
fn r_b01_after_sales_arrivals_need_the_code_too() {
    let mut case = Case::after_sales_scheduled();
    assert_eq!(
        case.refused(&technician(), arrive_without_code()),
        Refusal::CodeRequired
    );
}

// ---------------------------------------------------------------------------------------
// B02: technicians claim pooled orders; exactly one claim wins
// ---------------------------------------------------------------------------------------

#[test]
fn r_b02_a_new_property_order_waits_in_the_claim_pool() {
    let case = Case::property();
    assert_eq!(case.state(), State::Pool);
    assert_eq!(case.order.assignee, None);
}

#[test]
fn r_b02_the_first_claim_wins_and_accepts_the_order() {
    let mut case = Case::property();
    let events = case.ok(&technician(), Command::Claim);
    assert_eq!(
        events,
        vec![Event::Claimed {
            technician: technician()
        }]
    );
    assert_eq!(case.state(), State::Accepted);
    assert_eq!(case.order.assignee, Some(technician()));
}

#[test]
fn r_b02_a_second_claim_is_refused_as_already_claimed() {
    let mut case = Case::property();
    case.ok(&technician(), Command::Claim);
    assert_eq!(
        case.refused(&second_technician(), Command::Claim),
        Refusal::AlreadyClaimed
    );
    assert_eq!(
        case.refused(&technician(), Command::Claim),
        Refusal::AlreadyClaimed
    );
    assert_eq!(case.order.assignee, Some(technician()));
}

#[test]
fn r_b02_two_claims_decided_on_the_same_version_both_name_the_next_seq() {
    // Both technicians read version 1; the store's version guard lets only one write win.
    let case = Case::property();
    let mut first = case.order.clone();
    let mut second = case.order.clone();
    let a = first
        .execute(&actor(&technician()), case.now(), &Command::Claim)
        .unwrap();
    let b = second
        .execute(&actor(&second_technician()), case.now(), &Command::Claim)
        .unwrap();
    assert_eq!(a[0].seq, b[0].seq);
    // The loser retries on the winner's order and hears "already claimed".
    assert_eq!(
        first
            .decide(&actor(&second_technician()), case.now(), &Command::Claim)
            .unwrap_err()
            .refusal,
        Refusal::AlreadyClaimed
    );
}

#[test]
fn r_b02_only_a_technician_can_claim() {
    let mut case = Case::property();
    for who in one_of_each_role() {
        if who.role == Role::Technician {
            continue;
        }
        assert_eq!(
            case.refused(&who, Command::Claim),
            Refusal::NotPermitted {
                role: who.role,
                command: CommandName::Claim
            }
        );
    }
}

#[test]
fn r_b02_an_unclaimed_order_is_assigned_by_the_supervisor() {
    let mut case = Case::property();
    case.clock.advance(minutes(5));
    case.ok(&supervisor(), assign(second_technician()));
    assert_eq!(case.state(), State::Assigned);
    assert_eq!(case.order.assignee, Some(second_technician()));
    assert_eq!(
        case.refused(&technician(), Command::Claim),
        Refusal::AlreadyClaimed
    );
    case.ok(&second_technician(), Command::Accept);
    assert_eq!(case.state(), State::Accepted);
}

// ---------------------------------------------------------------------------------------
// B03: no code available: the desk verifies and records the arrival
// ---------------------------------------------------------------------------------------

#[test]
fn r_b03_the_desk_records_an_arrival_with_a_note() {
    let mut case = Case::property_claimed();
    let note = "业主手机没电，客服回拨座机 010-62781234 确认师傅已到";
    let events = case.ok(&desk(), arrive_verified_by_desk(note));
    assert_eq!(
        events,
        vec![Event::Arrived {
            check: ArrivalCheck::Desk {
                note: note.to_string()
            }
        }]
    );
    assert_eq!(case.state(), State::OnSite);
    assert_eq!(case.records.last().unwrap().actor, desk());
}

#[test]
fn r_b03_a_desk_arrival_without_a_note_is_refused() {
    let mut case = Case::property_claimed();
    assert_eq!(
        case.refused(&desk(), arrive_without_code()),
        Refusal::DeskNoteRequired
    );
    // A code does not stand in for the note when the desk records the arrival.
    assert_eq!(case.refused(&desk(), arrive(code())), Refusal::DeskNoteRequired);
}

#[test]
fn r_b03_the_desk_can_verify_an_arrival_after_the_code_locked() {
    let mut case = Case::property_claimed();
    for _ in 0..MAX_CODE_ATTEMPTS {
        case.run(&technician(), arrive(wrong_code())).unwrap_err();
    }
    case.ok(&desk(), arrive_verified_by_desk("客服致电业主核实到场"));
    assert_eq!(case.state(), State::OnSite);
}

#[test]
fn r_b03_the_desk_cannot_record_an_arrival_for_an_order_nobody_holds() {
    let mut case = Case::after_sales();
    case.ok(&desk(), dispatch(head_station()));
    case.ok(&coordinator(), Command::Accept);
    assert_eq!(
        case.refused(&desk(), arrive_verified_by_desk("客服核实")),
        Refusal::NotAssignee
    );
}

// ---------------------------------------------------------------------------------------
// B04: a named technician gets the order straight away
// ---------------------------------------------------------------------------------------

#[test]
fn r_b04_an_order_naming_a_technician_starts_assigned_to_them() {
    let new = NewOrder {
        technician: Some(second_technician()),
        ..property_order()
    };
    let mut case = Case::open(new, &desk());
    assert_eq!(case.state(), State::Assigned);
    assert_eq!(case.order.assignee, Some(second_technician()));
    assert_eq!(
        case.refused(&technician(), Command::Claim),
        Refusal::AlreadyClaimed
    );
    case.ok(&second_technician(), Command::Accept);
    assert_eq!(case.state(), State::Accepted);
}

#[test]
fn r_b04_the_named_person_must_be_a_technician() {
    let new = NewOrder {
        technician: Some(team_lead()),
        ..property_order()
    };
    assert_eq!(
        WorkOrder::open(order_id(1), &organisation(), new, code(), &desk(), now()).unwrap_err(),
        Refusal::NotATechnician(team_lead().name)
    );
}

// ---------------------------------------------------------------------------------------
// B07: every completed order is called back; archive only after the callback
// ---------------------------------------------------------------------------------------

#[test]
fn r_b07_every_resolved_order_can_be_called_back() {
    let mut by_phone = Case::after_sales_accepted();
    by_phone.ok(&technician(), resolve_by_phone(PhoneSolution::Other));
    let mut desk_verified = Case::property_claimed();
    desk_verified.ok(&desk(), arrive_verified_by_desk("客服回拨确认"));
    desk_verified.ok(&technician(), resolve_signed());
    let mut revisited = Case::after_sales_on_site();
    let at = revisited.now() + days(1);
    revisited.ok(&technician(), recommit(at, CommitmentKind::Other, "二次上门"));
    revisited.ok(&technician(), arrive(code()));
    revisited.ok(&coordinator(), resolve_signed());

    for mut case in [
        Case::property_resolved(),
        Case::after_sales_resolved(),
        by_phone,
        desk_verified,
        revisited,
    ] {
        assert_eq!(case.state(), State::Resolved);
        case.clock.advance(days(1));
        case.ok(&supervisor(), callback_reached(4));
        assert_eq!(case.state(), State::CalledBack);
    }
}

#[test]
fn r_b07_an_order_is_archived_only_after_the_callback() {
    let mut case = Case::property_resolved();
    assert_eq!(
        case.refused(&desk(), Command::Archive),
        Refusal::InvalidState {
            state: State::Resolved,
            command: CommandName::Archive
        }
    );
    case.ok(&desk(), callback_unreached(Some("无人接听")));
    assert_eq!(
        case.refused(&desk(), Command::Archive),
        Refusal::InvalidState {
            state: State::Resolved,
            command: CommandName::Archive
        }
    );
    case.ok(&desk(), callback_reached(5));
    case.clock.advance(days(1));
    let at = case.now();
    case.ok(&supervisor(), Command::Archive);
    assert_eq!(case.state(), State::Archived);
    assert_eq!(case.order.timeline.archived_at, Some(at));
}

// ---------------------------------------------------------------------------------------
// B09: matters go to the responsible supervisor, who assigns their own staff
// ---------------------------------------------------------------------------------------

#[test]
fn r_b09_a_matter_goes_to_the_supervisor_not_to_the_claim_pool() {
    let mut new = property_order();
    new.kind = baoxiu_domain::Kind::Matter;
    new.description = "楼道灯长时间未修，业主反映".into();
    let mut case = Case::open(new, &desk());
    assert_eq!(case.state(), State::AwaitingDispatch);
    assert!(matches!(
        case.refused(&technician(), Command::Claim),
        Refusal::InvalidState { .. }
    ));
    case.ok(&supervisor(), assign(technician()));
    assert_eq!(case.state(), State::Assigned);
    assert_eq!(case.order.assignee, Some(technician()));
}

#[test]
fn r_b02_a_projects_pool_is_claimed_only_by_that_projects_technicians() {
    let mut new = property_order();
    new.station = Some(head_station());
    let mut case = Case::open(new, &desk());
    assert_eq!(case.state(), State::Pool);
    assert_eq!(
        case.refused(&foreign_technician(), Command::Claim),
        Refusal::OtherStation
    );
    case.ok(&technician(), Command::Claim);
    assert_eq!(case.state(), State::Accepted);
    assert_eq!(case.order.station, Some(head_station()));
}

#[test]
fn r_b02_a_technician_of_no_station_cannot_claim_a_projects_pool_order() {
    let mut new = property_order();
    new.station = Some(head_station());
    let mut case = Case::open(new, &desk());
    let roaming = baoxiu_domain::PersonRef {
        station: None,
        ..second_technician()
    };
    assert_eq!(case.refused(&roaming, Command::Claim), Refusal::OtherStation);
}

#[test]
fn r_b04_the_customer_may_name_a_technician_but_a_technician_may_not_name_themselves() {
    let mut new = property_order();
    new.technician = Some(technician());
    let by_customer = WorkOrder::open(
        order_id(8),
        &organisation(),
        new.clone(),
        code(),
        &customer(),
        now(),
    );
    assert_eq!(
        by_customer.map(|(order, _)| order.assignee),
        Ok(Some(technician()))
    );
    let by_technician = WorkOrder::open(order_id(9), &organisation(), new, code(), &technician(), now());
    assert!(matches!(by_technician, Err(Refusal::NotPermitted { .. })));
}

// ---------------------------------------------------------------------------------------
// B13: self-inspection: the supervisor approves, then the pool
// ---------------------------------------------------------------------------------------

#[test]
fn r_b13_a_fault_found_on_self_inspection_reaches_the_pool_only_with_the_supervisors_approval() {
    let mut found = property_order();
    found.channel = baoxiu_domain::Channel::SelfInspection;
    found.location.area = Some(baoxiu_domain::Area::PublicArea);
    found.description = "自检发现3号楼地下车库照明回路跳闸".into();
    let mut case = Case::open(found.clone(), &team_lead());
    assert_eq!(case.state(), State::AwaitingDispatch, "not in the pool yet");
    assert_eq!(case.event_kinds(), ["created", "approval_requested"]);
    assert!(matches!(
        case.refused(&technician(), Command::Claim),
        Refusal::InvalidState { .. }
    ));
    assert_eq!(
        case.refused(&supervisor(), assign(technician())),
        Refusal::ApprovalPending,
        "nobody takes it before the approval"
    );
    assert!(matches!(
        case.refused(&desk(), Command::Approve { note: None }),
        Refusal::NotPermitted { .. }
    ));
    case.ok(&supervisor(), Command::Approve { note: None });
    assert_eq!(case.state(), State::Pool);
    case.ok(&technician(), Command::Claim);
    assert_eq!(case.replayed(), case.order);

    // Rejected: it stays out of the pool, and nothing else changes.
    let mut rejected = Case::open(found.clone(), &team_lead());
    rejected.ok(
        &supervisor(),
        Command::Reject {
            note: "已列入本周计划检修".into(),
        },
    );
    assert_eq!(rejected.state(), State::AwaitingDispatch);
    assert_eq!(
        rejected.refused(&supervisor(), assign(technician())),
        Refusal::NotApproved,
        "a rejected finding is never taken"
    );
    // The supervisor's own finding needs no approval.
    let own = Case::open(found, &supervisor());
    assert_eq!(own.state(), State::Pool);
}
