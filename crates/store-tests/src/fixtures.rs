//! A tenant with a desk agent and a technician, and orders to write.

use baoxiu_domain::{
    Channel, Customer, EventRecord, Kind, Location, NewOrder, Person, PersonId, Priority, Role, ServiceMode,
    Store, Template, Tenant, TenantId, Timestamp, VerificationCode, WorkOrder, Write,
};
use chrono::{Duration, TimeZone, Utc};
use uuid::Uuid;

pub struct Fixture {
    pub tenant: Tenant,
    pub desk: Person,
    pub technician: Person,
    pub start: Timestamp,
}

impl Fixture {
    pub async fn new<S: Store>(store: &S) -> Fixture {
        let tenant = Tenant {
            id: TenantId(Uuid::now_v7()),
            slug: format!("t-{}", Uuid::now_v7().simple()),
            name: "锦绣物业服务有限公司".into(),
            time_zone: "Asia/Shanghai".into(),
            templates: vec![Template::Property],
        };
        store.create_tenant(&tenant).await.unwrap();
        let person = |name: &str, role| Person {
            id: PersonId(Uuid::now_v7()),
            tenant: tenant.id,
            name: name.into(),
            role,
            station: None,
            team: None,
            phone: Some("13800001111".into()),
            email: None,
        };
        let desk = person("王芳", Role::DeskAgent);
        let technician = person("张师傅", Role::Technician);
        store.put_person(&desk).await.unwrap();
        store.put_person(&technician).await.unwrap();
        Fixture {
            tenant,
            desk,
            technician,
            start: Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap(),
        }
    }

    /// A token of the desk agent, as an admin would see it.
    pub fn token(&self, label: &str) -> baoxiu_domain::ApiToken {
        baoxiu_domain::ApiToken {
            id: String::new(),
            tenant: self.tenant.id,
            person: self.desk.id,
            label: label.into(),
            created_at: self.start,
            revoked_at: None,
        }
    }

    pub fn later(&self, minutes: i64) -> Timestamp {
        self.start + Duration::minutes(minutes)
    }

    pub fn create(&self, new: NewOrder) -> (WorkOrder, EventRecord) {
        self.create_at(new, self.start)
    }

    /// An order reported at `at`; its id sorts by that time, as the service makes them.
    pub fn create_at(&self, new: NewOrder, at: Timestamp) -> (WorkOrder, EventRecord) {
        self.create_by(new, &self.desk, at)
    }

    /// An order reported by `by` at `at`.
    pub fn create_by(&self, new: NewOrder, by: &Person, at: Timestamp) -> (WorkOrder, EventRecord) {
        let ts = uuid::Timestamp::from_unix(
            uuid::NoContext,
            at.timestamp() as u64,
            at.timestamp_subsec_nanos(),
        );
        let id = baoxiu_domain::OrderId(Uuid::new_v7(ts));
        let (order, mut records) = WorkOrder::open(
            id,
            &self.tenant,
            new,
            VerificationCode::from_number(123456),
            &by.to_ref(),
            at,
        )
        .expect("a desk agent may open an order");
        assert_eq!(records.len(), 1, "fixture orders are created unrouted");
        (order, records.remove(0))
    }

    pub fn write(&self, order: &WorkOrder, expected_version: u64, events: Vec<EventRecord>) -> Write {
        Write {
            tenant: self.tenant.id,
            order: order.clone(),
            expected_version,
            events,
            idempotency: None,
            schedule: None,
            notices: Vec::new(),
        }
    }
}

pub fn new_order(description: &str) -> NewOrder {
    NewOrder {
        kind: Kind::Repair,
        channel: Channel::Phone,
        template: Template::Property,
        category: None,
        priority: Priority::Normal,
        service_mode: ServiceMode::OnSite,
        customer: Customer::parse("李秀英", "13912345678").unwrap(),
        location: Location::parse("阳光花园小区", None, Some("3栋"), Some("502")).unwrap(),
        description: description.into(),
        asset: None,
        station: None,
        technician: None,
        slip: None,
        number: None,
    }
}
