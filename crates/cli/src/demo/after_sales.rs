//! After-sales stories (售后): the call centre dispatches to head stations, which hand
//! orders to their sub-sites (A01); coordinators accept and commit service times (A02–A04);
//! parts are requested and come late (A09, A11); some jobs need several visits (A13); some
//! are solved by phone (A07) and some cancelled through the region (A05, A06, A12, A17).

mod play;

use super::names;
use super::org::{Cast, place_in};
use super::plan::{Script, target};
use super::simulate::{Opening, Outcome, china};
use super::words_after_sales as aw;
use baoxiu_domain::{
    Asset, Channel, Customer, Kind, Location, NewOrder, Person, Priority, State, StationRef, Template,
    Timestamp,
};
use chrono::Duration;
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

/// The states after-sales orders are left in. There is no claim pool here.
pub const MIX: &[(State, u32)] = &[
    (State::AwaitingDispatch, 20),
    (State::Assigned, 30),
    (State::Accepted, 30),
    (State::Scheduled, 50),
    (State::OnSite, 10),
    (State::InProgress, 15),
    (State::WaitingForParts, 50),
    (State::MultipleVisits, 30),
    (State::Resolved, 40),
    (State::CalledBack, 80),
    (State::Archived, 600),
    (State::Cancelled, 45),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Story {
    Standard,
    /// A07.
    PhoneFix,
    /// A09: no parts in stock; T31 from the agreed delivery.
    PartsFirst,
    /// T31, a visit, parts requested, T32 (parts late, A11), a visit, T33 (A13), a visit.
    PartsRevisit,
    /// A13 without parts.
    Revisit,
    /// A05.
    Unreachable,
    /// A06.
    WrongNumber,
    /// A12.
    PlanRefused,
    /// A cancellation the region rejects; the station carries on.
    Rejected,
}

fn stories(target: State) -> &'static [(Story, u32)] {
    use Story::*;
    match target {
        State::AwaitingDispatch => &[(Standard, 6), (PhoneFix, 1), (PartsFirst, 2), (Unreachable, 1)],
        State::Pool | State::Assigned => &[(Standard, 6), (PhoneFix, 1), (PartsFirst, 2), (PartsRevisit, 1)],
        State::Accepted => &[
            (Standard, 5),
            (PhoneFix, 1),
            (PartsFirst, 1),
            (Unreachable, 2),
            (WrongNumber, 1),
        ],
        State::Scheduled => &[(Standard, 5), (PartsRevisit, 2), (Revisit, 1), (Rejected, 1)],
        State::OnSite | State::InProgress => &[(Standard, 5), (PartsRevisit, 1), (Revisit, 1)],
        State::WaitingForParts => &[(PartsFirst, 3), (PartsRevisit, 2)],
        State::MultipleVisits => &[(Revisit, 1), (PartsRevisit, 1)],
        // After-sales calls never end at intake (E01–E03 are the utility's).
        State::Cancelled | State::Closed => &[(Unreachable, 3), (WrongNumber, 1), (PlanRefused, 2)],
        State::Resolved | State::CalledBack | State::Archived => &[
            (Standard, 10),
            (PhoneFix, 3),
            (PartsFirst, 3),
            (PartsRevisit, 2),
            (Revisit, 2),
            (Rejected, 1),
        ],
    }
}

struct Draft<'c> {
    story: Story,
    site: usize,
    head: usize,
    tech: &'c Person,
    creator: &'c Person,
    fault: &'static aw::Fault,
    product: &'static aw::Product,
    customer: Customer,
    location: Location,
    description: String,
    channel: Channel,
    serial: String,
    /// Warranty end, in days after the report (negative: expired).
    warranty: i64,
    /// Created already dispatched to the head station.
    dispatched: bool,
    head_station: StationRef,
    priority: Priority,
    part_no: u32,
    parts_order: u32,
}

/// One after-sales order, left in a state drawn from [`MIX`].
pub fn order(cast: &Cast, rng: &mut StdRng, now: Timestamp, index: usize) -> Result<Outcome, String> {
    let target = target(index, MIX, rng);
    let draft = Draft::new(cast, rng, target);
    let script = Script {
        tenant: &cast.tenant,
        target,
        opening: &|t1| draft.opening(t1),
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
        let phone_story = story == Story::PhoneFix;
        let faults: Vec<&aw::Fault> = aw::FAULTS
            .iter()
            .filter(|f| f.phone.is_some() == phone_story)
            .collect();
        let fault = *faults.choose(rng).expect("faults of every sort");
        let products: Vec<&aw::Product> = aw::PRODUCTS.iter().filter(|p| p.kind == fault.kind).collect();
        let product = *products.choose(rng).expect("products of every kind");
        let mut site = rng.random_range(0..cast.sites.len());
        let mut creator = cast.desk.choose(rng).expect("the desk is staffed");
        let mut channel = Channel::Hotline;
        let mut customer = Customer::parse(&names::caller(rng), &names::mobile(rng)).expect("valid caller");
        let mut location = place_in(rng, &aw::SITES[site]);
        let mut dispatched = target != State::AwaitingDispatch && rng.random_bool(0.35);
        let roll = rng.random_range(0..100);
        // A carry-in machine stays at the station: its stories have no second visit.
        let one_visit = !matches!(story, Story::Revisit | Story::PartsRevisit);
        if roll < 10 && one_visit && target != State::AwaitingDispatch && aw::SITES[site].parent.is_none() {
            // A16: the customer called the station, which creates the order itself.
            creator = cast.sites[site]
                .coordinator
                .as_ref()
                .expect("stations have a coordinator");
            channel = *[Channel::Phone, Channel::WalkIn].choose(rng).expect("channels");
            dispatched = true;
        } else if roll < 18 {
            let h = cast.households.choose(rng).expect("customers");
            (site, creator, dispatched) = (h.site, &h.person, false);
            channel = *[Channel::Web, Channel::App].choose(rng).expect("channels");
            let phone = h.person.phone.clone().unwrap_or_else(|| names::mobile(rng));
            customer = Customer::parse(&h.person.name, &phone).expect("customer phones are valid");
            location = h.location.clone();
        }
        let head = aw::SITES[site].parent.unwrap_or(site);
        let tech = cast.sites[site]
            .technicians
            .choose(rng)
            .expect("stations have technicians");
        let mut description = fault.text.to_string();
        if rng.random_bool(0.2) {
            let aside = [
                "用户要求尽快上门",
                "机器内有重要资料，请注意备份",
                "用户工作日白天在单位",
            ];
            description = format!("{description}，{}", aside.choose(rng).expect("asides"));
        }
        const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
        let tail: String = (0..8)
            .map(|_| char::from(*ALPHABET.choose(rng).expect("alphabet")))
            .collect();
        let expired = story == Story::PlanRefused || rng.random_bool(0.12);
        let warranty = if expired {
            -rng.random_range(10..400)
        } else {
            rng.random_range(30..900)
        };
        Draft {
            story,
            site,
            head,
            tech,
            creator,
            fault,
            product,
            customer,
            location,
            description,
            channel,
            serial: format!("HX{}{tail}", product.code),
            warranty,
            dispatched,
            head_station: cast.sites[head].station.to_ref(),
            priority: if rng.random_bool(0.08) {
                Priority::Urgent
            } else {
                Priority::Normal
            },
            part_no: rng.random_range(1..9999),
            parts_order: rng.random_range(10_000..99_999),
        }
    }

    fn opening(&self, t1: Timestamp) -> Opening {
        let warranty_end = t1.with_timezone(&china()).date_naive() + Duration::days(self.warranty);
        let asset =
            Asset::parse(&self.serial, Some(self.product.model), Some(warranty_end)).expect("valid asset");
        let new = NewOrder {
            kind: Kind::Repair,
            channel: self.channel,
            template: Template::AfterSales,
            category: Some(self.fault.category.to_string()),
            priority: self.priority,
            // A16: a station's own order is carry-in; the domain says so.
            service_mode: NewOrder::default_service_mode(Template::AfterSales, &self.creator.to_ref()),
            customer: self.customer.clone(),
            location: self.location.clone(),
            description: self.description.clone(),
            asset: Some(asset),
            station: self.dispatched.then(|| self.head_station.clone()),
            technician: None,
            slip: None,
            number: None,
        };
        Opening {
            new,
            by: self.creator.to_ref(),
        }
    }
}
