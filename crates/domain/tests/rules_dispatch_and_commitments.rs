//! Rules A01, A02, A04: one or more tests per SPEC rule, named `r_<id>_…` so that `grep -r r_a04` finds the
//! proof of A04. Every command runs through the harness in `support`, which also checks
//! that a refused command leaves the order exactly as it was.

mod support;

use baoxiu_domain::{
    Command, CommandName, CommitmentKind, ContactOutcome, Event, MAX_COMMITMENTS, NewOrder, Refusal,
    ServiceMode, State, WorkOrder,
};
use support::*;

// ---------------------------------------------------------------------------------------
// A01: the desk dispatches to head stations only; a head station hands over to its sub-sites
// ---------------------------------------------------------------------------------------

#[test]
fn r_a01_a_new_after_sales_order_awaits_dispatch_by_the_desk() {
    let case = Case::after_sales();
    assert_eq!(case.state(), State::AwaitingDispatch);
    assert_eq!(case.order.station, None);
    assert_eq!(case.order.assignee, None);
}

#[test]
fn r_a01_the_desk_dispatches_an_order_to_a_head_station() {
    let mut case = Case::after_sales();
    let events = case.ok(&desk(), dispatch(head_station()));
    assert_eq!(
        events,
        vec![Event::Dispatched {
            station: head_station()
        }]
    );
    assert_eq!(case.state(), State::Assigned);
    assert_eq!(case.order.station, Some(head_station()));
}

#[test]
fn r_a01_the_desk_may_not_dispatch_to_a_sub_site() {
    let mut case = Case::after_sales();
    assert_eq!(
        case.refused(&desk(), dispatch(sub_site())),
        Refusal::SubSiteDispatch
    );
    assert_eq!(
        case.refused(&desk(), dispatch(foreign_sub_site())),
        Refusal::SubSiteDispatch
    );
}

#[test]
fn r_a01_an_order_cannot_be_created_already_dispatched_to_a_sub_site() {
    let new = NewOrder {
        station: Some(sub_site()),
        ..after_sales_order()
    };
    let refusal = WorkOrder::open(order_id(1), &organisation(), new, code(), &desk(), now()).unwrap_err();
    assert_eq!(refusal, Refusal::SubSiteDispatch);
}

#[test]
fn r_a01_an_order_created_for_a_head_station_starts_assigned_to_it() {
    let new = NewOrder {
        station: Some(head_station()),
        ..after_sales_order()
    };
    let case = Case::open(new, &desk());
    assert_eq!(case.state(), State::Assigned);
    assert_eq!(case.order.station, Some(head_station()));
}

#[test]
fn r_a01_the_head_station_hands_the_order_over_to_its_own_sub_site() {
    let mut case = Case::after_sales();
    case.ok(&desk(), dispatch(head_station()));
    let events = case.ok(&coordinator(), hand_over(sub_site()));
    assert_eq!(events, vec![Event::HandedOver { sub_site: sub_site() }]);
    assert_eq!(case.state(), State::Assigned);
    assert_eq!(case.order.station, Some(sub_site()));
    // The sub-site takes it from there (A02) …
    case.ok(&sub_site_coordinator(), Command::Accept);
    case.ok(&sub_site_coordinator(), assign(sub_site_technician()));
    assert_eq!(case.state(), State::Accepted);
    assert_eq!(case.order.assignee, Some(sub_site_technician()));
}

#[test]
fn r_a01_the_head_station_may_hand_over_after_accepting() {
    let mut case = Case::after_sales();
    case.ok(&desk(), dispatch(head_station()));
    case.ok(&coordinator(), Command::Accept);
    case.ok(&coordinator(), hand_over(second_sub_site()));
    assert_eq!(case.order.station, Some(second_sub_site()));
    // … and the sub-site accepts it anew.
    assert_eq!(case.state(), State::Assigned);
}

#[test]
fn r_a01_a_handed_over_order_waits_for_the_sub_site_to_pick_its_own_technician() {
    let mut case = Case::after_sales();
    case.ok(&desk(), dispatch(head_station()));
    case.ok(&coordinator(), Command::Accept);
    case.ok(&coordinator(), assign(technician()));
    case.ok(&coordinator(), hand_over(sub_site()));
    assert_eq!(case.state(), State::Assigned);
    assert_eq!(
        case.order.assignee, None,
        "the head station's technician does not follow the order"
    );
    case.ok(&sub_site_coordinator(), Command::Accept);
    case.ok(&sub_site_coordinator(), assign(sub_site_technician()));
    assert_eq!(case.order.assignee, Some(sub_site_technician()));
}

#[test]
fn r_a01_the_head_station_may_move_an_order_between_its_own_sub_sites() {
    let mut case = Case::after_sales();
    case.ok(&desk(), dispatch(head_station()));
    case.ok(&coordinator(), hand_over(sub_site()));
    case.ok(&coordinator(), hand_over(second_sub_site()));
    assert_eq!(case.order.station, Some(second_sub_site()));
}

#[test]
fn r_a01_the_head_station_cannot_hand_over_to_a_foreign_sub_site() {
    let mut case = Case::after_sales();
    case.ok(&desk(), dispatch(head_station()));
    assert_eq!(
        case.refused(&coordinator(), hand_over(foreign_sub_site())),
        Refusal::NotASubSite
    );
    // Nor to another head station, which is no sub-site at all.
    assert_eq!(
        case.refused(&coordinator(), hand_over(foreign_head_station())),
        Refusal::NotASubSite
    );
}

#[test]
fn r_a01_a_foreign_coordinator_cannot_hand_over_another_stations_order() {
    let mut case = Case::after_sales();
    case.ok(&desk(), dispatch(head_station()));
    assert_eq!(
        case.refused(&foreign_coordinator(), hand_over(foreign_sub_site())),
        Refusal::OtherStation
    );
}

#[test]
fn r_a01_an_undispatched_order_cannot_be_handed_over() {
    let mut case = Case::after_sales();
    // No station has the order yet, so no station's coordinator may touch it.
    assert_eq!(
        case.refused(&coordinator(), hand_over(sub_site())),
        Refusal::OtherStation
    );
    assert_eq!(
        case.refused(&supervisor(), hand_over(sub_site())),
        Refusal::InvalidState {
            state: State::AwaitingDispatch,
            command: CommandName::HandOver
        }
    );
}

#[test]
fn r_a01_a_dispatched_order_cannot_be_dispatched_again() {
    let mut case = Case::after_sales();
    case.ok(&desk(), dispatch(head_station()));
    assert_eq!(
        case.refused(&desk(), dispatch(foreign_head_station())),
        Refusal::InvalidState {
            state: State::Assigned,
            command: CommandName::Dispatch
        }
    );
}

// ---------------------------------------------------------------------------------------
// A02: the station coordinator takes dispatched orders; technicians write back results
// ---------------------------------------------------------------------------------------

#[test]
fn r_a02_the_station_coordinator_accepts_a_dispatched_order() {
    let mut case = Case::after_sales();
    case.ok(&desk(), dispatch(head_station()));
    assert_eq!(case.ok(&coordinator(), Command::Accept), vec![Event::Accepted]);
    assert_eq!(case.state(), State::Accepted);
}

#[test]
fn r_a02_a_coordinator_of_another_station_cannot_accept_it() {
    let mut case = Case::after_sales();
    case.ok(&desk(), dispatch(head_station()));
    assert_eq!(
        case.refused(&foreign_coordinator(), Command::Accept),
        Refusal::OtherStation
    );
}

#[test]
fn r_a02_the_coordinator_gives_the_order_to_a_technician_of_the_station() {
    let mut case = Case::after_sales();
    case.ok(&desk(), dispatch(head_station()));
    case.ok(&coordinator(), Command::Accept);
    assert_eq!(
        case.refused(&coordinator(), assign(foreign_technician())),
        Refusal::OtherStation
    );
    assert_eq!(
        case.refused(&coordinator(), assign(team_lead())),
        Refusal::NotATechnician(team_lead().name)
    );
    case.ok(&coordinator(), assign(technician()));
    assert_eq!(case.order.assignee, Some(technician()));
    assert_eq!(case.state(), State::Accepted);
}

#[test]
fn r_a02_the_assigned_technician_writes_back_the_result() {
    let mut case = Case::after_sales_accepted();
    let t31 = case.now() + hours(3);
    case.ok(&technician(), commit(t31));
    case.clock.advance(hours(2));
    case.ok(&technician(), arrive(code()));
    case.ok(&technician(), Command::Start);
    case.clock.advance(hours(1));
    case.ok(&technician(), resolve_signed());
    assert_eq!(case.state(), State::Resolved);
    let written_back: Vec<_> = case.records[4..]
        .iter()
        .map(|r| (r.event.kind(), r.actor.clone()))
        .collect();
    assert_eq!(
        written_back,
        vec![
            ("committed", technician()),
            ("arrived", technician()),
            ("work_started", technician()),
            ("resolved", technician()),
        ]
    );
}

#[test]
fn r_a02_a_technician_who_is_not_assigned_cannot_write_back() {
    let mut case = Case::after_sales_accepted();
    let t31 = case.now() + hours(3);
    assert_eq!(
        case.refused(&second_technician(), commit(t31)),
        Refusal::NotAssignee
    );
    case.ok(&technician(), commit(t31));
    assert_eq!(
        case.refused(&second_technician(), arrive(code())),
        Refusal::NotAssignee
    );
}

#[test]
fn r_a02_a_technician_cannot_accept_an_order_dispatched_to_the_station_only() {
    let mut case = Case::after_sales();
    case.ok(&desk(), dispatch(head_station()));
    assert_eq!(case.refused(&technician(), Command::Accept), Refusal::NotAssignee);
}

// ---------------------------------------------------------------------------------------
// A04: T3 is written at most three times; writing T31 sets T2 (after_sales)
// ---------------------------------------------------------------------------------------

#[test]
fn r_a04_t3_is_written_at_most_three_times() {
    let mut case = Case::after_sales_accepted();
    let t31 = case.now() + days(1);
    case.ok(&technician(), commit(t31));
    case.clock.advance(hours(20));
    let t32 = case.now() + days(2);
    case.ok(
        &technician(),
        recommit(
            t32,
            CommitmentKind::Parts,
            "备件未到：订单PO-20261103-07，编码P-KFR35-0101",
        ),
    );
    case.clock.advance(days(1));
    let t33 = case.now() + days(3);
    case.ok(
        &coordinator(),
        recommit(t33, CommitmentKind::Parts, "备件再次延期：订单PO-20261103-07"),
    );

    let commitments = &case.order.timeline.commitments;
    assert_eq!(commitments.len(), MAX_COMMITMENTS);
    assert_eq!(commitments.iter().map(|c| c.slot).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(
        commitments.iter().map(|c| c.at).collect::<Vec<_>>(),
        [t31, t32, t33]
    );
    assert_eq!(case.order.current_commitment().map(|c| c.at), Some(t33));

    let t34 = case.now() + days(4);
    assert_eq!(
        case.refused(&technician(), recommit(t34, CommitmentKind::Other, "再约")),
        Refusal::CommitmentLimit
    );
    assert_eq!(case.order.timeline.commitments.len(), 3);
}

#[test]
fn r_a04_the_limit_holds_across_visits() {
    let mut case = Case::after_sales_on_site();
    let at = case.now() + days(1);
    case.ok(
        &technician(),
        recommit(at, CommitmentKind::Other, "压缩机需返厂检测"),
    );
    case.clock.advance(days(1));
    case.ok(&technician(), arrive(code()));
    let at = case.now() + days(1);
    case.ok(&technician(), recommit(at, CommitmentKind::Other, "仍需更换主板"));
    case.clock.advance(days(1));
    case.ok(&technician(), arrive(code()));
    let at = case.now() + days(1);
    assert_eq!(
        case.refused(&technician(), recommit(at, CommitmentKind::Other, "第四次")),
        Refusal::CommitmentLimit
    );
    assert_eq!(case.state(), State::OnSite);
}

#[test]
fn r_a04_writing_t31_sets_t2_to_that_moment_on_after_sales() {
    let mut case = Case::after_sales_accepted();
    // On after_sales, a contact attempt is not T2: T2 is when T31 is written.
    case.clock.advance(minutes(30));
    case.ok(&coordinator(), contact(ContactOutcome::Reached));
    assert_eq!(case.order.timeline.first_contact_at, None);

    case.clock.advance(minutes(45));
    let written_at = case.now();
    let t31 = written_at + days(1);
    case.ok(&technician(), commit(t31));
    assert_eq!(case.order.timeline.first_contact_at, Some(written_at));
    assert_eq!(case.order.timeline.commitments[0].recorded_at, written_at);
    assert_eq!(case.order.timeline.commitments[0].at, t31);

    // T32 leaves T2 alone.
    case.clock.advance(hours(3));
    let t32 = case.now() + days(2);
    case.ok(
        &technician(),
        recommit(t32, CommitmentKind::CustomerRequest, "客户改约周末"),
    );
    assert_eq!(case.order.timeline.first_contact_at, Some(written_at));
}

#[test]
fn r_a04_on_property_t2_is_the_first_reached_contact() {
    let mut case = Case::property_claimed();
    case.clock.advance(minutes(5));
    case.ok(&technician(), contact(ContactOutcome::Unreachable));
    assert_eq!(case.order.timeline.first_contact_at, None);
    case.clock.advance(minutes(5));
    let reached = case.now();
    case.ok(&technician(), contact(ContactOutcome::Reached));
    case.clock.advance(minutes(5));
    let at = case.now() + hours(1);
    case.ok(&technician(), commit(at));
    assert_eq!(case.order.timeline.first_contact_at, Some(reached));
}

#[test]
fn r_a04_a_recommitment_names_its_reason() {
    let mut case = Case::after_sales_scheduled();
    let t32 = case.now() + days(2);
    assert_eq!(
        case.refused(
            &technician(),
            Command::Commit {
                at: t32,
                kind: CommitmentKind::Parts,
                reason: None
            }
        ),
        Refusal::Missing { field: "reason" }
    );
}

#[test]
fn r_a04_a_service_time_cannot_be_committed_in_the_past() {
    let mut case = Case::after_sales_accepted();
    let an_hour_ago = case.now() - hours(1);
    assert_eq!(
        case.refused(&technician(), commit(an_hour_ago)),
        Refusal::CommitmentInPast
    );
    assert!(case.order.timeline.commitments.is_empty());
}

#[test]
fn r_a01_nobody_assigns_a_technician_before_a_station_has_the_order() {
    let mut case = Case::after_sales();
    assert_eq!(
        case.refused(&desk(), assign(technician())),
        Refusal::NotDispatched
    );
    assert_eq!(
        case.refused(&supervisor(), assign(technician())),
        Refusal::NotDispatched
    );
    case.ok(&desk(), dispatch(head_station()));
    case.ok(&coordinator(), assign(technician()));
}

#[test]
fn r_a01_only_the_head_station_moves_an_order_between_its_sub_sites() {
    let mut case = Case::after_sales();
    case.ok(&desk(), dispatch(head_station()));
    case.ok(&coordinator(), hand_over(sub_site()));
    assert_eq!(
        case.refused(&sub_site_coordinator(), hand_over(second_sub_site())),
        Refusal::OtherStation
    );
}

#[test]
fn r_a01_dispatching_on_create_is_for_the_desk_and_the_station_itself() {
    let mut new = after_sales_order();
    new.station = Some(head_station());
    let open = |new: NewOrder, by: &baoxiu_domain::PersonRef| {
        WorkOrder::open(order_id(7), &organisation(), new, code(), by, now()).map(|(order, _)| order.state)
    };
    assert_eq!(open(new.clone(), &desk()), Ok(State::Assigned));
    let carry_in = NewOrder {
        service_mode: ServiceMode::CarryIn,
        ..new.clone()
    };
    assert_eq!(
        open(carry_in.clone(), &coordinator()),
        Ok(State::Assigned),
        "A16: a station's own order"
    );
    assert_eq!(open(carry_in, &foreign_coordinator()), Err(Refusal::OtherStation));
    assert!(matches!(
        open(new.clone(), &customer()),
        Err(Refusal::NotPermitted { .. })
    ));
    assert!(matches!(
        open(new, &technician()),
        Err(Refusal::NotPermitted { .. })
    ));
}

#[test]
fn r_a11_late_parts_recommit_with_type_parts_and_a_reason_naming_the_parts_order() {
    let mut case = Case::after_sales_scheduled();
    case.ok(&coordinator(), request_parts());
    assert_eq!(case.state(), State::WaitingForParts);
    let t32 = case.now() + days(3);
    assert_eq!(
        case.refused(
            &coordinator(),
            Command::Commit {
                at: t32,
                kind: CommitmentKind::Parts,
                reason: None
            }
        ),
        Refusal::Missing { field: "reason" },
        "a parts delay must say which parts order is late"
    );
    let reason = "由于PO-20261102-07订单P-KFR35-0101编码的备件未按时配送";
    case.ok(&coordinator(), recommit(t32, CommitmentKind::Parts, reason));
    let t32_written = case.order.timeline.commitments.last().unwrap();
    assert_eq!(t32_written.slot, 2);
    assert_eq!(t32_written.kind, CommitmentKind::Parts);
    assert_eq!(t32_written.reason.as_deref(), Some(reason));
    assert_eq!(
        case.state(),
        State::WaitingForParts,
        "still waiting for the parts"
    );
}
