//! Rules X05, X06 and refusals: one or more tests per SPEC rule, named `r_<id>_…` so that `grep -r r_a04` finds the
//! proof of A04. Every command runs through the harness in `support`, which also checks
//! that a refused command leaves the order exactly as it was.

mod support;

use baoxiu_domain::{
    CancelReason, Command, CommandName, CommitmentKind, ContactOutcome, MAX_CODE_ATTEMPTS, PersonRef,
    PhoneSolution, Refusal, Role, WorkOrder,
};
use support::*;

// ---------------------------------------------------------------------------------------
// X05: the whole story replays; X06: roles and data scope
// ---------------------------------------------------------------------------------------

#[test]
fn r_x05_an_orders_history_replays_to_the_same_order() {
    let mut case = Case::property_resolved();
    case.ok(&desk(), callback_reached(5));
    case.ok(&desk(), Command::Archive);
    assert_eq!(case.order.version, case.records.len() as u64);
    assert_eq!(case.replayed(), case.order);
    assert_eq!(
        case.event_kinds(),
        [
            "created",
            "claimed",
            "committed",
            "arrived",
            "work_started",
            "resolved",
            "callback_recorded",
            "archived"
        ]
    );
}

#[test]
fn r_x05_a_broken_history_does_not_replay() {
    let case = Case::after_sales_scheduled();
    assert!(WorkOrder::replay(tenant(), &[]).is_err());
    // Not starting with `created`.
    assert!(WorkOrder::replay(tenant(), &case.records[1..]).is_err());
    // A gap in seq.
    let mut gap = case.records.clone();
    gap.remove(2);
    assert!(WorkOrder::replay(tenant(), &gap).is_err());
    // Another order's event.
    let mut foreign = case.records.clone();
    foreign[3].order = order_id(2);
    assert!(WorkOrder::replay(tenant(), &foreign).is_err());
}

/// Who may issue which command, as the SPEC's organisation describes it.
fn allowed(command: CommandName) -> &'static [Role] {
    use CommandName as C;
    use Role::*;
    match command {
        C::Dispatch => &[DeskAgent, Supervisor, RegionOfficer, Admin],
        C::HandOver => &[Coordinator, Supervisor, Admin],
        C::Assign => &[DeskAgent, Coordinator, TeamLead, Supervisor, Admin],
        C::Claim => &[Technician],
        C::Accept => &[Coordinator, Technician],
        C::Contact => &[DeskAgent, Coordinator, Technician, TeamLead, Supervisor],
        C::Commit => &[Coordinator, Technician, TeamLead, Supervisor, Vendor],
        C::RequestParts | C::PartsReceived => &[Coordinator, Technician],
        C::Arrive => &[Technician, DeskAgent, Vendor],
        C::Start => &[Technician, Vendor],
        // The desk signs off public-area property jobs after re-inspection (A14 amended).
        C::Resolve => &[Technician, Coordinator, DeskAgent, Vendor],
        C::ResolveByPhone => &[Technician, Coordinator],
        C::Callback => &[DeskAgent, Supervisor, Customer],
        C::Attach => &[Customer, DeskAgent, Coordinator, Technician, TeamLead, Supervisor],
        C::RemoveAttachment => &[DeskAgent, Coordinator, Technician, TeamLead, Supervisor, Admin],
        C::Archive => &[DeskAgent, Supervisor, Admin],
        C::RequestCancel => &[DeskAgent, Coordinator, TeamLead, Supervisor, RegionOfficer],
        C::ApproveCancel | C::RejectCancel => &[RegionOfficer, Approver, Supervisor],
        // A priority set wrongly at intake is put right by the desk or the supervisor; the
        // clocks that depend on it recompute (X01).
        C::Reprioritize => &[DeskAgent, Supervisor],
        // A18: the desk urges a special customer's order; the station tells the region.
        C::Urge => &[DeskAgent, Supervisor],
        C::ReportToRegion => &[Coordinator, TeamLead],
        // B19: whoever is on the job finds it complex; a team lead or supervisor reviews.
        C::MarkComplex => &[Technician, TeamLead, Coordinator],
        C::ReviewComplex => &[TeamLead, Supervisor],
        // E01–E03, E05: the hotline's representatives take and check the call.
        C::CheckAccount | C::Triage | C::Apologise => &[DeskAgent, Supervisor],
        // E07: the crew sets off (its duty lead records it for them, X10).
        C::Depart => &[Technician],
        // D01, D02: the engineering duty room files the slip that follows a phone report.
        C::FileSlip => &[DeskAgent, Supervisor],
        // D07: the engineering supervisor instructs the duty foreman.
        C::Instruct => &[Supervisor],
        // C13: the supervisor in person.
        C::Attend => &[Supervisor],
        // D03: whoever does or leads the work asks; the chain decides who approves.
        C::RequestApproval => &[Technician, TeamLead, Coordinator, Supervisor],
        C::Approve | C::Reject => &[Coordinator, TeamLead, Supervisor, RegionOfficer, Approver, Admin],
        // D05.
        C::ReportUnfixable => &[Supervisor, TeamLead],
        // C04: who confirms the fault rates it.
        C::RateComplexity => &[Technician, TeamLead],
        // Parts: service support ships and takes old parts back; the technician fits and
        // returns; the using department or the supervisor refuses (C11).
        C::ShipParts | C::OldPartsReceived => &[Coordinator, Supervisor, Admin],
        C::FitParts => &[Technician],
        C::ReturnOldParts => &[Technician, Coordinator],
        C::RefuseParts => &[Customer, Supervisor],
        // B18: charges told on the job or at the desk; the customer accepts (the technician
        // records it); the desk or a supervisor hands the money to finance.
        C::Quote => &[Technician, Coordinator, DeskAgent, Supervisor],
        C::AcceptQuote => &[Customer, Technician, DeskAgent],
        C::RecordOwnerMaterial => &[Technician],
        C::HandToFinance => &[DeskAgent, Supervisor],
        // B22, C05: the desk, a supervisor or the team lead gives the order out; the
        // supervisor records penalties.
        C::Outsource => &[DeskAgent, Supervisor, TeamLead],
        C::RecordPenalty => &[Supervisor],
    }
}

#[test]
fn r_x06_the_permission_table_gives_each_command_to_its_roles_only() {
    for command in CommandName::ALL {
        for role in Role::ALL {
            assert_eq!(
                role.may(command),
                allowed(command).contains(&role),
                "{role:?} × {command:?}"
            );
        }
    }
}

#[test]
fn r_x06_a_customer_cannot_dispatch() {
    let mut case = Case::after_sales();
    assert_eq!(
        case.refused(&customer(), dispatch(head_station())),
        Refusal::NotPermitted {
            role: Role::Customer,
            command: CommandName::Dispatch
        }
    );
}

#[test]
fn r_x06_a_technician_cannot_approve_a_cancellation() {
    let mut case = Case::after_sales_accepted();
    case.ok(&coordinator(), request_cancel(CancelReason::WrongNumber));
    for who in [technician(), customer(), coordinator(), desk(), team_lead()] {
        assert_eq!(
            case.refused(&who, approve_cancel()),
            Refusal::NotPermitted {
                role: who.role,
                command: CommandName::ApproveCancel
            }
        );
    }
    assert_eq!(
        case.refused(&technician(), reject_cancel()),
        Refusal::NotPermitted {
            role: Role::Technician,
            command: CommandName::RejectCancel
        }
    );
}

#[test]
fn r_x06_a_refused_role_is_refused_whatever_the_state() {
    // The role check comes first: a customer hears "not permitted", not "invalid state".
    let cases = [
        Case::property(),
        Case::after_sales(),
        Case::after_sales_scheduled(),
        Case::after_sales_resolved(),
    ];
    for mut case in cases {
        assert!(matches!(
            case.refused(&customer(), resolve_signed()),
            Refusal::NotPermitted { .. }
        ));
        assert!(matches!(
            case.refused(&approver(), Command::Archive),
            Refusal::NotPermitted { .. }
        ));
        assert!(matches!(
            case.refused(&region_officer(), Command::Claim),
            Refusal::NotPermitted { .. }
        ));
    }
}

#[test]
fn r_x06_a_technician_cannot_resolve_callback_or_dispatch() {
    let mut case = Case::after_sales_on_site();
    assert_eq!(
        case.refused(&technician(), callback_reached(5)),
        Refusal::NotPermitted {
            role: Role::Technician,
            command: CommandName::Callback
        }
    );
    assert_eq!(
        case.refused(&desk(), resolve_signed()),
        Refusal::NotPermitted {
            role: Role::DeskAgent,
            command: CommandName::Resolve
        }
    );
    assert_eq!(
        case.refused(&technician(), request_cancel(CancelReason::PlanRefused)),
        Refusal::NotPermitted {
            role: Role::Technician,
            command: CommandName::RequestCancel
        }
    );
}

#[test]
fn r_x06_approvers_region_officers_and_outside_firms_do_not_create_orders() {
    for who in one_of_each_role() {
        let opened = WorkOrder::open(
            order_id(1),
            &organisation(),
            property_order(),
            code(),
            &who,
            now(),
        );
        match who.role {
            Role::Approver | Role::RegionOfficer | Role::Vendor => assert_eq!(
                opened.unwrap_err(),
                Refusal::NotPermittedToCreate { role: who.role }
            ),
            _ => assert!(opened.is_ok(), "{who:?}"),
        }
    }
}

#[test]
fn r_x06_station_staff_act_only_on_their_stations_orders() {
    let mut case = Case::after_sales_accepted();
    let later = case.now() + days(1);
    assert_eq!(
        case.refused(&foreign_coordinator(), commit(later)),
        Refusal::OtherStation
    );
    assert_eq!(
        case.refused(&foreign_team_lead(), commit(later)),
        Refusal::OtherStation
    );
    assert_eq!(
        case.refused(&foreign_team_lead(), assign(foreign_technician())),
        Refusal::OtherStation
    );
    assert_eq!(
        case.refused(&foreign_coordinator(), request_cancel(CancelReason::Duplicate)),
        Refusal::OtherStation
    );
    // The head station keeps its say over an order handed to its sub-site.
    let mut case = Case::after_sales();
    case.ok(&desk(), dispatch(head_station()));
    case.ok(&coordinator(), hand_over(sub_site()));
    case.ok(&coordinator(), Command::Accept);
    // … but a sub-site has none over its head station's other sub-site.
    let mut other = Case::after_sales();
    other.ok(&desk(), dispatch(head_station()));
    other.ok(&coordinator(), hand_over(second_sub_site()));
    assert_eq!(
        other.refused(&sub_site_coordinator(), Command::Accept),
        Refusal::OtherStation
    );
}

#[test]
fn r_x06_technicians_act_only_on_their_own_orders() {
    let mut case = Case::property_claimed();
    let later = case.now() + hours(2);
    for command in [
        commit(later),
        arrive(code()),
        contact(ContactOutcome::Reached),
        request_parts(),
        resolve_by_phone(PhoneSolution::Software),
    ] {
        assert_eq!(case.refused(&second_technician(), command), Refusal::NotAssignee);
    }
}

// ---------------------------------------------------------------------------------------
// A refused command changes nothing and says why
// ---------------------------------------------------------------------------------------

#[test]
fn refused_commands_leave_the_order_exactly_as_it_was() {
    let mut samples: Vec<(Case, PersonRef, Command)> = Vec::new();
    let mut add = |case: &Case, who: PersonRef, command: Command| {
        samples.push((case.clone(), who, command));
    };

    let pool = Case::property();
    add(&pool, customer(), Command::Claim);
    add(&pool, technician(), Command::Accept);
    add(&pool, supervisor(), assign(team_lead()));
    add(&pool, desk(), dispatch(sub_site()));
    add(&pool, desk(), Command::Archive);

    let awaiting = Case::after_sales();
    add(&awaiting, coordinator(), hand_over(sub_site()));
    add(&awaiting, technician(), Command::Claim);
    add(&awaiting, region_officer(), approve_cancel());

    let mut dispatched = Case::after_sales();
    dispatched.ok(&desk(), dispatch(head_station()));
    add(&dispatched, coordinator(), hand_over(foreign_sub_site()));
    add(&dispatched, foreign_coordinator(), Command::Accept);
    add(&dispatched, technician(), Command::Accept);
    add(&dispatched, desk(), dispatch(foreign_head_station()));

    let accepted = Case::after_sales_accepted();
    add(&accepted, technician(), commit(now() - minutes(1)));
    add(&accepted, technician(), arrive_without_code());
    add(&accepted, desk(), arrive_without_code());
    add(&accepted, technician(), resolve_signed());
    add(&accepted, desk(), callback_reached(5));
    add(&accepted, technician(), parts_received());

    let scheduled = Case::after_sales_scheduled();
    add(
        &scheduled,
        technician(),
        Command::Commit {
            at: now() + days(3),
            kind: CommitmentKind::Other,
            reason: None,
        },
    );
    add(&scheduled, second_technician(), arrive(code()));
    add(&scheduled, technician(), Command::Start);

    let mut full = Case::after_sales_scheduled();
    full.ok(
        &technician(),
        recommit(now() + days(2), CommitmentKind::Parts, "备件延期"),
    );
    full.ok(
        &technician(),
        recommit(now() + days(3), CommitmentKind::Parts, "备件再延期"),
    );
    add(
        &full,
        technician(),
        recommit(now() + days(4), CommitmentKind::Parts, "第四次"),
    );

    let mut locked = Case::property_claimed();
    for _ in 0..MAX_CODE_ATTEMPTS {
        locked.run(&technician(), arrive(wrong_code())).unwrap_err();
    }
    add(&locked, technician(), arrive(code()));

    let on_site = Case::after_sales_on_site();
    add(&on_site, technician(), resolve_unsigned());
    add(&on_site, technician(), resolve_by_phone(PhoneSolution::Software));
    add(&on_site, technician(), arrive(code()));

    let resolved = Case::after_sales_resolved();
    add(&resolved, desk(), callback_unreached(None));
    add(&resolved, desk(), Command::Archive);
    add(
        &resolved,
        region_officer(),
        request_cancel(CancelReason::Duplicate),
    );

    let mut by_phone = Case::after_sales_accepted();
    by_phone.ok(&technician(), resolve_by_phone(PhoneSolution::Software));
    add(&by_phone, desk(), request_cancel(CancelReason::Duplicate));

    let mut pending = Case::after_sales_accepted();
    pending.ok(&coordinator(), request_cancel(CancelReason::WrongNumber));
    add(&pending, coordinator(), approve_cancel());
    add(&pending, technician(), commit(now() + days(1)));
    add(&pending, coordinator(), request_cancel(CancelReason::WrongNumber));

    let mut self_approval = Case::after_sales_accepted();
    self_approval.ok(&region_officer(), request_cancel(CancelReason::WrongNumber));
    add(&self_approval, region_officer(), approve_cancel());

    let mut cancelled = Case::after_sales_accepted();
    cancelled.ok(&coordinator(), request_cancel(CancelReason::Duplicate));
    cancelled.ok(&region_officer(), approve_cancel());
    add(&cancelled, region_officer(), reject_cancel());
    add(&cancelled, coordinator(), contact(ContactOutcome::Reached));

    let mut archived = Case::property_resolved();
    archived.ok(&desk(), callback_reached(5));
    archived.ok(&desk(), Command::Archive);
    add(&archived, desk(), Command::Archive);
    add(&archived, desk(), callback_reached(5));

    assert!(samples.len() >= 35, "{} samples", samples.len());
    let mut codes = std::collections::BTreeSet::new();
    for (case, who, command) in samples {
        let mut order = case.order.clone();
        let before = order.clone();
        let name = command.name();
        let refused = order
            .execute(&actor(&who), case.now(), &command)
            .expect_err(&format!("{} {name:?} in {:?}", who.name, before.state));
        assert_eq!(refused.counted, None, "{name:?}");
        assert_eq!(order, before, "{name:?} refused with {:?}", refused.refusal);
        codes.insert(refused.refusal.code());
    }
    // The sample covers most kinds of refusal.
    assert!(codes.len() >= 15, "{codes:?}");
}

#[test]
fn a_wrong_code_refusal_changes_nothing_until_its_counted_event_is_recorded() {
    let case = Case::property_claimed();
    let mut order = case.order.clone();
    let refused = order
        .execute(&actor(&technician()), case.now(), &arrive(wrong_code()))
        .unwrap_err();
    assert_eq!(order, case.order);
    let record = order.record(&actor(&technician()), case.now(), *refused.counted.unwrap());
    assert_eq!(record.seq, case.order.version + 1);
    assert_eq!(order.verification.failed_attempts, 1);
    assert_eq!(order.state, case.order.state);
}
