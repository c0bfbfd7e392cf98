//! The application's use cases on top of the domain and the storage port: create an order,
//! run a command, with idempotency and optimistic-concurrency retries. Free of HTTP types:
//! a reply is a status and a JSON body, ready to send or to store under an idempotency key.

use crate::App;
use crate::dto::OrderView;
use crate::error::{ApiError, ApiResult};
use baoxiu_domain::{
    Command, IdempotencyRecord, NewOrder, OrderId, Person, Store, StoredResponse, Tenant, Timestamp,
    VerificationCode, WorkOrder, Write, WriteOutcome,
};
use rand::Rng;
use sha2::{Digest, Sha256};

/// How often a command is re-decided after losing a race before giving up with 409.
const RETRIES: usize = 8;

/// An `Idempotency-Key` and the digest of the request it came with.
#[derive(Debug, Clone)]
pub struct Idempotency {
    pub key: String,
    pub fingerprint: String,
}

impl Idempotency {
    /// Checks the header value: 1–255 visible ASCII characters.
    pub fn new(key: &str, method: &str, path: &str, body: &[u8]) -> ApiResult<Idempotency> {
        let valid = !key.is_empty() && key.len() <= 255 && key.bytes().all(|b| b.is_ascii_graphic());
        if !valid {
            return Err(ApiError::Invalid(baoxiu_domain::FieldError::new(
                "Idempotency-Key",
                "must be 1 to 255 visible ASCII characters",
            )));
        }
        let mut digest = Sha256::new();
        digest.update(method.as_bytes());
        digest.update(b" ");
        digest.update(path.as_bytes());
        digest.update(b"\n");
        digest.update(body);
        Ok(Idempotency {
            key: key.to_string(),
            fingerprint: hex(&digest.finalize()),
        })
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A response ready to send: status and JSON body text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub body: String,
}

impl From<StoredResponse> for Reply {
    fn from(r: StoredResponse) -> Self {
        Reply {
            status: r.status,
            body: r.body,
        }
    }
}

/// Who runs a command: the person signed in, their organisation as signing in found it, and
/// the person they record the step for (X10), if any.
pub struct Who<'a> {
    pub caller: &'a Person,
    pub tenant: &'a Tenant,
    pub on_behalf: Option<&'a Person>,
}

impl<'a> Who<'a> {
    /// The person signed in, acting for themselves.
    pub fn caller(caller: &'a Person, tenant: &'a Tenant) -> Who<'a> {
        Who {
            caller,
            tenant,
            on_behalf: None,
        }
    }
}

impl<S: Store> App<S> {
    /// The order as the API answers it to `caller`, its clocks included.
    pub(crate) async fn render(
        &self,
        tenant: &Tenant,
        order: &WorkOrder,
        caller: &Person,
    ) -> ApiResult<String> {
        let mut view = OrderView::new(order, caller.role);
        view.clocks = self.clock_views(tenant, order).await?;
        serde_json::to_string(&view).map_err(|e| ApiError::Internal(e.to_string()))
    }

    /// A previous answer to this key, or a refusal if the key was used for another request.
    async fn replay(&self, caller: &Person, idem: Option<&Idempotency>) -> ApiResult<Option<Reply>> {
        let Some(idem) = idem else { return Ok(None) };
        match self
            .store
            .idempotent_response(caller.tenant, caller.id, &idem.key, self.clock.now())
            .await?
        {
            Some((fingerprint, _)) if fingerprint != idem.fingerprint => Err(ApiError::IdempotencyKeyReused),
            Some((_, response)) => Ok(Some(response.into())),
            None => Ok(None),
        }
    }

    fn remember(
        caller: &Person,
        idem: Option<&Idempotency>,
        status: u16,
        body: &str,
        now: Timestamp,
    ) -> Option<IdempotencyRecord> {
        idem.map(|i| IdempotencyRecord {
            person: caller.id,
            key: i.key.clone(),
            fingerprint: i.fingerprint.clone(),
            response: StoredResponse {
                status,
                body: body.to_string(),
            },
            created_at: now,
        })
    }

    /// Creates an order: 201 with the order.
    #[tracing::instrument(skip_all, fields(person = %caller.id))]
    pub async fn create_order(
        &self,
        caller: &Person,
        tenant: &Tenant,
        new: NewOrder,
        idem: Option<&Idempotency>,
    ) -> ApiResult<Reply> {
        if let Some(reply) = self.replay(caller, idem).await? {
            return Ok(reply);
        }
        let now = self.clock.now();
        let id = OrderId(new_v7(now));
        let code = VerificationCode::from_number(rand::rng().random_range(0..1_000_000));
        let by = caller.to_ref();
        // The domain decides first, so a refused create uses up no number (X09).
        WorkOrder::open(id, tenant, new.clone(), code.clone(), &by, now)?;
        let mut new = new;
        new.number = Some(
            self.store
                .reserve_order_number(tenant.id, tenant.local_date(now))
                .await?,
        );
        let (mut order, events) = WorkOrder::open(id, tenant, new, code, &by, now)?;
        let schedule = self.follow_clocks(tenant, None, &mut order, &events).await?;
        let body = self.render(tenant, &order, caller).await?;
        let notices = self.code_notice(tenant, &order, now).into_iter().collect();
        let write = Write {
            tenant: caller.tenant,
            order,
            expected_version: 0,
            events,
            idempotency: Self::remember(caller, idem, 201, &body, now),
            schedule: Some(schedule),
            notices,
        };
        let order = self.listening().then(|| write.order.clone());
        match self.store.write(write).await? {
            WriteOutcome::Committed => {
                if let Some(order) = order {
                    self.changed(&order);
                }
                Ok(Reply { status: 201, body })
            }
            WriteOutcome::Replayed(first) => Ok(first.into()),
        }
    }

    /// A command with what the organisation's books add to it: an approval request gets the
    /// chain for its kind (empty where its template has none, which the domain refuses), a
    /// quote the price list in force (B24); any other command as it is.
    pub(crate) async fn with_books<'c>(
        &self,
        tenant: &Tenant,
        order: &WorkOrder,
        command: &'c Command,
    ) -> ApiResult<std::borrow::Cow<'c, Command>> {
        Ok(match command {
            Command::RequestApproval { kind, note, .. } => {
                let spec = self.clocks.spec(tenant, order.details.template);
                std::borrow::Cow::Owned(Command::RequestApproval {
                    kind: *kind,
                    note: note.clone(),
                    chain: spec.chain(*kind).map(<[_]>::to_vec).unwrap_or_default(),
                })
            }
            Command::Quote { lines, .. } => {
                let prices = self.store.price_list(tenant.id).await?;
                std::borrow::Cow::Owned(Command::Quote {
                    lines: lines.clone(),
                    prices: prices.in_force().then_some(prices),
                })
            }
            other => std::borrow::Cow::Borrowed(other),
        })
    }

    /// Runs one command: 200 with the order as it now is. A lost race is retried on the
    /// fresh order (so the loser of a claim hears "already claimed"), unless the caller
    /// pinned a version with `If-Match`. Each attempt first looks for an earlier answer to
    /// the same idempotency key, so a retry that raced its original gets that answer.
    #[tracing::instrument(skip_all, fields(order = %id, command = command.name().as_str()))]
    pub async fn run_command(
        &self,
        who: Who<'_>,
        id: OrderId,
        command: &Command,
        if_match: Option<u64>,
        idem: Option<&Idempotency>,
    ) -> ApiResult<Reply> {
        let Who {
            caller,
            tenant,
            on_behalf,
        } = who;
        let actor = caller.actor();
        let subject = on_behalf.map(Person::actor);
        // X10: a step recorded for someone is theirs; the record names both.
        let (acts, recorder) = match &subject {
            Some(subject) => (subject, Some(&actor)),
            None => (&actor, None),
        };
        // The caller's organisation, as signing in found it (a token or a session).
        if tenant.id != caller.tenant {
            return Err(ApiError::Internal(
                "a caller outside the organisation given".into(),
            ));
        }
        for _ in 0..RETRIES {
            if let Some(reply) = self.replay(caller, idem).await? {
                return Ok(reply);
            }
            let order = self
                .store
                .order(caller.tenant, id)
                .await?
                // Not filtered by what the caller may see: the loser of a claim must hear
                // "already claimed", and a refusal says why. It never crosses organisations.
                .ok_or(ApiError::NotFound("order"))?;
            if if_match.is_some_and(|v| v != order.version) {
                return Err(ApiError::VersionConflict);
            }
            let now = self.clock.now();
            let mut next = order.clone();
            let command = &self.with_books(tenant, &order, command).await?;
            let executed = match recorder {
                Some(recorder) => next.execute_for(recorder, acts, now, command),
                None => next.execute(acts, now, command),
            };
            let (events, outcome) = match executed {
                Ok(events) => (events, Ok(())),
                // A wrong verification code is counted even though the arrival is refused;
                // the refusal is what a retry with the same key must hear, not a recount.
                Err(refused) => match refused.counted {
                    Some(event) => (
                        vec![next.record_by(acts, recorder, now, *event)],
                        Err(refused.refusal),
                    ),
                    // Refused on an order that changed since the key was looked up: the
                    // change may be this very request's original, committed together with
                    // its answer. That answer wins over the refusal.
                    None => match self.replay(caller, idem).await? {
                        Some(reply) => return Ok(reply),
                        None => return Err(refused.refusal.into()),
                    },
                },
            };
            let schedule = self
                .follow_clocks(tenant, Some(&order), &mut next, &events)
                .await?;
            let (status, body) = match &outcome {
                Ok(()) => (200, self.render(tenant, &next, caller).await?),
                Err(refusal) => {
                    let error = ApiError::from(refusal.clone());
                    let body = serde_json::to_string(&error.body())
                        .map_err(|e| ApiError::Internal(e.to_string()))?;
                    (error.status().as_u16(), body)
                }
            };
            let write = Write {
                tenant: caller.tenant,
                expected_version: order.version,
                events,
                idempotency: Self::remember(caller, idem, status, &body, now),
                order: next,
                schedule: Some(schedule),
                notices: Vec::new(),
            };
            let changed = self.listening().then(|| write.order.clone());
            match self.store.write(write).await {
                Ok(WriteOutcome::Committed) => {
                    if let Some(order) = changed {
                        self.changed(&order);
                    }
                    return outcome.map(|()| Reply { status, body }).map_err(ApiError::from);
                }
                Ok(WriteOutcome::Replayed(first)) => return Ok(first.into()),
                Err(baoxiu_domain::StoreError::VersionConflict) if if_match.is_none() => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(ApiError::VersionConflict)
    }
}

/// A UUIDv7 for `now`, so ids sort by creation time and the clock stays injected.
pub fn new_v7(now: baoxiu_domain::Timestamp) -> uuid::Uuid {
    let ts = uuid::Timestamp::from_unix(
        uuid::NoContext,
        now.timestamp() as u64,
        now.timestamp_subsec_nanos(),
    );
    uuid::Uuid::new_v7(ts)
}
