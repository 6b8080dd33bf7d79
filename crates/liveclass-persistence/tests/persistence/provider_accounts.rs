//! Provider accounts (module `provider_accounts` of the crate), on SQLite
//! and PostgreSQL: tenant isolation, sealed secrets stored as given, and
//! "one active account per tenant and kind" held by the database under
//! concurrent creations and activations.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::sync::Arc;

use liveclass_domain::ids::{IdGenerator, RandomIds};
use liveclass_domain::provider_accounts::{
    AccountChanges, AccountHealth, AccountWrite, CredentialId, HostName, NewProviderAccount,
    ProviderAccount, ProviderAccountId, ProviderAccountRepository, ProviderSettings,
};
use liveclass_domain::validation::Field;
use liveclass_domain::webhooks::SealedSecret;
use liveclass_persistence::schema::provider_accounts as pa;
use liveclass_persistence::testing::TestDatabase;
use liveclass_persistence::{DieselStore, on_both_backends};

use common::*;
use diesel::prelude::*;

fn daily_settings() -> ProviderSettings {
    ProviderSettings::Daily {
        domain: HostName::parse(Field::DailyDomain, "acme.daily.co").unwrap(),
    }
}

fn zoom_settings() -> ProviderSettings {
    ProviderSettings::Zoom {
        account_id: CredentialId::parse(Field::ZoomAccountId, "acc-1").unwrap(),
        client_id: CredentialId::parse(Field::ZoomClientId, "client-1").unwrap(),
    }
}

fn sealed(bytes: &[u8]) -> SealedSecret {
    SealedSecret {
        key_id: "k1".into(),
        sealed: bytes.to_vec(),
    }
}

fn account(tenant_name: &str, settings: ProviderSettings, active: bool) -> NewProviderAccount {
    NewProviderAccount {
        account: ProviderAccount {
            id: ProviderAccountId::from_uuid(RandomIds.new_uuid()),
            tenant_id: tenant(tenant_name),
            label: "Main".into(),
            settings,
            secret_hint: Some("…6789".into()),
            has_webhook_secret: true,
            webhook_secret_hint: None,
            active,
            health: AccountHealth::default(),
            created_at: T0,
            updated_at: T0,
        },
        secret: sealed(&[1, 2, 3]),
        webhook_secret: Some(sealed(&[4, 5, 6])),
    }
}

fn done(write: AccountWrite) -> ProviderAccount {
    match write {
        AccountWrite::Done(a) => *a,
        other => panic!("expected Done, got {other:?}"),
    }
}

async fn accounts_round_trip_per_tenant_with_sealed_secrets_as_given(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let new = account("acme", zoom_settings(), true);
    let created = done(store.create_account(new.clone()).await.unwrap());
    assert_eq!(created, new.account);
    let read = store
        .find_account(&tenant("acme"), created.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read, new.account);
    assert!(
        store
            .find_account(&tenant("globex"), created.id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .list_accounts(&tenant("globex"))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.list_accounts(&tenant("acme")).await.unwrap().len(), 1);

    let mut conn = db.pool.get().unwrap();
    let (key, text, webhook): (String, String, Option<String>) = pa::table
        .select((
            pa::secret_key_id,
            pa::secret_sealed,
            pa::webhook_secret_sealed,
        ))
        .first(&mut *conn)
        .unwrap();
    assert_eq!(
        (key.as_str(), text.as_str(), webhook.as_deref()),
        ("k1", "AQID", Some("BAUG"))
    );

    // Another tenant cannot change or delete it.
    let changes = AccountChanges {
        label: Some("stolen".into()),
        ..AccountChanges::default()
    };
    assert_eq!(
        store
            .update_account(&tenant("globex"), created.id, changes.clone(), T0)
            .await
            .unwrap(),
        AccountWrite::NotFound
    );
    assert!(
        !store
            .delete_account(&tenant("globex"), created.id)
            .await
            .unwrap()
    );
    let changed = done(
        store
            .update_account(
                &tenant("acme"),
                created.id,
                changes,
                T0 + time::Duration::minutes(1),
            )
            .await
            .unwrap(),
    );
    assert_eq!(changed.label, "stolen");
    assert_eq!(changed.updated_at, T0 + time::Duration::minutes(1));
    assert!(
        store
            .delete_account(&tenant("acme"), created.id)
            .await
            .unwrap()
    );
    assert!(
        store
            .find_account(&tenant("acme"), created.id)
            .await
            .unwrap()
            .is_none()
    );
}

async fn new_credentials_replace_the_old_and_the_webhook_secret_can_be_removed(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let created = done(
        store
            .create_account(account("acme", zoom_settings(), true))
            .await
            .unwrap(),
    );
    let other_zoom = ProviderSettings::Zoom {
        account_id: CredentialId::parse(Field::ZoomAccountId, "acc-2").unwrap(),
        client_id: CredentialId::parse(Field::ZoomClientId, "client-2").unwrap(),
    };
    let changed = done(
        store
            .update_account(
                &tenant("acme"),
                created.id,
                AccountChanges {
                    credentials: Some((other_zoom.clone(), sealed(&[9, 9]), Some("…abcd".into()))),
                    webhook_secret: Some(None),
                    ..AccountChanges::default()
                },
                T0,
            )
            .await
            .unwrap(),
    );
    assert_eq!(changed.settings, other_zoom);
    assert_eq!(changed.secret_hint.as_deref(), Some("…abcd"));
    assert!(!changed.has_webhook_secret);
    let mut conn = db.pool.get().unwrap();
    let (text, webhook): (String, Option<String>) = pa::table
        .select((pa::secret_sealed, pa::webhook_secret_sealed))
        .first(&mut *conn)
        .unwrap();
    assert_eq!((text.as_str(), webhook), ("CQk=", None));
}

async fn a_tenant_has_at_most_one_active_account_per_kind(db: TestDatabase) {
    let store = DieselStore::new(db.pool.clone());
    let first = done(
        store
            .create_account(account("acme", daily_settings(), true))
            .await
            .unwrap(),
    );
    assert_eq!(
        store
            .create_account(account("acme", daily_settings(), true))
            .await
            .unwrap(),
        AccountWrite::ActiveExists
    );
    // Inactive ones, other kinds and other tenants are fine.
    let spare = done(
        store
            .create_account(account("acme", daily_settings(), false))
            .await
            .unwrap(),
    );
    done(
        store
            .create_account(account("acme", zoom_settings(), true))
            .await
            .unwrap(),
    );
    done(
        store
            .create_account(account("globex", daily_settings(), true))
            .await
            .unwrap(),
    );
    // Activating the spare is refused, and changes nothing else of the write.
    let refused = store
        .update_account(
            &tenant("acme"),
            spare.id,
            AccountChanges {
                label: Some("renamed".into()),
                active: Some(true),
                ..AccountChanges::default()
            },
            T0,
        )
        .await
        .unwrap();
    assert_eq!(refused, AccountWrite::ActiveExists);
    let unchanged = store
        .find_account(&tenant("acme"), spare.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (unchanged.label.as_str(), unchanged.active),
        ("Main", false)
    );
    // Deactivate the first, then the spare may be activated.
    let off = AccountChanges {
        active: Some(false),
        ..AccountChanges::default()
    };
    done(
        store
            .update_account(&tenant("acme"), first.id, off, T0)
            .await
            .unwrap(),
    );
    let on = AccountChanges {
        active: Some(true),
        ..AccountChanges::default()
    };
    assert!(
        done(
            store
                .update_account(&tenant("acme"), spare.id, on, T0)
                .await
                .unwrap()
        )
        .active
    );
}

async fn concurrent_activations_leave_one_active_account(db: TestDatabase) {
    let store = Arc::new(DieselStore::new(db.pool.clone()));
    // Eight inactive accounts, all activated at once, plus eight active
    // creations at once: exactly one active account is left.
    let mut ids = Vec::new();
    for _ in 0..8 {
        ids.push(
            done(
                store
                    .create_account(account("acme", daily_settings(), false))
                    .await
                    .unwrap(),
            )
            .id,
        );
    }
    let mut tasks = Vec::new();
    for id in ids {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            let on = AccountChanges {
                active: Some(true),
                ..AccountChanges::default()
            };
            s.update_account(&tenant("acme"), id, on, T0).await.unwrap()
        }));
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            s.create_account(account("acme", daily_settings(), true))
                .await
                .unwrap()
        }));
    }
    let mut done_count = 0;
    for t in tasks {
        match t.await.unwrap() {
            AccountWrite::Done(_) => done_count += 1,
            AccountWrite::ActiveExists => {}
            AccountWrite::NotFound => panic!("not found"),
        }
    }
    assert_eq!(done_count, 1);
    let active = store
        .list_accounts(&tenant("acme"))
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.active)
        .count();
    assert_eq!(active, 1);
}

on_both_backends!(
    accounts_round_trip_per_tenant_with_sealed_secrets_as_given,
    new_credentials_replace_the_old_and_the_webhook_secret_can_be_removed,
    a_tenant_has_at_most_one_active_account_per_kind,
    concurrent_activations_leave_one_active_account,
);

mod health {
    use super::*;
    use liveclass_domain::provider_accounts::CheckResult;

    async fn checks_are_recorded_in_the_health_and_the_sealed_secret_reads_back(db: TestDatabase) {
        let store = DieselStore::new(db.pool.clone());
        let created = done(
            store
                .create_account(account("acme", zoom_settings(), true))
                .await
                .unwrap(),
        );
        let (read, secret) = store
            .find_sealed_secret(&tenant("acme"), created.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((read, secret), (created.clone(), sealed(&[1, 2, 3])));
        assert!(
            store
                .find_sealed_secret(&tenant("globex"), created.id)
                .await
                .unwrap()
                .is_none()
        );

        let passed = CheckResult::Passed {
            remote: true,
            token_renewed: true,
        };
        let after = store
            .record_check(&tenant("acme"), created.id, passed, T0)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(after.health.last_success_at, Some(T0));
        assert_eq!(after.health.last_token_renewal_at, Some(T0));
        let later = T0 + time::Duration::minutes(5);
        let failed = CheckResult::Failed {
            error: "Zoom refused the credentials".into(),
        };
        let after = store
            .record_check(&tenant("acme"), created.id, failed.clone(), later)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            after.health.last_success_at,
            Some(T0),
            "a failure keeps the last success"
        );
        assert_eq!(
            after.health.last_error.as_deref(),
            Some("Zoom refused the credentials")
        );
        assert_eq!(after.health.last_error_at, Some(later));
        assert!(
            store
                .record_check(&tenant("globex"), created.id, failed, later)
                .await
                .unwrap()
                .is_none()
        );
    }

    on_both_backends!(checks_are_recorded_in_the_health_and_the_sealed_secret_reads_back);
}
