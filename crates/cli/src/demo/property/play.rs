//! How property orders unfold, story by story.

use super::{Draft, Story};
use crate::demo::org::Cast;
use crate::demo::simulate::Sim;
use baoxiu_domain::{CancelReason, Command, CommitmentKind, ContactOutcome, PartLine, Person, Priority};
use chrono::Duration;
use rand::Rng;

impl Draft<'_> {
    pub(super) fn play(&self, sim: &mut Sim, cast: &Cast) -> Option<()> {
        let site = &cast.sites[self.site];
        let lead = self.lead(cast);
        let tech = self.tech;
        let desk = sim.pick(&cast.desk);
        let fast = self.new.priority == Priority::Emergency;
        let claim = |sim: &mut Sim| {
            let gap = if fast { sim.mins(1, 3) } else { sim.mins(1, 12) };
            sim.step(tech, gap, Command::Claim)
        };
        match self.story {
            Story::Claim => {
                claim(sim)?;
                if sim.chance(0.3) {
                    contact(sim, tech, "已电话联系业主，马上上门")?;
                }
                self.go(sim, desk, fast)?;
            }
            Story::Booked => {
                claim(sim)?;
                contact(sim, tech, "已与业主电话约定上门时间")?;
                self.go_booked(sim, desk)?;
            }
            Story::Escalated => {
                // B02: nobody claimed it within five minutes; the supervisor assigns.
                let gap = sim.mins(6, 25);
                let technician = tech.to_ref();
                sim.step(&cast.supervisor, gap, Command::Assign { technician })?;
                let gap = sim.mins(2, 20);
                sim.step(tech, gap, Command::Accept)?;
                self.go_maybe_booked(sim, desk)?;
            }
            Story::Named => {
                let gap = sim.mins(5, 90);
                sim.step(tech, gap, Command::Accept)?;
                if self.book {
                    contact(sim, tech, "手上有活，已告知业主上门时间")?;
                }
                self.go_maybe_booked(sim, desk)?;
            }
            Story::Desk => {
                let gap = sim.mins(2, 15);
                let station = site.station.to_ref();
                sim.step(desk, gap, Command::Dispatch { station })?;
                let gap = sim.mins(5, 30);
                sim.step(
                    lead,
                    gap,
                    Command::Assign {
                        technician: tech.to_ref(),
                    },
                )?;
                let gap = sim.mins(1, 15);
                sim.step(tech, gap, Command::Accept)?;
                self.go_maybe_booked(sim, desk)?;
            }
            Story::Parts => return self.parts(sim, cast, desk),
            Story::Revisit => {
                claim(sim)?;
                self.go(sim, desk, fast)?;
                let gap = sim.mins(1, 8);
                sim.step(tech, gap, Command::Start)?;
                if sim.chance(0.3) {
                    // B19: a complex repair; the team lead reviews it.
                    let note = "现场判断为管道暗埋段渗漏，需技术会诊".to_string();
                    let gap = sim.mins(5, 20);
                    sim.step(tech, gap, Command::MarkComplex { note })?;
                    let plan = "次日带检测仪复查，确认渗漏点后开槽维修".to_string();
                    let gap = sim.mins(10, 50);
                    sim.step(lead, gap, Command::ReviewComplex { plan })?;
                }
                let step = sim.t + sim.mins(30, 120);
                let at = sim.appointment(step + Duration::hours(12), 1..=3);
                let reason = Some(self.revisit.to_string());
                let kind = CommitmentKind::Other;
                sim.step_at(tech, step, Command::Commit { at, kind, reason })?;
                let at = at + sim.mins(-15, 30);
                sim.arrive(tech, desk, at)?;
            }
            Story::Cancel => return self.cancel(sim, cast, desk),
            Story::Plant => {
                let gap = sim.mins(10, 90);
                let station = site.station.to_ref();
                sim.step(&cast.supervisor, gap, Command::Dispatch { station })?;
                let gap = sim.mins(5, 30);
                sim.step(
                    lead,
                    gap,
                    Command::Assign {
                        technician: tech.to_ref(),
                    },
                )?;
                let gap = sim.mins(2, 10);
                sim.step(tech, gap, Command::Accept)?;
                self.go(sim, desk, true)?;
                let work = sim.hours(1, 4);
                sim.repair(tech, desk, work, self.fix)?;
                let supervisor = std::slice::from_ref(&cast.supervisor);
                return sim.close(supervisor, &cast.supervisor);
            }
        }
        let work = sim.mins(20, 150);
        sim.repair(tech, desk, work, self.fix)?;
        sim.close(&cast.desk, desk)
    }

    /// Goes at once (B17: minor repairs within 15 minutes or so).
    fn go(&self, sim: &mut Sim, desk: &Person, fast: bool) -> Option<()> {
        let at = sim.t + if fast { sim.mins(5, 15) } else { sim.mins(10, 45) };
        sim.arrive(self.tech, desk, at)
    }

    fn go_booked(&self, sim: &mut Sim, desk: &Person) -> Option<()> {
        let at = sim.book(self.tech, CommitmentKind::CustomerRequest, None)?;
        let at = at + sim.mins(-15, 25);
        sim.arrive(self.tech, desk, at)
    }

    fn go_maybe_booked(&self, sim: &mut Sim, desk: &Person) -> Option<()> {
        if self.book {
            self.go_booked(sim, desk)
        } else {
            self.go(sim, desk, false)
        }
    }

    /// B05: material to buy; the owner is told, the technician comes back with it.
    fn parts(&self, sim: &mut Sim, cast: &Cast, desk: &Person) -> Option<()> {
        let tech = self.tech;
        let gap = sim.mins(1, 12);
        sim.step(tech, gap, Command::Claim)?;
        self.go(sim, desk, false)?;
        let gap = sim.mins(1, 8);
        sim.step(tech, gap, Command::Start)?;
        let (code, name) = self.part.unwrap_or(("CL-01", "维修材料"));
        let line = PartLine::parse(0, code, name, 1).expect("demo parts are valid");
        let note = Some(format!("需购买{name}，已告知业主，到货后上门更换"));
        let gap = sim.mins(15, 50);
        sim.step(
            tech,
            gap,
            Command::RequestParts {
                parts: vec![line],
                note,
            },
        )?;
        let at = sim.t + sim.hours(10, 72);
        let at = sim.working(at);
        let note = Some(format!("{name}已到货"));
        sim.step_at(tech, at, Command::PartsReceived { note })?;
        let reason = Some(format!("{name}已到货，与业主约定上门更换"));
        let at = sim.book(tech, CommitmentKind::Parts, reason)?;
        let at = at + sim.mins(-15, 25);
        sim.arrive(tech, desk, at)?;
        let work = sim.mins(20, 90);
        sim.repair(tech, desk, work, self.fix)?;
        sim.close(&cast.desk, desk)
    }

    /// Cancelled through an approved request (A17): a duplicate, an owner who cannot be
    /// reached, or one who will not pay for the work (B18).
    fn cancel(&self, sim: &mut Sim, cast: &Cast, desk: &Person) -> Option<()> {
        let lead = self.lead(cast);
        let tech = self.tech;
        let (requester, reason, note) = match sim.rng.random_range(0..10) {
            0..4 => (desk, CancelReason::Duplicate, "与业主此前的报修重复，保留原工单"),
            4..7 => {
                let gap = sim.mins(1, 12);
                sim.step(tech, gap, Command::Claim)?;
                for _ in 0..sim.rng.random_range(2..5) {
                    let at = sim.t + sim.hours(1, 6);
                    let at = sim.working(at);
                    let outcome = ContactOutcome::Unreachable;
                    let note = Some("业主电话无人接听".to_string());
                    sim.step_at(tech, at, Command::Contact { outcome, note })?;
                }
                let note = "多次联系业主未果，业主已出差，申请撤单";
                (lead, CancelReason::CustomerUnreachable, note)
            }
            _ => {
                let gap = sim.mins(1, 12);
                sim.step(tech, gap, Command::Claim)?;
                self.go(sim, desk, false)?;
                let note = "户内维修需收取材料费，业主不接受报价，自行处理";
                (lead, CancelReason::PlanRefused, note)
            }
        };
        let gap = sim.mins(3, 40);
        let note = note.to_string();
        sim.step(requester, gap, Command::RequestCancel { reason, note })?;
        let approver = if sim.chance(0.7) {
            &cast.approver
        } else {
            &cast.supervisor
        };
        let at = sim.t + sim.mins(20, 300);
        let at = sim.working(at);
        let note = Some("同意撤单".to_string());
        sim.step_at(approver, at, Command::ApproveCancel { note })
    }

    fn lead<'a>(&self, cast: &'a Cast) -> &'a Person {
        cast.sites[self.site]
            .lead
            .as_ref()
            .expect("projects have a team lead")
    }
}

fn contact(sim: &mut Sim, who: &Person, note: &str) -> Option<()> {
    let gap = sim.mins(2, 25);
    let outcome = ContactOutcome::Reached;
    sim.step(
        who,
        gap,
        Command::Contact {
            outcome,
            note: Some(note.to_string()),
        },
    )
}
