//! B18: paid work, exact to the fen. The charges are told and accepted before work starts;
//! the owner's materials are recorded; finance receives exactly the accepted total. Sums of
//! many small amounts are exact (a property test over random lines).

mod support;

use baoxiu_domain::{ChargeLine, Command, CommandName, Fen, Refusal, total};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, RngSeed, TestRng, TestRunner};
use support::*;

fn lines() -> Vec<ChargeLine> {
    vec![
        ChargeLine::parse(0, "人工费", None, None, 1, Fen::parse_yuan("p", "50").unwrap()).unwrap(),
        ChargeLine::parse(
            1,
            "角阀",
            Some("DN15"),
            Some("JF-15"),
            2,
            Fen::parse_yuan("p", "18.35").unwrap(),
        )
        .unwrap(),
    ]
}

#[test]
fn r_b18_charges_are_accepted_before_work_starts_and_finance_gets_exactly_the_total() {
    let mut case = Case::property_claimed();
    case.ok(&technician(), arrive(code()));
    case.ok(
        &technician(),
        Command::Quote {
            lines: lines(),
            prices: None,
        },
    );
    assert_eq!(case.order.charges.total(), Fen(5000 + 2 * 1835));
    assert_eq!(
        case.refused(&technician(), Command::Start),
        Refusal::ChargesNotAccepted
    );
    case.ok(
        &technician(),
        Command::RecordOwnerMaterial {
            description: "业主自备水龙头一只，外观完好".into(),
        },
    );
    // The one who told the charges does not accept them too.
    assert_eq!(
        case.refused(
            &technician(),
            Command::AcceptQuote {
                signer: "王秀英".into()
            }
        ),
        Refusal::SelfApproval
    );
    case.ok(
        &desk(),
        Command::AcceptQuote {
            signer: "王秀英".into(),
        },
    );
    case.ok(&technician(), Command::Start);
    case.ok(&technician(), resolve_signed());
    assert_eq!(
        case.refused(&desk(), Command::HandToFinance { amount: Fen(8669) }),
        Refusal::AmountMismatch { total: Fen(8670) }
    );
    case.ok(&desk(), Command::HandToFinance { amount: Fen(8670) });
    assert_eq!(
        case.order.charges.handed_to_finance.map(|(_, a)| a),
        Some(Fen(8670))
    );
    assert_eq!(
        case.refused(&desk(), Command::HandToFinance { amount: Fen(8670) }),
        Refusal::NoCharges,
        "handed once"
    );
    assert_eq!(case.order.charges.owner_materials.len(), 1);
    assert_eq!(case.replayed(), case.order);
}

#[test]
fn r_b18_a_new_quote_needs_accepting_again_and_paid_work_is_the_templates() {
    let mut case = Case::property_claimed();
    case.ok(
        &technician(),
        Command::Quote {
            lines: lines(),
            prices: None,
        },
    );
    case.ok(
        &desk(),
        Command::AcceptQuote {
            signer: "王秀英".into(),
        },
    );
    let mut more = lines();
    more.truncate(1);
    case.ok(
        &technician(),
        Command::Quote {
            lines: more,
            prices: None,
        },
    );
    assert!(case.order.charges.awaiting_acceptance());
    let mut hotel = Case::open(
        {
            let mut new = hotel_order();
            new.station = Some(head_station());
            new
        },
        &desk(),
    );
    assert_eq!(
        hotel.refused(
            &desk(),
            Command::Quote {
                lines: lines(),
                prices: None
            }
        ),
        Refusal::NotInTemplate {
            command: CommandName::Quote
        }
    );
}

#[test]
fn r_b18_sums_of_many_small_amounts_are_exact_to_the_fen() {
    let config = Config {
        cases: 256,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(18),
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[18; 32]));
    let line = (0u32..100_000, 1u32..50, 0u32..100).prop_map(|(yuan, quantity, fen)| (yuan, quantity, fen));
    runner
        .run(&proptest::collection::vec(line, 1..200), |items| {
            let mut lines = Vec::new();
            let mut expected: i128 = 0;
            for (i, (yuan, quantity, fen)) in items.iter().enumerate() {
                let text = format!("{yuan}.{fen:02}");
                let price = Fen::parse_yuan("p", &text).unwrap();
                prop_assert_eq!(price, Fen(i64::from(*yuan) * 100 + i64::from(*fen)));
                prop_assert_eq!(price.to_string(), text);
                lines.push(ChargeLine::parse(i, "材料", None, None, *quantity, price).unwrap());
                expected += (i128::from(*yuan) * 100 + i128::from(*fen)) * i128::from(*quantity);
            }
            prop_assert_eq!(total(&lines).map(|f| i128::from(f.0)), Some(expected));
            Ok(())
        })
        .unwrap();
    // The classic: 0.1 + 0.2 is 0.3.
    let tenths = [
        Fen::parse_yuan("p", "0.1").unwrap(),
        Fen::parse_yuan("p", "0.2").unwrap(),
    ];
    assert_eq!(
        tenths[0].checked_add(tenths[1]),
        Some(Fen::parse_yuan("p", "0.3").unwrap())
    );
}

// ---------------------------------------------------------------------------------------
// B24: paid home services from a price list management approves
// ---------------------------------------------------------------------------------------

use baoxiu_domain::{Book, Change, CoverageBook, OrgRequest, PriceItem, PriceList, RequestId};

fn price_items() -> Vec<PriceItem> {
    vec![
        PriceItem::parse(
            0,
            "BJ-01",
            "家政保洁（2小时）",
            "次",
            Fen::parse_yuan("p", "120").unwrap(),
        )
        .unwrap(),
        PriceItem::parse(
            1,
            "WX-03",
            "更换水龙头（人工）",
            "个",
            Fen::parse_yuan("p", "30").unwrap(),
        )
        .unwrap(),
    ]
}

fn price_request(by: &baoxiu_domain::PersonRef) -> Result<OrgRequest, baoxiu_domain::RequestError> {
    OrgRequest::open(
        RequestId(uuid::Uuid::nil()),
        tenant(),
        Change::PriceList { items: price_items() },
        "《常规服务项目表》2027版",
        &actor(by),
        baoxiu_domain::Template::Property
            .spec()
            .chain(baoxiu_domain::ApprovalKind::PriceList)
            .unwrap()
            .to_vec(),
        now(),
    )
}

/// The list in force once approved.
fn approved_list() -> PriceList {
    let mut request = price_request(&supervisor()).unwrap();
    match request
        .decide(
            &actor(&approver()),
            true,
            None,
            now(),
            &CoverageBook::default(),
            &PriceList::default(),
        )
        .unwrap()
    {
        Some(Book::Prices(list)) => list,
        other => panic!("the list takes effect: {other:?}"),
    }
}

#[test]
fn r_b24_the_price_list_takes_effect_only_when_management_approves_it() {
    assert_eq!(
        price_request(&technician()).unwrap_err(),
        Refusal::NotRequester {
            role: baoxiu_domain::Role::Technician
        }
        .into()
    );
    let (coverage, none) = (CoverageBook::default(), PriceList::default());
    // Rejected: nothing changes, and a rejection gives its reason.
    let mut rejected = price_request(&supervisor()).unwrap();
    assert_eq!(
        rejected.decide(&actor(&approver()), false, None, now(), &coverage, &none),
        Err(Refusal::Missing { field: "reason" }.into())
    );
    assert_eq!(
        rejected.decide(
            &actor(&approver()),
            false,
            Some("保洁价格偏高"),
            now(),
            &coverage,
            &none
        ),
        Ok(None)
    );
    assert!(rejected.approval.rejected());
    // Only the chain's approver decides, once.
    let mut request = price_request(&supervisor()).unwrap();
    assert_eq!(
        request.decide(&actor(&supervisor()), true, None, now(), &coverage, &none),
        Err(Refusal::NotNextApprover {
            role: baoxiu_domain::Role::Approver
        }
        .into())
    );
    let list = approved_list();
    assert_eq!(list.items, price_items());
    assert_eq!((list.version, list.approved_at), (1, Some(now())));
    assert!(list.in_force());
}

fn line(item: Option<&str>, price: &str) -> ChargeLine {
    ChargeLine::parse(
        0,
        "家政保洁（2小时）",
        None,
        None,
        1,
        Fen::parse_yuan("p", price).unwrap(),
    )
    .unwrap()
    .on_list(item)
}

fn quote(lines: Vec<ChargeLine>, prices: Option<PriceList>) -> Command {
    Command::Quote { lines, prices }
}

#[test]
fn r_b24_list_items_are_charged_at_the_list_price_and_other_services_are_priced_by_the_supervisor() {
    let list = approved_list();
    let mut case = Case::property_claimed();
    case.ok(&technician(), arrive(code()));
    for wrong in [line(Some("BJ-01"), "100"), line(Some("XX-99"), "120")] {
        assert_eq!(
            case.refused(&technician(), quote(vec![wrong], Some(list.clone()))),
            Refusal::NotListPrice
        );
    }
    assert_eq!(
        case.refused(&technician(), quote(vec![line(None, "80")], Some(list.clone()))),
        Refusal::OffPriceList,
        "the technician does not price a service off the list"
    );
    case.ok(&supervisor(), quote(vec![line(None, "80")], Some(list.clone())));
    case.ok(
        &technician(),
        quote(
            vec![line(Some("BJ-01"), "120"), line(Some("WX-03"), "30")],
            Some(list),
        ),
    );
    assert_eq!(case.order.charges.total(), Fen(15000));
    assert_eq!(case.order.charges.lines[0].item.as_deref(), Some("BJ-01"));
    // A list item is charged under the list's name, not one typed to pass something else.
    let renamed = ChargeLine::parse(0, "更换主板", None, None, 1, Fen::parse_yuan("p", "30").unwrap())
        .unwrap()
        .on_list(Some("WX-03"));
    case.ok(&technician(), quote(vec![renamed], Some(approved_list())));
    assert_eq!(case.order.charges.lines[0].name, "更换水龙头（人工）");
    // Without a list in force a line cannot name an item, and B18 holds as before.
    let mut plain = Case::property_claimed();
    assert_eq!(
        plain.refused(&technician(), quote(vec![line(Some("BJ-01"), "120")], None)),
        Refusal::NotListPrice
    );
    plain.ok(&technician(), quote(vec![line(None, "80")], None));
}

#[test]
fn r_b24_the_customer_signs_the_service_slip_before_it_is_settled() {
    let list = approved_list();
    let mut case = Case::property_claimed();
    case.ok(&technician(), quote(vec![line(Some("BJ-01"), "120")], Some(list)));
    case.ok(
        &desk(),
        Command::AcceptQuote {
            signer: "王秀英".into(),
        },
    );
    case.ok(
        &technician(),
        resolve_by_phone(baoxiu_domain::PhoneSolution::Other),
    );
    assert_eq!(
        case.refused(&desk(), Command::HandToFinance { amount: Fen(12000) }),
        Refusal::SignatureRequired
    );
}
