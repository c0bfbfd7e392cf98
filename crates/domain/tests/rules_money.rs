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
    case.ok(&technician(), Command::Quote { lines: lines() });
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
    case.ok(&technician(), Command::Quote { lines: lines() });
    case.ok(
        &desk(),
        Command::AcceptQuote {
            signer: "王秀英".into(),
        },
    );
    let mut more = lines();
    more.truncate(1);
    case.ok(&technician(), Command::Quote { lines: more });
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
        hotel.refused(&desk(), Command::Quote { lines: lines() }),
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
