#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use time::macros::datetime;

use super::*;
use crate::caller::{Caller, Role};
use crate::clock::FixedClock;
use crate::ids::{SequentialIds, TenantId, UserId};
use crate::validation::Field;
use crate::webhooks::{MockSecretBox, SealedSecret, SecretError};

fn caller(roles: &[Role]) -> Caller {
    Caller {
        user_id: UserId::parse("admin-1").unwrap(),
        tenant_id: TenantId::parse("tenant-a").unwrap(),
        roles: roles.to_vec(),
        name: None,
    }
}

fn admin() -> Caller {
    caller(&[Role::OrgAdmin])
}

fn zoom(secret: &str) -> ProviderCredentials {
    ProviderCredentials {
        settings: ProviderSettings::Zoom {
            account_id: CredentialId::parse(Field::ZoomAccountId, "acc-1").unwrap(),
            client_id: CredentialId::parse(Field::ZoomClientId, "client-1").unwrap(),
        },
        secret: SecretText::parse(Field::ZoomClientSecret, secret).unwrap(),
    }
}

fn daily() -> ProviderCredentials {
    ProviderCredentials {
        settings: ProviderSettings::Daily {
            domain: HostName::parse(Field::DailyDomain, "acme.daily.co").unwrap(),
        },
        secret: SecretText::parse(Field::DailyApiKey, "daily-api-key-0123456789").unwrap(),
    }
}

/// A secret box that "seals" by prefixing the context (enough to see what
/// the service asked for).
fn sealing_box() -> MockSecretBox {
    let mut secrets = MockSecretBox::new();
    secrets.expect_seal_for().returning(|plain, context| {
        let mut sealed = context.as_bytes().to_vec();
        sealed.push(b'|');
        sealed.extend(plain.iter().rev());
        Ok(SealedSecret {
            key_id: "k1".into(),
            sealed,
        })
    });
    secrets
}

fn service(store: MockProviderAccountRepository, secrets: MockSecretBox) -> ProviderAccountService {
    with_checker(store, secrets, MockCredentialChecker::new())
}

fn with_checker(
    store: MockProviderAccountRepository,
    secrets: MockSecretBox,
    checker: MockCredentialChecker,
) -> ProviderAccountService {
    ProviderAccountService::new(
        Arc::new(store),
        Arc::new(secrets),
        Arc::new(checker),
        Arc::new(FixedClock::at(datetime!(2030-01-01 12:00 UTC))),
        Arc::new(SequentialIds::default()),
    )
}

fn new_account(credentials: ProviderCredentials) -> NewAccount {
    NewAccount {
        label: "Main".into(),
        active: true,
        credentials,
        webhook_secret: Some(
            SecretText::parse(Field::ProviderWebhookSecret, "whsecret-0123456789").unwrap(),
        ),
    }
}

#[tokio::test]
async fn only_organisation_admins_manage_accounts() {
    let s = service(MockProviderAccountRepository::new(), MockSecretBox::new());
    let manager = caller(&[Role::TrainingManager]);
    assert!(matches!(
        s.create(&manager, new_account(zoom("zoom-secret-0123456789")))
            .await,
        Err(ProviderAccountError::Forbidden)
    ));
    assert!(matches!(
        s.list(&manager).await,
        Err(ProviderAccountError::Forbidden)
    ));
}

#[tokio::test]
async fn secrets_are_sealed_for_their_account_and_field_and_only_hints_are_kept() {
    let mut store = MockProviderAccountRepository::new();
    store.expect_create_account().returning(|new| {
        let id = new.account.id;
        let ctx = format!("provider-account:{id}:secret|");
        assert!(new.secret.sealed.starts_with(ctx.as_bytes()));
        assert!(!new.secret.sealed.windows(11).any(|w| w == b"zoom-secret"));
        let webhook = new.webhook_secret.clone().unwrap();
        assert!(
            webhook
                .sealed
                .starts_with(format!("provider-account:{id}:webhook-secret|").as_bytes())
        );
        Ok(AccountWrite::Done(Box::new(new.account)))
    });
    let s = service(store, sealing_box());
    let created = s
        .create(&admin(), new_account(zoom("zoom-secret-0123456789")))
        .await
        .unwrap();
    assert_eq!(created.secret_hint.as_deref(), Some("…6789"));
    assert_eq!(created.webhook_secret_hint.as_deref(), Some("…6789"));
    assert!(created.has_webhook_secret);
    assert_eq!(created.tenant_id.as_str(), "tenant-a");
    assert!(!format!("{created:?}").contains("zoom-secret"));
}

#[tokio::test]
async fn a_second_active_account_of_a_kind_is_a_conflict() {
    let mut store = MockProviderAccountRepository::new();
    store
        .expect_create_account()
        .returning(|_| Ok(AccountWrite::ActiveExists));
    let s = service(store, sealing_box());
    assert!(matches!(
        s.create(&admin(), new_account(daily())).await,
        Err(ProviderAccountError::ActiveExists("daily"))
    ));
}

#[tokio::test]
async fn without_a_secrets_key_no_account_is_stored() {
    let mut secrets = MockSecretBox::new();
    secrets
        .expect_seal_for()
        .returning(|_, _| Err(SecretError::NoKey));
    // No expectation on the store: a call would panic.
    let s = service(MockProviderAccountRepository::new(), secrets);
    assert!(matches!(
        s.create(&admin(), new_account(daily())).await,
        Err(ProviderAccountError::SecretsUnavailable(SecretError::NoKey))
    ));
}

#[tokio::test]
async fn credentials_of_another_kind_are_refused_on_update() {
    let mut store = MockProviderAccountRepository::new();
    store.expect_find_account().returning(|tenant, id| {
        Ok(Some(ProviderAccount {
            id,
            tenant_id: tenant.clone(),
            label: String::new(),
            settings: daily().settings,
            secret_hint: None,
            has_webhook_secret: false,
            webhook_secret_hint: None,
            active: true,
            health: AccountHealth::default(),
            created_at: datetime!(2030-01-01 12:00 UTC),
            updated_at: datetime!(2030-01-01 12:00 UTC),
        }))
    });
    let s = service(store, sealing_box());
    let id = ProviderAccountId::from_uuid(uuid::Uuid::nil());
    let err = s
        .update(
            &admin(),
            id,
            UpdateAccount {
                credentials: Some(zoom("zoom-secret-0123456789")),
                ..UpdateAccount::default()
            },
        )
        .await
        .unwrap_err();
    let ProviderAccountError::Invalid(v) = err else {
        panic!("{err:?}")
    };
    assert_eq!(v.field, Field::ProviderKind);
}

#[tokio::test]
async fn another_tenants_account_is_not_found() {
    let mut store = MockProviderAccountRepository::new();
    store.expect_find_account().returning(|_, _| Ok(None));
    store.expect_delete_account().returning(|_, _| Ok(false));
    let s = service(store, MockSecretBox::new());
    let id = ProviderAccountId::from_uuid(uuid::Uuid::nil());
    assert!(matches!(
        s.get(&admin(), id).await,
        Err(ProviderAccountError::NotFound)
    ));
    assert!(matches!(
        s.delete(&admin(), id).await,
        Err(ProviderAccountError::NotFound)
    ));
}

fn stored(tenant: &TenantId, id: ProviderAccountId) -> ProviderAccount {
    ProviderAccount {
        id,
        tenant_id: tenant.clone(),
        label: String::new(),
        settings: daily().settings,
        secret_hint: None,
        has_webhook_secret: false,
        webhook_secret_hint: None,
        active: true,
        health: AccountHealth::default(),
        created_at: datetime!(2030-01-01 12:00 UTC),
        updated_at: datetime!(2030-01-01 12:00 UTC),
    }
}

#[tokio::test]
async fn a_test_opens_the_secret_for_its_account_checks_it_and_records_the_result() {
    let mut store = MockProviderAccountRepository::new();
    store.expect_find_sealed_secret().returning(|tenant, id| {
        Ok(Some((
            stored(tenant, id),
            SealedSecret {
                key_id: "k1".into(),
                sealed: b"sealed".to_vec(),
            },
        )))
    });
    store
        .expect_record_check()
        .withf(|_, _, result, at| {
            *result
                == CheckResult::Failed {
                    error: "refused".into(),
                }
                && *at == datetime!(2030-01-01 12:00 UTC)
        })
        .returning(|tenant, id, _, _| Ok(Some(stored(tenant, id))));
    let mut secrets = MockSecretBox::new();
    secrets
        .expect_open_for()
        .withf(|_, context| context.ends_with(":secret"))
        .returning(|_, _| Ok(b"daily-api-key-0123456789".to_vec()));
    let mut checker = MockCredentialChecker::new();
    checker
        .expect_check()
        .withf(|c| *c == daily())
        .returning(|_| CheckResult::Failed {
            error: "refused".into(),
        });
    let s = with_checker(store, secrets, checker);
    let id = ProviderAccountId::from_uuid(uuid::Uuid::nil());
    let outcome = s.test(&admin(), id).await.unwrap();
    assert_eq!(
        outcome.result,
        CheckResult::Failed {
            error: "refused".into()
        }
    );
}

#[tokio::test]
async fn a_secret_sealed_by_a_key_no_longer_configured_is_a_failed_check_not_a_call() {
    let mut store = MockProviderAccountRepository::new();
    store.expect_find_sealed_secret().returning(|tenant, id| {
        Ok(Some((
            stored(tenant, id),
            SealedSecret {
                key_id: "gone".into(),
                sealed: vec![0; 40],
            },
        )))
    });
    store
        .expect_record_check()
        .withf(|_, _, result, _| {
            matches!(result, CheckResult::Failed { error } if error.contains("LIVECLASS_SECRETS_OLD_KEYS"))
        })
        .returning(|tenant, id, _, _| Ok(Some(stored(tenant, id))));
    let mut secrets = MockSecretBox::new();
    secrets
        .expect_open_for()
        .returning(|_, _| Err(SecretError::Corrupt(anyhow::anyhow!("unknown key"))));
    // No expectation on the checker: a call would panic.
    let s = with_checker(store, secrets, MockCredentialChecker::new());
    let id = ProviderAccountId::from_uuid(uuid::Uuid::nil());
    assert!(matches!(
        s.test(&admin(), id).await.unwrap().result,
        CheckResult::Failed { .. }
    ));
    assert!(matches!(
        s.test(&caller(&[Role::TrainingManager]), id).await,
        Err(ProviderAccountError::Forbidden)
    ));
}
