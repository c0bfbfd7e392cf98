//! `baoxiu token`: people and their API tokens.

use crate::cli::TokenArgs;
use crate::serve::CliResult;
use crate::with_store;
use baoxiu_domain::{Person, PersonId, Role, StationId, Store, Template, Tenant, TenantId};

/// The tenant with this slug, created (zone Asia/Shanghai, offering `templates`) if it does
/// not exist.
pub async fn ensure_tenant<S: Store>(
    store: &S,
    slug: &str,
    name: &str,
    templates: &[Template],
) -> Result<Tenant, baoxiu_domain::StoreError> {
    if let Some(t) = store.tenant_by_slug(slug).await? {
        return Ok(t);
    }
    let tenant = Tenant {
        id: TenantId(uuid::Uuid::now_v7()),
        slug: slug.to_string(),
        name: name.to_string(),
        time_zone: "Asia/Shanghai".into(),
        templates: templates.to_vec(),
    };
    store.create_tenant(&tenant).await?;
    Ok(tenant)
}

/// Stores a new token for `person` and returns it (shown once, stored only as a digest).
pub async fn issue_token<S: Store>(store: &S, person: &Person) -> Result<String, baoxiu_domain::StoreError> {
    baoxiu_web::issue_token(store, person, "baoxiu token", chrono::Utc::now()).await
}

pub async fn token(args: TokenArgs) -> CliResult {
    let role = Role::parse(&args.role).ok_or_else(|| {
        let roles: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
        format!(
            "--role: unknown role `{}`; one of {}",
            args.role,
            roles.join(", ")
        )
    })?;
    let templates = Template::parse_list(&args.templates).map_err(|e| format!("--templates: {e}"))?;
    let token = with_store!(args.db.db, |store| {
        async {
            let tenant = ensure_tenant(&store, &args.tenant, &args.tenant, &templates).await?;
            let station = match args.station {
                None => None,
                Some(id) => Some(
                    store
                        .station(tenant.id, StationId(id))
                        .await?
                        .ok_or_else(|| format!("--station: no station {id} in {}", tenant.slug))?
                        .id,
                ),
            };
            let person = Person {
                id: PersonId(uuid::Uuid::now_v7()),
                tenant: tenant.id,
                name: args
                    .name
                    .unwrap_or_else(|| format!("{} {}", role.label_zh(), role.as_str())),
                role,
                station,
                team: None,
                phone: None,
                email: None,
            };
            store.put_person(&person).await?;
            let token = issue_token(&store, &person).await?;
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(token)
        }
        .await?
    });
    println!("{token}");
    Ok(())
}
