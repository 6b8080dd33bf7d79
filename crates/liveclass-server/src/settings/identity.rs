//! Settings for an external identity provider: its JWKS and where its tokens
//! keep the tenant, the roles and the name.

use std::time::Duration;

use liveclass_http::jwks::{DEFAULT_MIN_REFETCH, JwksSource};
use liveclass_http::{ClaimMapping, ClaimPath, RoleMap};

use super::{SettingsError, invalid, number};

/// `LIVECLASS_JWT_JWKS_URL` and `LIVECLASS_JWT_JWKS_MIN_REFETCH_SECONDS`,
/// when the URL is set.
pub(super) fn jwks_source(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<Option<JwksSource>, SettingsError> {
    let Some(url) = lookup("LIVECLASS_JWT_JWKS_URL") else {
        return Ok(None);
    };
    let url = url.trim().to_owned();
    let scheme_ok = url
        .split_once("://")
        .is_some_and(|(scheme, rest)| matches!(scheme, "https" | "http") && !rest.is_empty());
    if !scheme_ok {
        return Err(invalid(
            "LIVECLASS_JWT_JWKS_URL",
            format!("expected an https:// (or http://) URL, got `{url}`"),
        ));
    }
    let min_refetch = number(
        lookup,
        "LIVECLASS_JWT_JWKS_MIN_REFETCH_SECONDS",
        DEFAULT_MIN_REFETCH.as_secs(),
    )?;
    if !(1..=3600).contains(&min_refetch) {
        return Err(invalid(
            "LIVECLASS_JWT_JWKS_MIN_REFETCH_SECONDS",
            format!("must be between 1 and 3600, got `{min_refetch}`"),
        ));
    }
    Ok(Some(JwksSource {
        min_refetch: Duration::from_secs(min_refetch),
        ..JwksSource::new(url)
    }))
}

/// `LIVECLASS_JWT_{TENANT,ROLES,NAME}_CLAIM` and `LIVECLASS_JWT_ROLE_MAP`.
pub(super) fn claim_mapping(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<ClaimMapping, SettingsError> {
    let defaults = ClaimMapping::default();
    let path = |var: &'static str, default: ClaimPath| match lookup(var) {
        None => Ok(default),
        Some(raw) => ClaimPath::parse(&raw).map_err(|e| invalid(var, e)),
    };
    Ok(ClaimMapping {
        tenant: path("LIVECLASS_JWT_TENANT_CLAIM", defaults.tenant)?,
        roles: path("LIVECLASS_JWT_ROLES_CLAIM", defaults.roles)?,
        name: path("LIVECLASS_JWT_NAME_CLAIM", defaults.name)?,
        role_map: match lookup("LIVECLASS_JWT_ROLE_MAP") {
            None => RoleMap::default(),
            Some(raw) => RoleMap::parse(&raw).map_err(|e| invalid("LIVECLASS_JWT_ROLE_MAP", e))?,
        },
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use liveclass_domain::caller::Role;
    use liveclass_http::JwtKey;

    use super::*;
    use crate::Settings;

    fn lookup<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn a_jwks_url_is_a_key_source_of_its_own() {
        let vars = [
            ("LIVECLASS_JWT_JWKS_URL", "https://idp.example/certs"),
            ("LIVECLASS_JWT_JWKS_MIN_REFETCH_SECONDS", "10"),
        ];
        let s = Settings::from_lookup(lookup(&vars)).unwrap();
        match &s.jwt.config.key {
            JwtKey::Jwks(source) => {
                assert_eq!(source.url, "https://idp.example/certs");
                assert_eq!(source.min_refetch, Duration::from_secs(10));
            }
            other => panic!("{other:?}"),
        }
        assert!(!s.jwt.development);
        let default = jwks_source(&lookup(&vars[..1])).unwrap().unwrap();
        assert_eq!(default.min_refetch, DEFAULT_MIN_REFETCH);
    }

    #[test]
    fn bad_identity_settings_name_their_variable() {
        let secret = "s".repeat(32);
        for (var, value) in [
            ("LIVECLASS_JWT_JWKS_URL", "idp.example/certs"),
            ("LIVECLASS_JWT_JWKS_URL", "ftp://idp.example/certs"),
            ("LIVECLASS_JWT_JWKS_MIN_REFETCH_SECONDS", "0"),
            ("LIVECLASS_JWT_TENANT_CLAIM", ".tid"),
            ("LIVECLASS_JWT_ROLES_CLAIM", "realm_access."),
            ("LIVECLASS_JWT_ROLE_MAP", "teacher=boss"),
        ] {
            let mut vars = vec![(var, value)];
            if var != "LIVECLASS_JWT_JWKS_URL" {
                vars.push(("LIVECLASS_JWT_JWKS_URL", "https://idp.example/certs"));
            }
            let err = Settings::from_lookup(lookup(&vars))
                .unwrap_err()
                .to_string();
            assert!(err.starts_with(var), "{var}={value}: {err}");
        }
        // One key source at a time.
        let vars = [
            ("LIVECLASS_JWT_JWKS_URL", "https://idp.example/certs"),
            ("LIVECLASS_JWT_SECRET", secret.as_str()),
        ];
        let err = Settings::from_lookup(lookup(&vars))
            .unwrap_err()
            .to_string();
        assert!(err.contains("only one of"), "{err}");
    }

    #[test]
    fn claim_settings_default_to_liveclass_claims_and_are_configurable() {
        assert_eq!(
            claim_mapping(&lookup(&[])).unwrap(),
            ClaimMapping::default()
        );
        let m = claim_mapping(&lookup(&[
            ("LIVECLASS_JWT_TENANT_CLAIM", "tid"),
            ("LIVECLASS_JWT_ROLES_CLAIM", "realm_access.roles"),
            ("LIVECLASS_JWT_NAME_CLAIM", "preferred_username"),
            (
                "LIVECLASS_JWT_ROLE_MAP",
                "teacher=training_manager,admin=org_admin",
            ),
        ]))
        .unwrap();
        assert_eq!(m.tenant.as_str(), "tid");
        assert_eq!(m.roles.as_str(), "realm_access.roles");
        assert_eq!(m.name.as_str(), "preferred_username");
        assert_eq!(m.role_map.roles_of("admin"), vec![Role::OrgAdmin]);
    }
}
