//! A19, B24: asking for and deciding changes to the organisation, with the chain its
//! templates set for each kind. The domain decides who may ask and decide and what the
//! change does; this writes the request with the book it changed, retrying a decision that
//! lost a race to another decision on the same request or book.

use crate::App;
use crate::error::{ApiError, ApiResult};
use crate::service::new_v7;
use baoxiu_domain::{
    ApprovalKind, Change, OrgRequest, Person, RequestError, RequestId, Role, Store, StoreError, Tenant,
};

/// How often a decision is re-made after losing a race.
const RETRIES: usize = 8;

impl From<RequestError> for ApiError {
    fn from(e: RequestError) -> Self {
        match e {
            RequestError::Refusal(r) => ApiError::Refused(r),
            RequestError::Invalid(f) => ApiError::Invalid(f),
        }
    }
}

impl<S: Store> App<S> {
    /// The organisation's chain for a kind of request: from the first of its templates
    /// that sets one; `None` where none does (the organisation does not use that kind).
    pub fn org_chain(&self, tenant: &Tenant, kind: ApprovalKind) -> Option<Vec<Role>> {
        tenant
            .templates
            .iter()
            .find_map(|t| self.clocks.spec(tenant, *t).chain(kind).map(<[_]>::to_vec))
    }

    /// Asks for `change`; it waits for the first approver in the organisation's chain.
    pub async fn ask(
        &self,
        tenant: &Tenant,
        by: &Person,
        change: Change,
        note: &str,
    ) -> ApiResult<OrgRequest> {
        let now = self.clock.now();
        let chain = self.org_chain(tenant, change.kind()).unwrap_or_default();
        let request = OrgRequest::open(
            RequestId(new_v7(now)),
            tenant.id,
            change,
            note,
            &by.actor(),
            chain,
            now,
        )?;
        self.store.put_request(&request, None, None).await?;
        Ok(request)
    }

    /// One decision on request `id`; the last approval writes the changed book with it.
    pub async fn decide_request(
        &self,
        tenant: &Tenant,
        by: &Person,
        id: RequestId,
        approve: bool,
        reason: Option<&str>,
    ) -> ApiResult<OrgRequest> {
        for _ in 0..RETRIES {
            let mut request = self
                .store
                .request(tenant.id, id)
                .await?
                .ok_or(ApiError::NotFound("request"))?;
            let before = request.approval.decisions.len();
            let coverage = self.store.coverage(tenant.id).await?;
            let prices = self.store.price_list(tenant.id).await?;
            let book = request.decide(&by.actor(), approve, reason, self.clock.now(), &coverage, &prices)?;
            match self
                .store
                .put_request(&request, Some(before), book.as_ref())
                .await
            {
                Ok(()) => return Ok(request),
                Err(StoreError::VersionConflict) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(ApiError::VersionConflict)
    }
}
