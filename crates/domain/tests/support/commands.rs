//! Commands as the tests issue them.

use super::*;

// ---------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------

pub fn signature() -> Signature {
    Signature::parse("王秀英", "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAE=").unwrap()
}

pub fn dispatch(station: StationRef) -> Command {
    Command::Dispatch { station }
}

pub fn hand_over(sub_site: StationRef) -> Command {
    Command::HandOver { sub_site }
}

pub fn assign(technician: PersonRef) -> Command {
    Command::Assign { technician }
}

pub fn contact(outcome: ContactOutcome) -> Command {
    Command::Contact { outcome, note: None }
}

/// T31 at the time the customer asked for; every T3 write carries a type and a reason (A04).
pub fn commit(at: Timestamp) -> Command {
    Command::Commit {
        at,
        kind: CommitmentKind::CustomerRequest,
        reason: Some("按客户要求约定上门时间".to_string()),
    }
}

/// T32, T33: a recommitment names its reason (A11).
pub fn recommit(at: Timestamp, kind: CommitmentKind, reason: &str) -> Command {
    Command::Commit {
        at,
        kind,
        reason: Some(reason.to_string()),
    }
}

pub fn parts() -> Vec<PartLine> {
    vec![PartLine::parse(0, "P-KFR35-0101", "室外风机电容", 1).unwrap()]
}

pub fn request_parts() -> Command {
    Command::RequestParts {
        parts: parts(),
        note: Some("向服务支持部申请备件".to_string()),
    }
}

pub fn parts_received() -> Command {
    Command::PartsReceived { note: None }
}

pub fn arrive(code: VerificationCode) -> Command {
    Command::Arrive {
        code: Some(code),
        desk_note: None,
        escort: None,
    }
}

pub fn arrive_without_code() -> Command {
    Command::Arrive {
        code: None,
        desk_note: None,
        escort: None,
    }
}

pub fn arrive_verified_by_desk(note: &str) -> Command {
    Command::Arrive {
        code: None,
        desk_note: Some(note.to_string()),
        escort: None,
    }
}

pub fn resolve_signed() -> Command {
    Command::Resolve {
        signature: Some(signature()),
        summary: "更换风机电容，试机正常，旧件已返还".to_string(),
        report: None,
    }
}

pub fn resolve_unsigned() -> Command {
    Command::Resolve {
        signature: None,
        summary: "更换风机电容，试机正常".to_string(),
        report: None,
    }
}

pub fn resolve_by_phone(solution: PhoneSolution) -> Command {
    Command::ResolveByPhone {
        solution,
        note: Some("指导客户重置遥控器，恢复正常".to_string()),
    }
}

pub fn callback_reached(satisfaction: u8) -> Command {
    Command::Callback {
        reached: true,
        satisfaction: Some(Satisfaction::new(satisfaction).unwrap()),
        note: None,
        // E08: what the utility asks besides satisfaction (others keep it if given).
        answers: Some(baoxiu_domain::CallbackAnswers {
            quality: Satisfaction::new(satisfaction).unwrap(),
            attitude: Satisfaction::new(satisfaction).unwrap(),
            restoration: Satisfaction::new(satisfaction).unwrap(),
        }),
    }
}

pub fn callback_unreached(note: Option<&str>) -> Command {
    Command::Callback {
        reached: false,
        satisfaction: None,
        note: note.map(str::to_string),
        answers: None,
    }
}

pub fn request_cancel(reason: CancelReason) -> Command {
    Command::RequestCancel {
        reason,
        note: "五个工作日内每日多次联系均无人接听".to_string(),
    }
}

pub fn approve_cancel() -> Command {
    Command::ApproveCancel {
        note: Some("大区核实后同意撤单".to_string()),
    }
}

pub fn reject_cancel() -> Command {
    Command::RejectCancel {
        note: "请继续联系客户".to_string(),
    }
}
