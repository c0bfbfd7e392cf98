//! Notices: what baoxiu tells people, and through which channel (X03). A notice is
//! written in the same transaction as the event that causes it; the inbox holds it at once,
//! every other channel delivers it from the outbox at least once, under the notice's id so
//! a receiver can drop a duplicate.

use crate::Timestamp;
use crate::ids::{OrderId, PersonId, TenantId};
use crate::sla::NotifyChannel;
use serde::{Deserialize, Serialize};

/// One message to one recipient through one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notice {
    /// Stable across retries: receivers drop what they have seen.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub id: uuid::Uuid,
    pub tenant: TenantId,
    pub order: Option<OrderId>,
    pub channel: NotifyChannel,
    /// The person told (inbox, SMS, e-mail); none for the organisation's webhook and robot.
    pub person: Option<PersonId>,
    /// Where it goes: a phone number, an e-mail address; empty for the inbox, the
    /// webhook and the robot, whose addresses are the organisation's settings.
    pub address: String,
    /// What happened, as a machine reads it: `escalated`, `verification_code`.
    pub kind: String,
    pub subject: String,
    pub text: String,
    /// The order's page, from the server's root (`/orders/…`).
    pub link: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Where an outbox message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Not delivered yet; tried again at `next_at`.
    Pending,
    Delivered,
    /// Given up after the last retry: the dead-letter list, which an admin may replay.
    Dead,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Dead => "dead",
        }
    }

    pub fn parse(s: &str) -> Option<DeliveryState> {
        [
            DeliveryState::Pending,
            DeliveryState::Delivered,
            DeliveryState::Dead,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
    }
}

/// A notice in the outbox, with how its delivery went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    pub notice: Notice,
    pub state: DeliveryState,
    pub attempts: u32,
    /// When it is tried next (pending).
    pub next_at: Option<chrono::DateTime<chrono::Utc>>,
    pub last_error: Option<String>,
    pub delivered_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The outcome of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    Delivered,
    /// Failed; try again at this time.
    Retry {
        error: String,
        at: Timestamp,
    },
    /// Failed for the last time.
    Dead {
        error: String,
    },
}

/// How many times a message is tried before it goes to the dead-letter list.
pub const MAX_ATTEMPTS: u32 = 6;

/// When to try again after `attempts` failures: 30 s, 1 min, 2 min, 4 min, 8 min.
pub fn backoff(attempts: u32) -> chrono::Duration {
    chrono::Duration::seconds(30 << attempts.saturating_sub(1).min(10))
}

/// The outcome of a failed attempt, the `attempts`-th.
pub fn failed(attempts: u32, error: String, now: Timestamp) -> Attempt {
    if attempts >= MAX_ATTEMPTS {
        Attempt::Dead { error }
    } else {
        Attempt::Retry {
            error,
            at: now + backoff(attempts),
        }
    }
}

/// A notice in a person's inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboxItem {
    pub notice: Notice,
    pub read: bool,
}
