//! The hotel's stories (酒店工程部): written slips and phone reports from the departments,
//! alarms, the supervisor's instruction and the duty foreman's dispatch (D07), escorts into
//! guest areas and shut-offs approved or refused by the department head (D03), parts from
//! the store, jobs that cannot be fixed now (D05), sign-off by the department's foreman
//! (D06) and the slips filed.

use super::names;
use super::org::Cast;
use super::plan::{Script, target};
use super::simulate::{Opening, Outcome, SIGNATURE_PNG, Sim};
use super::words_hotel as hw;
use baoxiu_domain::{
    Channel, Command, Customer, Kind, Location, NewOrder, PartLine, Person, Position, Priority, ServiceMode,
    Signature, Slip, Staff, State, Template, Timestamp,
};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

/// The states hotel orders are left in: mostly archived, a few open from today.
pub const MIX: &[(State, u32)] = &[
    (State::Assigned, 15),
    (State::Accepted, 20),
    (State::OnSite, 15),
    (State::InProgress, 20),
    (State::WaitingForParts, 10),
    (State::MultipleVisits, 8),
    (State::Resolved, 30),
    (State::Archived, 800),
    (State::Cancelled, 15),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Report {
    /// A slip signed by the department's supervisor (D01).
    Written,
    /// A foreman phones; the signed slip follows (D02).
    Phoned,
    /// A fire or building-system alarm (D02: no named caller).
    Alarm,
}

struct Draft<'c> {
    report: Report,
    department: &'static hw::Department,
    place: (
        &'static str,
        &'static str,
        bool,
        Option<baoxiu_domain::SpecialCase>,
    ),
    fault: &'static hw::Fault,
    creator: &'c Person,
    reporter: String,
    signer: String,
    cancel: bool,
    unfixable: bool,
}

/// One hotel order, left in a state drawn from [`MIX`].
pub fn order(cast: &Cast, rng: &mut StdRng, now: Timestamp, index: usize) -> Result<Outcome, String> {
    let target = target(index, MIX, rng);
    let draft = Draft::new(cast, rng, target);
    let script = Script {
        tenant: &cast.tenant,
        target,
        opening: &|_t1| draft.opening(cast),
        play: &|sim| draft.play(sim, cast),
    };
    script.produce(rng, now)
}

impl<'c> Draft<'c> {
    fn new(cast: &'c Cast, rng: &mut StdRng, target: State) -> Draft<'c> {
        let report = match rng.random_range(0..10) {
            0..=5 => Report::Written,
            6..=8 => Report::Phoned,
            _ => Report::Alarm,
        };
        let department = hw::DEPARTMENTS.choose(rng).expect("departments");
        let place = *department
            .places
            .choose(rng)
            .expect("every department has places");
        let faults: Vec<&hw::Fault> = hw::FAULTS
            .iter()
            .filter(|f| match target {
                State::WaitingForParts => f.part.is_some(),
                _ => true,
            })
            .collect();
        Draft {
            report,
            department,
            place,
            fault: faults.choose(rng).expect("faults of every sort"),
            creator: cast.desk.choose(rng).expect("the duty room is staffed"),
            reporter: names::person(rng),
            signer: names::person(rng),
            cancel: target == State::Cancelled,
            unfixable: target == State::MultipleVisits || rng.random_bool(0.04),
        }
    }

    fn opening(&self, cast: &Cast) -> Opening {
        let (building, room, guest_area, special) = self.place;
        let (channel, reporter, signed_by) = match self.report {
            Report::Written => (
                Channel::OtherDepartment,
                Some(Staff {
                    name: self.reporter.clone(),
                    position: Position::Foreman,
                }),
                Some(Staff {
                    name: self.signer.clone(),
                    position: Position::Supervisor,
                }),
            ),
            Report::Phoned => (
                Channel::Phone,
                Some(Staff {
                    name: self.reporter.clone(),
                    position: Position::Foreman,
                }),
                None,
            ),
            Report::Alarm => (Channel::Alarm, None, None),
        };
        let new = NewOrder {
            kind: Kind::Repair,
            channel,
            template: Template::Hotel,
            category: Some(self.fault.category.to_string()),
            priority: Priority::Normal,
            service_mode: ServiceMode::OnSite,
            customer: Customer::parse(
                &format!("{} {}", self.department.name, self.reporter),
                "0571-87001000",
            )
            .expect("valid caller"),
            location: Location::parse("锦江大酒店", None, Some(building), Some(room)).expect("valid place"),
            description: format!("{}{}", room, self.fault.text),
            asset: None,
            station: Some(cast.sites[0].station.to_ref()),
            technician: None,
            slip: Some(Slip {
                department: self.department.name.to_string(),
                reporter,
                signed_by,
                special,
                guest_area,
            }),
            number: None,
        };
        Opening {
            new,
            by: self.creator.to_ref(),
        }
    }

    fn play(&self, sim: &mut Sim, cast: &Cast) -> Option<()> {
        let site = &cast.sites[0];
        let foreman = site
            .lead
            .as_ref()
            .expect("the engineering department has a duty foreman");
        let tech = sim.pick(&site.technicians).clone();
        let clerk = self.creator;
        if self.cancel {
            return sim.cancel_duplicate(clerk, &cast.supervisor, "同一故障已有报修单，重复报修");
        }
        // D07: the supervisor instructs, the duty foreman dispatches, the technician takes it.
        let gap = sim.mins(1, 10);
        let note = format!("{}，安排维修工前往", self.fault.category);
        sim.step(&cast.supervisor, gap, Command::Instruct { note })?;
        let gap = sim.mins(1, 5);
        sim.step(
            foreman,
            gap,
            Command::Assign {
                technician: tech.to_ref(),
            },
        )?;
        let gap = sim.mins(1, 5);
        sim.step(&tech, gap, Command::Accept)?;
        self.arrive(sim, &tech)?;
        if let Some((part, name)) = self.fault.part {
            let parts = vec![PartLine::parse(0, part, name, 1).expect("valid part")];
            let note = Some("库房领用".to_string());
            let gap = sim.mins(10, 30);
            sim.step(&tech, gap, Command::RequestParts { parts, note })?;
            let gap = sim.hours(1, 6);
            sim.step(&tech, gap, Command::PartsReceived { note: None })?;
            self.arrive(sim, &tech)?;
        } else if self.unfixable {
            // D05: not fixable now; the department head and the engineering manager hear.
            let gap = sim.mins(20, 60);
            let note = "需整体更换，已向部门主管解释，安排夜间施工".to_string();
            sim.step(&cast.supervisor, gap, Command::ReportUnfixable { note })?;
            let at = sim.appointment(sim.t + chrono::Duration::hours(4), 0..=1);
            let reason = Some("与使用部门约定夜间施工".to_string());
            let commit = Command::Commit {
                at,
                kind: baoxiu_domain::CommitmentKind::CustomerRequest,
                reason,
            };
            let gap = sim.mins(5, 30);
            sim.step(foreman, gap, commit)?;
            sim.wait_until(at);
            self.arrive(sim, &tech)?;
        }
        if let Some((kind, why)) = self.fault.approval {
            // D03: the department head approves the shut-off, or refuses it for now.
            let chain = Template::Hotel
                .spec()
                .chain(kind)
                .map(<[_]>::to_vec)
                .unwrap_or_default();
            let gap = sim.mins(2, 10);
            let request = Command::RequestApproval {
                kind,
                note: why.to_string(),
                chain,
            };
            sim.step(&tech, gap, request)?;
            let gap = sim.mins(3, 30);
            if sim.chance(0.15) {
                let note = sim.pick(hw::REFUSALS).to_string();
                sim.step(&cast.approver, gap, Command::Reject { note })?;
            } else {
                sim.step(&cast.approver, gap, Command::Approve { note: None })?;
            }
        }
        let gap = sim.mins(1, 8);
        sim.step(&tech, gap, Command::Start)?;
        // D06: the department's foreman signs for the work.
        let mut signature = Signature::parse(&self.reporter, SIGNATURE_PNG).expect("a valid signature");
        signature.position = Some(Position::Foreman);
        let work = sim.mins(20, 120);
        let resolve = Command::Resolve {
            signature: Some(signature),
            summary: self.fault.fix.to_string(),
            report: None,
        };
        sim.step(&tech, work, resolve)?;
        // D01, D02: the slip that followed a phone report or an alarm is filed, then the
        // clerk files the job.
        if self.report != Report::Written {
            let signed_by = Staff {
                name: self.signer.clone(),
                position: Position::Supervisor,
            };
            let gap = sim.hours(1, 8);
            sim.step(clerk, gap, Command::FileSlip { signed_by })?;
        }
        let gap = sim.hours(2, 24);
        sim.step(clerk, gap, Command::Archive)
    }

    /// On site: staff take the technician into a guest area (D03).
    fn arrive(&self, sim: &mut Sim, tech: &Person) -> Option<()> {
        let escort = self
            .place
            .2
            .then(|| format!("{}服务员{}", self.department.name, names::person(&mut sim.rng)));
        let gap = sim.mins(3, 15);
        sim.step(
            tech,
            gap,
            Command::Arrive {
                code: None,
                desk_note: None,
                escort,
            },
        )
    }
}
