//! The factory's stories (设备维修): operators report by phone, technicians find faults on
//! patrol and in preventive maintenance; the team lead dispatches by trade; the fault is
//! rated (C04) and a complex one's plan approved by the section head; some repairs go to an
//! outside firm through the factory's three-step chain (C05) or back to the manufacturer
//! (C06); parts are fetched; the operator signs for the repair with its record (C10); the
//! section head archives.

use super::org::Cast;
use super::plan::{Script, target};
use super::simulate::{Opening, Outcome, SIGNATURE_PNG, Sim};
use super::words_equipment as ew;
use baoxiu_domain::{
    ApprovalKind, Channel, Command, Complexity, CrewReport, Customer, Kind, Location, NewOrder, PartLine,
    Person, Priority, ServiceMode, Signature, State, Template, Timestamp,
};
use chrono::Duration;
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

/// The states equipment orders are left in: mostly archived.
pub const MIX: &[(State, u32)] = &[
    (State::Assigned, 15),
    (State::Accepted, 20),
    (State::OnSite, 20),
    (State::InProgress, 25),
    (State::WaitingForParts, 12),
    (State::MultipleVisits, 6),
    (State::Resolved, 40),
    (State::Archived, 800),
    (State::Cancelled, 12),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Story {
    /// Low complexity: repaired on the spot.
    Simple,
    /// Complex: the section head approves the maintenance plan first.
    Planned,
    /// Outsourced through team lead, section head and department head (C05).
    Outsourced,
    /// Back to the manufacturer (C06).
    Manufacturer,
    /// A part is fetched from the store.
    Parts,
    Duplicate,
}

fn stories(target: State) -> &'static [(Story, u32)] {
    use Story::*;
    match target {
        State::Cancelled => &[(Duplicate, 1)],
        State::WaitingForParts | State::MultipleVisits => &[(Parts, 1)],
        _ => &[
            (Simple, 8),
            (Planned, 3),
            (Outsourced, 1),
            (Manufacturer, 1),
            (Parts, 2),
        ],
    }
}

struct Draft<'c> {
    story: Story,
    shop: &'static ew::Workshop,
    machine: (&'static str, &'static str),
    fault: &'static ew::Fault,
    operator: &'c Person,
    channel: Channel,
    emergency: bool,
}

/// One equipment order, left in a state drawn from [`MIX`].
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
        let story = *stories(target)
            .choose_weighted(rng, |(_, w)| *w)
            .map(|(s, _)| s)
            .expect("weights are positive");
        let shop = ew::WORKSHOPS.choose(rng).expect("workshops");
        let machine = *shop.machines.choose(rng).expect("machines");
        let channel = *[
            Channel::Phone,
            Channel::Phone,
            Channel::Phone,
            Channel::Patrol,
            Channel::PreventiveMaintenance,
        ]
        .choose(rng)
        .expect("channels");
        Draft {
            story,
            shop,
            machine,
            fault: ew::FAULTS.choose(rng).expect("faults"),
            operator: &cast.households.choose(rng).expect("operators").person,
            channel,
            emergency: rng.random_bool(0.1),
        }
    }

    fn opening(&self, cast: &Cast) -> Opening {
        let (line, machine) = self.machine;
        let phone = self
            .operator
            .phone
            .clone()
            .unwrap_or_else(|| "13600000000".into());
        let new = NewOrder {
            kind: Kind::Repair,
            channel: self.channel,
            template: Template::Equipment,
            category: Some(self.fault.trade.to_string()),
            priority: if self.emergency {
                Priority::Emergency
            } else {
                Priority::Urgent
            },
            service_mode: ServiceMode::OnSite,
            customer: Customer::parse(&self.operator.name, &phone).expect("valid operator"),
            location: Location::parse(self.shop.name, None, Some(line), Some(machine))
                .expect("valid machine"),
            description: format!("{machine}{}", self.fault.text),
            // The machine as the register knows it: its repair history (扫码报修).
            asset: baoxiu_domain::Asset::parse(ew::code_of(machine), None, None).ok(),
            station: Some(cast.sites[0].station.to_ref()),
            technician: None,
            slip: None,
            number: None,
        };
        Opening {
            new,
            by: cast.desk[0].to_ref(),
        }
    }

    fn play(&self, sim: &mut Sim, cast: &Cast) -> Option<()> {
        let site = &cast.sites[0];
        let lead = site.lead.as_ref().expect("the team has a lead");
        let tech = sim.pick(&site.technicians).clone();
        if self.story == Story::Duplicate {
            return sim.cancel_duplicate(&cast.desk[0], &cast.supervisor, "同一设备故障重复报修");
        }
        // C02: the team lead dispatches by trade; the technician takes it and goes.
        let gap = sim.mins(1, 8);
        sim.step(
            lead,
            gap,
            Command::Assign {
                technician: tech.to_ref(),
            },
        )?;
        let gap = sim.mins(1, 4);
        sim.step(&tech, gap, Command::Accept)?;
        self.arrive(sim, &tech)?;
        // C04: the fault confirmed and rated.
        let level = match self.story {
            Story::Simple | Story::Parts => Complexity::Low,
            _ => Complexity::High,
        };
        let note = Some(format!("现场确认：{}", self.fault.cause));
        let gap = sim.mins(5, 30);
        sim.step(&tech, gap, Command::RateComplexity { level, note })?;
        let mut crew = tech.name.clone();
        match self.story {
            Story::Planned => self.approve(
                sim,
                cast,
                &tech,
                ApprovalKind::MaintenancePlan,
                "停机检修，备件及人员已落实",
            )?,
            Story::Outsourced | Story::Manufacturer => {
                let (kind, why) = if self.story == Story::Outsourced {
                    (ApprovalKind::Outsourcing, "本厂无修复能力，申请委外维修")
                } else {
                    (ApprovalKind::ManufacturerRepair, "设备在保修期内，申请厂家维修")
                };
                self.approve(sim, cast, &tech, kind, why)?;
                // The plan the outside firm works to (C04).
                self.approve(
                    sim,
                    cast,
                    &tech,
                    ApprovalKind::MaintenancePlan,
                    "按外协方案停机维修",
                )?;
                if self.story == Story::Outsourced {
                    // C05: the firm's own people come and do the repair.
                    let firm = &cast.sites[1];
                    let gap = sim.mins(10, 60);
                    let vendor = firm.station.to_ref();
                    sim.step(lead, gap, Command::Outsource { vendor })?;
                    let worker = sim.pick(&firm.technicians).clone();
                    crew = format!("{}（{}）", firm.station.name, worker.name);
                    return self.finish(sim, cast, &worker, &crew);
                }
                crew = format!("{}（{}）", sim.pick(&ew::FIRMS[..2]), tech.name);
            }
            _ => {}
        }
        if self.story == Story::Parts {
            let parts = vec![PartLine::parse(0, "SP-3021", "密封件套装", 1).expect("valid part")];
            let gap = sim.mins(10, 40);
            sim.step(
                &tech,
                gap,
                Command::RequestParts {
                    parts,
                    note: Some("库房领用".into()),
                },
            )?;
            let gap = sim.hours(1, 8);
            sim.step(&tech, gap, Command::PartsReceived { note: None })?;
            self.arrive(sim, &tech)?;
        }
        self.finish(sim, cast, &tech, &crew)
    }

    /// The work, the operator's signature with the completion record, the archive.
    fn finish(&self, sim: &mut Sim, cast: &Cast, worker: &Person, crew: &str) -> Option<()> {
        // The machine is open on site already; whoever repairs it starts.
        let tech = worker;
        let gap = sim.mins(1, 10);
        sim.step(tech, gap, Command::Start)?;
        // C13: a job rated high is important: the section head comes in person.
        if !matches!(self.story, Story::Simple | Story::Parts) {
            let gap = sim.mins(5, 30);
            let note = Some("主管到场，确认维修方案与安全措施".to_string());
            sim.step(&cast.supervisor, gap, Command::Attend { note })?;
        }
        let work = sim.mins(30, 240);
        let done = sim.t + work - Duration::minutes(2);
        let report =
            CrewReport::parse(self.fault.cause, done, crew, self.fault.method).expect("a valid record");
        let resolve = Command::Resolve {
            signature: Some(Signature::parse(&self.operator.name, SIGNATURE_PNG).expect("a valid signature")),
            summary: self.fault.method.to_string(),
            report: Some(report),
        };
        sim.step(tech, work, resolve)?;
        // C10: the section head reviews and archives.
        let gap = sim.hours(2, 30);
        sim.step(&cast.supervisor, gap, Command::Archive)
    }

    fn arrive(&self, sim: &mut Sim, tech: &Person) -> Option<()> {
        let gap = sim.mins(3, 20);
        // C13: the operator stays with the machine.
        let arrive = Command::Arrive {
            code: None,
            desk_note: None,
            escort: Some(self.operator.name.clone()),
        };
        sim.step(tech, gap, arrive)
    }

    /// An approval through its whole chain, each step by someone holding its role.
    fn approve(
        &self,
        sim: &mut Sim,
        cast: &Cast,
        tech: &Person,
        kind: ApprovalKind,
        why: &str,
    ) -> Option<()> {
        let chain = Template::Equipment
            .spec()
            .chain(kind)
            .map(<[_]>::to_vec)
            .unwrap_or_default();
        let gap = sim.mins(5, 30);
        let request = Command::RequestApproval {
            kind,
            note: why.to_string(),
            chain: chain.clone(),
        };
        sim.step(tech, gap, request)?;
        for role in chain {
            let who = match role {
                baoxiu_domain::Role::TeamLead => cast.sites[0].lead.clone().expect("the team has a lead"),
                baoxiu_domain::Role::Supervisor => cast.supervisor.clone(),
                baoxiu_domain::Role::Approver => cast.approver.clone(),
                _ => cast.admin.clone(),
            };
            let gap = sim.mins(10, 120);
            sim.step(&who, gap, Command::Approve { note: None })?;
        }
        Some(())
    }
}
