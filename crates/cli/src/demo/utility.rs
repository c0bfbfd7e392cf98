//! The utility's stories (供电 95598): calls that end at intake (arrears, an internal fault
//! guided by phone, a known outage), grid faults sent to the district crew, the paid repair
//! of an internal fault, a transformer that needs a part, and a call reported twice.

use super::names;
use super::org::Cast;
use super::plan::{Script, target};
use super::simulate::{Opening, Outcome, Sim};
use super::words_utility as uw;
use baoxiu_domain::{
    AccountStatus, Channel, Command, CommitmentKind, CrewReport, Customer, Finding, Kind, Location, NewOrder,
    PartLine, Person, Priority, Satisfaction, ServiceMode, State, Template, Timestamp, Zone,
};
use chrono::Duration;
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

/// The states utility orders are left in: mostly archived; a tenth of calls end at intake.
pub const MIX: &[(State, u32)] = &[
    (State::AwaitingDispatch, 10),
    (State::Assigned, 10),
    (State::Accepted, 15),
    (State::Scheduled, 10),
    (State::OnSite, 15),
    (State::InProgress, 15),
    (State::WaitingForParts, 8),
    (State::MultipleVisits, 5),
    (State::Resolved, 30),
    (State::CalledBack, 60),
    (State::Closed, 40),
    (State::Archived, 700),
    (State::Cancelled, 15),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Story {
    /// E01: cut off for arrears; told and closed.
    Arrears,
    /// E02: an internal fault guided by phone.
    Guided,
    /// E03: a known outage; told and apologised to.
    Outage,
    /// E04–E09: a grid fault, the crew, the report, the callback.
    Grid,
    /// E02, E06: an internal fault repaired as a paid service at an agreed time.
    Paid,
    /// A transformer or cable that needs a part: a second visit.
    Parts,
    /// The same outage reported twice: the second call is cancelled.
    Duplicate,
}

fn stories(target: State) -> &'static [(Story, u32)] {
    use Story::*;
    match target {
        State::Closed => &[(Arrears, 3), (Guided, 4), (Outage, 2)],
        State::AwaitingDispatch | State::Assigned | State::Accepted => &[(Grid, 5), (Paid, 1), (Parts, 1)],
        State::Scheduled => &[(Paid, 1)],
        State::WaitingForParts | State::MultipleVisits => &[(Parts, 1)],
        State::Cancelled => &[(Duplicate, 1)],
        State::Archived => &[
            (Grid, 30),
            (Paid, 4),
            (Parts, 3),
            (Arrears, 3),
            (Guided, 4),
            (Outage, 2),
        ],
        _ => &[(Grid, 8), (Paid, 1), (Parts, 1)],
    }
}

struct Draft<'c> {
    story: Story,
    site: usize,
    creator: &'c Person,
    customer: Customer,
    location: Location,
    description: String,
    grid: &'static uw::GridCase,
    internal: &'static uw::InternalCase,
    account: String,
}

/// One utility order, left in a state drawn from [`MIX`].
pub fn order(cast: &Cast, rng: &mut StdRng, now: Timestamp, index: usize) -> Result<Outcome, String> {
    let target = target(index, MIX, rng);
    let draft = Draft::new(cast, rng, target);
    let script = Script {
        tenant: &cast.tenant,
        target,
        opening: &|_t1| draft.opening(),
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
        let site = rng.random_range(0..cast.sites.len());
        let district = &uw::DISTRICTS[site];
        let address = *district.places.choose(rng).expect("every district has places");
        let location = Location::parse(address, None, None, None).expect("valid address");
        let grid = uw::GRID.choose(rng).expect("grid faults");
        let paid = matches!(story, Story::Paid);
        let internals: Vec<&uw::InternalCase> = uw::INTERNAL
            .iter()
            .filter(|c| c.guidance.contains("有偿") == paid)
            .collect();
        let internal = *internals.choose(rng).expect("internal faults of both kinds");
        let description = match story {
            Story::Guided | Story::Paid => internal.text.to_string(),
            Story::Arrears => "家里没电了，不知道什么原因".to_string(),
            Story::Outage | Story::Duplicate => "整个小区都停电了".to_string(),
            Story::Grid | Story::Parts => grid.text.to_string(),
        };
        let customer = Customer::parse(&names::caller(rng), &names::mobile(rng)).expect("valid caller");
        Draft {
            story,
            site,
            creator: cast.desk.choose(rng).expect("the desk is staffed"),
            customer,
            location,
            description,
            grid,
            internal,
            account: format!("33{:08}", rng.random_range(0..100_000_000u32)),
        }
    }

    fn opening(&self) -> Opening {
        let new = NewOrder {
            kind: Kind::Repair,
            channel: Channel::Hotline,
            template: Template::Utility,
            category: Some("供电故障".to_string()),
            priority: match self.story {
                Story::Grid | Story::Parts => Priority::Urgent,
                _ => Priority::Normal,
            },
            service_mode: ServiceMode::OnSite,
            customer: self.customer.clone(),
            location: self.location.clone(),
            description: self.description.clone(),
            asset: None,
            station: None,
            technician: None,
            slip: None,
            number: None,
        };
        Opening {
            new,
            by: self.creator.to_ref(),
        }
    }

    fn play(&self, sim: &mut Sim, cast: &Cast) -> Option<()> {
        let desk = self.creator;
        let site = &cast.sites[self.site];
        let lead = site.coordinator.as_ref().expect("crews have a duty lead");
        let lineman = sim.pick(&site.technicians).clone();
        let zone = uw::DISTRICTS[self.site].zone;
        let status = match self.story {
            Story::Arrears => AccountStatus::Arrears,
            _ => AccountStatus::Paid,
        };
        let gap = sim.mins(1, 4);
        let account = Command::CheckAccount {
            account: self.account.clone(),
            status,
            note: None,
        };
        sim.step(desk, gap, account)?;
        let finding = match self.story {
            Story::Arrears => return self.archive(sim, cast),
            Story::Guided | Story::Paid => Finding::Internal {
                cause: self.internal.cause,
                paid_service: self.story == Story::Paid,
                guidance: self.internal.guidance.to_string(),
            },
            Story::Outage | Story::Duplicate => Finding::Outage {
                notice: sim.pick(uw::OUTAGES).to_string(),
            },
            Story::Grid | Story::Parts => Finding::Grid {
                fault: self.grid.fault,
                zone,
            },
        };
        if self.story == Story::Duplicate {
            // Reported twice: the second call is cancelled, approved by the supervisor.
            return sim.cancel_duplicate(desk, &cast.supervisor, "同一停电已有工单在处理，重复报修");
        }
        let gap = sim.mins(1, 5);
        sim.step(desk, gap, Command::Triage { finding })?;
        if matches!(self.story, Story::Guided | Story::Outage) {
            return self.archive(sim, cast);
        }
        let gap = sim.mins(1, 4);
        let station = site.station.to_ref();
        sim.step(desk, gap, Command::Dispatch { station })?;
        let gap = sim.mins(1, 9);
        sim.step(lead, gap, Command::Accept)?;
        let gap = sim.mins(1, 3);
        let technician = lineman.to_ref();
        sim.step(lead, gap, Command::Assign { technician })?;
        if sim.chance(0.9) {
            let gap = sim.mins(2, 14);
            let note = Some("已向客户致歉，说明抢修人员正在赶往现场".to_string());
            sim.step(desk, gap, Command::Apologise { note })?;
        }
        if self.story == Story::Paid {
            let at = sim.appointment(sim.t + Duration::hours(1), 0..=1);
            let reason = Some("与客户协商上门时间（有偿服务）".to_string());
            let commit = Command::Commit {
                at,
                kind: CommitmentKind::CustomerRequest,
                reason,
            };
            let gap = sim.mins(2, 10);
            sim.step(lead, gap, commit)?;
            sim.wait_until(at - Duration::minutes(40));
        }
        let gap = sim.mins(1, 8);
        sim.step(&lineman, gap, Command::Depart)?;
        let travel = match zone {
            Zone::City => sim.mins(12, 48),
            Zone::Rural => sim.mins(25, 100),
            Zone::Remote => sim.mins(50, 140),
        };
        let arrive = Command::Arrive {
            code: None,
            desk_note: None,
            escort: None,
        };
        sim.step(&lineman, travel, arrive.clone())?;
        let gap = sim.mins(1, 5);
        sim.step(&lineman, gap, Command::Start)?;
        if self.story == Story::Parts {
            let parts = vec![PartLine::parse(0, "PB-400-10", "配变低压侧熔断器", 3).expect("valid part")];
            let note = Some("现场缺少备品，向物资仓库申领".to_string());
            let gap = sim.mins(15, 40);
            sim.step(&lineman, gap, Command::RequestParts { parts, note })?;
            let note = Some("备品已领到".to_string());
            let gap = sim.hours(1, 4);
            sim.step(lead, gap, Command::PartsReceived { note })?;
            let gap = sim.mins(10, 30);
            sim.step(&lineman, gap, Command::Depart)?;
            sim.step(&lineman, travel, arrive)?;
            let gap = sim.mins(1, 5);
            sim.step(&lineman, gap, Command::Start)?;
        }
        let work = sim.mins(20, 150);
        let early = sim.mins(1, 10);
        let restored = sim.t + work - early;
        let (cause, result) = match self.story {
            Story::Paid => (self.internal.text, "更换户内损坏元件，恢复用电（有偿服务）"),
            _ => (self.grid.cause, self.grid.result),
        };
        let report =
            CrewReport::parse(cause, restored.max(sim.t), &lineman.name, result).expect("valid report");
        let resolve = Command::Resolve {
            signature: None,
            summary: result.to_string(),
            report: Some(report),
        };
        sim.step(&lineman, work, resolve)?;
        // E08: the callback; now and then nobody answers and the reason ends it.
        let caller = sim.pick(&cast.desk).clone();
        let gap = sim.hours(1, 6);
        let callback = if sim.chance(0.1) {
            Command::Callback {
                reached: false,
                satisfaction: None,
                note: Some(sim.pick(uw::UNREACHED).to_string()),
                answers: None,
            }
        } else {
            let mut score =
                || Satisfaction::new(*sim.pick(&[5, 5, 5, 5, 5, 4, 4, 4, 3])).expect("scores are 1 to 5");
            // E08: quality, attitude and restoration time, and satisfaction.
            let answers = baoxiu_domain::CallbackAnswers {
                quality: score(),
                attitude: score(),
                restoration: score(),
            };
            let satisfaction = Some(score());
            Command::Callback {
                reached: true,
                satisfaction,
                note: Some(sim.pick(uw::OPINIONS).to_string()),
                answers: Some(answers),
            }
        };
        sim.step(&caller, gap, callback)?;
        self.archive(sim, cast)
    }

    /// E09: the supervisor checks the order and archives it.
    fn archive(&self, sim: &mut Sim, cast: &Cast) -> Option<()> {
        let gap = sim.hours(2, 30);
        sim.step(&cast.supervisor, gap, Command::Archive)
    }
}
