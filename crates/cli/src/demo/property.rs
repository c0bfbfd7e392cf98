//! Property-management stories (物业): owners call the desk or use the app, technicians
//! claim from the pool (B02), named technicians (B04), parts to buy (B05), long jobs, and
//! plant-room faults found on patrol, which the supervisor dispatches.

mod play;

use super::names;
use super::org::{Cast, home_in};
use super::plan::{Script, target};
use super::simulate::{Opening, Outcome};
use super::words_property as pw;
use baoxiu_domain::{
    Area, Channel, Customer, Kind, Location, NewOrder, Person, Priority, ServiceMode, State, Template,
    Timestamp,
};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

/// The states property orders are left in: mostly archived; open ones are recent.
pub const MIX: &[(State, u32)] = &[
    (State::AwaitingDispatch, 15),
    (State::Pool, 30),
    (State::Assigned, 25),
    (State::Accepted, 25),
    (State::Scheduled, 40),
    (State::OnSite, 15),
    (State::InProgress, 20),
    (State::WaitingForParts, 20),
    (State::MultipleVisits, 15),
    (State::Resolved, 40),
    (State::CalledBack, 80),
    (State::Archived, 640),
    (State::Cancelled, 35),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Story {
    /// Claimed from the pool and fixed at once (B02, B17).
    Claim,
    /// Claimed, then a time agreed with the owner.
    Booked,
    /// Nobody claimed within five minutes: the supervisor assigns (B02).
    Escalated,
    /// The owner asked for a named technician (B04).
    Named,
    /// The desk dispatches to the project; the team lead assigns.
    Desk,
    /// Material must be bought first (B05).
    Parts,
    /// A long job: a second visit (B05).
    Revisit,
    Cancel,
    /// A plant-room fault found on patrol, reported to the supervisor as a matter (B09).
    Plant,
}

fn stories(target: State) -> &'static [(Story, u32)] {
    use Story::*;
    match target {
        State::AwaitingDispatch => &[(Plant, 1)],
        State::Pool => &[
            (Claim, 3),
            (Booked, 3),
            (Escalated, 2),
            (Desk, 1),
            (Parts, 1),
            (Revisit, 1),
        ],
        State::Assigned => &[(Escalated, 2), (Named, 3), (Desk, 3), (Plant, 1)],
        State::Accepted => &[
            (Claim, 2),
            (Booked, 3),
            (Escalated, 1),
            (Named, 1),
            (Desk, 1),
            (Plant, 1),
        ],
        State::Scheduled => &[(Booked, 4), (Escalated, 1), (Named, 2), (Desk, 1)],
        State::OnSite | State::InProgress => &[(Claim, 3), (Booked, 2), (Named, 1), (Desk, 1), (Plant, 1)],
        State::WaitingForParts => &[(Parts, 1)],
        State::MultipleVisits => &[(Revisit, 1)],
        // Property calls never end at intake (E01–E03 are the utility's).
        State::Cancelled | State::Closed => &[(Cancel, 1)],
        State::Resolved | State::CalledBack | State::Archived => &[
            (Claim, 5),
            (Booked, 5),
            (Escalated, 2),
            (Named, 2),
            (Desk, 2),
            (Parts, 1),
            (Revisit, 1),
            (Plant, 1),
        ],
    }
}

struct Draft<'c> {
    story: Story,
    site: usize,
    tech: &'c Person,
    new: NewOrder,
    creator: &'c Person,
    fix: &'static str,
    part: Option<(&'static str, &'static str)>,
    revisit: &'static str,
    /// Agree a time with the owner before going.
    book: bool,
}

/// One property order, left in a state drawn from [`MIX`].
pub fn order(cast: &Cast, rng: &mut StdRng, now: Timestamp, index: usize) -> Result<Outcome, String> {
    let target = target(index, MIX, rng);
    let draft = Draft::new(cast, rng, target);
    let opening = |_t1: Timestamp| Opening {
        new: draft.new.clone(),
        by: draft.creator.to_ref(),
    };
    let script = Script {
        tenant: &cast.tenant,
        target,
        opening: &opening,
        play: &|sim| draft.play(sim, cast),
    };
    script.produce(rng, now)
}

fn weighted<T: Copy>(rng: &mut StdRng, options: &[(T, u32)]) -> T {
    options
        .choose_weighted(rng, |(_, w)| *w)
        .map(|(t, _)| *t)
        .expect("weights are positive")
}

impl<'c> Draft<'c> {
    fn new(cast: &'c Cast, rng: &mut StdRng, target: State) -> Draft<'c> {
        let story = weighted(rng, stories(target));
        let mut site = rng.random_range(0..cast.sites.len());
        let project = &pw::PROJECTS[site];
        let desk = cast.desk.choose(rng).expect("the desk is staffed");
        let mut creator = desk;
        let mut channel = *[Channel::Phone, Channel::Phone, Channel::Phone, Channel::WalkIn]
            .choose(rng)
            .expect("channels");
        let (mut customer, mut location, description, fix, part, revisit, category, priority);
        if story == Story::Plant {
            let fault = pw::PLANT_FAULTS.choose(rng).expect("plant faults");
            let lead = cast.sites[site].lead.as_ref().expect("projects have a team lead");
            (creator, channel) = match rng.random_range(0..3) {
                0 => (&cast.supervisor, Channel::SelfInspection),
                1 => (lead, Channel::PreventiveMaintenance),
                _ => (lead, Channel::Patrol),
            };
            let phone = creator.phone.clone().unwrap_or_else(|| names::mobile(rng));
            customer = Customer::parse(&creator.name, &phone).expect("staff phones are valid");
            location = Location::parse(project.address, Some(Area::PublicArea), Some(fault.spot), None)
                .expect("plant locations are valid");
            (description, fix, part, revisit) = (fault.text.to_string(), fault.fix, None, "");
            (category, priority) = (fault.category, Priority::Urgent);
        } else {
            let fits = |f: &&pw::Fault| match story {
                Story::Parts => f.part.is_some(),
                Story::Revisit => f.revisit.is_some(),
                _ => true,
            };
            let faults: Vec<&pw::Fault> = pw::FAULTS.iter().filter(fits).collect();
            let fault = *faults.choose(rng).expect("every story has faults");
            customer = Customer::parse(&names::caller(rng), &names::mobile(rng)).expect("valid caller");
            let mut text = fault.text.to_string();
            if let Some(spot) = fault.spot {
                let spot = spot
                    .replace("{b}", &rng.random_range(1..=project.buildings).to_string())
                    .replace("{u}", &rng.random_range(1..=project.units).to_string());
                location = Location::parse(project.address, Some(Area::PublicArea), Some(&spot), None)
                    .expect("public locations are valid");
                if rng.random_bool(0.3) {
                    // B14: cleaning and security report public faults through the desk.
                    let team = ["保洁员", "秩序维护员", "绿化工"].choose(rng).expect("teams");
                    let name = format!("{team}{}", names::person(rng));
                    customer = Customer::parse(&name, &names::mobile(rng)).expect("valid reporter");
                    channel = Channel::OtherDepartment;
                }
            } else {
                location = home_in(rng, project);
                let household = cast.households.choose(rng).filter(|_| rng.random_bool(0.15));
                if let Some(h) = household {
                    site = h.site;
                    creator = &h.person;
                    channel = Channel::App;
                    let phone = h.person.phone.clone().unwrap_or_else(|| names::mobile(rng));
                    customer = Customer::parse(&h.person.name, &phone).expect("owner phones are valid");
                    location = h.location.clone();
                } else if rng.random_bool(0.3) {
                    let aside = pw::ASIDES.choose(rng).expect("asides");
                    text = format!("{text}，{aside}");
                }
            }
            (description, fix, part, revisit) = (text, fault.fix, fault.part, fault.revisit.unwrap_or(""));
            (category, priority) = (fault.category, fault.priority);
        }
        let place = &cast.sites[site];
        let tech = place
            .technicians
            .choose(rng)
            .expect("every project has technicians");
        let mut description = description;
        // Repairs wait in their project's pool (B02); plant-room findings are reported as
        // matters to the engineering supervisor, who assigns his own staff (B09).
        let (station, technician) = match story {
            Story::Named => {
                description.push_str(&format!("（业主指定{}师傅维修）", tech.name));
                (Some(place.station.to_ref()), Some(tech.to_ref()))
            }
            Story::Plant => (None, None),
            _ => (Some(place.station.to_ref()), None),
        };
        let template = Template::Property;
        let kind = if story == Story::Plant {
            Kind::Matter
        } else {
            Kind::Repair
        };
        let new = NewOrder {
            kind,
            channel,
            template,
            category: Some(category.to_string()),
            priority,
            service_mode: ServiceMode::OnSite,
            customer,
            location,
            description,
            asset: None,
            station,
            technician,
            slip: None,
            number: None,
        };
        let book = target == State::Scheduled || rng.random_bool(0.5);
        Draft {
            story,
            site,
            tech,
            new,
            creator,
            fix,
            part,
            revisit,
            book,
        }
    }
}
