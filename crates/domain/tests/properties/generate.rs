//! The generator: a cast, a menu of commands, steps, and a run that applies them.

use super::*;

// ---------------------------------------------------------------------------------------
// The cast and the menu of commands
// ---------------------------------------------------------------------------------------

/// Everyone who may act in a run: every role, and the people the rules set apart.
pub(crate) fn cast() -> Vec<PersonRef> {
    everyone()
}

/// The commands a step may issue. `param` varies the details; `now` is the step's time.
pub(crate) const COMMANDS: usize = 47;
/// The commands every template shares come first; the utility's and the hotel's steps after.
pub(crate) const SHARED: usize = 30;

pub(crate) fn command(choice: usize, param: u8, now: baoxiu_domain::Timestamp) -> Command {
    let ahead = hours(1 + i64::from(param % 72));
    let reason = (param & 1 == 0).then(|| format!("备件订单PO-{param:03}，编码P-KFR35-0101"));
    let kinds = CommitmentKind::ALL;
    let kind = kinds[usize::from(param) % kinds.len()];
    // An unreachable customer's order waits for the A05 clock (five working days), which
    // these runs do not keep; `rules_clocks` covers it.
    let reasons: Vec<CancelReason> = CancelReason::ALL
        .iter()
        .filter(|r| **r != CancelReason::CustomerUnreachable)
        .copied()
        .collect();
    let cancel_reason = reasons[usize::from(param) % reasons.len()];
    match choice {
        0 => dispatch(head_station()),
        1 => dispatch(foreign_head_station()),
        2 => dispatch(sub_site()),
        3 => hand_over(sub_site()),
        4 => hand_over(foreign_sub_site()),
        5 => assign(technician()),
        6 => assign(second_technician()),
        7 => assign(team_lead()),
        8 => Command::Claim,
        9 => Command::Accept,
        10 => contact(ContactOutcome::Reached),
        11 => contact(if param.is_multiple_of(2) {
            ContactOutcome::Unreachable
        } else {
            ContactOutcome::WrongNumber
        }),
        12 => Command::Commit {
            at: now + ahead,
            kind,
            reason,
        },
        13 => Command::Commit {
            at: now - minutes(1 + i64::from(param)),
            kind,
            reason,
        },
        14 => request_parts(),
        15 => parts_received(),
        16 => arrive(code()),
        17 => arrive(wrong_code()),
        18 => arrive_without_code(),
        19 => arrive_verified_by_desk("客服回拨业主确认师傅已到场"),
        20 => Command::Start,
        21 => resolve_signed(),
        22 => resolve_unsigned(),
        23 => resolve_by_phone(if param.is_multiple_of(2) {
            PhoneSolution::Software
        } else {
            PhoneSolution::Other
        }),
        24 => callback_reached(1 + param % 5),
        25 => callback_unreached(Some("无人接听")),
        26 => callback_unreached(None),
        27 => Command::Archive,
        28 => request_cancel(cancel_reason),
        29 => {
            if param.is_multiple_of(2) {
                approve_cancel()
            } else {
                reject_cancel()
            }
        }
        // The utility's hotline (E01–E07).
        30 => Command::CheckAccount {
            account: "3301234567".into(),
            status: if param.is_multiple_of(9) {
                AccountStatus::Arrears
            } else {
                AccountStatus::Paid
            },
            note: None,
        },
        31 => Command::Triage {
            finding: match param % 9 {
                0 => Finding::Outage {
                    notice: "计划检修停电".into(),
                },
                1 => Finding::Internal {
                    cause: InternalCause::Breaker,
                    paid_service: false,
                    guidance: "合上空气开关".into(),
                },
                2 => Finding::Internal {
                    cause: InternalCause::Fuse,
                    paid_service: true,
                    guidance: "已说明有偿服务".into(),
                },
                _ => Finding::Grid {
                    fault: GridFault::Line,
                    zone: Zone::ALL[usize::from(param) % Zone::ALL.len()],
                },
            },
        },
        32 => Command::Apologise { note: None },
        33 => Command::Depart,
        34 => Command::Resolve {
            signature: None,
            summary: "恢复供电".into(),
            report: Some(
                CrewReport::parse(
                    "熔断器熔断",
                    now - minutes(i64::from(param % 90)),
                    "赵强",
                    "已恢复供电",
                )
                .unwrap(),
            ),
        },
        // The hotel (D01–D07) and the approvals engine.
        35 => Command::FileSlip {
            signed_by: Staff::parse(
                "signed_by",
                "陈静怡",
                if param.is_multiple_of(3) {
                    Position::Foreman
                } else {
                    Position::Supervisor
                },
            )
            .unwrap(),
        },
        36 => Command::Instruct {
            note: "安排维修".into(),
        },
        37 => Command::RequestApproval {
            kind: ApprovalKind::ALL[usize::from(param) % ApprovalKind::ALL.len()],
            note: "需停水".into(),
            chain: match param % 3 {
                0 => vec![Role::Approver],
                1 => vec![Role::TeamLead, Role::Approver],
                _ => vec![Role::Supervisor, Role::Approver, Role::Admin],
            },
        },
        38 => Command::Approve { note: None },
        39 => Command::Reject {
            note: "不同意".into(),
        },
        40 => Command::ReportUnfixable {
            note: "暂时无法处理".into(),
        },
        41 => Command::Arrive {
            code: None,
            desk_note: None,
            escort: Some("服务员王丽".into()),
        },
        42 => {
            let mut signature = signature();
            signature.position = Some(Position::ALL[usize::from(param) % Position::ALL.len()]);
            Command::Resolve {
                signature: Some(signature),
                summary: "已修复".into(),
                report: None,
            }
        }
        // The factory (C04, C05, C10).
        43 => Command::RateComplexity {
            level: Complexity::ALL[usize::from(param) % Complexity::ALL.len()],
            note: None,
        },
        44 => Command::Outsource { vendor: firm() },
        45 => Command::Attend { note: None },
        _ => Command::Resolve {
            signature: Some(signature()),
            summary: "更换密封件，试机正常".into(),
            report: Some(
                CrewReport::parse(
                    "密封件老化",
                    now - minutes(i64::from(param % 60)),
                    "赵强",
                    "更换密封件",
                )
                .unwrap(),
            ),
        },
    }
}

/// How often a steered step picks each command of the menu when the order accepts it:
/// progress weighs more than side tracks, so runs get deep before they are cancelled.
pub(crate) const WEIGHTS: [usize; COMMANDS] = [
    3, 1, 1, 1, 1, // dispatch ×3, hand over ×2
    2, 1, 1, // assign
    3, 3, // claim, accept
    1, 1, // contact
    5, 1, // commit
    2, 3, // parts
    4, 3, 1, 1, // arrive: right code, wrong code, none, desk
    2, 4, 1, 1, // start, resolve signed, unsigned, by phone
    3, 1, 1, 3, // callback reached, unreached with and without a note, archive
    1, 3, // request, approve or reject cancellation
    4, 4, 2, 3, 4, // check account, triage, apologise, depart, resolve with the crew's report
    2, 4, 2, 3, 1, 1, 4,
    4, // file slip, instruct, ask, approve, reject, unfixable, escorted, signed by position
    4, 1, 3, 4, // rate complexity, outsource, supervisor attends, resolve with the completion record
];

// ---------------------------------------------------------------------------------------
// Steps and how a run goes
// ---------------------------------------------------------------------------------------

/// How a step chooses its command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// A command the order accepts now (or counts, like a wrong code), by [`WEIGHTS`].
    Steered,
    /// `command`, issued by someone whose role and scope allow it, whatever the state:
    /// exercises the state's refusals (commitment limit, signature, code…).
    Permitted,
    /// `command` by `actor`, whatever they are.
    Raw,
}

#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub(crate) mode: Mode,
    /// Which accepted command (when steered) or where to start looking for an actor.
    pub(crate) pick: usize,
    /// Who and what (when not steered, or when nothing is accepted).
    pub(crate) actor: usize,
    pub(crate) command: usize,
    /// One of the later commands, which only the utility and the hotel take.
    pub(crate) own: usize,
    pub(crate) param: u8,
    /// Minutes that pass before the step.
    pub(crate) wait: i64,
}

pub(crate) fn step() -> impl Strategy<Value = Step> {
    let wait = prop_oneof![
        4 => 0..=30i64,
        3 => 30..=240i64,
        1 => 1_440..=4_320i64,
    ];
    let mode = prop_oneof![
        7 => Just(Mode::Steered),
        2 => Just(Mode::Permitted),
        1 => Just(Mode::Raw),
    ];
    (
        mode,
        any::<usize>(),
        0..cast().len(),
        0..SHARED,
        SHARED..COMMANDS,
        any::<u8>(),
        wait,
    )
        .prop_map(|(mode, pick, actor, command, own, param, wait)| Step {
            mode,
            pick,
            actor,
            command,
            own,
            param,
            wait,
        })
}

pub(crate) fn template() -> impl Strategy<Value = Template> {
    prop_oneof![
        Just(Template::Property),
        Just(Template::AfterSales),
        Just(Template::Utility),
        Just(Template::Hotel),
        Just(Template::Equipment)
    ]
}

pub(crate) fn scenario() -> impl Strategy<Value = (Template, Vec<Step>)> {
    (template(), prop::collection::vec(step(), 1..=40))
}

/// What a step did.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    Applied(Vec<EventRecord>),
    /// Refused, but the refusal's event was recorded (a wrong code).
    Counted(Refusal, Box<EventRecord>),
    Refused(Refusal),
}

/// One step as the checks see it.
pub(crate) struct Observation<'a> {
    pub(crate) template: Template,
    pub(crate) before: &'a WorkOrder,
    pub(crate) after: &'a WorkOrder,
    pub(crate) outcome: &'a Outcome,
    pub(crate) records: &'a [EventRecord],
    /// The order was resolved by phone at some step up to now.
    pub(crate) ever_solved_by_phone: bool,
}

/// What a whole run went through, for the reachability test.
#[derive(Debug, Default)]
pub(crate) struct Trail {
    pub(crate) states: Vec<State>,
    pub(crate) refusals: Vec<&'static str>,
    pub(crate) solved_by_phone: bool,
    pub(crate) three_commitments: bool,
    pub(crate) second_arrival: bool,
}

pub(crate) type Check<'c> = &'c mut dyn FnMut(&Observation) -> Result<(), TestCaseError>;

/// Runs `steps` on a fresh order of `template`, calling `check` after every step.
pub(crate) fn simulate(template: Template, steps: &[Step], check: Check) -> Result<Trail, TestCaseError> {
    let people = cast();
    let opener = desk();
    let mut clock = Clock::new();
    let (mut order, created) = WorkOrder::open(
        order_id(7),
        &organisation(),
        new_order(template),
        code(),
        &opener,
        clock.now(),
    )
    .map_err(|r| TestCaseError::fail(format!("cannot open: {r:?}")))?;
    let mut records = created;
    let mut trail = Trail {
        states: vec![order.state],
        ..Trail::default()
    };
    let mut ever_solved_by_phone = false;

    for step in steps {
        let now = clock.advance(minutes(step.wait));
        let (who, command) = choose(&order, &people, step, now);
        let who = actor(&who);
        let before = order.clone();
        let outcome = match order.execute(&who, now, &command) {
            Ok(new) => {
                records.extend(new.iter().cloned());
                Outcome::Applied(new)
            }
            Err(refused) => match refused.counted {
                Some(event) => {
                    let record = order.record(&who, now, *event);
                    records.push(record.clone());
                    Outcome::Counted(refused.refusal, Box::new(record))
                }
                None => Outcome::Refused(refused.refusal),
            },
        };
        ever_solved_by_phone |= order.solved_by_phone();
        check(&Observation {
            template,
            before: &before,
            after: &order,
            outcome: &outcome,
            records: &records,
            ever_solved_by_phone,
        })?;

        trail.states.push(order.state);
        match &outcome {
            Outcome::Refused(r) | Outcome::Counted(r, _) => trail.refusals.push(r.code()),
            Outcome::Applied(_) => {}
        }
        trail.solved_by_phone |= order.solved_by_phone();
        trail.three_commitments |= order.timeline.commitments.len() == MAX_COMMITMENTS;
        trail.second_arrival |= order.timeline.arrivals.len() >= 2;
    }
    Ok(trail)
}

/// Who issues what at this step. A steered step picks among the commands the order
/// accepts now (or counts), each by its weight however many people may issue it, so that
/// rarely-permitted commands are not crowded out.
pub(crate) fn choose(
    order: &WorkOrder,
    people: &[PersonRef],
    step: &Step,
    now: baoxiu_domain::Timestamp,
) -> (PersonRef, Command) {
    let start = step.pick % people.len();
    let rotated = || (0..people.len()).map(move |k| &people[(start + k) % people.len()]);
    // Not steered: a shared command, or now and then one of the template's own steps.
    let own_steps = matches!(
        order.details.template,
        Template::Utility | Template::Hotel | Template::Equipment
    );
    let index = if own_steps && step.param.is_multiple_of(3) {
        step.own
    } else {
        step.command
    };
    match step.mode {
        Mode::Steered => {
            let mut accepted = Vec::new();
            let mut total = 0;
            for (choice, weight) in WEIGHTS.iter().enumerate() {
                if choice >= SHARED && !own_steps {
                    continue;
                }
                let command = command(choice, step.param, now);
                let mut found = None;
                let mut edge = None;
                for person in rotated() {
                    match order.decide(&actor(person), now, &command) {
                        Ok(_) => found = found.or(Some(person)),
                        Err(refused) if refused.counted.is_some() => found = found.or(Some(person)),
                        Err(refused) if is_edge(&refused.refusal) => edge = edge.or(Some(person)),
                        Err(_) => {}
                    }
                    if found.is_some() && edge.is_some() {
                        break;
                    }
                }
                if let Some(person) = found {
                    total += weight;
                    accepted.push((total, person.clone(), command.clone()));
                }
                // The same command refused for a reason a rule names weighs 1.
                if let Some(person) = edge {
                    total += 1;
                    accepted.push((total, person.clone(), command));
                }
            }
            let at = (step.pick / people.len()) % total.max(1);
            if let Some((_, person, command)) = accepted.into_iter().find(|(end, ..)| at < *end) {
                return (person, command);
            }
        }
        Mode::Permitted => {
            let command = command(index, step.param, now);
            let found = rotated().find(|p| match order.decide(&actor(p), now, &command) {
                Ok(_) => true,
                Err(refused) => !matches!(
                    refused.refusal,
                    Refusal::NotPermitted { .. } | Refusal::NotAssignee | Refusal::OtherStation
                ),
            });
            if let Some(person) = found {
                return (person.clone(), command);
            }
        }
        Mode::Raw => {}
    }
    (people[step.actor].clone(), command(index, step.param, now))
}

/// Refusals a rule names, worth steering into now and then.
pub(crate) fn is_edge(refusal: &Refusal) -> bool {
    matches!(
        refusal,
        Refusal::CommitmentLimit
            | Refusal::CommitmentInPast
            | Refusal::Missing { .. }
            | Refusal::SignatureRequired
            | Refusal::SolvedByPhone
            | Refusal::SelfApproval
            | Refusal::CodeRequired
            | Refusal::CodeLocked
            | Refusal::DeskNoteRequired
            | Refusal::AlreadyClaimed
            | Refusal::SubSiteDispatch
            | Refusal::NotASubSite
            | Refusal::AccountFirst
            | Refusal::IntakeIncomplete
            | Refusal::CrewNotDispatched
            | Refusal::AwaitingInstruction
            | Refusal::ApprovalPending
            | Refusal::SignOffPosition
            | Refusal::SlipSigner
    )
}

pub(crate) fn config() -> Config {
    Config {
        cases: 256,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(20_261_102),
        failure_persistence: None,
        ..Config::default()
    }
}
