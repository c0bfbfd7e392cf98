//! The approvals engine over random chains and random deciders: an effect never happens
//! without its final approval, a rejection changes nothing but the approval itself, nobody
//! decides their own request, and the decisions follow the chain in order. The seed is fixed,
//! so every run is the same.

mod support;

use baoxiu_domain::{
    ApprovalKind, Command, Event, PersonRef, Position, Role, Signature, Template, WorkOrder,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, RngSeed, TestRng, TestRunner};
use support::*;

/// Staff who may sit in a chain, and the people who hold those roles.
fn deciders() -> Vec<PersonRef> {
    vec![
        coordinator(),
        team_lead(),
        supervisor(),
        region_officer(),
        second_region_officer(),
        approver(),
        admin(),
        technician(),
        desk(),
    ]
}

const CHAIN_ROLES: [Role; 6] = [
    Role::Coordinator,
    Role::TeamLead,
    Role::Supervisor,
    Role::RegionOfficer,
    Role::Approver,
    Role::Admin,
];

/// A hotel job on site (the work waits for approvals), its requester the team lead.
fn on_site() -> Case {
    let mut new = hotel_order();
    new.station = Some(head_station());
    let mut case = Case::open(new, &desk());
    case.ok(
        &supervisor(),
        Command::Instruct {
            note: "安排维修".into(),
        },
    );
    case.ok(&team_lead(), assign(technician()));
    case.ok(&technician(), Command::Accept);
    case.ok(
        &technician(),
        Command::Arrive {
            code: None,
            desk_note: None,
            escort: Some("服务员 王丽".into()),
        },
    );
    case
}

/// Whether `order` shows `kind` approved, as the engine's rule says it may be: some
/// approval of that kind whose every step was approved, in order, by the step's role, by
/// someone other than its requester.
fn earned(order: &WorkOrder, kind: ApprovalKind) -> bool {
    order.approvals.iter().any(|a| {
        a.kind == kind
            && a.decisions.len() == a.chain.len()
            && a.decisions
                .iter()
                .zip(&a.chain)
                .all(|(d, role)| d.approve && d.role == *role && d.by != a.requested_by)
    })
}

#[test]
fn approvals_take_effect_only_with_the_last_approval_and_rejections_change_nothing_else() {
    let config = Config {
        cases: 256,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(20_261_127),
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]));
    let chain = proptest::collection::vec(0..CHAIN_ROLES.len(), 1..=4);
    let steps = proptest::collection::vec((0..9usize, any::<bool>(), 0..3u8), 1..24);
    // How often the runs reached what the invariants are about.
    let (approved, rejected_count, refused) = (
        std::cell::Cell::new(0),
        std::cell::Cell::new(0),
        std::cell::Cell::new(0),
    );
    runner
        .run(&(chain, steps), |(chain, steps)| {
            let chain: Vec<Role> = chain.into_iter().map(|i| CHAIN_ROLES[i]).collect();
            let kind = ApprovalKind::ShutOffPower;
            let mut case = on_site();
            let people = deciders();
            for (who, approve, what) in steps {
                let by = &people[who];
                let command = match what {
                    0 => Command::RequestApproval {
                        kind,
                        note: "更换配电箱需停电".into(),
                        chain: chain.clone(),
                    },
                    _ if approve => Command::Approve { note: None },
                    _ => Command::Reject {
                        note: "不同意".into(),
                    },
                };
                let before = case.order.clone();
                // The harness checks that a refused command changes nothing.
                let outcome = case.run(by, command);
                if outcome.is_err() {
                    refused.set(refused.get() + 1);
                }
                let after = &case.order;
                prop_assert_eq!(after.approved(kind), earned(after, kind));
                if let Ok(records) = outcome {
                    let rejected = records
                        .iter()
                        .any(|r| matches!(r.event, Event::ApprovalDecided { approve: false, .. }));
                    if rejected {
                        rejected_count.set(rejected_count.get() + 1);
                        let mut only_approvals = before.clone();
                        only_approvals.approvals = after.approvals.clone();
                        only_approvals.version = after.version;
                        only_approvals.updated_at = after.updated_at;
                        prop_assert_eq!(&only_approvals, after, "a rejection changed more");
                        prop_assert_eq!(before.approved(kind), after.approved(kind));
                    }
                    if !before.approved(kind) && after.approved(kind) {
                        approved.set(approved.get() + 1);
                        // The effect came with the last step of a chain.
                        let last = after.approvals.iter().rev().find(|a| a.approved()).unwrap();
                        prop_assert_eq!(last.decisions.len(), last.chain.len());
                    }
                }
                prop_assert_eq!(case.replayed(), case.order.clone());
            }
            Ok(())
        })
        .unwrap();
    assert!(approved.get() >= 10, "approvals completed: {}", approved.get());
    assert!(rejected_count.get() >= 10, "rejections: {}", rejected_count.get());
    assert!(refused.get() >= 100, "refusals: {}", refused.get());
}

#[test]
fn an_organisation_sets_its_own_chain_and_may_not_invent_kinds() {
    let spec = Template::Hotel.spec();
    let own = spec
        .with_override(
            "acme/hotel.toml",
            "[approvals]\nshut_off_power = [\"team_lead\", \"supervisor\", \"admin\"]\n",
        )
        .unwrap();
    assert_eq!(
        own.chain(ApprovalKind::ShutOffPower),
        Some(&[Role::TeamLead, Role::Supervisor, Role::Admin][..])
    );
    // The others stay the template's.
    assert_eq!(
        own.chain(ApprovalKind::ShutOffGas),
        spec.chain(ApprovalKind::ShutOffGas)
    );
    let unknown = Template::Property
        .spec()
        .with_override(
            "acme/property.toml",
            "[approvals]\nnoisy_work = [\"supervisor\"]\n",
        )
        .unwrap_err();
    assert_eq!(unknown.field, "approvals.noisy_work");
    let customers = spec
        .with_override("acme/hotel.toml", "[approvals]\nnoisy_work = [\"customer\"]\n")
        .unwrap_err();
    assert_eq!(customers.field, "approvals.noisy_work");
    // Signatures keep their position when they travel (D06).
    let mut signature = Signature::parse("刘芳", "data:image/png;base64,AAAA").unwrap();
    signature.position = Some(Position::Foreman);
    let json = serde_json::to_string(&signature).unwrap();
    assert_eq!(serde_json::from_str::<Signature>(&json).unwrap(), signature);
}

#[test]
fn a_chain_naming_a_role_twice_needs_two_people_and_only_approving_roles_sit_in_chains() {
    let mut case = on_site();
    case.ok(
        &technician(),
        Command::RequestApproval {
            kind: ApprovalKind::NoisyWork,
            note: "电锤打孔".into(),
            chain: vec![Role::RegionOfficer, Role::RegionOfficer],
        },
    );
    case.ok(&region_officer(), Command::Approve { note: None });
    assert!(matches!(
        case.refused(&region_officer(), Command::Approve { note: None }),
        baoxiu_domain::Refusal::AlreadyRecorded { .. }
    ));
    case.ok(&second_region_officer(), Command::Approve { note: None });
    assert!(case.order.approved(ApprovalKind::NoisyWork));
    for role in ["desk_agent", "vendor", "customer", "technician"] {
        let text = format!("[approvals]\nnoisy_work = [\"{role}\"]\n");
        assert!(
            Template::Hotel
                .spec()
                .with_override("acme/hotel.toml", &text)
                .is_err(),
            "{role} may not approve"
        );
    }
}
