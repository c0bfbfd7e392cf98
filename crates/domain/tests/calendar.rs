//! X01: working-time arithmetic on a business calendar, across breaks, weekends, public
//! holidays and make-up working days, around the 2026 National Day holiday.

use baoxiu_domain::calendar::china;
use baoxiu_domain::{Calendar, CalendarError, Timestamp};
use chrono::{Duration, NaiveDate, TimeZone};
use proptest::prelude::*;

fn beijing(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> Timestamp {
    chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(y, mo, d, h, mi, 0)
        .unwrap()
        .to_utc()
}

fn office() -> Calendar {
    china::office()
}

#[test]
fn r_x01_working_time_skips_the_lunch_break() {
    let monday = beijing(2026, 11, 2, 9, 0);
    assert_eq!(
        office().add(monday, Duration::minutes(210)),
        Ok(beijing(2026, 11, 2, 14, 0))
    );
    assert_eq!(
        office().between(monday, beijing(2026, 11, 2, 14, 0)),
        Ok(Duration::minutes(210))
    );
    // Started during the break, the clock waits for the afternoon.
    assert_eq!(
        office().add(beijing(2026, 11, 2, 12, 30), Duration::minutes(30)),
        Ok(beijing(2026, 11, 2, 14, 0))
    );
}

#[test]
fn r_x01_working_time_skips_the_weekend() {
    let friday = beijing(2026, 11, 6, 17, 0);
    assert_eq!(
        office().add(friday, Duration::hours(1)),
        Ok(beijing(2026, 11, 9, 9, 30))
    );
    assert_eq!(
        office().between(friday, beijing(2026, 11, 9, 9, 30)),
        Ok(Duration::hours(1))
    );
}

#[test]
fn r_x01_the_2026_national_day_holiday_is_not_worked() {
    // Half an hour left on 30 September, then 1–7 October off; 8 October is worked.
    let before = beijing(2026, 9, 30, 17, 0);
    assert_eq!(
        office().add(before, Duration::hours(4)),
        Ok(beijing(2026, 10, 8, 14, 0))
    );
    assert_eq!(
        office().between(before, beijing(2026, 10, 8, 9, 0)),
        Ok(Duration::minutes(30))
    );
    for day in 1..=7 {
        assert_eq!(
            office().is_working_day(chrono::NaiveDate::from_ymd_opt(2026, 10, day).unwrap()),
            Ok(false)
        );
    }
}

#[test]
fn r_x01_a_saturday_make_up_day_is_worked() {
    // 10 October 2026 is a Saturday worked for the National Day holiday (调休).
    let friday = beijing(2026, 10, 9, 17, 0);
    assert_eq!(
        office().add(friday, Duration::hours(1)),
        Ok(beijing(2026, 10, 10, 9, 30))
    );
    // An ordinary Saturday is not.
    assert_eq!(
        office().add(beijing(2026, 10, 16, 17, 0), Duration::hours(1)),
        Ok(beijing(2026, 10, 19, 9, 30))
    );
}

#[test]
fn r_x01_a_year_with_no_holidays_known_is_said_to_be_missing() {
    assert_eq!(
        office().add(beijing(2027, 1, 4, 9, 0), Duration::hours(1)),
        Err(CalendarError::YearMissing(2027))
    );
    assert_eq!(
        office().add(beijing(2026, 12, 31, 17, 0), Duration::hours(1)),
        Err(CalendarError::YearMissing(2027)),
        "a deadline that runs into the unknown year is not guessed"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Adding working time and then measuring it gives it back; the deadline is never
    /// earlier than the start, and never moves back when more time is added.
    #[test]
    fn r_x01_adding_then_measuring_gives_the_duration_back(
        start_minutes in 0i64..(365 * 24 * 60),
        minutes in 0i64..(120 * 60),
        more in 0i64..600,
    ) {
        let calendar = office();
        let from = beijing(2025, 6, 1, 0, 0) + Duration::minutes(start_minutes);
        let d = Duration::minutes(minutes);
        let deadline = calendar.add(from, d).unwrap();
        prop_assert!(deadline >= from);
        prop_assert_eq!(calendar.between(from, deadline).unwrap(), d);
        let later = calendar.add(from, d + Duration::minutes(more)).unwrap();
        prop_assert!(later >= deadline);
    }
}

#[test]
fn r_x01_a_year_is_added_from_a_file_and_a_bad_file_names_its_field() {
    use baoxiu_domain::calendar::YearFile;
    let mut calendar = china::office();
    let new_year = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    assert_eq!(
        calendar.is_working_day(new_year),
        Err(CalendarError::YearMissing(2027)),
        "a year with no data is missing, never guessed"
    );
    let year = YearFile::parse("year = 2027\nholidays = [[\"2027-01-01\", \"2027-01-03\"]]\nworkdays = []\n")
        .unwrap();
    calendar.add_year(&year);
    assert_eq!(calendar.is_working_day(new_year), Ok(false));
    assert_eq!(
        calendar.is_working_day(NaiveDate::from_ymd_opt(2027, 1, 4).unwrap()),
        Ok(true)
    );
    let wrong_year =
        YearFile::parse("year = 2027\nholidays = [[\"2025-05-01\", \"2025-05-05\"]]\nworkdays = []\n");
    assert_eq!(wrong_year.unwrap_err().field, "holidays");
    let typo = YearFile::parse("year = 2027\nholiday = []\nworkdays = []\n");
    assert_eq!(typo.unwrap_err().field, "holiday");
}

#[test]
fn r_x01_an_organisation_sets_its_working_week_and_a_bad_file_names_its_field() {
    use baoxiu_domain::calendar::Week;
    // A service centre open 09:00–17:30 without a break, Monday to Saturday (B16).
    let week = Week::parse("periods = [[\"09:00\", \"17:30\"]]\nweekdays = [1, 2, 3, 4, 5, 6]\n").unwrap();
    let mut calendar = china::office();
    calendar.set_week(&week);
    // Saturday 2026-11-07 09:00: four working hours end at 13:00.
    let saturday = chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(2026, 11, 7, 9, 0, 0)
        .unwrap()
        .to_utc();
    let due = calendar.add(saturday, Duration::hours(4)).unwrap();
    assert_eq!(due, saturday + Duration::hours(4));
    assert_eq!(calendar.day_length(), Duration::minutes(510));
    let overlap = Week::parse("periods = [[\"09:00\", \"12:00\"], [\"11:00\", \"17:00\"]]\nweekdays = [1]\n");
    assert_eq!(overlap.unwrap_err().field, "periods");
    let no_days = Week::parse("periods = [[\"09:00\", \"12:00\"]]\nweekdays = [0]\n");
    assert_eq!(no_days.unwrap_err().field, "weekdays");
    let typo = Week::parse("period = []\nweekdays = [1]\n");
    assert_eq!(typo.unwrap_err().field, "period");
}

/// A working period that starts in a spring-forward gap begins when the gap ends.
#[test]
fn r_x01_a_period_in_a_daylight_saving_gap_starts_after_the_gap() {
    let mut calendar = china::office();
    calendar.zone = chrono_tz::America::New_York;
    calendar.periods = vec![(
        chrono::NaiveTime::from_hms_opt(2, 30, 0).unwrap(),
        chrono::NaiveTime::from_hms_opt(4, 0, 0).unwrap(),
    )];
    calendar.weekdays = [true; 7];
    // 2026-03-08: clocks go from 02:00 to 03:00; the period runs 03:00–04:00 EDT.
    let saturday = chrono_tz::America::New_York
        .with_ymd_and_hms(2026, 3, 7, 12, 0, 0)
        .unwrap()
        .to_utc();
    let due = calendar.add(saturday, Duration::minutes(30)).unwrap();
    let expected = chrono_tz::America::New_York
        .with_ymd_and_hms(2026, 3, 8, 3, 30, 0)
        .unwrap()
        .to_utc();
    assert_eq!(due, expected);
}
