//! Properties of the state machine over random command sequences, for a property order and
//! an after_sales order. Each case is a list of steps (who, what, how much time passes);
//! most steps are steered towards a command the order accepts in its current state, so the
//! runs reach deep states (resolved, called back, archived, cancelled, multiple visits),
//! and the rest are anything at all, so refusals are exercised too.
//!
//! Commands run as the HTTP service runs them: a refusal with a `counted` event (a wrong
//! verification code) still records that event. After every step the invariants below are
//! checked. The RNG seed is fixed and failures are not persisted, so every run is the same.

mod generate;
#[path = "../support/mod.rs"]
mod support;

use baoxiu_domain::{
    AccountStatus, ApprovalKind, CancelReason, Command, CommitmentKind, Complexity, ContactOutcome,
    CrewReport, Event, EventRecord, Finding, GridFault, InternalCause, MAX_COMMITMENTS, PersonRef,
    PhoneSolution, Position, Refusal, Resolution, Role, Staff, State, Template, WorkOrder, Zone,
};
use generate::*;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, RngSeed, TestCaseError, TestRng, TestRunner};
use std::collections::BTreeMap;
use support::*;

// ---------------------------------------------------------------------------------------
// The invariants
// ---------------------------------------------------------------------------------------

/// (a) A04: T3 is written at most three times.
fn at_most_three_commitments(o: &Observation) -> Result<(), TestCaseError> {
    let commitments = &o.after.timeline.commitments;
    prop_assert!(commitments.len() <= MAX_COMMITMENTS);
    let slots: Vec<u8> = commitments.iter().map(|c| c.slot).collect();
    let expected: Vec<u8> = (1..=commitments.len() as u8).collect();
    prop_assert_eq!(slots, expected);
    if o.before.timeline.commitments.len() == MAX_COMMITMENTS
        && let Outcome::Applied(records) = o.outcome
    {
        prop_assert!(
            !records.iter().any(|r| matches!(r.event, Event::Committed { .. })),
            "a fourth commitment was written"
        );
    }
    // A04 on after_sales: T2 is the moment T31 was written.
    if o.template == Template::AfterSales
        && let Some(t31) = commitments.first()
    {
        prop_assert_eq!(o.after.timeline.first_contact_at, Some(t31.recorded_at));
    }
    Ok(())
}

/// (b) A14/A07: a resolved order carries the customer's signature or a phone solution.
fn resolved_with_signature_or_by_phone(o: &Observation) -> Result<(), TestCaseError> {
    let order = o.after;
    // E01–E03: a call that ended at intake is archived without a repair.
    let ended_at_intake = order.timeline.closed_at.is_some();
    if matches!(order.state, State::Resolved | State::CalledBack | State::Archived) && !ended_at_intake {
        match &order.resolution {
            Some(Resolution::OnSite { signature, .. }) => {
                prop_assert!(!signature.signer.trim().is_empty());
                prop_assert!(!signature.image.trim().is_empty());
                prop_assert!(!order.timeline.arrivals.is_empty(), "resolved on site unvisited");
            }
            Some(Resolution::Phone { .. }) => {}
            // E07: the crew's report stands for the signature where the template says so.
            Some(Resolution::Crew { .. }) => {
                prop_assert!(order.details.template.rules().resolve_with_crew_report);
                prop_assert!(
                    !order.timeline.arrivals.is_empty(),
                    "resolved by a crew unvisited"
                );
            }
            None => prop_assert!(false, "{:?} without a resolution", order.state),
        }
        prop_assert!(order.timeline.resolved_at.is_some());
    } else {
        prop_assert_eq!(&order.resolution, &None);
    }
    let rules = order.details.template.rules();
    let called_back = rules.callback && !rules.unreached_callback_ends && !ended_at_intake;
    if (order.state == State::CalledBack || order.state == State::Archived) && called_back {
        prop_assert!(order.callbacks.iter().any(|c| c.reached));
    }
    Ok(())
}

/// (c) A17: an order is cancelled only by approving a cancellation request, and while a
/// request is pending nothing happens but contact attempts and the region's decision.
fn cancelled_only_by_an_approved_request(o: &Observation) -> Result<(), TestCaseError> {
    if o.before.cancellation_pending() {
        let new: &[EventRecord] = match o.outcome {
            Outcome::Applied(records) => records,
            Outcome::Counted(_, record) => std::slice::from_ref(record.as_ref()),
            Outcome::Refused(_) => &[],
        };
        for record in new {
            prop_assert!(
                matches!(
                    record.event,
                    Event::ContactAttempted { .. }
                        | Event::CancellationApproved { .. }
                        | Event::CancellationRejected { .. }
                ),
                "{} while a cancellation was pending",
                record.event.kind()
            );
        }
    }
    if o.after.state != State::Cancelled {
        return Ok(());
    }
    let kinds: Vec<&str> = o.records.iter().map(|r| r.event.kind()).collect();
    prop_assert_eq!(kinds.last().copied(), Some("cancellation_approved"));
    let last = o.records.last().unwrap();
    let request = o.records[..o.records.len() - 1].iter().rev().find(|r| {
        matches!(
            r.event,
            Event::CancellationRequested { .. } | Event::CancellationRejected { .. }
        )
    });
    match request {
        Some(r) => {
            prop_assert!(
                matches!(r.event, Event::CancellationRequested { .. }),
                "the latest request was rejected before the approval"
            );
            prop_assert_ne!(r.actor.id, last.actor.id, "self-approved");
        }
        None => prop_assert!(false, "cancelled without a request: {:?}", kinds),
    }
    prop_assert!(o.after.timeline.cancelled_at.is_some());
    Ok(())
}

/// (d) A07: an order solved by phone is never cancelled.
fn solved_by_phone_never_cancelled(o: &Observation) -> Result<(), TestCaseError> {
    if o.ever_solved_by_phone {
        prop_assert_ne!(o.after.state, State::Cancelled);
        prop_assert!(!o.after.cancellation_pending());
        if let Outcome::Applied(records) = o.outcome {
            prop_assert!(
                !records.iter().any(|r| matches!(
                    r.event,
                    Event::CancellationRequested { .. } | Event::CancellationApproved { .. }
                )),
                "a cancellation of an order solved by phone"
            );
        }
    }
    Ok(())
}

/// (e) A refused command without a counted event changes nothing.
fn refusals_change_nothing(o: &Observation) -> Result<(), TestCaseError> {
    match o.outcome {
        Outcome::Refused(_) => prop_assert_eq!(o.after, o.before),
        Outcome::Counted(refusal, record) => {
            // Only a wrong code counts, and it changes nothing but the count.
            prop_assert!(matches!(refusal, Refusal::WrongCode { .. }), "{:?}", refusal);
            prop_assert!(
                matches!(record.event, Event::CodeRejected { .. }),
                "counted {:?}",
                record.event
            );
            let mut expected = o.before.clone();
            expected.verification.failed_attempts += 1;
            expected.version += 1;
            expected.updated_at = Some(record.at);
            prop_assert_eq!(o.after, &expected);
        }
        Outcome::Applied(records) => {
            prop_assert!(!records.is_empty());
            prop_assert_eq!(o.after.version, o.before.version + records.len() as u64);
        }
    }
    Ok(())
}

/// (f) X05: the history replays to the live order.
fn replay_equals_live(o: &Observation) -> Result<(), TestCaseError> {
    prop_assert_eq!(o.after.version, o.records.len() as u64);
    for (i, record) in o.records.iter().enumerate() {
        prop_assert_eq!(record.seq, i as u64 + 1);
    }
    let replayed = WorkOrder::replay(tenant(), o.records).map_err(|e| TestCaseError::fail(format!("{e}")))?;
    prop_assert_eq!(&replayed, o.after);
    Ok(())
}

/// (g) Every event record survives a JSON round trip.
fn json_round_trip(o: &Observation) -> Result<(), TestCaseError> {
    let new: &[EventRecord] = match o.outcome {
        Outcome::Applied(records) => records,
        Outcome::Counted(_, record) => std::slice::from_ref(record.as_ref()),
        Outcome::Refused(_) => &[],
    };
    // The creation is checked at the first step, the rest as they are recorded.
    let first = (o.before.version == 1).then(|| &o.records[0]);
    for record in first.into_iter().chain(new) {
        let json = serde_json::to_string(record).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: EventRecord =
            serde_json::from_str(&json).map_err(|e| TestCaseError::fail(format!("{e}: {json}")))?;
        prop_assert_eq!(&back, record);
        prop_assert_eq!(serde_json::to_string(&back).unwrap(), json);
    }
    Ok(())
}

/// (h) E01–E04: a call that ended at intake is never dispatched, and a utility order is at
/// a crew only once its intake found work for one.
fn ended_calls_are_never_dispatched(o: &Observation) -> Result<(), TestCaseError> {
    let order = o.after;
    if order.timeline.closed_at.is_some() {
        prop_assert_eq!(&order.station, &None);
        prop_assert!(
            matches!(order.state, State::Closed | State::Archived),
            "{:?}",
            order.state
        );
    }
    if o.template == Template::Utility && order.station.is_some() {
        prop_assert!(
            order.intake.ready_to_dispatch(),
            "dispatched with {:?}",
            order.intake
        );
    }
    Ok(())
}

/// (j) C04: a factory repair starts or ends only rated, and above low only with its plan
/// approved; never while an approval waits.
fn complex_repairs_wait_for_their_plan(o: &Observation) -> Result<(), TestCaseError> {
    if o.template != Template::Equipment {
        return Ok(());
    }
    if let Outcome::Applied(records) = o.outcome {
        let works = records
            .iter()
            .any(|r| matches!(r.event, Event::WorkStarted | Event::Resolved { .. }));
        if works {
            let order = o.before;
            let planned = match order.complexity {
                None => false,
                Some(Complexity::Low) => true,
                Some(_) => order.approved(ApprovalKind::MaintenancePlan),
            };
            prop_assert!(planned, "work on a {:?} fault without its plan", order.complexity);
            prop_assert!(order.pending_approval().is_none(), "work while an approval waits");
        }
    }
    if o.after.vendor.is_some() {
        prop_assert!(
            o.after.approved(ApprovalKind::Outsourcing),
            "outsourced without approval"
        );
    }
    Ok(())
}

/// (i) Approvals: an effect only with every step of its chain approved, in order, by the
/// step's role, never by the requester; a rejection changes nothing but the approval.
fn approvals_take_effect_only_when_earned(o: &Observation) -> Result<(), TestCaseError> {
    let order = o.after;
    for kind in ApprovalKind::ALL {
        let earned = order.approvals.iter().any(|a| {
            a.kind == *kind
                && a.decisions.len() == a.chain.len()
                && a.decisions
                    .iter()
                    .zip(&a.chain)
                    .all(|(d, role)| d.approve && d.role == *role && d.by != a.requested_by)
        });
        prop_assert_eq!(order.approved(*kind), earned);
    }
    if let Outcome::Applied(records) = o.outcome
        && records
            .iter()
            .any(|r| matches!(r.event, Event::ApprovalDecided { approve: false, .. }))
    {
        let mut expected = o.before.clone();
        expected.approvals = order.approvals.clone();
        expected.version = order.version;
        expected.updated_at = order.updated_at;
        prop_assert_eq!(&expected, order, "a rejection changed more than the approval");
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn r_a04_property_t3_never_written_more_than_three_times((template, steps) in scenario()) {
        simulate(template, &steps, &mut at_most_three_commitments)?;
    }

    #[test]
    fn r_a14_property_a_resolved_order_has_a_signature_or_was_solved_by_phone(
        (template, steps) in scenario()
    ) {
        simulate(template, &steps, &mut resolved_with_signature_or_by_phone)?;
    }

    #[test]
    fn r_a17_property_an_order_is_cancelled_only_by_an_approved_request(
        (template, steps) in scenario()
    ) {
        simulate(template, &steps, &mut cancelled_only_by_an_approved_request)?;
    }

    #[test]
    fn r_a07_property_an_order_solved_by_phone_is_never_cancelled(
        (template, steps) in scenario()
    ) {
        simulate(template, &steps, &mut solved_by_phone_never_cancelled)?;
    }

    #[test]
    fn refused_commands_without_a_counted_event_change_nothing((template, steps) in scenario()) {
        simulate(template, &steps, &mut refusals_change_nothing)?;
    }

    #[test]
    fn replaying_events_rebuilds_the_same_order((template, steps) in scenario()) {
        simulate(template, &steps, &mut replay_equals_live)?;
    }

    #[test]
    fn every_event_record_survives_a_json_round_trip((template, steps) in scenario()) {
        simulate(template, &steps, &mut json_round_trip)?;
    }

    #[test]
    fn r_e01_property_a_call_ended_at_intake_is_never_dispatched((template, steps) in scenario()) {
        simulate(template, &steps, &mut ended_calls_are_never_dispatched)?;
    }

    #[test]
    fn r_c04_property_a_factory_repair_waits_for_its_rating_plan_and_approvals(
        (template, steps) in scenario()
    ) {
        simulate(template, &steps, &mut complex_repairs_wait_for_their_plan)?;
    }

    #[test]
    fn r_d03_property_an_approval_takes_effect_only_with_its_last_approval(
        (template, steps) in scenario()
    ) {
        simulate(template, &steps, &mut approvals_take_effect_only_when_earned)?;
    }
}

// ---------------------------------------------------------------------------------------
// The generator reaches deep states
// ---------------------------------------------------------------------------------------

/// How many of `runs` fixed-seed runs of `template` went through each state, and more.
fn reach(template: Template, runs: usize) -> (BTreeMap<&'static str, usize>, usize) {
    let mut runner = TestRunner::new_with_rng(config(), TestRng::from_seed(RngAlgorithm::ChaCha, &[42; 32]));
    let steps = prop::collection::vec(step(), 1..=40);
    let mut seen: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut longest = 0;
    for _ in 0..runs {
        let steps = steps.new_tree(&mut runner).unwrap().current();
        let trail = simulate(template, &steps, &mut |_| Ok(())).unwrap();
        longest = longest.max(trail.states.len());
        let mut here: Vec<&'static str> = trail.states.iter().map(|s| s.as_str()).collect();
        here.extend(trail.refusals.iter().copied());
        if trail.solved_by_phone {
            here.push("resolved_by_phone");
        }
        if trail.three_commitments {
            here.push("three_commitments");
        }
        if trail.second_arrival {
            here.push("second_arrival");
        }
        here.sort_unstable();
        here.dedup();
        for key in here {
            *seen.entry(key).or_default() += 1;
        }
    }
    (seen, longest)
}

#[test]
fn the_generator_reaches_deep_states_for_both_templates() {
    for template in [Template::Property, Template::AfterSales] {
        let (seen, longest) = reach(template, 200);
        let at_least = |key: &str, n: usize| {
            let got = seen.get(key).copied().unwrap_or(0);
            assert!(
                got >= n,
                "{template:?}: {key} reached in {got} of 200 runs, wanted {n}: {seen:#?}"
            );
        };
        for state in [
            "assigned",
            "accepted",
            "scheduled",
            "on_site",
            "waiting_for_parts",
            "multiple_visits",
            "resolved",
            "called_back",
            "archived",
            "cancelled",
        ] {
            at_least(state, 10);
        }
        at_least("in_progress", 5);
        at_least("resolved_by_phone", 10);
        at_least("second_arrival", 5);
        at_least("three_commitments", 5);
        // Refusals the invariants are about.
        for refusal in [
            "commitment_limit",
            "signature_required",
            "solved_by_phone",
            "cancellation_pending",
            "wrong_code",
            "code_required",
            "desk_note_required",
            "already_claimed",
        ] {
            at_least(refusal, 3);
        }
        at_least("self_approval", 1);
        assert!(longest > 30, "{template:?}: longest run {longest}");
    }
}

/// Runs a hand-written path of (command, actor, param) with every check after each step.
fn path(template: Template, steps: &[(usize, usize, u8)]) -> Trail {
    let steps: Vec<Step> = steps
        .iter()
        .map(|&(command, actor, param)| Step {
            mode: Mode::Raw,
            pick: 0,
            actor,
            command,
            own: SHARED,
            param,
            wait: 30,
        })
        .collect();
    simulate(template, &steps, &mut |o| {
        at_most_three_commitments(o)?;
        resolved_with_signature_or_by_phone(o)?;
        cancelled_only_by_an_approved_request(o)?;
        solved_by_phone_never_cancelled(o)?;
        refusals_change_nothing(o)?;
        replay_equals_live(o)?;
        json_round_trip(o)
    })
    .unwrap()
}

#[test]
fn a_hand_written_path_visits_every_deep_state() {
    // The menu can express the whole life of an order; the generator only has to find it.
    let trail = path(
        Template::Property,
        &[
            (8usize, 5usize, 0u8), // the technician claims
            (14, 5, 0),            // no parts: requested (A09)
            (12, 5, 6),            // T31 from the delivery, with its type and reason (A04)
            (15, 5, 0),            // parts received
            (16, 5, 0),            // arrives with the code
            (20, 5, 0),            // starts
            (12, 5, 0),            // T32 with a reason: multiple visits (A13)
            (16, 5, 0),            // second arrival
            (12, 5, 2),            // T33
            (12, 5, 4),            // T34: refused (A04)
            (16, 5, 0),            // third arrival
            (21, 5, 0),            // resolved with the signature (A14)
            (25, 1, 0),            // unreached callback
            (24, 1, 4),            // reached callback
            (27, 1, 0),            // archived
        ],
    );
    assert_eq!(
        trail.states,
        [
            State::Pool,
            State::Accepted,
            State::WaitingForParts,
            State::WaitingForParts,
            State::Scheduled,
            State::OnSite,
            State::InProgress,
            State::MultipleVisits,
            State::OnSite,
            State::MultipleVisits,
            State::MultipleVisits,
            State::OnSite,
            State::Resolved,
            State::Resolved,
            State::CalledBack,
            State::Archived,
        ]
    );
    assert!(trail.three_commitments && trail.second_arrival);
    assert_eq!(trail.refusals, ["commitment_limit"]);
}

#[test]
fn a_hand_written_path_locks_the_code_and_cancels_through_the_region() {
    let trail = path(
        Template::AfterSales,
        &[
            (0, 1, 0),  // the desk dispatches to the head station
            (9, 2, 0),  // the coordinator accepts
            (5, 2, 0),  // … and assigns the technician
            (17, 5, 0), // five wrong codes, counted
            (17, 5, 0),
            (17, 5, 0),
            (17, 5, 0),
            (17, 5, 0),
            (16, 5, 0),  // the right code: locked
            (19, 1, 0),  // the desk verifies the arrival
            (22, 5, 0),  // unsigned: refused
            (28, 12, 2), // the region officer asks for cancellation (not "unreachable": A05 waits five days)
            (12, 5, 0),  // anything else waits
            (29, 12, 0), // the requester may not approve
            (29, 13, 0), // the other region officer approves
            (10, 2, 0),  // nothing after that
        ],
    );
    assert_eq!(
        trail.refusals,
        [
            "wrong_code",
            "wrong_code",
            "wrong_code",
            "wrong_code",
            "wrong_code",
            "code_locked",
            "signature_required",
            "cancellation_pending",
            "self_approval",
            "invalid_transition",
        ]
    );
    assert_eq!(trail.states.last(), Some(&State::Cancelled));
    assert!(trail.states.contains(&State::OnSite));
}

#[test]
fn a_hand_written_path_solves_by_phone_and_refuses_cancellation() {
    let trail = path(
        Template::Property,
        &[
            (8, 6, 0),   // the second technician claims
            (23, 6, 0),  // solved by phone
            (28, 1, 0),  // the desk asks for cancellation: refused
            (28, 12, 0), // so does the region: refused
            (24, 11, 4), // the supervisor calls back
            (27, 15, 0), // the admin archives
        ],
    );
    assert!(trail.solved_by_phone);
    assert_eq!(trail.refusals, ["solved_by_phone", "solved_by_phone"]);
    assert_eq!(trail.states.last(), Some(&State::Archived));
}

#[test]
fn the_generator_reaches_deep_states_for_the_utility_the_hotel_and_the_factory() {
    // At least `n` of 200 runs: the factory's runs stall more often on approvals waiting for
    // the generator's random chains, so they reach its deep states less often.
    let expect = |template: Template, n: usize, states: &[&str], refusals: &[&str]| {
        let (seen, _) = reach(template, 200);
        for key in states.iter().chain(refusals) {
            let got = seen.get(key).copied().unwrap_or(0);
            assert!(
                got >= n,
                "{template:?}: {key} reached in {got} of 200 runs: {seen:#?}"
            );
        }
    };
    expect(
        Template::Utility,
        3,
        &[
            "closed",
            "assigned",
            "accepted",
            "on_site",
            "resolved",
            "called_back",
            "archived",
        ],
        &["intake_incomplete", "account_first", "crew_not_dispatched"],
    );
    expect(
        Template::Hotel,
        3,
        &[
            "assigned",
            "accepted",
            "on_site",
            "in_progress",
            "resolved",
            "archived",
        ],
        &["awaiting_instruction", "approval_pending", "sign_off_position"],
    );
    expect(
        Template::Equipment,
        1,
        &[
            "assigned",
            "accepted",
            "on_site",
            "in_progress",
            "resolved",
            "archived",
        ],
        &["complexity_first", "approval_pending"],
    );
}
