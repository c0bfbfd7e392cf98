//! The demo organisations: who works where, and the customers who use the app.

use super::names;
use super::words_after_sales as aw;
use super::words_equipment as ew;
use super::words_property as pw;
use super::words_utility as uw;
use crate::serve::CliResult;
use baoxiu_domain::{
    Area, Location, Person, PersonId, Role, Station, StationId, Store, Team, TeamId, Tenant, Timestamp,
};
use baoxiu_store_sqlite::SqliteStore;
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use tokio::task::JoinSet;

/// A station (project, repair station or sub-site) with its staff.
pub struct Site {
    pub station: Station,
    /// Index into the tenant's region officers (after-sales).
    pub region: usize,
    pub coordinator: Option<Person>,
    pub lead: Option<Person>,
    pub technicians: Vec<Person>,
    pub team: Option<Team>,
}

/// A customer with an account (they report through the app or the web) and their address.
pub struct Household {
    pub person: Person,
    pub site: usize,
    pub location: Location,
}

/// Everyone in one demo organisation.
pub struct Cast {
    pub tenant: Tenant,
    pub sites: Vec<Site>,
    pub desk: Vec<Person>,
    pub supervisor: Person,
    pub approver: Person,
    pub admin: Person,
    pub regions: Vec<Person>,
    pub households: Vec<Household>,
}

struct Hire<'a> {
    rng: &'a mut StdRng,
    tenant: &'a Tenant,
    now: Timestamp,
    taken: Vec<String>,
}

/// A UUIDv7 stamped with `now` whose random part comes from the seeded generator.
pub fn new_id(rng: &mut StdRng, now: Timestamp) -> uuid::Uuid {
    let millis = u64::try_from(now.timestamp_millis()).unwrap_or_default();
    uuid::Builder::from_unix_timestamp_millis(millis, &rng.random()).into_uuid()
}

impl Hire<'_> {
    fn people(&mut self, role: Role, count: usize, station: Option<&Station>) -> Vec<Person> {
        let names = names::distinct(self.rng, &mut self.taken, count);
        names
            .into_iter()
            .map(|name| Person {
                id: PersonId(new_id(self.rng, self.now)),
                tenant: self.tenant.id,
                name,
                role,
                station: station.map(|s| s.id),
                team: None,
                phone: Some(names::mobile(self.rng)),
                email: None,
            })
            .collect()
    }

    fn one(&mut self, role: Role, station: Option<&Station>) -> Person {
        self.people(role, 1, station).remove(0)
    }

    /// A station with one team: its lead and `technicians` technicians.
    fn team_site(&mut self, station: &str, team: &str, technicians: usize) -> Site {
        let station = self.station(station, None);
        let team = Team {
            id: TeamId(new_id(self.rng, self.now)),
            tenant: self.tenant.id,
            station: Some(station.id),
            name: team.to_string(),
        };
        let mut lead = self.one(Role::TeamLead, Some(&station));
        let mut technicians = self.people(Role::Technician, technicians, Some(&station));
        for p in std::iter::once(&mut lead).chain(technicians.iter_mut()) {
            p.team = Some(team.id);
        }
        Site {
            station,
            region: 0,
            coordinator: None,
            lead: Some(lead),
            technicians,
            team: Some(team),
        }
    }

    fn station(&mut self, name: &str, parent: Option<StationId>) -> Station {
        Station {
            id: StationId(new_id(self.rng, self.now)),
            tenant: self.tenant.id,
            name: name.to_string(),
            parent,
        }
    }
}

/// In-home location in a project: 7幢2单元 1502.
pub fn home_in(rng: &mut StdRng, project: &pw::Project) -> Location {
    let building = format!(
        "{}幢{}单元",
        rng.random_range(1..=project.buildings),
        rng.random_range(1..=project.units)
    );
    let room = format!(
        "{}{:02}",
        rng.random_range(1..=project.floors),
        rng.random_range(1..=4)
    );
    Location::parse(project.address, Some(Area::InHome), Some(&building), Some(&room))
        .expect("generated locations are valid")
}

/// An address in a station's area: an office (A座 1208) or a flat (3号楼2单元 502).
pub fn place_in(rng: &mut StdRng, site: &aw::Site) -> Location {
    let (address, office) = *site.places.choose(rng).expect("every site has places");
    let (building, room) = if office {
        let tower = ["A座", "B座", "C座", "1号楼", "2号楼"].choose(rng).copied();
        let room = format!("{}{:02}", rng.random_range(2..=28), rng.random_range(1..=20));
        (tower.unwrap_or("A座").to_string(), room)
    } else {
        let block = format!("{}号楼{}单元", rng.random_range(1..=16), rng.random_range(1..=4));
        let room = format!("{}{:02}", rng.random_range(1..=18), rng.random_range(1..=4));
        (block, room)
    };
    Location::parse(address, None, Some(&building), Some(&room)).expect("generated locations are valid")
}

pub fn property(rng: &mut StdRng, tenant: Tenant, now: Timestamp) -> Cast {
    let mut hire = Hire {
        rng,
        tenant: &tenant,
        now,
        taken: Vec::new(),
    };
    let mut sites = Vec::new();
    for project in pw::PROJECTS {
        let team = format!("{}维修班", project.name);
        sites.push(hire.team_site(project.name, &team, project.technicians));
    }
    let desk = hire.people(Role::DeskAgent, 4, None);
    let supervisor = hire.one(Role::Supervisor, None);
    let approver = hire.one(Role::Approver, None);
    let admin = hire.one(Role::Admin, None);
    let owners = hire.people(Role::Customer, 10, None);
    let households = owners
        .into_iter()
        .enumerate()
        .map(|(i, person)| {
            let site = i % pw::PROJECTS.len();
            let location = home_in(hire.rng, &pw::PROJECTS[site]);
            Household {
                person,
                site,
                location,
            }
        })
        .collect();
    Cast {
        tenant,
        sites,
        desk,
        supervisor,
        approver,
        admin,
        regions: Vec::new(),
        households,
    }
}

pub fn after_sales(rng: &mut StdRng, tenant: Tenant, now: Timestamp) -> Cast {
    let mut hire = Hire {
        rng,
        tenant: &tenant,
        now,
        taken: Vec::new(),
    };
    let mut sites: Vec<Site> = Vec::new();
    for site in aw::SITES {
        let parent = site.parent.map(|p| sites[p].station.id);
        let station = hire.station(site.name, parent);
        let coordinator = hire.one(Role::Coordinator, Some(&station));
        let technicians = hire.people(Role::Technician, site.technicians, Some(&station));
        sites.push(Site {
            station,
            region: site.region,
            coordinator: Some(coordinator),
            lead: None,
            technicians,
            team: None,
        });
    }
    let regions = hire.people(Role::RegionOfficer, aw::REGIONS.len(), None);
    let desk = hire.people(Role::DeskAgent, 5, None);
    let supervisor = hire.one(Role::Supervisor, None);
    let approver = hire.one(Role::Approver, None);
    let admin = hire.one(Role::Admin, None);
    let customers = hire.people(Role::Customer, 8, None);
    let households = customers
        .into_iter()
        .enumerate()
        .map(|(i, person)| {
            let site = i % aw::SITES.len();
            let location = place_in(hire.rng, &aw::SITES[site]);
            Household {
                person,
                site,
                location,
            }
        })
        .collect();
    Cast {
        tenant,
        sites,
        desk,
        supervisor,
        approver,
        admin,
        regions,
        households,
    }
}

/// The utility: district crews, each with its duty lead (the coordinator who confirms
/// dispatches and reports to 95598, E05, E07) and linemen; the hotline's representatives.
pub fn utility(rng: &mut StdRng, tenant: Tenant, now: Timestamp) -> Cast {
    let mut hire = Hire {
        rng,
        tenant: &tenant,
        now,
        taken: Vec::new(),
    };
    let mut sites = Vec::new();
    for district in uw::DISTRICTS {
        let station = hire.station(district.name, None);
        let coordinator = hire.one(Role::Coordinator, Some(&station));
        let technicians = hire.people(Role::Technician, district.linemen, Some(&station));
        sites.push(Site {
            station,
            region: 0,
            coordinator: Some(coordinator),
            lead: None,
            technicians,
            team: None,
        });
    }
    let desk = hire.people(Role::DeskAgent, 5, None);
    let supervisor = hire.one(Role::Supervisor, None);
    let approver = hire.one(Role::Approver, None);
    let admin = hire.one(Role::Admin, None);
    let customers = hire.people(Role::Customer, 6, None);
    let households = customers
        .into_iter()
        .enumerate()
        .map(|(i, person)| {
            let site = i % uw::DISTRICTS.len();
            let address = *uw::DISTRICTS[site].places.choose(hire.rng).expect("places");
            let location = Location::parse(address, None, None, None).expect("valid address");
            Household {
                person,
                site,
                location,
            }
        })
        .collect();
    Cast {
        tenant,
        sites,
        desk,
        supervisor,
        approver,
        admin,
        regions: Vec::new(),
        households,
    }
}

/// The hotel: one engineering department (a station) whose duty foreman is its team lead
/// and whose technicians wait on standby; the duty room's clerks record slips; the
/// engineering supervisor instructs; a department head approves shut-offs; the engineering
/// manager is the admin. The requesting departments are staff, not customers with accounts.
pub fn hotel(rng: &mut StdRng, tenant: Tenant, now: Timestamp) -> Cast {
    let mut hire = Hire {
        rng,
        tenant: &tenant,
        now,
        taken: Vec::new(),
    };
    let sites = vec![hire.team_site("工程部", "工程部维修班", 5)];
    let desk = hire.people(Role::DeskAgent, 2, None);
    let supervisor = hire.one(Role::Supervisor, None);
    let approver = hire.one(Role::Approver, None);
    let admin = hire.one(Role::Admin, None);
    Cast {
        tenant,
        sites,
        desk,
        supervisor,
        approver,
        admin,
        regions: Vec::new(),
        households: Vec::new(),
    }
}

/// The factory: the maintenance team (a station) with its team lead and technicians; the
/// maintenance dispatchers at the desk; the equipment section head (supervisor); the
/// department head who approves outsourcing (approver); the operators who report and sign
/// for their machines (customers).
pub fn equipment(rng: &mut StdRng, tenant: Tenant, now: Timestamp) -> Cast {
    let mut hire = Hire {
        rng,
        tenant: &tenant,
        now,
        taken: Vec::new(),
    };
    let team = hire.team_site("设备维修班", "设备维修班", 6);
    // C05: the outside firm outsourced repairs go to, with its own people (vendors).
    let firm = hire.station(ew::FIRMS[2], None);
    let vendors = hire.people(Role::Vendor, 2, Some(&firm));
    let sites = vec![
        team,
        Site {
            station: firm,
            region: 0,
            coordinator: None,
            lead: None,
            technicians: vendors,
            team: None,
        },
    ];
    let desk = hire.people(Role::DeskAgent, 2, None);
    let supervisor = hire.one(Role::Supervisor, None);
    let approver = hire.one(Role::Approver, None);
    let admin = hire.one(Role::Admin, None);
    let operators = hire.people(Role::Customer, 6, None);
    let households = operators
        .into_iter()
        .enumerate()
        .map(|(i, person)| {
            let shop = &ew::WORKSHOPS[i % ew::WORKSHOPS.len()];
            let (line, machine) = shop.machines[0];
            let location =
                Location::parse(shop.name, None, Some(line), Some(machine)).expect("valid machine location");
            Household {
                person,
                site: 0,
                location,
            }
        })
        .collect();
    Cast {
        tenant,
        sites,
        desk,
        supervisor,
        approver,
        admin,
        regions: Vec::new(),
        households,
    }
}

impl Cast {
    /// Everyone, staff first.
    pub fn people(&self) -> Vec<&Person> {
        let mut all: Vec<&Person> = Vec::new();
        for site in &self.sites {
            all.extend(site.coordinator.iter().chain(site.lead.iter()));
            all.extend(site.technicians.iter());
        }
        all.extend(self.regions.iter().chain(self.desk.iter()));
        all.extend([&self.supervisor, &self.approver, &self.admin]);
        all.extend(self.households.iter().map(|h| &h.person));
        all
    }

    /// The station a person belongs to, by name.
    pub fn station_name(&self, person: &Person) -> Option<&str> {
        let id = person.station?;
        self.sites
            .iter()
            .find(|s| s.station.id == id)
            .map(|s| s.station.name.as_str())
    }

    /// Writes the stations, teams and people (concurrently, so they share commits).
    pub async fn persist(&self, store: &SqliteStore) -> CliResult {
        let mut writes = JoinSet::new();
        for site in &self.sites {
            let (db, station) = (store.clone(), site.station.clone());
            writes.spawn(async move { db.put_station(&station).await });
            if let Some(team) = site.team.clone() {
                let db = store.clone();
                writes.spawn(async move { db.put_team(&team).await });
            }
        }
        for person in self.people() {
            let (store, person) = (store.clone(), person.clone());
            writes.spawn(async move { store.put_person(&person).await });
        }
        while let Some(done) = writes.join_next().await {
            done??;
        }
        Ok(())
    }
}
