//! Rules A07, A08, A09, A13, A14, A15, A17: one or more tests per SPEC rule, named `r_<id>_…` so that `grep -r r_a04` finds the
//! proof of A04. Every command runs through the harness in `support`, which also checks
//! that a refused command leaves the order exactly as it was.

mod support;

use baoxiu_domain::{
    CancelReason, Command, CommandName, CommitmentKind, ContactOutcome, PersonRef, PhoneSolution, Refusal,
    Resolution, State,
};
use support::*;

// ---------------------------------------------------------------------------------------
// A07: solved by phone closes the order, which can never be cancelled
// ---------------------------------------------------------------------------------------

#[test]
fn r_a07_resolving_by_phone_closes_the_order_within_commitment() {
    let mut case = Case::after_sales_accepted();
    case.clock.advance(minutes(50));
    let solved_at = case.now();
    case.ok(&technician(), resolve_by_phone(PhoneSolution::Software));
    assert_eq!(case.state(), State::Resolved);
    assert!(case.order.solved_by_phone());
    assert!(matches!(
        case.order.resolution,
        Some(Resolution::Phone {
            solution: PhoneSolution::Software,
            ..
        })
    ));
    assert_eq!(case.order.timeline.resolved_at, Some(solved_at));
    // The phone call was the first contact.
    assert_eq!(case.order.timeline.first_contact_at, Some(solved_at));
    assert!(case.order.timeline.arrivals.is_empty());
}

#[test]
fn r_a07_other_problems_are_solved_by_phone_too_from_a_scheduled_order() {
    let mut case = Case::after_sales_scheduled();
    case.ok(&coordinator(), resolve_by_phone(PhoneSolution::Other));
    assert!(matches!(
        case.order.resolution,
        Some(Resolution::Phone {
            solution: PhoneSolution::Other,
            ..
        })
    ));
}

#[test]
fn r_a07_a_later_cancellation_request_is_refused_as_solved_by_phone() {
    let mut case = Case::after_sales_accepted();
    case.ok(&technician(), resolve_by_phone(PhoneSolution::Software));
    for who in [desk(), coordinator(), team_lead(), supervisor(), region_officer()] {
        assert_eq!(
            case.refused(&who, request_cancel(CancelReason::Duplicate)),
            Refusal::SolvedByPhone,
            "{who:?}"
        );
    }
    // Still true after the callback.
    case.ok(&desk(), callback_reached(5));
    assert_eq!(
        case.refused(&region_officer(), request_cancel(CancelReason::WrongNumber)),
        Refusal::SolvedByPhone
    );
    assert_eq!(case.state(), State::CalledBack);
}

// ---------------------------------------------------------------------------------------
// A08: parts in stock: commit T31, go within it
// ---------------------------------------------------------------------------------------

#[test]
fn r_a08_with_parts_in_stock_the_technician_commits_t31_and_arrives_within_it() {
    let mut case = Case::after_sales_accepted();
    let t31 = case.now() + hours(4);
    case.ok(&technician(), commit(t31));
    assert_eq!(case.state(), State::Scheduled);
    case.clock.advance(hours(3) + minutes(40));
    case.ok(&technician(), arrive(code()));
    assert_eq!(case.state(), State::OnSite);
    let arrived = case.order.timeline.arrivals[0];
    assert!(arrived <= t31, "arrived {arrived} after T31 {t31}");
}

// ---------------------------------------------------------------------------------------
// A09: no parts: request them, T31 from the agreed delivery, waiting for parts
// ---------------------------------------------------------------------------------------

#[test]
fn r_a09_without_parts_the_order_waits_for_parts_and_t31_sets_t2() {
    let mut case = Case::after_sales_accepted();
    case.clock.advance(minutes(20));
    let requested_at = case.now();
    case.ok(&technician(), request_parts());
    assert_eq!(case.state(), State::WaitingForParts);
    assert_eq!(case.order.parts_requests.len(), 1);
    assert_eq!(case.order.parts_requests[0].requested_at, requested_at);
    assert_eq!(case.order.parts_requests[0].parts, parts());
    assert_eq!(case.order.parts_requests[0].received_at, None);

    case.clock.advance(minutes(10));
    let written_at = case.now();
    let delivery = written_at + days(3);
    case.ok(
        &technician(),
        Command::Commit {
            at: delivery,
            kind: CommitmentKind::Parts,
            reason: Some("按备件预计到货时间预约".to_string()),
        },
    );
    assert_eq!(case.state(), State::WaitingForParts);
    assert_eq!(case.order.timeline.first_contact_at, Some(written_at));
    assert_eq!(case.order.timeline.commitments[0].kind, CommitmentKind::Parts);

    // The technician cannot go before the parts are in.
    assert_eq!(
        case.refused(&technician(), arrive(code())),
        Refusal::InvalidState {
            state: State::WaitingForParts,
            command: CommandName::Arrive
        }
    );

    case.clock.advance(days(2));
    let received_at = case.now();
    case.ok(&coordinator(), parts_received());
    assert_eq!(case.state(), State::Scheduled);
    assert_eq!(case.order.parts_requests[0].received_at, Some(received_at));
    case.clock.advance(days(1) - hours(1));
    case.ok(&technician(), arrive(code()));
    assert_eq!(case.state(), State::OnSite);
}

#[test]
fn r_a09_parts_received_before_any_commitment_return_the_order_to_accepted() {
    let mut case = Case::after_sales_accepted();
    case.ok(&technician(), request_parts());
    case.ok(&technician(), parts_received());
    assert_eq!(case.state(), State::Accepted);
}

// ---------------------------------------------------------------------------------------
// A13: not fixed in one visit → new commitment, multiple visits; fixed → closed
// ---------------------------------------------------------------------------------------

#[test]
fn r_a13_a_new_commitment_from_on_site_means_multiple_visits() {
    let mut case = Case::after_sales_on_site();
    let t32 = case.now() + days(1);
    case.ok(
        &technician(),
        recommit(t32, CommitmentKind::Other, "压缩机故障，需二次上门"),
    );
    assert_eq!(case.state(), State::MultipleVisits);
}

#[test]
fn r_a13_not_fixed_in_one_visit_then_fixed_on_the_second() {
    let mut case = Case::after_sales_on_site();
    case.ok(&technician(), Command::Start);
    assert_eq!(case.state(), State::InProgress);
    let t32 = case.now() + days(1);
    case.ok(
        &technician(),
        recommit(t32, CommitmentKind::Other, "需更换四通阀，明日再上门"),
    );
    assert_eq!(case.state(), State::MultipleVisits);

    case.clock.advance(days(1));
    case.ok(&technician(), arrive(code()));
    assert_eq!(case.state(), State::OnSite);
    assert_eq!(case.order.timeline.arrivals.len(), 2);
    case.ok(&technician(), Command::Start);
    case.clock.advance(hours(2));
    case.ok(&technician(), resolve_signed());
    assert_eq!(case.state(), State::Resolved);
    assert_eq!(case.order.timeline.commitments.len(), 2);
}

#[test]
fn r_a13_parts_requested_during_a_multiple_visit_order_then_received() {
    let mut case = Case::after_sales_on_site();
    let t32 = case.now() + days(1);
    case.ok(&technician(), recommit(t32, CommitmentKind::Other, "再次上门"));
    assert_eq!(case.state(), State::MultipleVisits);
    case.ok(&technician(), request_parts());
    assert_eq!(case.state(), State::WaitingForParts);
    case.ok(&technician(), parts_received());
    // The order can be visited again and resolved.
    case.ok(&technician(), arrive(code()));
    case.ok(&technician(), resolve_signed());
    assert_eq!(case.state(), State::Resolved);
    assert_eq!(case.order.timeline.arrivals.len(), 2);
}

#[test]
fn r_a13_a_multiple_visit_order_stays_in_multiple_visits_once_its_parts_arrive() {
    let mut case = Case::after_sales_on_site();
    // Not fixed in one visit: a new commitment, state multiple visits (A13) …
    let t32 = case.now() + days(2);
    case.ok(
        &technician(),
        recommit(
            t32,
            CommitmentKind::Parts,
            "备件订单PO-20261102-01，编码P-KFR35-0101",
        ),
    );
    assert_eq!(case.state(), State::MultipleVisits);
    // … then parts are needed and arrive.
    case.ok(&technician(), request_parts());
    assert_eq!(case.state(), State::WaitingForParts);
    case.clock.advance(days(1));
    case.ok(&coordinator(), parts_received());
    // Still not fixed in one visit: expected multiple visits, actual scheduled.
    assert_eq!(case.state(), State::MultipleVisits);
}

#[test]
fn r_a13_parts_ordered_on_the_first_visit_lead_to_multiple_visits() {
    let mut case = Case::after_sales_on_site();
    case.ok(&technician(), request_parts());
    let t32 = case.now() + days(2);
    case.ok(
        &technician(),
        recommit(
            t32,
            CommitmentKind::Parts,
            "备件订单PO-20261102-01，编码P-KFR35-0101",
        ),
    );
    case.clock.advance(days(1));
    case.ok(&coordinator(), parts_received());
    assert_eq!(case.state(), State::MultipleVisits);
}

// ---------------------------------------------------------------------------------------
// A14: resolved only with the customer's signature
// ---------------------------------------------------------------------------------------

#[test]
fn r_a14_resolving_without_the_customers_signature_is_refused() {
    let mut case = Case::after_sales_on_site();
    assert_eq!(
        case.refused(&technician(), resolve_unsigned()),
        Refusal::SignatureRequired
    );
    case.ok(&technician(), Command::Start);
    assert_eq!(
        case.refused(&technician(), resolve_unsigned()),
        Refusal::SignatureRequired
    );
    assert_eq!(case.order.resolution, None);
}

#[test]
fn r_a14_resolving_with_the_signature_resolves_the_order() {
    let mut case = Case::after_sales_on_site();
    case.clock.advance(hours(1));
    let t4 = case.now();
    case.ok(&technician(), resolve_signed());
    assert_eq!(case.state(), State::Resolved);
    assert_eq!(case.order.timeline.resolved_at, Some(t4));
    match &case.order.resolution {
        Some(Resolution::OnSite { signature: s, .. }) => assert_eq!(s, &signature()),
        other => panic!("expected an on-site resolution, got {other:?}"),
    }
}

#[test]
fn r_a14_an_order_cannot_be_resolved_on_site_before_anyone_arrived() {
    let mut case = Case::after_sales_scheduled();
    assert_eq!(
        case.refused(&technician(), resolve_signed()),
        Refusal::InvalidState {
            state: State::Scheduled,
            command: CommandName::Resolve
        }
    );
}

#[test]
fn r_a14_a_blank_signature_is_no_signature() {
    let mut case = Case::after_sales_on_site();
    let blank = Command::Resolve {
        signature: Some(baoxiu_domain::Signature {
            signer: " ".into(),
            position: None,
            image: String::new(),
        }),
        summary: "已修复".into(),
        report: None,
    };
    assert_eq!(case.refused(&technician(), blank), Refusal::SignatureRequired);
}

// ---------------------------------------------------------------------------------------
// A15: the desk calls back every resolved order
// ---------------------------------------------------------------------------------------

#[test]
fn r_a15_the_desk_calls_back_a_resolved_order() {
    let mut case = Case::after_sales_resolved();
    case.clock.advance(hours(20));
    let at = case.now();
    case.ok(&desk(), callback_reached(5));
    assert_eq!(case.state(), State::CalledBack);
    assert_eq!(case.order.timeline.called_back_at, Some(at));
    assert_eq!(case.order.callbacks.len(), 1);
    let callback = &case.order.callbacks[0];
    assert!(callback.reached);
    assert_eq!(callback.by, desk().id);
    assert_eq!(callback.satisfaction.map(|s| s.value()), Some(5));
}

#[test]
fn r_a15_an_unreached_callback_needs_a_note_and_leaves_the_order_resolved() {
    let mut case = Case::after_sales_resolved();
    assert_eq!(
        case.refused(&desk(), callback_unreached(None)),
        Refusal::Missing { field: "note" }
    );
    case.ok(&desk(), callback_unreached(Some("两次拨打无人接听，明日再访")));
    assert_eq!(case.state(), State::Resolved);
    assert_eq!(case.order.callbacks.len(), 1);
    assert!(!case.order.callbacks[0].reached);
    assert_eq!(case.order.timeline.called_back_at, None);

    // The next day the customer answers.
    case.clock.advance(days(1));
    case.ok(&desk(), callback_reached(4));
    assert_eq!(case.state(), State::CalledBack);
    assert_eq!(case.order.callbacks.len(), 2);
}

#[test]
fn r_a15_an_open_order_cannot_be_called_back() {
    let mut case = Case::after_sales_on_site();
    assert_eq!(
        case.refused(&desk(), callback_reached(5)),
        Refusal::InvalidState {
            state: State::OnSite,
            command: CommandName::Callback
        }
    );
}

#[test]
fn r_a15_a_called_back_order_is_not_called_back_again() {
    let mut case = Case::after_sales_resolved();
    case.ok(&desk(), callback_reached(5));
    assert_eq!(
        case.refused(&desk(), callback_reached(3)),
        Refusal::InvalidState {
            state: State::CalledBack,
            command: CommandName::Callback
        }
    );
}

// ---------------------------------------------------------------------------------------
// A17: cancellation is a request with a reason, approved by the region
// ---------------------------------------------------------------------------------------

#[test]
fn r_a17_a_cancellation_request_approved_by_the_region_cancels_the_order() {
    let mut case = Case::after_sales_accepted();
    let requested_at = case.now();
    case.ok(&coordinator(), request_cancel(CancelReason::WrongNumber));
    assert!(case.order.cancellation_pending());
    assert_eq!(case.state(), State::Accepted);
    let request = case.order.cancellation.clone().unwrap();
    assert_eq!(request.reason, CancelReason::WrongNumber);
    assert_eq!(request.requested_by, coordinator().id);
    assert_eq!(request.requested_at, requested_at);
    assert_eq!(request.approved_by, None);

    case.clock.advance(hours(4));
    let cancelled_at = case.now();
    case.ok(&region_officer(), approve_cancel());
    assert_eq!(case.state(), State::Cancelled);
    assert!(!case.order.cancellation_pending());
    assert_eq!(
        case.order.cancellation.as_ref().unwrap().approved_by,
        Some(region_officer().id)
    );
    assert_eq!(case.order.timeline.cancelled_at, Some(cancelled_at));
    assert_eq!(case.event_kinds().last(), Some(&"cancellation_approved"));
}

#[test]
fn r_a17_a_rejected_request_is_cleared_and_work_goes_on() {
    let mut case = Case::after_sales_accepted();
    case.ok(&coordinator(), request_cancel(CancelReason::Duplicate));
    case.ok(&region_officer(), reject_cancel());
    assert_eq!(case.order.cancellation, None);
    assert!(!case.order.cancellation_pending());
    assert_eq!(case.state(), State::Accepted);
    let t31 = case.now() + days(1);
    case.ok(&technician(), commit(t31));
    assert_eq!(case.state(), State::Scheduled);
}

#[test]
fn r_a17_the_requester_may_not_approve_their_own_request() {
    let mut case = Case::after_sales_accepted();
    case.ok(&region_officer(), request_cancel(CancelReason::WrongNumber));
    assert_eq!(
        case.refused(&region_officer(), approve_cancel()),
        Refusal::SelfApproval
    );
    case.ok(&second_region_officer(), approve_cancel());
    assert_eq!(case.state(), State::Cancelled);

    let mut case = Case::property_claimed();
    case.ok(&supervisor(), request_cancel(CancelReason::Duplicate));
    assert_eq!(
        case.refused(&supervisor(), approve_cancel()),
        Refusal::SelfApproval
    );
}

#[test]
fn r_a17_after_sales_cancellations_are_decided_by_the_region_property_ones_by_the_supervisor() {
    let mut case = Case::after_sales_accepted();
    case.ok(&coordinator(), request_cancel(CancelReason::WrongNumber));
    assert!(matches!(
        case.refused(&supervisor(), approve_cancel()),
        Refusal::NotPermitted { .. }
    ));
    case.ok(&region_officer(), approve_cancel());
    assert_eq!(case.state(), State::Cancelled);

    let mut case = Case::property_claimed();
    case.ok(&desk(), request_cancel(CancelReason::Duplicate));
    assert!(matches!(
        case.refused(&region_officer(), approve_cancel()),
        Refusal::NotPermitted { .. }
    ));
    case.ok(&supervisor(), approve_cancel());
    assert_eq!(case.state(), State::Cancelled);
}

#[test]
fn r_a17_while_a_cancellation_is_pending_other_commands_are_refused() {
    let mut case = Case::after_sales_scheduled();
    case.ok(&coordinator(), request_cancel(CancelReason::WrongNumber));
    let later = case.now() + days(2);
    let refused = [
        (technician(), arrive(code())),
        (technician(), recommit(later, CommitmentKind::Other, "改约")),
        (technician(), request_parts()),
        (technician(), resolve_by_phone(PhoneSolution::Software)),
        (coordinator(), assign(second_technician())),
        (coordinator(), hand_over(sub_site())),
        (desk(), request_cancel(CancelReason::Duplicate)),
        (region_officer(), request_cancel(CancelReason::WrongNumber)),
    ];
    for (who, command) in refused {
        let name = command.name();
        assert_eq!(
            case.refused(&who, command),
            Refusal::CancellationPending,
            "{name:?}"
        );
    }
    // Contact attempts go on while the region decides (A05), once 3.5 hours have passed.
    case.clock.advance(hours(4));
    case.ok(&coordinator(), contact(ContactOutcome::Unreachable));
    assert!(case.order.cancellation_pending());
}

#[test]
fn r_a17_approving_or_rejecting_needs_a_pending_request() {
    let mut case = Case::after_sales_accepted();
    assert_eq!(
        case.refused(&region_officer(), approve_cancel()),
        Refusal::NoCancellationPending
    );
    assert_eq!(
        case.refused(&region_officer(), reject_cancel()),
        Refusal::NoCancellationPending
    );
    case.ok(&coordinator(), request_cancel(CancelReason::Duplicate));
    case.ok(&region_officer(), approve_cancel());
    assert_eq!(
        case.refused(&second_region_officer(), approve_cancel()),
        Refusal::NoCancellationPending
    );
    assert_eq!(
        case.refused(&second_region_officer(), reject_cancel()),
        Refusal::NoCancellationPending
    );
}

#[test]
fn r_a17_a_resolved_order_cannot_be_cancelled() {
    let mut case = Case::after_sales_resolved();
    assert_eq!(
        case.refused(&region_officer(), request_cancel(CancelReason::Duplicate)),
        Refusal::InvalidState {
            state: State::Resolved,
            command: CommandName::RequestCancel
        }
    );
}

#[test]
fn r_a17_a_cancelled_order_accepts_no_further_command() {
    let mut case = Case::after_sales_accepted();
    case.ok(&coordinator(), request_cancel(CancelReason::Duplicate));
    case.ok(&region_officer(), approve_cancel());
    let later = case.now() + days(1);
    let all: Vec<(PersonRef, Command)> = vec![
        (technician(), commit(later)),
        (technician(), arrive(code())),
        (coordinator(), contact(ContactOutcome::Reached)),
        (coordinator(), assign(second_technician())),
        (technician(), resolve_by_phone(PhoneSolution::Other)),
        (desk(), callback_reached(5)),
        (desk(), Command::Archive),
        (desk(), request_cancel(CancelReason::Duplicate)),
    ];
    for (who, command) in all {
        let refusal = case.refused(&who, command);
        assert!(
            matches!(
                refusal,
                Refusal::InvalidState {
                    state: State::Cancelled,
                    ..
                }
            ),
            "{refusal:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// A12: a refused plan: the special-situation report first, then cancellation
// ---------------------------------------------------------------------------------------

#[test]
fn r_a12_a_refused_plan_is_cancelled_only_after_the_region_approves_the_report() {
    let mut case = Case::after_sales_accepted();
    assert_eq!(
        case.refused(&coordinator(), request_cancel(CancelReason::PlanRefused)),
        Refusal::ReportFirst
    );
    let kind = baoxiu_domain::ApprovalKind::SpecialSituation;
    let report = Command::RequestApproval {
        kind,
        note: "设备已过保，用户不接受更换主板的报价".into(),
        chain: baoxiu_domain::Template::AfterSales
            .spec()
            .chain(kind)
            .unwrap()
            .to_vec(),
    };
    case.ok(&coordinator(), report);
    // Still not, while the region has not decided; the region decides, not the station.
    assert_eq!(
        case.refused(&coordinator(), request_cancel(CancelReason::PlanRefused)),
        Refusal::ReportFirst
    );
    assert!(matches!(
        case.refused(&coordinator(), Command::Approve { note: None }),
        Refusal::NotPermitted { .. } | Refusal::NotNextApprover { .. }
    ));
    case.ok(&region_officer(), Command::Approve { note: None });
    case.ok(&coordinator(), request_cancel(CancelReason::PlanRefused));
    case.ok(&second_region_officer(), approve_cancel());
    assert_eq!(case.state(), State::Cancelled);
}
