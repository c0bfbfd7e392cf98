//! Service templates (服务模板). Each organisation kind runs the same state machine with its
//! own settings, read from the files under `templates/` (embedded in the binary): the
//! rules of the state machine and the clocks with their escalation ladders. An organisation
//! may bring its own clocks and ladders in a file of its own; the rules stay the template's.
//!
//! The five templates of the product's plan are all listed here; what each has not built yet
//! (the equipment's vendors, parts and asset plans) is said in docs/rules.md.

use crate::role::Role;
use crate::sla::ClockDef;
use crate::values::ApprovalKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// The kinds of organisation baoxiu serves today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Template {
    /// A manufacturer's call centre dispatching to a network of repair stations.
    AfterSales,
    /// A property-management company serving owners and public areas.
    Property,
    /// An electricity utility's 95598 fault hotline dispatching to district crews.
    Utility,
    /// A hotel's engineering department serving the hotel's own departments.
    Hotel,
    /// A factory's equipment maintenance team.
    Equipment,
}

impl Template {
    pub const ALL: [Template; 5] = [
        Template::AfterSales,
        Template::Property,
        Template::Utility,
        Template::Hotel,
        Template::Equipment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Template::AfterSales => "after_sales",
            Template::Property => "property",
            Template::Utility => "utility",
            Template::Hotel => "hotel",
            Template::Equipment => "equipment",
        }
    }

    pub fn parse(s: &str) -> Option<Template> {
        Template::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Parses a comma-separated list (`after_sales,property`), as stored and as given on the
    /// command line. Unknown names and an empty list are errors naming what is valid.
    pub fn parse_list(s: &str) -> Result<Vec<Template>, String> {
        let mut list = Vec::new();
        for name in s.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let template = Template::parse(name).ok_or_else(|| {
                format!(
                    "unknown template `{name}`; the templates are {}",
                    Template::names(&Template::ALL)
                )
            })?;
            if !list.contains(&template) {
                list.push(template);
            }
        }
        if list.is_empty() {
            return Err("an organisation offers at least one template".into());
        }
        list.sort();
        Ok(list)
    }

    /// `after_sales, property`: for messages.
    pub fn names(list: &[Template]) -> String {
        list.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ")
    }

    /// The template's file, as shipped.
    pub fn source(self) -> (&'static str, &'static str) {
        match self {
            Template::AfterSales => (
                "templates/after_sales.toml",
                include_str!("../../../templates/after_sales.toml"),
            ),
            Template::Property => (
                "templates/property.toml",
                include_str!("../../../templates/property.toml"),
            ),
            Template::Utility => (
                "templates/utility.toml",
                include_str!("../../../templates/utility.toml"),
            ),
            Template::Hotel => (
                "templates/hotel.toml",
                include_str!("../../../templates/hotel.toml"),
            ),
            Template::Equipment => (
                "templates/equipment.toml",
                include_str!("../../../templates/equipment.toml"),
            ),
        }
    }

    /// The template as shipped: its rules and its clocks.
    pub fn spec(self) -> &'static TemplateSpec {
        static SPECS: LazyLock<Vec<TemplateSpec>> = LazyLock::new(|| {
            Template::ALL
                .iter()
                .map(|t| {
                    let (file, text) = t.source();
                    TemplateSpec::parse(file, text)
                        .unwrap_or_else(|e| panic!("the shipped template is broken: {e}"))
                })
                .collect()
        });
        &SPECS[Template::ALL
            .iter()
            .position(|t| *t == self)
            .expect("every template is listed")]
    }

    /// The template's rules.
    pub fn rules(self) -> &'static TemplateRules {
        &self.spec().rules
    }
}

/// Where a new order goes when the create names no station or technician.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InitialRoute {
    /// 待派单: the desk dispatches (A01).
    AwaitingDispatch,
    /// 待抢单: technicians claim (B02).
    Pool,
}

/// A template's settings, as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateRules {
    pub initial_route: InitialRoute,
    /// A04: writing T31 sets T2 (after_sales). Otherwise T2 is the first reached contact,
    /// or the first commitment if no contact was recorded.
    pub t2_on_first_commitment: bool,
    /// B01: arrival needs the customer's verification code (or the desk's check, B03).
    pub arrival_code_required: bool,
    /// A01/A02: the desk dispatches to a station and the station assigns; nobody assigns a
    /// technician to an order no station has taken.
    pub dispatch_to_station_first: bool,
    /// A17: who may approve or reject a cancellation request for this template.
    pub cancel_approvers: Vec<Role>,
    /// B04: the customer may ask for a named technician when reporting (self-service).
    pub customer_names_technician: bool,
    /// A16: an order a station records itself is a carry-in (送修) order of that station.
    pub station_orders_are_carry_in: bool,
    /// A14 (amended): a public-area job is signed off by customer service (the desk) after
    /// re-inspection, not by an owner.
    pub public_area_reinspection: bool,
    /// X10 (A02 amended): a station's coordinator records steps for its technicians (the
    /// seeds' stations log in "as the engineer"); the history shows both.
    pub station_records_for_technician: bool,
    /// A15/B07: resolved orders are called back.
    pub callback: bool,
    /// A05 (amended): minutes after T1 before a customer may be recorded as unreachable.
    #[serde(default)]
    pub unreachable_after_minutes: Option<u32>,
    /// A07: a job may be closed as solved by phone. Not at a utility (E07: the crew's report
    /// from the site) nor a hotel (D06: the using department signs).
    #[serde(default = "yes")]
    pub resolve_by_phone: bool,
    /// E07: a job is resolved with the crew's report instead of the customer's signature.
    #[serde(default)]
    pub resolve_with_crew_report: bool,
    /// E08 (amended): a callback that cannot reach the customer ends with its termination
    /// reason instead of leaving the order waiting for another call.
    #[serde(default)]
    pub unreached_callback_ends: bool,
    /// D01, D02: reports come with a slip: by phone from a named foreman or above (its slip
    /// following), otherwise signed by a supervisor or above; archived only once signed.
    #[serde(default)]
    pub slips: bool,
    /// D07: the duty foreman (team lead) assigns on the supervisor's instruction.
    #[serde(default)]
    pub assign_on_instruction: bool,
    /// D03: guest areas are entered only with staff: the arrival names who took them in.
    #[serde(default)]
    pub escort_in_guest_areas: bool,
    /// E08: a reached callback asks about the repair's quality, the crew's attitude and the
    /// restoration time, besides satisfaction.
    #[serde(default)]
    pub callback_questions: bool,
    /// C13: the machine's operator stays on site during the repair: the arrival names them.
    #[serde(default)]
    pub operator_on_site: bool,
    /// D06: the lowest position of the using department's signer at completion.
    #[serde(default)]
    pub signoff_position: Option<crate::values::Position>,
    /// C04: a confirmed fault is rated before work starts; above low, the work waits for an
    /// approved maintenance plan.
    #[serde(default)]
    pub complexity_rating: bool,
    /// C10: completion records the cause, the method, who and when, besides the signature.
    #[serde(default)]
    pub completion_report: bool,
    /// C10: the supervisor reviews and archives.
    #[serde(default)]
    pub archived_by_supervisor: bool,
    /// The optional steps this template has (A18 `urge`, `report-to-region`; B19
    /// `mark-complex`, `review-complex`; E01–E07 `check-account`, `triage`, `apologise`,
    /// `depart`). A template with `check-account` or `triage` dispatches only once the
    /// intake found work for a crew.
    #[serde(default)]
    pub steps: Vec<crate::command::CommandName>,
}

fn yes() -> bool {
    true
}

/// A template file: its rules, its clocks and its approval chains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSpec {
    pub rules: TemplateRules,
    pub clocks: Vec<ClockDef>,
    /// Who approves each kind of approval, in order (an organisation may set its own).
    pub approvals: BTreeMap<ApprovalKind, Vec<Role>>,
}

impl TemplateSpec {
    /// The chain for `kind`, if the template has such approvals.
    pub fn chain(&self, kind: ApprovalKind) -> Option<&[Role]> {
        self.approvals.get(&kind).map(Vec::as_slice)
    }
}

/// A template file that cannot be used: which file, where, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {field}: {message}")]
pub struct TemplateError {
    pub file: String,
    pub line: usize,
    pub field: String,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    rules: Option<TemplateRules>,
    #[serde(default)]
    clocks: Vec<crate::sla::ClockFile>,
    approvals: Option<BTreeMap<ApprovalKind, Vec<Role>>>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

impl TemplateSpec {
    /// Parses a shipped template file (rules and clocks both required).
    pub fn parse(file: &str, text: &str) -> Result<TemplateSpec, TemplateError> {
        let (rules, clocks, approvals) = parse_file(file, text)?;
        let rules = rules.ok_or_else(|| TemplateError {
            file: file.into(),
            line: 1,
            field: "rules".into(),
            message: "a template names its rules".into(),
        })?;
        Ok(TemplateSpec {
            rules,
            clocks,
            approvals: approvals.unwrap_or_default(),
        })
    }

    /// An organisation's own file for this template: it may bring clocks and ladders, not
    /// rules.
    pub fn with_override(&self, file: &str, text: &str) -> Result<TemplateSpec, TemplateError> {
        let names_rules = toml::from_str::<toml::Table>(text).is_ok_and(|t| t.contains_key("rules"));
        if names_rules {
            let line = text.find("[rules]").map_or(1, |at| line_of(text, at));
            return Err(TemplateError {
                file: file.into(),
                line,
                field: "rules".into(),
                message: "an organisation's file may change clocks and ladders, not the template's rules"
                    .into(),
            });
        }
        let (_, clocks, approvals) = parse_file(file, text)?;
        // What a level opens is a rule (A05: cancellation waits for it): a clock may move, the
        // gate may not go.
        let opens = |clocks: &[ClockDef]| -> Vec<String> {
            clocks
                .iter()
                .flat_map(|c| c.ladder.iter().filter_map(|l| l.opens.clone()))
                .collect()
        };
        let kept = opens(&clocks);
        if let Some(gone) = opens(&self.clocks).into_iter().find(|o| !kept.contains(o)) {
            return Err(TemplateError {
                file: file.into(),
                line: 1,
                field: "clocks".into(),
                message: format!("the template's rules wait for a level that opens `{gone}`; keep one"),
            });
        }
        // An organisation sets its own chains (C05: each factory its own); a kind the
        // template has stays, with the template's chain where the file names none.
        let mut chains = self.approvals.clone();
        if let Some(own) = approvals {
            if let Some(kind) = own.keys().find(|k| !self.approvals.contains_key(k)) {
                return Err(TemplateError {
                    file: file.into(),
                    line: text.find(kind.as_str()).map_or(1, |at| line_of(text, at)),
                    field: format!("approvals.{kind}"),
                    message: "this template has no such approval".into(),
                });
            }
            chains.extend(own);
        }
        Ok(TemplateSpec {
            rules: self.rules.clone(),
            clocks,
            approvals: chains,
        })
    }
}

type Parsed = (
    Option<TemplateRules>,
    Vec<ClockDef>,
    Option<BTreeMap<ApprovalKind, Vec<Role>>>,
);

fn parse_file(file: &str, text: &str) -> Result<Parsed, TemplateError> {
    let parsed: File = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(text, s.start));
        let message = e.message().to_string();
        let field = message
            .split('`')
            .nth(1)
            .filter(|_| message.contains("field"))
            .unwrap_or("file")
            .to_string();
        TemplateError {
            file: file.into(),
            line,
            field,
            message,
        }
    })?;
    let mut clocks = Vec::new();
    for (i, clock) in parsed.clocks.into_iter().enumerate() {
        let at = |needle: &str| {
            text.match_indices("[[clocks]]")
                .nth(i)
                .and_then(|(start, _)| text[start..].find(needle).map(|o| start + o))
                .map_or(1, |offset| line_of(text, offset))
        };
        clocks.push(clock.check().map_err(|(field, message)| TemplateError {
            file: file.into(),
            line: at(field.split('.').next().unwrap_or("id")),
            field: format!("clocks[{i}].{field}"),
            message,
        })?);
    }
    let mut ids: Vec<&str> = clocks.iter().map(|c| c.id.as_str()).collect();
    ids.sort_unstable();
    if let Some(twice) = ids.windows(2).find(|w| w[0] == w[1]) {
        return Err(TemplateError {
            file: file.into(),
            line: text
                .find(&format!("\"{}\"", twice[0]))
                .map_or(1, |o| line_of(text, o)),
            field: "clocks.id".into(),
            message: format!("the clock `{}` is defined twice", twice[0]),
        });
    }
    if let Some(approvals) = &parsed.approvals {
        for (kind, chain) in approvals {
            let at = text.find(kind.as_str()).map_or(1, |o| line_of(text, o));
            let wrong = |message: &str| TemplateError {
                file: file.into(),
                line: at,
                field: format!("approvals.{kind}"),
                message: message.into(),
            };
            if chain.is_empty() {
                return Err(wrong("an approval names at least one approver"));
            }
            if chain.iter().any(|r| !r.may(crate::command::CommandName::Approve)) {
                return Err(wrong(
                    "approvers are staff above the work: coordinator, team_lead, supervisor, region_officer, approver or admin",
                ));
            }
        }
    }
    Ok((parsed.rules, clocks, parsed.approvals))
}
