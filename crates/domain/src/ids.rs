//! Identifiers. All are UUIDs (v7 where baoxiu creates them, so they sort by creation time)
//! wrapped in distinct types so an order id can never be passed where a person id belongs.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, format = Uuid))]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map($name)
            }
        }
    };
}

id_type!(
    /// An organisation using baoxiu; every row belongs to exactly one.
    TenantId
);
id_type!(
    /// A work order (工单).
    OrderId
);
id_type!(
    /// A person: customer, desk agent, technician, approver…
    PersonId
);
id_type!(
    /// A repair station, project or service centre (维修站 / 项目).
    StationId
);
id_type!(
    /// A team inside a station (班组).
    TeamId
);
id_type!(
    /// A file kept with an order: a photo, a signature.
    AttachmentId
);

id_type!(
    /// A request to change the organisation (A19 coverage, B24 the price list).
    RequestId
);
