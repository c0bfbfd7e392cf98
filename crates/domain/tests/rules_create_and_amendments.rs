//! What a create may do (A01, B04, A16, X06) and the rules the second reading of the seeds
//! amended (A01 region, A04 types and carry-in, A14 public areas). A create that names a
//! station or a technician runs `dispatch` and `assign` with their own checks, so it can
//! never do what those commands refuse.

mod support;

use baoxiu_domain::{
    Area, ArrivalCheck, Command, CommandName, CommitmentKind, Event, Location, NewOrder, Refusal, Role,
    ServiceMode, State, Template, Tenant, WorkOrder,
};
use support::*;

fn open(new: NewOrder, by: &baoxiu_domain::PersonRef) -> Result<WorkOrder, Refusal> {
    WorkOrder::open(order_id(9), &organisation(), new, code(), by, now()).map(|(order, _)| order)
}

fn after_sales_with(
    station: Option<baoxiu_domain::StationRef>,
    technician: Option<baoxiu_domain::PersonRef>,
) -> NewOrder {
    NewOrder {
        station,
        technician,
        ..after_sales_order()
    }
}

// ---------------------------------------------------------------------------------------
// A01 at create: a technician comes with the head station that covers them, or not at all
// ---------------------------------------------------------------------------------------

#[test]
fn r_a01_an_after_sales_order_cannot_be_created_assigned_without_its_station() {
    // Found from outside: this answered 201 `assigned` with no station, and the head
    // station's coordinator could not touch the order.
    for tech in [sub_site_technician(), technician()] {
        assert_eq!(
            open(after_sales_with(None, Some(tech.clone())), &desk()),
            Err(Refusal::NotDispatched),
            "{} named without a station",
            tech.name
        );
    }
    // The same as `assign` on an undispatched order.
    let mut case = Case::after_sales();
    assert_eq!(
        case.refused(&desk(), assign(sub_site_technician())),
        Refusal::NotDispatched
    );
}

#[test]
fn r_a01_a_technician_named_at_create_must_be_of_the_head_station_it_is_dispatched_to() {
    assert_eq!(
        open(
            after_sales_with(Some(head_station()), Some(sub_site_technician())),
            &desk()
        ),
        Err(Refusal::OtherStation),
        "a sub-site's technician gets the order only through a hand-over"
    );
    assert_eq!(
        open(
            after_sales_with(Some(head_station()), Some(foreign_technician())),
            &desk()
        ),
        Err(Refusal::OtherStation)
    );
    let (order, records) = WorkOrder::open(
        order_id(9),
        &organisation(),
        after_sales_with(Some(head_station()), Some(technician())),
        code(),
        &desk(),
        now(),
    )
    .unwrap();
    assert_eq!(order.state, State::Assigned);
    assert_eq!(order.station, Some(head_station()));
    assert_eq!(order.assignee, Some(technician()));
    let kinds: Vec<_> = records.iter().map(|r| r.event.kind()).collect();
    assert_eq!(
        kinds,
        ["created", "dispatched", "assigned"],
        "the history says what the create did"
    );
    assert_eq!(WorkOrder::replay(tenant(), &records).unwrap(), order);
    // The head station's coordinator can work the order it was given.
    let mut case = Case {
        order,
        records,
        clock: Clock::new(),
    };
    case.ok(&coordinator(), Command::Accept);
}

#[test]
fn r_a01_the_region_may_dispatch_too() {
    let mut case = Case::after_sales();
    case.ok(&region_officer(), dispatch(head_station()));
    assert_eq!(case.state(), State::Assigned);
    assert_eq!(case.order.station, Some(head_station()));
    assert_eq!(
        case.refused(&region_officer(), dispatch(head_station())),
        Refusal::InvalidState {
            state: State::Assigned,
            command: CommandName::Dispatch
        }
    );
}

// ---------------------------------------------------------------------------------------
// X06 / B04: who may name a technician at create
// ---------------------------------------------------------------------------------------

#[test]
fn r_x06_the_permission_table_says_who_may_name_a_technician_at_create() {
    use Role::*;
    for template in Template::ALL {
        let named: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.may_at_create(template, CommandName::Assign))
            .collect();
        let mut expected = vec![DeskAgent, Coordinator, TeamLead, Supervisor, Admin];
        if template == Template::Property {
            expected.insert(0, Customer);
        }
        assert_eq!(named, expected, "{template:?}");
        let dispatching: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.may_at_create(template, CommandName::Dispatch))
            .collect();
        assert_eq!(dispatching, [DeskAgent, Supervisor, RegionOfficer, Admin]);
    }
}

#[test]
fn r_b04_naming_a_technician_is_the_customers_right_on_property_only() {
    let property = NewOrder {
        technician: Some(technician()),
        ..property_order()
    };
    assert_eq!(
        open(property, &customer()).map(|o| o.assignee),
        Ok(Some(technician()))
    );
    assert!(matches!(
        open(after_sales_with(None, Some(technician())), &customer()),
        Err(Refusal::NotPermitted {
            role: Role::Customer,
            command: CommandName::Assign
        })
    ));
    assert!(matches!(
        open(
            after_sales_with(Some(head_station()), Some(technician())),
            &customer()
        ),
        Err(Refusal::NotPermitted {
            role: Role::Customer,
            command: CommandName::Dispatch
        })
    ));
}

// ---------------------------------------------------------------------------------------
// Templates the organisation offers
// ---------------------------------------------------------------------------------------

#[test]
fn r_x08_a_template_the_organisation_does_not_offer_is_refused_naming_its_own() {
    let property_only = Tenant {
        templates: vec![Template::Property],
        ..organisation()
    };
    let refusal = WorkOrder::open(
        order_id(9),
        &property_only,
        after_sales_order(),
        code(),
        &desk(),
        now(),
    )
    .unwrap_err();
    assert_eq!(
        refusal,
        Refusal::TemplateNotOffered {
            offered: vec![Template::Property]
        }
    );
    assert_eq!(refusal.field(), Some("template"));
    assert!(refusal.to_string().ends_with("it offers: property"), "{refusal}");
    assert!(
        WorkOrder::open(
            order_id(9),
            &property_only,
            property_order(),
            code(),
            &desk(),
            now()
        )
        .is_ok()
    );
}

#[test]
fn r_x08_only_built_templates_exist() {
    assert_eq!(
        Template::ALL,
        [
            Template::AfterSales,
            Template::Property,
            Template::Utility,
            Template::Hotel,
            Template::Equipment
        ]
    );
    // A name that is no template is refused, naming the five.
    assert_eq!(Template::parse("factory"), None);
    assert!(
        Template::parse_list("factory")
            .unwrap_err()
            .contains("after_sales, property, utility, hotel, equipment")
    );
    assert_eq!(
        Template::parse_list("property, after_sales,property"),
        Ok(vec![Template::AfterSales, Template::Property])
    );
}

// ---------------------------------------------------------------------------------------
// A04 (amended): every T3 write has a type and a reason; carry-in T2 and T3
// ---------------------------------------------------------------------------------------

#[test]
fn r_a04_every_t3_write_carries_a_type_and_a_reason() {
    let mut case = Case::after_sales_accepted();
    let t31 = case.now() + days(1);
    assert_eq!(
        case.refused(
            &technician(),
            Command::Commit {
                at: t31,
                kind: CommitmentKind::CustomerRequest,
                reason: None
            }
        ),
        Refusal::Missing { field: "reason" },
        "T31 too"
    );
    case.ok(
        &technician(),
        recommit(t31, CommitmentKind::WithinCommitment, "与客户约定明日上午上门"),
    );
    let written = &case.order.timeline.commitments[0];
    assert_eq!(written.kind, CommitmentKind::WithinCommitment);
    assert_eq!(written.reason.as_deref(), Some("与客户约定明日上午上门"));
}

#[test]
fn r_a04_the_commitment_types_are_the_four_the_seeds_name() {
    use CommitmentKind::*;
    assert_eq!(
        CommitmentKind::ALL,
        [WithinCommitment, Parts, CustomerRequest, Other]
    );
    // A history written before the types were fixed still reads.
    let old: CommitmentKind = serde_json::from_str("\"revisit\"").unwrap();
    assert_eq!(old, Other);
}

/// A16 and A04 together: the station records a carry-in order, the machine is on the bench,
/// and the coordinator tells the customer when to collect it.
#[test]
fn r_a04_on_a_carry_in_order_t2_is_when_the_customer_is_told_to_collect_and_t3_the_pick_up_time() {
    let new = NewOrder {
        station: Some(head_station()),
        service_mode: ServiceMode::CarryIn,
        channel: baoxiu_domain::Channel::WalkIn,
        ..after_sales_order()
    };
    let mut case = Case::open(new, &coordinator());
    case.ok(&coordinator(), Command::Accept);
    case.ok(&coordinator(), assign(technician()));
    // The machine is already at the station: no code is asked for.
    let events = case.ok(&technician(), arrive_without_code());
    assert_eq!(
        events,
        [Event::Arrived {
            check: ArrivalCheck::Unchecked
        }]
    );
    case.ok(&technician(), Command::Start);
    case.clock.advance(hours(3));
    let told = case.now();
    let pick_up = told + days(1);
    case.ok(
        &coordinator(),
        recommit(
            pick_up,
            CommitmentKind::CustomerRequest,
            "已修好，通知客户明日取机",
        ),
    );
    assert_eq!(
        case.order.timeline.first_contact_at,
        Some(told),
        "T2: told to collect"
    );
    assert_eq!(
        case.order.current_commitment().map(|c| c.at),
        Some(pick_up),
        "T3: pick-up"
    );
    assert_eq!(
        case.state(),
        State::InProgress,
        "agreeing the pick-up is not another visit"
    );
    case.clock.advance(days(1));
    case.ok(&technician(), resolve_signed());
    assert_eq!(case.state(), State::Resolved);
}

// ---------------------------------------------------------------------------------------
// A16: a station-created order is a carry-in order of that station
// ---------------------------------------------------------------------------------------

#[test]
fn r_a16_a_station_created_order_is_a_carry_in_order_of_that_station() {
    let on_site = NewOrder {
        station: Some(head_station()),
        ..after_sales_order()
    };
    assert_eq!(
        open(on_site.clone(), &coordinator()),
        Err(Refusal::StationOrderIsCarryIn)
    );
    assert_eq!(Refusal::StationOrderIsCarryIn.field(), Some("service_mode"));
    let carry_in = NewOrder {
        service_mode: ServiceMode::CarryIn,
        technician: Some(technician()),
        ..on_site
    };
    let order = open(carry_in.clone(), &coordinator()).unwrap();
    assert_eq!(order.station, Some(head_station()));
    assert_eq!(
        order.assignee,
        Some(technician()),
        "the coordinator gives it to an engineer"
    );
    assert_eq!(order.state, State::Assigned);
    assert_eq!(
        open(carry_in.clone(), &foreign_coordinator()),
        Err(Refusal::OtherStation)
    );
    let elsewhere = NewOrder {
        station: Some(foreign_head_station()),
        technician: None,
        ..carry_in
    };
    assert_eq!(open(elsewhere, &coordinator()), Err(Refusal::OtherStation));
}

// ---------------------------------------------------------------------------------------
// A14 (amended): public-area jobs are signed off by customer service after re-inspection
// ---------------------------------------------------------------------------------------

fn public_area_job() -> Case {
    let new = NewOrder {
        location: Location::parse("学府花园 3号楼大堂", Some(Area::PublicArea), Some("3号楼"), None).unwrap(),
        description: "大堂吊灯不亮".to_string(),
        ..property_order()
    };
    let mut case = Case::open(new, &desk());
    case.ok(&technician(), Command::Claim);
    case.ok(&technician(), arrive(code()));
    case.ok(&technician(), Command::Start);
    case
}

#[test]
fn r_a14_a_public_area_job_is_signed_off_by_customer_service_after_reinspection() {
    let mut case = public_area_job();
    assert_eq!(
        case.refused(&technician(), resolve_signed()),
        Refusal::ReinspectionSignOff
    );
    assert!(
        !case
            .order
            .commands_for(&actor(&technician()))
            .contains(&CommandName::Resolve)
    );
    assert!(
        case.order
            .commands_for(&actor(&desk()))
            .contains(&CommandName::Resolve)
    );
    assert_eq!(
        case.refused(&desk(), resolve_unsigned()),
        Refusal::SignatureRequired,
        "the specialist signs the sign-off"
    );
    case.ok(&desk(), resolve_signed());
    assert_eq!(case.state(), State::Resolved);
}

#[test]
fn r_a14_customer_service_signs_off_only_public_area_jobs() {
    let mut case = Case::property_claimed();
    case.ok(&technician(), arrive(code()));
    assert!(matches!(
        case.refused(&desk(), resolve_signed()),
        Refusal::NotPermitted {
            role: Role::DeskAgent,
            command: CommandName::Resolve
        }
    ));
    case.ok(&technician(), resolve_signed());
}

// ---------------------------------------------------------------------------------------
// X10 (A02 amended): a coordinator records a step for the station's technician
// ---------------------------------------------------------------------------------------

#[test]
fn r_x10_a_coordinator_records_the_technicians_step_and_the_history_shows_both() {
    let mut case = Case::after_sales_accepted();
    let (recorder, subject) = (actor(&coordinator()), actor(&technician()));
    let at = case.now() + days(1);
    let records = case
        .order
        .execute_for(&recorder, &subject, case.now(), &commit(at))
        .unwrap();
    case.records.extend(records.clone());
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].actor, technician(), "the step is the technician's");
    assert_eq!(
        records[0].recorded_by,
        Some(coordinator()),
        "recorded by the coordinator"
    );
    assert_eq!(case.state(), State::Scheduled);
    assert_eq!(case.replayed(), case.order, "the history replays with both names");
    let recordable = case.order.commands_recordable(&recorder);
    assert!(recordable.contains(&CommandName::Arrive), "{recordable:?}");
    assert!(!recordable.contains(&CommandName::Claim));
}

#[test]
fn r_x10_recording_for_someone_never_does_more_than_they_may() {
    let case = Case::after_sales_accepted();
    let tech = actor(&technician());
    let at = case.now() + days(1);
    let check =
        |recorder: &baoxiu_domain::PersonRef, subject: &baoxiu_domain::Actor, command: CommandName| {
            case.order.check_for(&actor(recorder), subject, command)
        };
    assert_eq!(check(&coordinator(), &tech, CommandName::Commit), Ok(()));
    assert_eq!(
        check(&foreign_coordinator(), &tech, CommandName::Commit),
        Err(Refusal::OtherStation),
        "another station's coordinator"
    );
    assert_eq!(
        check(&desk(), &tech, CommandName::Commit),
        Err(Refusal::NotRecorder),
        "only station staff record for a technician"
    );
    assert_eq!(
        check(&coordinator(), &actor(&second_technician()), CommandName::Commit),
        Err(Refusal::NotRecorder),
        "only for the technician the order is assigned to"
    );
    assert_eq!(
        check(&coordinator(), &tech, CommandName::Resolve),
        Err(Refusal::InvalidState {
            state: State::Accepted,
            command: CommandName::Resolve
        }),
        "the step is checked as the technician's own"
    );
    let mut order = case.order.clone();
    assert!(
        order
            .execute_for(&actor(&desk()), &tech, case.now(), &commit(at))
            .is_err()
    );
    assert_eq!(order, case.order, "a refused recording changes nothing");
    // Property stations do not record for their technicians.
    let property = Case::property_claimed();
    assert_eq!(
        property
            .order
            .check_for(&actor(&team_lead()), &tech, CommandName::Arrive),
        Err(Refusal::NotRecorder)
    );
}

// ---------------------------------------------------------------------------------------
// Self-service: the customer rates their own repair; photos come and go with a trace
// ---------------------------------------------------------------------------------------

fn photo(n: u128) -> baoxiu_domain::Attachment {
    baoxiu_domain::Attachment {
        id: baoxiu_domain::AttachmentId(uuid::Uuid::from_u128(9_000 + n)),
        image: baoxiu_domain::ImageType::Jpeg,
        bytes: 123_456,
        width: 1200,
        height: 900,
        sha256: "ab".repeat(32),
        name: Some("卫生间.jpg".into()),
    }
}

#[test]
fn r_b07_the_customer_confirms_and_rates_their_own_repair_as_the_callback() {
    let new = property_order();
    let mut case = Case::open(new, &customer());
    case.ok(&technician(), Command::Claim);
    case.ok(&technician(), arrive(code()));
    case.ok(&technician(), resolve_signed());
    case.ok(&customer(), callback_reached(5));
    assert_eq!(case.state(), State::CalledBack);
    assert_eq!(case.order.callbacks[0].by, customer().id);

    // Someone else's order is not theirs to rate.
    let mut other = Case::property_resolved();
    assert_eq!(
        other.refused(&customer(), callback_reached(1)),
        Refusal::NotReporter
    );
}

#[test]
fn r_x05_a_removed_photo_leaves_a_trace_in_the_history() {
    let mut case = Case::property_claimed();
    case.ok(&technician(), Command::Attach { attachment: photo(1) });
    assert_eq!(case.order.photos().count(), 1);
    assert_eq!(
        case.refused(
            &technician(),
            Command::RemoveAttachment {
                id: photo(2).id,
                reason: "拍错了".into()
            }
        ),
        Refusal::NoSuchAttachment
    );
    case.clock.advance(minutes(2));
    case.ok(
        &technician(),
        Command::RemoveAttachment {
            id: photo(1).id,
            reason: "拍错了，重拍".into(),
        },
    );
    assert_eq!(case.order.photos().count(), 0, "no longer shown");
    let removed = case.order.attachments[0].removed.as_ref().unwrap();
    assert_eq!(
        (removed.by, removed.reason.as_str()),
        (technician().id, "拍错了，重拍")
    );
    assert_eq!(
        case.event_kinds()[2..],
        ["attachment_added", "attachment_removed"]
    );
    assert_eq!(case.replayed(), case.order);
    // A customer adds photos to their own orders only.
    assert_eq!(
        case.refused(&customer(), Command::Attach { attachment: photo(3) }),
        Refusal::NotReporter
    );
}
