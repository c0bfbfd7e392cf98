//! Accounts, sessions and tokens.

use crate::fixtures::Fixture;
use baoxiu_domain::{Account, Login, Session, Store, StoreError};
use chrono::Duration;

fn account(f: &Fixture, login: &str, phone: Option<&str>) -> Account {
    Account {
        tenant: f.tenant.id,
        person: f.desk.id,
        login: Login::parse("login", login).unwrap(),
        phone: phone.map(str::to_string),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        disabled: false,
    }
}

/// An account is found by its login name (in any case) or its phone; names and phones are
/// unique.
pub async fn accounts_are_found_by_login_or_phone<S: Store>(store: S) {
    let f = Fixture::new(&store).await;
    let desk = account(&f, "wang.fang", Some("13800001111"));
    store.put_account(&desk).await.unwrap();
    assert_eq!(
        store.account_by_login("Wang.Fang").await.unwrap(),
        Some(desk.clone())
    );
    assert_eq!(
        store.account_by_login("13800001111").await.unwrap(),
        Some(desk.clone())
    );
    assert_eq!(store.account_by_login("nobody").await.unwrap(), None);
    assert_eq!(
        store.account(f.tenant.id, f.desk.id).await.unwrap(),
        Some(desk.clone())
    );
    assert_eq!(store.accounts(f.tenant.id).await.unwrap(), vec![desk.clone()]);

    let taken = Account {
        person: f.technician.id,
        ..account(&f, "wang.fang", None)
    };
    assert!(matches!(
        store.put_account(&taken).await,
        Err(StoreError::Duplicate(_))
    ));
    let same_phone = Account {
        person: f.technician.id,
        ..account(&f, "zhang", Some("13800001111"))
    };
    assert!(matches!(
        store.put_account(&same_phone).await,
        Err(StoreError::Duplicate(_))
    ));

    // Replacing an account changes its password.
    let renewed = Account {
        password_hash: "$argon2id$new".into(),
        ..desk
    };
    store.put_account(&renewed).await.unwrap();
    assert_eq!(store.account_by_login("wang.fang").await.unwrap(), Some(renewed));
}

/// Sessions live until they expire or are deleted; disabling an account ends them and
/// revokes its tokens.
pub async fn sessions_expire_and_disabling_ends_them<S: Store>(store: S) {
    let f = Fixture::new(&store).await;
    store.put_account(&account(&f, "desk", None)).await.unwrap();
    let session = Session {
        digest: "session-1".into(),
        tenant: f.tenant.id,
        person: f.desk.id,
        csrf: "csrf-1".into(),
        created_at: f.start,
        expires_at: f.start + Duration::hours(12),
    };
    store.put_session(&session).await.unwrap();
    assert_eq!(
        store.session("session-1", f.later(60)).await.unwrap(),
        Some(session.clone())
    );
    assert_eq!(
        store
            .session("session-1", f.start + Duration::hours(13))
            .await
            .unwrap(),
        None
    );
    store.delete_session("session-1").await.unwrap();
    assert_eq!(store.session("session-1", f.later(60)).await.unwrap(), None);

    store
        .put_session(&Session {
            digest: "session-2".into(),
            ..session
        })
        .await
        .unwrap();
    store
        .put_token("digest-of-desk", &f.token("desk script"))
        .await
        .unwrap();
    store
        .disable_account(f.tenant.id, f.desk.id, f.later(5))
        .await
        .unwrap();
    assert!(
        store
            .account(f.tenant.id, f.desk.id)
            .await
            .unwrap()
            .unwrap()
            .disabled
    );
    assert_eq!(store.session("session-2", f.later(6)).await.unwrap(), None);
    assert_eq!(store.person_by_token("digest-of-desk").await.unwrap(), None);
    assert!(matches!(
        store
            .disable_account(f.tenant.id, f.technician.id, f.later(7))
            .await,
        Err(StoreError::NotFound(_))
    ));
}

/// Tokens are listed without their secret and can be revoked, at once.
pub async fn tokens_are_listed_and_revoked<S: Store>(store: S) {
    let f = Fixture::new(&store).await;
    let digest = "0123456789abcdef0123456789abcdef";
    store.put_token(digest, &f.token("报表脚本")).await.unwrap();
    let listed = store.tokens(f.tenant.id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, "0123456789ab");
    assert_eq!(
        (listed[0].label.as_str(), listed[0].revoked_at),
        ("报表脚本", None)
    );
    assert!(store.person_by_token(digest).await.unwrap().is_some());

    assert!(
        !store.revoke_token(f.tenant.id, "0123", f.later(1)).await.unwrap(),
        "ids are whole"
    );
    assert!(
        !store
            .revoke_token(f.tenant.id, "0123456789a%", f.later(1))
            .await
            .unwrap()
    );
    let stranger = baoxiu_domain::TenantId(uuid::Uuid::now_v7());
    assert!(
        !store
            .revoke_token(stranger, "0123456789ab", f.later(1))
            .await
            .unwrap()
    );
    assert!(
        store
            .revoke_token(f.tenant.id, "0123456789ab", f.later(1))
            .await
            .unwrap()
    );
    assert_eq!(store.person_by_token(digest).await.unwrap(), None);
    assert_eq!(
        store.tokens(f.tenant.id).await.unwrap()[0].revoked_at,
        Some(f.later(1))
    );
    assert!(
        !store
            .revoke_token(f.tenant.id, "0123456789ab", f.later(2))
            .await
            .unwrap(),
        "once"
    );
}
