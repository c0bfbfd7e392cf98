//! B22, C05: outside firms. An order is given to a firm (in a factory, once outsourcing is
//! approved); the firm's people see and work only the orders given to their firm; the
//! supervisor records penalties on it.

mod support;

use baoxiu_domain::{ApprovalKind, Command, Fen, PenaltyKind, Refusal, State, Template, Visibility};
use support::*;

fn vendor_person(p: &baoxiu_domain::PersonRef) -> baoxiu_domain::Person {
    baoxiu_domain::Person {
        id: p.id,
        tenant: tenant(),
        name: p.name.clone(),
        role: p.role,
        station: p.station,
        team: None,
        phone: None,
        email: None,
    }
}

#[test]
fn r_b22_the_warranty_contractor_works_only_the_orders_given_to_it() {
    let mut case = Case::property_claimed();
    assert_eq!(case.refused(&vendor(), Command::Start), Refusal::NotYourFirm);
    let later = case.now() + hours(20);
    assert_eq!(case.refused(&vendor(), commit(later)), Refusal::NotYourFirm);
    case.ok(&desk(), Command::Outsource { vendor: firm() });
    // The firm states a time; another firm cannot.
    assert_eq!(case.refused(&other_vendor(), commit(later)), Refusal::NotYourFirm);
    case.ok(&vendor(), commit(later));
    assert_eq!(case.state(), State::Scheduled);
    // What each sees: the firm its order; another firm nothing of it.
    assert!(Visibility::of(&vendor_person(&vendor())).allows(&case.order));
    assert!(!Visibility::of(&vendor_person(&other_vendor())).allows(&case.order));
    assert!(!Visibility::of(&vendor_person(&vendor())).allows(&Case::property().order));
    // Nor the organisation's own lists of late and unfinished orders.
    assert!(!baoxiu_domain::Role::Vendor.sees_service_levels());
}

#[test]
fn r_b22_penalties_on_the_contractor_are_recorded_in_money() {
    let mut case = Case::property_claimed();
    let late = Command::RecordPenalty {
        kind: PenaltyKind::Late,
        amount: Fen(20_000),
        note: "预约时间迟到两小时".into(),
    };
    assert_eq!(case.refused(&supervisor(), late.clone()), Refusal::NotOutsourced);
    case.ok(&desk(), Command::Outsource { vendor: firm() });
    assert!(matches!(
        case.refused(&desk(), late.clone()),
        Refusal::NotPermitted { .. }
    ));
    case.ok(&supervisor(), late);
    assert_eq!(
        case.order.penalties,
        vec![(PenaltyKind::Late, Fen(20_000), "预约时间迟到两小时".into())]
    );
    assert_eq!(case.replayed(), case.order);
}

#[test]
fn r_c05_a_factory_gives_a_repair_out_only_once_outsourcing_is_approved() {
    let mut case = Case::open(equipment_order(), &desk());
    case.ok(&team_lead(), assign(technician()));
    case.ok(&technician(), Command::Accept);
    assert_eq!(
        case.refused(&team_lead(), Command::Outsource { vendor: firm() }),
        Refusal::OutsourcingNotApproved
    );
    let kind = ApprovalKind::Outsourcing;
    case.ok(
        &technician(),
        Command::RequestApproval {
            kind,
            note: "液压泵需返修".into(),
            chain: Template::Equipment.spec().chain(kind).unwrap().to_vec(),
        },
    );
    for who in [team_lead(), supervisor(), approver()] {
        case.ok(&who, Command::Approve { note: None });
    }
    case.ok(&team_lead(), Command::Outsource { vendor: firm() });
    assert_eq!(case.order.vendor, Some(firm()));
}
