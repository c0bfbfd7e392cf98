//! Why a command was refused. Every refusal is typed so that callers (and tests) can tell
//! them apart; the HTTP layer maps each to a status code in one place.

use crate::command::CommandName;
use crate::role::Role;
use crate::state::State;
use crate::template::Template;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("a {} may not {}", .role.as_str(), .command.as_str())]
    NotPermitted { role: Role, command: CommandName },
    #[error("a {} may not create work orders", .role.as_str())]
    NotPermittedToCreate { role: Role },
    /// The template has no such step (A18's urging is after-sales', B19's review property's).
    #[error("this template has no `{}` step", .command.as_str())]
    NotInTemplate { command: CommandName },
    /// The service levels are the staff's (a customer follows their order, not its clocks).
    #[error("a {} does not see the organisation's service levels", .role.as_str())]
    NotStaff { role: Role },
    /// The organisation's settings (people, deliveries, calendar) are its admins'.
    #[error("a {} may not change the organisation's settings; an admin may", .role.as_str())]
    NotAdmin { role: Role },
    #[error("cannot {} an order that is {} ({})", .command.as_str(), .state.as_str(), .state.label_zh())]
    InvalidState { state: State, command: CommandName },
    /// B02: someone else's claim won.
    #[error("the order was already claimed")]
    AlreadyClaimed,
    #[error("only the assigned technician may do this")]
    NotAssignee,
    #[error("the order belongs to another station")]
    OtherStation,
    /// A01: the desk dispatches to head stations only.
    #[error("dispatch to the head station; it hands the order to its sub-site")]
    SubSiteDispatch,
    /// A01: an after-sales order goes to a station before anyone assigns a technician.
    #[error("dispatch the order to a station first")]
    NotDispatched,
    /// A01: a head station hands over only to its own sub-sites.
    #[error("that station is not a sub-site of the order's station")]
    NotASubSite,
    #[error("{0} is not a technician")]
    NotATechnician(String),
    /// A04.
    #[error("the service time (T3) has already been written three times")]
    CommitmentLimit,
    /// A recommitment (T32, T33) names its reason (A11); an unreached callback says why (E08).
    #[error("{field} is required here")]
    Missing { field: &'static str },
    #[error("the committed time is before the present")]
    CommitmentInPast,
    /// B01.
    #[error("the customer's verification code is required")]
    CodeRequired,
    /// B01: `remaining` attempts left before arrival by code is locked.
    #[error("wrong verification code; {remaining} attempts left")]
    WrongCode { remaining: u8 },
    /// B01/B03: too many wrong codes; the desk must verify by phone.
    #[error("too many wrong codes: the desk must verify the arrival by phone")]
    CodeLocked,
    /// B03: the desk records how it verified.
    #[error("a desk verification needs a note saying how the customer confirmed")]
    DeskNoteRequired,
    /// A14.
    #[error("resolving needs the customer's signature")]
    SignatureRequired,
    /// A07.
    #[error("an order solved by phone can never be cancelled")]
    SolvedByPhone,
    #[error("a cancellation request is pending")]
    CancellationPending,
    #[error("no cancellation request is pending")]
    NoCancellationPending,
    #[error("the requester may not approve their own cancellation request")]
    SelfApproval,
    /// The organisation does not offer this template.
    #[error("this organisation does not offer that template; it offers: {}", Template::names(.offered))]
    TemplateNotOffered { offered: Vec<Template> },
    /// A16: a station's own order is a carry-in order.
    #[error("an order a station records itself is a carry-in (送修) order")]
    StationOrderIsCarryIn,
    /// A14 (amended): public-area jobs are signed off by customer service after re-inspection.
    #[error("a public-area job is signed off by customer service after re-inspection")]
    ReinspectionSignOff,
    /// X10: only a station's coordinator or team lead records a step for its technician.
    #[error("only the station's coordinator or team lead may record a step for the order's technician")]
    NotRecorder,
    /// A customer acts only on the orders they reported.
    #[error("only the person who reported the order may do this")]
    NotReporter,
    #[error("the order has no such file")]
    NoSuchAttachment,
    /// A05 (amended): unreachable may be recorded only some hours after T1.
    #[error("a customer can be recorded as unreachable only {minutes} minutes after the report")]
    UnreachableTooEarly { minutes: u32 },
    /// A05: cancelling for an unreachable customer waits for five working days of attempts.
    #[error("an unreachable customer's order may be cancelled only after five working days of attempts")]
    NotYetCancellable,
    /// E01–E04: a crew is sent only once the account is paid and the fault needs one.
    #[error("check the account and find the fault before dispatching")]
    IntakeIncomplete,
    /// E01 before E02.
    #[error("check the customer's account first")]
    AccountFirst,
    /// A step recorded once per order.
    #[error("`{}` has already been recorded on this order", .command.as_str())]
    AlreadyRecorded { command: CommandName },
    /// E07: power comes back between the report and now.
    #[error("the restoration time must be between the report and now")]
    RestorationOutOfRange,
    /// E05: the duty lead has not sent anyone yet.
    #[error("the crew's duty lead has not dispatched anyone yet")]
    CrewNotDispatched,
    /// D01: a slip is valid only with a supervisor's (or higher) signature.
    #[error("the slip must be signed by a supervisor or above")]
    SlipUnsigned,
    /// D01: the signer is below supervisor level.
    #[error("a slip is signed by a supervisor or above")]
    SlipSigner,
    /// D02: phone reports come from a named foreman or above (alarms excepted).
    #[error("phone reports are taken only from a named foreman or above; ask for the slip")]
    CallerNotQualified,
    /// Only a template that takes slips takes one.
    #[error("this kind of order takes no slip")]
    NoSlips,
    /// D07: the duty foreman dispatches on the supervisor's instruction.
    #[error("the duty foreman dispatches on the engineering supervisor's instruction")]
    AwaitingInstruction,
    /// The template has no approval of this kind.
    #[error("this kind of order has no such approval")]
    NoSuchApproval,
    /// One approval at a time; work that needs it waits for it.
    #[error("an approval is pending")]
    ApprovalPending,
    #[error("no approval is pending")]
    NoApprovalPending,
    /// It is another role's turn in the chain.
    #[error("the next decision in this approval is a {}'s", .role.as_str())]
    NotNextApprover { role: Role },
    /// B13: an order whose approval was refused is not taken.
    #[error("this order's approval was refused")]
    NotApproved,
    /// C05: outsourcing waits for its approval.
    #[error("outsourcing needs its approval first")]
    OutsourcingNotApproved,
    /// B22: only the firm the order was given to works on it.
    #[error("this order was not given to your firm")]
    NotYourFirm,
    /// B22: penalties are recorded on an outsourced order.
    #[error("this order was not given to an outside firm")]
    NotOutsourced,
    /// B18: paid work starts once the customer accepted the charges.
    #[error("the customer has not accepted the charges yet")]
    ChargesNotAccepted,
    /// B18: finance receives exactly the accepted total.
    #[error("the amount must be exactly the accepted total, {total} yuan")]
    AmountMismatch { total: crate::money::Fen },
    /// B18: nothing quoted, or already accepted or handed over.
    #[error("no charges wait for this step")]
    NoCharges,
    /// A12: cancelling for a refused plan waits for the approved special-situation report.
    #[error("file the special-situation report to the region first; cancellation follows its approval")]
    ReportFirst,
    /// Parts: no request, received part or fitted part waits for this step.
    #[error("no parts wait for this step")]
    NoPartsHere,
    /// C04: the fault's complexity is rated before work starts.
    #[error("rate the fault's complexity first")]
    ComplexityFirst,
    /// C04: above low, the maintenance plan is approved first.
    #[error("a complex repair starts once its maintenance plan is approved")]
    PlanNotApproved,
    /// C10: the supervisor reviews and archives.
    #[error("the supervisor reviews and archives the file")]
    SupervisorArchives,
    /// D06: completion is signed by the using department's foreman or above.
    #[error("completion is signed by the using department's foreman or above")]
    SignOffPosition,
    /// C13: an important job (rated highly complex) is finished with the supervisor there.
    #[error("an important job is finished with the supervisor there in person")]
    SupervisorAbsent,
    /// A19, B24: a newer change of the same took effect after this request was asked.
    #[error("a newer change of the same took effect after this was asked; ask again")]
    Superseded,
    /// A19, B24: who may ask for a change to the organisation (a station's coordinator or
    /// supervisor for its coverage, the supervisor for the price list).
    #[error("this role may not ask for that change")]
    NotRequester { role: Role },
    /// B24: a service off the price list is priced by the supervisor.
    #[error("a service not on the price list is priced by the supervisor")]
    OffPriceList,
    /// B24: a line naming a list item charges the list's price.
    #[error("a price-list item is charged at the list's price")]
    NotListPrice,
}

impl Refusal {
    /// The stable machine-readable code (the `error.code` of the API).
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NotPermitted { .. } => "not_permitted",
            Refusal::NotPermittedToCreate { .. } => "not_permitted",
            Refusal::NotAdmin { .. } => "not_admin",
            Refusal::NotStaff { .. } => "not_staff",
            Refusal::NotInTemplate { .. } => "not_in_template",
            Refusal::InvalidState { .. } => "invalid_transition",
            Refusal::AlreadyClaimed => "already_claimed",
            Refusal::NotAssignee => "not_assignee",
            Refusal::OtherStation => "other_station",
            Refusal::NotRequester { .. } => "not_requester",
            Refusal::Superseded => "superseded",
            Refusal::SupervisorAbsent => "supervisor_absent",
            Refusal::OffPriceList => "off_price_list",
            Refusal::NotListPrice => "not_list_price",
            Refusal::SubSiteDispatch => "sub_site_dispatch",
            Refusal::NotASubSite => "not_a_sub_site",
            Refusal::NotDispatched => "not_dispatched",
            Refusal::NotATechnician(_) => "not_a_technician",
            Refusal::CommitmentLimit => "commitment_limit",
            Refusal::Missing { .. } => "missing",
            Refusal::CommitmentInPast => "commitment_in_past",
            Refusal::CodeRequired => "code_required",
            Refusal::WrongCode { .. } => "wrong_code",
            Refusal::CodeLocked => "code_locked",
            Refusal::DeskNoteRequired => "desk_note_required",
            Refusal::SignatureRequired => "signature_required",
            Refusal::SolvedByPhone => "solved_by_phone",
            Refusal::CancellationPending => "cancellation_pending",
            Refusal::NoCancellationPending => "no_cancellation_pending",
            Refusal::SelfApproval => "self_approval",
            Refusal::TemplateNotOffered { .. } => "template_not_offered",
            Refusal::StationOrderIsCarryIn => "station_order_is_carry_in",
            Refusal::ReinspectionSignOff => "reinspection_sign_off",
            Refusal::NotRecorder => "not_recorder",
            Refusal::NotReporter => "not_reporter",
            Refusal::NoSuchAttachment => "no_such_attachment",
            Refusal::UnreachableTooEarly { .. } => "unreachable_too_early",
            Refusal::NotYetCancellable => "not_yet_cancellable",
            Refusal::IntakeIncomplete => "intake_incomplete",
            Refusal::AccountFirst => "account_first",
            Refusal::AlreadyRecorded { .. } => "already_recorded",
            Refusal::RestorationOutOfRange => "restoration_out_of_range",
            Refusal::CrewNotDispatched => "crew_not_dispatched",
            Refusal::SlipUnsigned => "slip_unsigned",
            Refusal::SlipSigner => "slip_signer",
            Refusal::CallerNotQualified => "caller_not_qualified",
            Refusal::NoSlips => "no_slips",
            Refusal::AwaitingInstruction => "awaiting_instruction",
            Refusal::NoSuchApproval => "no_such_approval",
            Refusal::ApprovalPending => "approval_pending",
            Refusal::NoApprovalPending => "no_approval_pending",
            Refusal::NotNextApprover { .. } => "not_next_approver",
            Refusal::SignOffPosition => "sign_off_position",
            Refusal::ComplexityFirst => "complexity_first",
            Refusal::NoPartsHere => "no_parts_here",
            Refusal::ReportFirst => "report_first",
            Refusal::ChargesNotAccepted => "charges_not_accepted",
            Refusal::OutsourcingNotApproved => "outsourcing_not_approved",
            Refusal::NotApproved => "not_approved",
            Refusal::NotYourFirm => "not_your_firm",
            Refusal::NotOutsourced => "not_outsourced",
            Refusal::AmountMismatch { .. } => "amount_mismatch",
            Refusal::NoCharges => "no_charges",
            Refusal::PlanNotApproved => "plan_not_approved",
            Refusal::SupervisorArchives => "supervisor_archives",
        }
    }

    /// The input field the refusal is about, when there is one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Refusal::CodeRequired | Refusal::WrongCode { .. } | Refusal::CodeLocked => Some("code"),
            Refusal::DeskNoteRequired => Some("desk_note"),
            Refusal::SignatureRequired => Some("signature"),
            Refusal::CommitmentInPast => Some("at"),
            Refusal::Missing { field } => Some(field),
            Refusal::SubSiteDispatch | Refusal::NotASubSite => Some("station_id"),
            Refusal::NotATechnician(_) => Some("technician_id"),
            Refusal::TemplateNotOffered { .. } => Some("template"),
            Refusal::StationOrderIsCarryIn => Some("service_mode"),
            Refusal::NoSuchAttachment => Some("attachment_id"),
            Refusal::RestorationOutOfRange => Some("report.restored_at"),
            Refusal::SlipUnsigned | Refusal::SlipSigner => Some("slip.signed_by"),
            Refusal::CallerNotQualified => Some("slip.reporter"),
            Refusal::NoSlips => Some("slip"),
            Refusal::SignOffPosition => Some("signature.position"),
            Refusal::NoSuchApproval => Some("kind"),
            Refusal::AmountMismatch { .. } => Some("amount"),
            Refusal::OffPriceList | Refusal::NotListPrice => Some("lines"),
            _ => None,
        }
    }
}
