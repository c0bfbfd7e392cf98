//! `baoxiu user`: people who sign in to the pages.

use crate::cli::{UserAddArgs, UserCommand, UserListArgs, UserLoginArgs};
use crate::org::ensure_tenant;
use crate::serve::CliResult;
use crate::with_store;
use baoxiu_domain::{Account, Login, Person, PersonId, Phone, Role, StationId, Store, Template, text};
use rand::Rng;
use std::io::BufRead;

pub async fn run(command: UserCommand) -> CliResult {
    match command {
        UserCommand::Add(args) => add(args).await,
        UserCommand::Passwd(args) => passwd(args).await,
        UserCommand::Disable(args) => disable(args).await,
        UserCommand::List(args) => list(args).await,
    }
}

/// A password read from standard input, or a made-up one that is printed.
fn password(from_stdin: bool) -> Result<(String, bool), String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the password: {e}"))?;
        let password = line.trim_end_matches(['\r', '\n']).to_string();
        baoxiu_web::password::check("password", &password).map_err(|e| format!("the {e}"))?;
        return Ok((password, false));
    }
    const CHARS: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let made: String = (0..12)
        .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
        .collect();
    Ok((made, true))
}

async fn add(args: UserAddArgs) -> CliResult {
    let role = Role::parse(&args.role).ok_or_else(|| format!("--role: unknown role `{}`", args.role))?;
    let name = text("--name", &args.name, 50)?;
    let login = Login::parse("--login", &args.login)?;
    let phone = match &args.phone {
        Some(p) => Some(Phone::parse("--phone", p)?.as_str().to_string()),
        None => None,
    };
    let (password, made) = password(args.password_stdin)?;
    let checked = NewAccount {
        role,
        name,
        login,
        phone,
        password,
        made,
    };
    with_store!(args.db.db, |store| add_on(store.clone(), &args, checked).await)
}

/// What `user add` was given, checked before the database is opened.
struct NewAccount {
    role: Role,
    name: String,
    login: Login,
    phone: Option<String>,
    password: String,
    /// Made up here, so printed once.
    made: bool,
}

async fn add_on<S: Store>(store: S, args: &UserAddArgs, new: NewAccount) -> CliResult {
    let NewAccount {
        role,
        name,
        login,
        phone,
        password,
        made,
    } = new;
    let tenant = ensure_tenant(&store, &args.tenant, &args.tenant, &Template::ALL).await?;
    if store.account_by_login(login.as_str()).await?.is_some() {
        return Err(format!("--login: `{}` is taken", login.as_str()).into());
    }
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
        name,
        role,
        station,
        team: None,
        phone: phone.clone(),
        email: None,
    };
    let hash = baoxiu_web::password::hash(&password).await?;
    store.put_person(&person).await?;
    store
        .put_account(&Account {
            tenant: tenant.id,
            person: person.id,
            login: login.clone(),
            phone,
            password_hash: hash,
            disabled: false,
        })
        .await?;
    println!(
        "added {} ({}) as {} in {}",
        person.name,
        login.as_str(),
        role.as_str(),
        tenant.slug
    );
    if made {
        println!("password: {password}");
    }
    Ok(())
}

async fn passwd(args: UserLoginArgs) -> CliResult {
    with_store!(args.db.db, |store| passwd_on(store.clone(), args).await)
}

async fn passwd_on<S: Store>(store: S, args: UserLoginArgs) -> CliResult {
    let mut account = store
        .account_by_login(&args.login)
        .await?
        .ok_or_else(|| format!("--login: no account `{}`", args.login))?;
    let (password, made) = password(args.password_stdin)?;
    account.password_hash = baoxiu_web::password::hash(&password).await?;
    store.put_account(&account).await?;
    println!("the password of {} is set", account.login.as_str());
    if made {
        println!("password: {password}");
    }
    Ok(())
}

async fn disable(args: UserLoginArgs) -> CliResult {
    with_store!(args.db.db, |store| disable_on(store.clone(), args).await)
}

async fn disable_on<S: Store>(store: S, args: UserLoginArgs) -> CliResult {
    let account = store
        .account_by_login(&args.login)
        .await?
        .ok_or_else(|| format!("--login: no account `{}`", args.login))?;
    store
        .disable_account(account.tenant, account.person, chrono::Utc::now())
        .await?;
    println!(
        "{} is disabled; its sessions ended and its tokens were revoked (a running server forgets a cached token within a minute)",
        account.login.as_str()
    );
    Ok(())
}

async fn list(args: UserListArgs) -> CliResult {
    with_store!(args.db.db, |store| list_on(store.clone(), args).await)
}

async fn list_on<S: Store>(store: S, args: UserListArgs) -> CliResult {
    let tenant = store
        .tenant_by_slug(&args.tenant)
        .await?
        .ok_or_else(|| format!("--tenant: no organisation `{}`", args.tenant))?;
    let people = store.people(tenant.id).await?;
    for account in store.accounts(tenant.id).await? {
        let person = people.iter().find(|p| p.id == account.person);
        println!(
            "{:<24} {:<16} {:<14} {}{}",
            account.login.as_str(),
            person.map_or("", |p| p.name.as_str()),
            person.map_or("", |p| p.role.as_str()),
            account.phone.as_deref().unwrap_or(""),
            if account.disabled { "  (disabled)" } else { "" }
        );
    }
    Ok(())
}
