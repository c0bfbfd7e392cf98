//! Business calendars (X01): when an organisation works. Working hours with breaks, the
//! days of the week normally worked, public holidays and make-up working days (调休), per
//! year. Service levels measured in working time use [`Calendar::add`] (a deadline) and
//! [`Calendar::between`] (time spent); a day in a year whose holidays are not known is an
//! error, never a guess.
//!
//! Pure: no clock, no I/O. Times are UTC; the calendar's zone says where its days are.

use crate::Timestamp;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use std::collections::BTreeSet;

/// How far a deadline may lie: a bound so a calendar with no working time cannot loop.
const HORIZON_DAYS: i64 = 3 * 366;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The holidays of this year are not known: add them before working time is counted in it.
    #[error("the calendar has no holidays for {0}; add the year before counting working time in it")]
    YearMissing(i32),
    #[error("no working time within {HORIZON_DAYS} days")]
    NoWorkingTime,
}

/// One organisation's working time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    pub zone: chrono_tz::Tz,
    /// The working periods of a working day, in order, not overlapping: `09:00–12:00`,
    /// `13:30–17:30`.
    pub periods: Vec<(NaiveTime, NaiveTime)>,
    /// The days of the week normally worked, Monday first.
    pub weekdays: [bool; 7],
    /// Public holidays: dates not worked though their weekday is.
    pub holidays: BTreeSet<NaiveDate>,
    /// Make-up working days (调休): dates worked though their weekday is not.
    pub workdays: BTreeSet<NaiveDate>,
    /// The years whose holidays and make-up days are known.
    pub years: BTreeSet<i32>,
}

impl Calendar {
    /// Whether `day` is worked.
    pub fn is_working_day(&self, day: NaiveDate) -> Result<bool, CalendarError> {
        if !self.years.contains(&day.year()) {
            return Err(CalendarError::YearMissing(day.year()));
        }
        Ok(if self.workdays.contains(&day) {
            true
        } else if self.holidays.contains(&day) {
            false
        } else {
            self.weekdays[day.weekday().num_days_from_monday() as usize]
        })
    }

    fn at(&self, day: NaiveDate, time: NaiveTime) -> Timestamp {
        let local = NaiveDateTime::new(day, time);
        self.zone
            .from_local_datetime(&local)
            .earliest()
            // A time that does not exist (a spring-forward gap) is taken an hour later.
            .unwrap_or_else(|| {
                self.zone.from_utc_datetime(&(local - Duration::hours(1))) + Duration::hours(1)
            })
            .to_utc()
    }

    /// The working periods of `day`, as UTC intervals (none on a day off).
    fn periods_of(&self, day: NaiveDate) -> Result<Vec<(Timestamp, Timestamp)>, CalendarError> {
        if !self.is_working_day(day)? {
            return Ok(Vec::new());
        }
        Ok(self
            .periods
            .iter()
            .map(|(start, end)| (self.at(day, *start), self.at(day, *end)))
            .collect())
    }

    fn local_day(&self, at: Timestamp) -> NaiveDate {
        at.with_timezone(&self.zone).date_naive()
    }

    /// The moment `working` working time after `from`: a deadline. Zero is `from` itself.
    pub fn add(&self, from: Timestamp, working: Duration) -> Result<Timestamp, CalendarError> {
        if working <= Duration::zero() {
            return Ok(from);
        }
        let mut left = working;
        let first = self.local_day(from);
        for offset in 0..=HORIZON_DAYS {
            let day = first + Duration::days(offset);
            for (start, end) in self.periods_of(day)? {
                let begin = start.max(from);
                if begin >= end {
                    continue;
                }
                let available = end - begin;
                if left <= available {
                    return Ok(begin + left);
                }
                left -= available;
            }
        }
        Err(CalendarError::NoWorkingTime)
    }

    /// The working time between `from` and `to` (zero if `to` is not after `from`).
    pub fn between(&self, from: Timestamp, to: Timestamp) -> Result<Duration, CalendarError> {
        let mut total = Duration::zero();
        if to <= from {
            return Ok(total);
        }
        let (first, last) = (self.local_day(from), self.local_day(to));
        let mut day = first;
        while day <= last {
            for (start, end) in self.periods_of(day)? {
                let (begin, finish) = (start.max(from), end.min(to));
                if finish > begin {
                    total += finish - begin;
                }
            }
            day = day.succ_opt().ok_or(CalendarError::NoWorkingTime)?;
        }
        Ok(total)
    }

    /// Working time a day holds.
    pub fn day_length(&self) -> Duration {
        self.periods.iter().map(|(s, e)| *e - *s).sum()
    }
}

/// The public holidays and make-up working days of mainland China, as the State Council
/// published them, per year.
pub mod china {
    use super::*;

    /// `(year, holidays, make-up working days)` as date ranges `(first, last)` and dates.
    type Year = (
        i32,
        &'static [(&'static str, &'static str)],
        &'static [&'static str],
    );

    /// 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号) and
    /// 关于2026年部分节假日安排的通知 (国办发明电〔2025〕7号).
    pub const YEARS: &[Year] = &[
        (
            2025,
            &[
                ("2025-01-01", "2025-01-01"),
                ("2025-01-28", "2025-02-04"),
                ("2025-04-04", "2025-04-06"),
                ("2025-05-01", "2025-05-05"),
                ("2025-05-31", "2025-06-02"),
                ("2025-10-01", "2025-10-08"),
            ],
            &[
                "2025-01-26",
                "2025-02-08",
                "2025-04-27",
                "2025-09-28",
                "2025-10-11",
            ],
        ),
        (
            2026,
            &[
                ("2026-01-01", "2026-01-03"),
                ("2026-02-15", "2026-02-23"),
                ("2026-04-04", "2026-04-06"),
                ("2026-05-01", "2026-05-05"),
                ("2026-06-19", "2026-06-21"),
                ("2026-09-25", "2026-09-27"),
                ("2026-10-01", "2026-10-07"),
            ],
            &[
                "2026-01-04",
                "2026-02-14",
                "2026-02-28",
                "2026-05-09",
                "2026-09-20",
                "2026-10-10",
            ],
        ),
    ];

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("the built-in dates are valid")
    }

    /// Adds the built-in years to `calendar`.
    pub fn add_years(calendar: &mut Calendar) {
        for (year, holidays, workdays) in YEARS {
            calendar.years.insert(*year);
            for (first, last) in *holidays {
                let mut day = date(first);
                while day <= date(last) {
                    calendar.holidays.insert(day);
                    day = day.succ_opt().expect("a date after");
                }
            }
            calendar.workdays.extend(workdays.iter().map(|d| date(d)));
        }
    }

    /// A mainland office: Monday to Friday, 09:00–12:00 and 13:30–17:30 Beijing time, the
    /// State Council's holidays.
    pub fn office() -> Calendar {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("a valid time");
        let mut calendar = Calendar {
            zone: chrono_tz::Asia::Shanghai,
            periods: vec![(t(9, 0), t(12, 0)), (t(13, 30), t(17, 30))],
            weekdays: [true, true, true, true, true, false, false],
            holidays: BTreeSet::new(),
            workdays: BTreeSet::new(),
            years: BTreeSet::new(),
        };
        add_years(&mut calendar);
        calendar
    }
}
