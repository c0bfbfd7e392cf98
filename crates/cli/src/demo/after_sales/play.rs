//! How after-sales orders unfold, story by story.

use super::{Draft, Story};
use crate::demo::org::Cast;
use crate::demo::simulate::Sim;
use crate::demo::words_after_sales as aw;
use baoxiu_domain::{CancelReason, Command, CommitmentKind, ContactOutcome, PartLine, Person, Timestamp};
use chrono::Duration;
use rand::Rng;

impl Draft<'_> {
    pub(super) fn play(&self, sim: &mut Sim, cast: &Cast) -> Option<()> {
        let site = &cast.sites[self.site];
        let coordinator = site.coordinator.as_ref().expect("stations have a coordinator");
        let tech = self.tech;
        let desk = sim.pick(&cast.desk);
        self.take(sim, cast, desk)?;
        if sim.chance(0.04) {
            // A18: a special customer; the desk urges it, the station tells the region.
            let gap = sim.mins(1, 5);
            let note = "用户为重点客户单位，要求优先上门".to_string();
            sim.step(desk, gap, Command::Urge { note })?;
            if sim.chance(0.8) {
                let gap = sim.mins(20, 200);
                let note = "已电话报告大区，安排站长跟进".to_string();
                sim.step(coordinator, gap, Command::ReportToRegion { note })?;
            }
        }
        use CommitmentKind::{CustomerRequest, Parts};
        use ContactOutcome::{Reached, Unreachable};
        match self.story {
            Story::Standard => {
                if sim.chance(0.4) {
                    contact(sim, tech, Reached, "已联系用户，约定上门时间")?;
                }
                let at = sim.book(coordinator, CustomerRequest, None)?;
                self.visit(sim, desk, at)?;
            }
            Story::PhoneFix => {
                let who = if sim.chance(0.5) { tech } else { coordinator };
                contact(sim, who, Reached, "电话指导用户排查故障")?;
                let (solution, how) = self.fault.phone.expect("phone faults say how");
                let gap = sim.mins(5, 40);
                let note = Some(how.to_string());
                sim.step(who, gap, Command::ResolveByPhone { solution, note })?;
            }
            Story::PartsFirst => {
                let note = format!("电话诊断为{}故障，需申请备件", self.fault.part.1);
                contact(sim, tech, Reached, &note)?;
                self.request_parts(sim, "经电话诊断")?;
                let reason = Some("按备件预计到货时间与用户约定上门".to_string());
                let mut at = sim.book(coordinator, Parts, reason)?;
                if sim.chance(0.35) {
                    // A11: the parts are late; T32 names the parts order and the part.
                    let step = at - sim.hours(4, 20);
                    let later = sim.appointment(at + Duration::hours(20), 1..=3);
                    let reason = Some(self.late_reason());
                    let commit = Command::Commit {
                        at: later,
                        kind: Parts,
                        reason,
                    };
                    sim.step_at(coordinator, step, commit)?;
                    at = later;
                }
                self.parts_arrive(sim, coordinator, at)?;
                self.visit(sim, desk, at)?;
            }
            Story::PartsRevisit => {
                contact(sim, tech, Reached, "已联系用户，约定上门检测")?;
                let at = sim.book(coordinator, CustomerRequest, None)?;
                self.arrive(sim, desk, at)?;
                let gap = sim.mins(1, 8);
                sim.step(tech, gap, Command::Start)?;
                self.request_parts(sim, "上门检测")?;
                let step = sim.t + sim.hours(20, 60);
                let step = sim.working(step);
                let at = sim.appointment(step + Duration::hours(12), 1..=3);
                let reason = Some(self.late_reason());
                sim.step_at(
                    coordinator,
                    step,
                    Command::Commit {
                        at,
                        kind: Parts,
                        reason,
                    },
                )?;
                self.parts_arrive(sim, coordinator, at)?;
                self.arrive(sim, desk, at)?;
                let gap = sim.mins(1, 8);
                sim.step(tech, gap, Command::Start)?;
                let at = self.revisit(sim)?;
                self.visit(sim, desk, at)?;
            }
            Story::Revisit => {
                let at = sim.book(coordinator, CustomerRequest, None)?;
                self.arrive(sim, desk, at)?;
                let gap = sim.mins(1, 8);
                sim.step(tech, gap, Command::Start)?;
                let at = self.revisit(sim)?;
                self.visit(sim, desk, at)?;
            }
            Story::Unreachable => {
                for i in 1..=sim.rng.random_range(3..=6) {
                    let note = format!("第{i}次致电用户，无人接听");
                    self.contact_later(sim, coordinator, Unreachable, &note)?;
                }
                // A05: cancellation waits until five working days of attempts have passed.
                if let Some(open) = sim.due_of("a05_unreachable", 2) {
                    sim.wait_until(open);
                }
                let note = "连续5个工作日无法联系用户，申请撤单";
                return self.cancel(sim, cast, CancelReason::CustomerUnreachable, note);
            }
            Story::WrongNumber => {
                contact(
                    sim,
                    coordinator,
                    ContactOutcome::WrongNumber,
                    "用户所留电话为空号",
                )?;
                let note = "用户电话错误无法联系，经大区通知总部";
                return self.cancel(sim, cast, CancelReason::WrongNumber, note);
            }
            Story::PlanRefused => {
                let at = sim.book(coordinator, CustomerRequest, None)?;
                self.arrive(sim, desk, at)?;
                let part = self.fault.part.1;
                // A12: the special-situation report, approved by the region, before the
                // cancellation.
                let why = format!("设备已过保，用户不接受更换{part}的报价");
                let kind = baoxiu_domain::ApprovalKind::SpecialSituation;
                let chain = baoxiu_domain::Template::AfterSales
                    .spec()
                    .chain(kind)
                    .map(<[_]>::to_vec)
                    .unwrap_or_default();
                let gap = sim.mins(10, 60);
                sim.step(
                    coordinator,
                    gap,
                    Command::RequestApproval {
                        kind,
                        note: why.clone(),
                        chain,
                    },
                )?;
                let at = sim.t + sim.hours(1, 20);
                let at = sim.working(at);
                let note = Some("特殊情况属实".to_string());
                sim.step_at(&cast.regions[site.region], at, Command::Approve { note })?;
                let note = format!("{why}，特殊情况报告已获大区批准");
                return self.cancel(sim, cast, CancelReason::PlanRefused, &note);
            }
            Story::Rejected => {
                for note in ["致电用户无人接听", "再次致电用户，仍无人接听"] {
                    self.contact_later(sim, coordinator, Unreachable, note)?;
                }
                let gap = sim.mins(10, 60);
                let reason = CancelReason::WrongNumber;
                let note = "多次致电无人接听，疑似号码错误，申请撤单".to_string();
                sim.step(coordinator, gap, Command::RequestCancel { reason, note })?;
                let officer = &cast.regions[site.region];
                let at = sim.t + sim.hours(1, 8);
                let at = sim.working(at);
                let note = "经大区核实号码无误，请按规范继续联系用户".to_string();
                sim.step_at(officer, at, Command::RejectCancel { note })?;
                let note = "用户出差刚回，已约定上门时间";
                self.contact_later(sim, coordinator, Reached, note)?;
                let at = sim.book(coordinator, CustomerRequest, None)?;
                self.visit(sim, desk, at)?;
            }
        }
        sim.close(&cast.desk, desk)
    }

    /// A01, A02: dispatched to the head station, handed to the sub-site, accepted by the
    /// coordinator, who assigns an engineer.
    fn take(&self, sim: &mut Sim, cast: &Cast, desk: &Person) -> Option<()> {
        let site = &cast.sites[self.site];
        if !self.dispatched {
            let gap = sim.mins(5, 60);
            let station = self.head_station.clone();
            sim.step(desk, gap, Command::Dispatch { station })?;
        }
        if self.site != self.head {
            let head = cast.sites[self.head].coordinator.as_ref();
            let head = head.expect("stations have a coordinator");
            let gap = sim.mins(10, 90);
            let sub_site = site.station.to_ref();
            sim.step(head, gap, Command::HandOver { sub_site })?;
        }
        let coordinator = site.coordinator.as_ref().expect("stations have a coordinator");
        let gap = sim.mins(10, 120);
        sim.step(coordinator, gap, Command::Accept)?;
        let gap = sim.mins(5, 60);
        let technician = self.tech.to_ref();
        sim.step(coordinator, gap, Command::Assign { technician })
    }

    fn arrive(&self, sim: &mut Sim, desk: &Person, at: Timestamp) -> Option<()> {
        let at = at + sim.mins(-20, 30);
        sim.arrive(self.tech, desk, at)
    }

    fn visit(&self, sim: &mut Sim, desk: &Person, at: Timestamp) -> Option<()> {
        self.arrive(sim, desk, at)?;
        let work = sim.mins(30, 180);
        sim.repair(self.tech, desk, work, self.fault.fix)
    }

    /// A13: not fixed in one visit; the next visit is committed.
    fn revisit(&self, sim: &mut Sim) -> Option<Timestamp> {
        let step = sim.t + sim.mins(40, 120);
        let at = sim.appointment(step + Duration::hours(12), 1..=3);
        let reason = Some(sim.pick(aw::REVISITS).to_string());
        let kind = CommitmentKind::Other;
        sim.step_at(self.tech, step, Command::Commit { at, kind, reason })?;
        Some(at)
    }

    fn part_code(&self) -> String {
        format!("{}-{}-{:04}", self.fault.part.0, self.product.code, self.part_no)
    }

    /// A09: parts requested from the service-support department.
    fn request_parts(&self, sim: &mut Sim, how: &str) -> Option<()> {
        let name = self.fault.part.1;
        let line = PartLine::parse(0, &self.part_code(), name, 1).expect("demo parts are valid");
        let order = self.parts_order;
        let note = format!("{how}为{name}故障，已向服务支持部申请备件，备件单号 SO{order}");
        let gap = sim.mins(10, 45);
        let command = Command::RequestParts {
            parts: vec![line],
            note: Some(note),
        };
        sim.step(self.tech, gap, command)
    }

    /// A11: the reason names the parts order and the part code.
    fn late_reason(&self) -> String {
        format!(
            "备件单 SO{} 中 {} {} 到货延迟，与用户重新约定上门时间",
            self.parts_order,
            self.part_code(),
            self.fault.part.1
        )
    }

    fn parts_arrive(&self, sim: &mut Sim, coordinator: &Person, visit: Timestamp) -> Option<()> {
        let at = visit - sim.hours(4, 30);
        let at = sim.working(at);
        let note = Some("备件已到站".to_string());
        sim.step_at(coordinator, at, Command::PartsReceived { note })
    }

    fn contact_later(&self, sim: &mut Sim, who: &Person, outcome: ContactOutcome, note: &str) -> Option<()> {
        let mut at = sim.t + sim.hours(2, 20);
        if outcome == ContactOutcome::Unreachable {
            // A05: "unreachable" is recorded only 3.5 hours after the report.
            at = at.max(sim.reported() + Duration::minutes(215));
        }
        let at = sim.working(at);
        sim.step_at(
            who,
            at,
            Command::Contact {
                outcome,
                note: Some(note.to_string()),
            },
        )
    }

    /// A17: the coordinator asks, the region officer approves.
    fn cancel(&self, sim: &mut Sim, cast: &Cast, reason: CancelReason, note: &str) -> Option<()> {
        let site = &cast.sites[self.site];
        let coordinator = site.coordinator.as_ref().expect("stations have a coordinator");
        let gap = sim.mins(10, 90);
        let note = note.to_string();
        sim.step(coordinator, gap, Command::RequestCancel { reason, note })?;
        let region = &cast.regions[site.region];
        let approver = region;
        let at = sim.t + sim.hours(1, 20);
        let at = sim.working(at);
        let note = Some("经大区核实，同意撤单".to_string());
        sim.step_at(approver, at, Command::ApproveCancel { note })
    }
}

fn contact(sim: &mut Sim, who: &Person, outcome: ContactOutcome, note: &str) -> Option<()> {
    let gap = sim.mins(5, 60);
    sim.step(
        who,
        gap,
        Command::Contact {
            outcome,
            note: Some(note.to_string()),
        },
    )
}
