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
            .map(|t| t.to_utc())
            // A time that does not exist (a spring-forward gap) is taken as the first
            // moment after the gap.
            .unwrap_or_else(|| {
                (1..=8)
                    .find_map(|quarter| {
                        self.zone
                            .from_local_datetime(&(local + Duration::minutes(15 * quarter)))
                            .earliest()
                    })
                    .map_or_else(|| self.zone.from_utc_datetime(&local).to_utc(), |t| t.to_utc())
            })
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

/// One year of a calendar as a file gives it: its public holidays (first and last day of
/// each) and its make-up working days (调休). The State Council publishes mainland China's
/// each autumn for the next year; an admin adds it as such a file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearFile {
    pub year: i32,
    pub holidays: Vec<(NaiveDate, NaiveDate)>,
    pub workdays: Vec<NaiveDate>,
}

impl YearFile {
    /// Reads and checks a year's file: every date in its year, each holiday's last day not
    /// before its first. The error names the field.
    pub fn parse(text: &str) -> Result<YearFile, crate::FieldError> {
        let file: YearFile = toml::from_str(text).map_err(|e| {
            let message = e.message().to_string();
            let field = message
                .split('`')
                .nth(1)
                .filter(|_| message.contains("field"))
                .unwrap_or("file");
            crate::FieldError::new(field, &message)
        })?;
        if !(2000..=2200).contains(&file.year) {
            return Err(crate::FieldError::new("year", "must be a year such as 2027"));
        }
        for (first, last) in &file.holidays {
            // A holiday may begin in the last days of the year before (the New Year of 2024
            // began on 2023-12-30): the State Council publishes it with the new year.
            for day in [first, last] {
                if day.year() != file.year && day.year() != file.year - 1 {
                    return Err(crate::FieldError::new(
                        "holidays",
                        format!("{day} is not in {}", file.year),
                    ));
                }
            }
            if last < first {
                return Err(crate::FieldError::new(
                    "holidays",
                    format!("{last} is before {first}"),
                ));
            }
        }
        if let Some(day) = file.workdays.iter().find(|d| d.year() != file.year) {
            return Err(crate::FieldError::new(
                "workdays",
                format!("{day} is not in {}", file.year),
            ));
        }
        Ok(file)
    }
}

/// An organisation's working week as a file gives it: the working periods of a working day
/// (breaks between them) and the days of the week normally worked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeekFile {
    /// `[["09:00", "12:00"], ["13:30", "17:30"]]`.
    pub periods: Vec<(String, String)>,
    /// 1 = Monday … 7 = Sunday.
    pub weekdays: Vec<u8>,
}

/// A checked working week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Week {
    pub periods: Vec<(NaiveTime, NaiveTime)>,
    pub weekdays: [bool; 7],
}

impl Week {
    /// Reads and checks a working week: periods in order, each ending after it starts, not
    /// overlapping; at least one weekday, each 1 to 7. The error names the field.
    pub fn parse(text: &str) -> Result<Week, crate::FieldError> {
        let file: WeekFile = toml::from_str(text).map_err(|e| {
            let message = e.message().to_string();
            let field = message
                .split('`')
                .nth(1)
                .filter(|_| message.contains("field"))
                .unwrap_or("file")
                .to_string();
            crate::FieldError::new(field, message)
        })?;
        let time = |s: &str| {
            NaiveTime::parse_from_str(s, "%H:%M")
                .map_err(|_| crate::FieldError::new("periods", format!("`{s}` is not a time such as 09:00")))
        };
        let mut periods = Vec::new();
        for (start, end) in &file.periods {
            let (start, end) = (time(start)?, time(end)?);
            if end <= start {
                return Err(crate::FieldError::new(
                    "periods",
                    format!("{} is not after {}", end.format("%H:%M"), start.format("%H:%M")),
                ));
            }
            if periods.last().is_some_and(|(_, last_end)| start < *last_end) {
                return Err(crate::FieldError::new(
                    "periods",
                    "periods come in order and do not overlap",
                ));
            }
            periods.push((start, end));
        }
        if periods.is_empty() {
            return Err(crate::FieldError::new(
                "periods",
                "a working day has at least one period",
            ));
        }
        let mut weekdays = [false; 7];
        for day in &file.weekdays {
            match day {
                1..=7 => weekdays[usize::from(*day) - 1] = true,
                _ => {
                    return Err(crate::FieldError::new(
                        "weekdays",
                        "days are 1 (Monday) to 7 (Sunday)",
                    ));
                }
            }
        }
        if !weekdays.contains(&true) {
            return Err(crate::FieldError::new(
                "weekdays",
                "at least one day of the week is worked",
            ));
        }
        Ok(Week { periods, weekdays })
    }
}

impl Calendar {
    /// Works this week from now on: its periods and its weekdays.
    pub fn set_week(&mut self, week: &Week) {
        self.periods = week.periods.clone();
        self.weekdays = week.weekdays;
    }

    /// Adds (or replaces) a year's holidays and make-up working days.
    pub fn add_year(&mut self, year: &YearFile) {
        self.holidays.retain(|d| d.year() != year.year);
        self.workdays.retain(|d| d.year() != year.year);
        self.years.insert(year.year);
        for (first, last) in &year.holidays {
            let mut day = *first;
            while day <= *last {
                self.holidays.insert(day);
                day = day.succ_opt().expect("a date after");
            }
        }
        self.workdays.extend(year.workdays.iter().copied());
    }
}

/// The public holidays and make-up working days of mainland China, as the State Council
/// published them: the files under `calendars/`, embedded.
pub mod china {
    use super::*;

    /// The shipped years' files.
    pub const FILES: &[(&str, &str)] = &[
        (
            "calendars/cn-2025.toml",
            include_str!("../../../calendars/cn-2025.toml"),
        ),
        (
            "calendars/cn-2026.toml",
            include_str!("../../../calendars/cn-2026.toml"),
        ),
    ];

    /// Adds the shipped years to `calendar`.
    pub fn add_years(calendar: &mut Calendar) {
        for (file, text) in FILES {
            let year = YearFile::parse(text)
                .unwrap_or_else(|e| panic!("the shipped calendar {file} is broken: {e}"));
            calendar.add_year(&year);
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
