//! A19: changes to a station's coverage areas or capacity take effect only when approved
//! (the region, then headquarters), and the areas no station covers are recorded. Decided
//! through the approvals engine as an order's approvals are.

mod support;

use baoxiu_domain::{
    ApprovalKind, Book, Change, CoverageBook, OrgRequest, PersonRef, PriceList, Refusal, RequestError,
    RequestId, Role, StationCoverage, StationRef, Template,
};
use support::*;

fn coverage(station: StationRef, areas: &str, capacity: u32) -> StationCoverage {
    StationCoverage::parse(station, areas, capacity).unwrap()
}

fn ask(by: &PersonRef, change: StationCoverage) -> Result<OrgRequest, RequestError> {
    ask_at(by, change, now())
}

fn ask_at(
    by: &PersonRef,
    change: StationCoverage,
    at: baoxiu_domain::Timestamp,
) -> Result<OrgRequest, RequestError> {
    OrgRequest::open(
        RequestId(uuid::Uuid::now_v7()),
        tenant(),
        Change::Coverage(change),
        "新增昌平区服务范围，日接单能力提高到40单",
        &actor(by),
        Template::AfterSales
            .spec()
            .chain(ApprovalKind::Coverage)
            .unwrap()
            .to_vec(),
        at,
    )
}

/// Asks (after the book's last change, as people ask on what is in force) and has it
/// approved by the region and headquarters: the book after.
fn approved(book: &CoverageBook, change: StationCoverage) -> CoverageBook {
    let at = book
        .stations
        .iter()
        .filter_map(|s| s.approved_at)
        .max()
        .unwrap_or(now())
        + minutes(1);
    let mut request = ask_at(&admin(), change, at).unwrap();
    let prices = PriceList::default();
    assert_eq!(
        request.decide(&actor(&region_officer()), true, None, at, book, &prices),
        Ok(None)
    );
    match request.decide(
        &actor(&approver()),
        true,
        Some("同意"),
        at + minutes(1),
        book,
        &prices,
    ) {
        Ok(Some(Book::Coverage(after))) => after,
        other => panic!("takes effect on the last approval: {other:?}"),
    }
}

#[test]
fn r_a19_a_coverage_change_takes_effect_only_when_the_region_and_headquarters_approve() {
    let change = coverage(head_station(), "海淀区、昌平区", 40);
    // Who asks: the station's own coordinator (or its head station's), not a technician,
    // not another station's coordinator.
    assert_eq!(
        ask(&technician(), change.clone()).unwrap_err(),
        Refusal::NotRequester {
            role: Role::Technician
        }
        .into()
    );
    assert_eq!(
        ask(&sub_site_coordinator(), change.clone()).unwrap_err(),
        Refusal::NotRequester {
            role: Role::Coordinator
        }
        .into()
    );
    assert!(ask(&coordinator(), coverage(sub_site(), "上地", 10)).is_ok());

    let book = CoverageBook::default();
    let prices = PriceList::default();
    let mut request = ask(&coordinator(), change.clone()).unwrap();
    assert_eq!(
        request.decide(&actor(&approver()), true, None, now(), &book, &prices),
        Err(Refusal::NotNextApprover {
            role: Role::RegionOfficer
        }
        .into()),
        "the region first"
    );
    assert_eq!(
        request.decide(&actor(&region_officer()), true, None, now(), &book, &prices),
        Ok(None),
        "nothing changes before the last approval"
    );
    let Ok(Some(Book::Coverage(after))) =
        request.decide(&actor(&approver()), true, None, now(), &book, &prices)
    else {
        panic!("approved");
    };
    let station = after.of(head_station().id).expect("in force");
    assert_eq!(station.areas, ["海淀区", "昌平区"]);
    assert_eq!(station.capacity, 40);
    assert_eq!(after.version, 1);

    // Rejected at headquarters: no book changes.
    let mut rejected = ask(&coordinator(), change).unwrap();
    rejected
        .decide(&actor(&region_officer()), true, None, now(), &book, &prices)
        .unwrap();
    assert_eq!(
        rejected.decide(
            &actor(&approver()),
            false,
            Some("昌平区已有网点"),
            now(),
            &book,
            &prices
        ),
        Ok(None)
    );
    assert!(rejected.approval.rejected());
}

#[test]
fn r_a19_areas_no_station_covers_are_recorded() {
    let book = approved(
        &CoverageBook::default(),
        coverage(head_station(), "海淀区\n昌平区", 40),
    );
    let book = approved(&book, coverage(foreign_head_station(), "朝阳区", 30));
    assert!(book.uncovered.is_empty());
    // 海淀 gives up 昌平 and nobody else covers it: recorded.
    let book = approved(&book, coverage(head_station(), "海淀区", 40));
    assert_eq!(book.uncovered, ["昌平区"]);
    // 朝阳 takes it on: no longer.
    let book = approved(&book, coverage(foreign_head_station(), "朝阳区，昌平区", 35));
    assert!(book.uncovered.is_empty());
    assert_eq!(book.stations.len(), 2);
    assert_eq!(book.version, 4);
}

#[test]
fn r_a19_a_coverage_names_its_areas_and_a_capacity() {
    let err = StationCoverage::parse(head_station(), " ，、", 10).unwrap_err();
    assert_eq!(err.field, "areas");
    let err = StationCoverage::parse(head_station(), "海淀区", 0).unwrap_err();
    assert_eq!(err.field, "capacity");
    let once = StationCoverage::parse(head_station(), "海淀区、海淀区", 5).unwrap();
    assert_eq!(once.areas, ["海淀区"]);
}

#[test]
fn r_a19_an_older_request_approved_after_a_newer_one_does_not_bring_the_old_back() {
    let prices = PriceList::default();
    let old = ask(&coordinator(), coverage(head_station(), "海淀区", 20)).unwrap();
    let other = ask(&admin(), coverage(foreign_head_station(), "朝阳区", 30)).unwrap();
    // A newer request for the same station is approved first.
    let book = approved(
        &CoverageBook::default(),
        coverage(head_station(), "海淀区、昌平区", 40),
    );
    let mut old = old;
    old.decide(&actor(&region_officer()), true, None, now(), &book, &prices)
        .unwrap();
    let later = now() + minutes(5);
    assert_eq!(
        old.decide(&actor(&approver()), true, None, later, &book, &prices),
        Err(Refusal::Superseded.into())
    );
    assert!(old.approval.pending(), "nothing recorded");
    // Another station's request is not held up by it.
    let mut other = other;
    other
        .decide(&actor(&region_officer()), true, None, later, &book, &prices)
        .unwrap();
    assert!(matches!(
        other.decide(&actor(&approver()), true, None, later, &book, &prices),
        Ok(Some(Book::Coverage(_)))
    ));
}
