//! Parts through their life (A11, A13, C11): requested, shipped under a parts order number,
//! received, fitted, or refused as not up to standard and requested again; the old parts
//! returned and received. Every command runs through the harness in `support`.

mod support;

use baoxiu_domain::{Command, CommandName, CommitmentKind, Refusal, State};
use support::*;

/// An after-sales order on site whose parts were requested on the first visit.
fn waiting_for_parts() -> Case {
    let mut case = Case::after_sales_on_site();
    case.ok(&technician(), Command::Start);
    case.ok(&technician(), request_parts());
    assert_eq!(case.state(), State::WaitingForParts);
    case
}

fn ship(order_no: &str) -> Command {
    Command::ShipParts {
        order_no: order_no.into(),
    }
}

#[test]
fn r_a11_parts_are_shipped_under_a_parts_order_number_the_recommitment_names() {
    let mut case = waiting_for_parts();
    case.ok(&supervisor(), ship("PO-20261102-017"));
    let request = &case.order.parts_requests[0];
    assert_eq!(request.order_no.as_deref(), Some("PO-20261102-017"));
    assert!(request.shipped_at.is_some());
    // Shipped once: nothing else waits to be shipped.
    assert_eq!(case.refused(&supervisor(), ship("PO-2")), Refusal::NoPartsHere);
    // The late parts' recommitment names the order and the part code.
    let at = case.now() + days(2);
    case.ok(
        &coordinator(),
        recommit(
            at,
            CommitmentKind::Parts,
            "备件订单PO-20261102-017延迟到货，编码P-KFR35-0101",
        ),
    );
    assert!(
        case.order.timeline.commitments[1]
            .reason
            .as_deref()
            .unwrap()
            .contains(case.order.parts_requests[0].order_no.as_deref().unwrap())
    );
}

#[test]
fn r_c11_refused_parts_are_requested_again_and_the_order_waits_for_them() {
    let mut case = waiting_for_parts();
    case.ok(&supervisor(), ship("PO-1"));
    case.ok(&coordinator(), parts_received());
    assert_eq!(case.state(), State::MultipleVisits);
    case.clock.advance(hours(20));
    case.ok(&technician(), arrive(code()));
    // The using department finds the part not up to standard.
    case.ok(
        &supervisor(),
        Command::RefuseParts {
            reason: "电容规格不符（应为35μF）".into(),
        },
    );
    assert_eq!(case.state(), State::WaitingForParts);
    let requests = &case.order.parts_requests;
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].refused.as_deref(), Some("电容规格不符（应为35μF）"));
    assert_eq!(requests[1].parts, requests[0].parts, "the same parts again");
    assert!(requests[1].received_at.is_none());
    // A refused part cannot be fitted.
    assert_eq!(
        case.refused(&technician(), Command::FitParts { note: None }),
        Refusal::InvalidState {
            state: State::WaitingForParts,
            command: CommandName::FitParts
        }
    );
}

#[test]
fn r_a13_fitted_parts_send_the_old_ones_back_until_service_support_has_them() {
    let mut case = waiting_for_parts();
    assert_eq!(
        case.refused(&technician(), Command::ReturnOldParts { note: None }),
        Refusal::InvalidState {
            state: State::WaitingForParts,
            command: CommandName::ReturnOldParts
        }
    );
    case.ok(&supervisor(), ship("PO-9"));
    case.ok(&coordinator(), parts_received());
    case.clock.advance(hours(20));
    case.ok(&technician(), arrive(code()));
    case.ok(&technician(), Command::Start);
    assert_eq!(
        case.refused(&technician(), Command::ReturnOldParts { note: None }),
        Refusal::NoPartsHere,
        "nothing fitted yet"
    );
    case.ok(&technician(), Command::FitParts { note: None });
    assert!(case.order.parts_requests[0].fitted_at.is_some());
    case.ok(&technician(), resolve_signed());
    case.ok(
        &technician(),
        Command::ReturnOldParts {
            note: Some("顺丰SF1234567890".into()),
        },
    );
    assert_eq!(
        case.refused(&technician(), Command::OldPartsReceived { note: None }),
        Refusal::NotPermitted {
            role: baoxiu_domain::Role::Technician,
            command: CommandName::OldPartsReceived
        }
    );
    case.ok(&supervisor(), Command::OldPartsReceived { note: None });
    let request = &case.order.parts_requests[0];
    assert!(request.old_returned_at.is_some() && request.old_received_at.is_some());
    assert_eq!(case.replayed(), case.order);
}
