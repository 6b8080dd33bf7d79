//! Where a token keeps the tenant, the roles and the display name, and how
//! the identity provider's role names become LiveClass's.
//!
//! Identity providers disagree: Keycloak puts roles in `realm_access.roles`
//! or `resource_access.<client>.roles`, Auth0 in namespaced claims such as
//! `https://example.com/roles`, Azure AD in `roles` (and the tenant in
//! `tid`), Cognito in `cognito:groups`. A [`ClaimPath`] names a claim by a
//! dotted path; a [`RoleMap`] renames roles.
//!
//! # Paths
//!
//! A path is a claim name, or names joined by dots that walk into nested
//! objects (`realm_access.roles`). At each level the whole remaining path is
//! first tried as one key, then the path is split at each dot from the left:
//! so a namespaced claim whose name itself has dots
//! (`https://example.com/roles`) and a client id with dots
//! (`resource_access.my.client.roles`) are both found without quoting.

use std::fmt;

use liveclass_domain::caller::Role;
use serde_json::Value;

/// A path to a claim: `tenant_id`, `realm_access.roles`,
/// `https://example.com/tenant`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimPath(String);

impl ClaimPath {
    /// # Errors
    /// An empty path, or one that starts or ends with a dot.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("a claim path must not be empty".into());
        }
        if raw.starts_with('.') || raw.ends_with('.') {
            return Err(format!(
                "a claim path must not start or end with a dot, got `{raw}`"
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The claim at this path, if any.
    pub fn lookup<'a>(&self, claims: &'a Value) -> Option<&'a Value> {
        lookup(claims, &self.0)
    }
}

impl fmt::Display for ClaimPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    let object = value.as_object()?;
    if let Some(found) = object.get(path) {
        return Some(found);
    }
    path.match_indices('.').find_map(|(i, _)| {
        let (head, rest) = (&path[..i], &path[i + 1..]);
        object.get(head).and_then(|inner| lookup(inner, rest))
    })
}

/// The provider's role names and the LiveClass roles they grant
/// (`LIVECLASS_JWT_ROLE_MAP`, e.g. `teacher=training_manager,admin=org_admin`).
///
/// Empty (the default): role names are read as LiveClass's own
/// (`training_manager`, `org_admin`). Not empty: the map is the whole truth,
/// so a provider role that is not in it grants nothing, even if it happens to
/// be called `org_admin`; it is kept as an unprivileged role.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleMap(Vec<(String, Role)>);

impl RoleMap {
    /// # Errors
    /// An entry that is not `provider_role=liveclass_role`, or a LiveClass
    /// role other than `training_manager` and `org_admin`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut entries = Vec::new();
        for entry in raw.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let Some((from, to)) = entry.split_once('=') else {
                return Err(format!(
                    "expected `provider_role=liveclass_role` entries, got `{entry}`"
                ));
            };
            let (from, to) = (from.trim(), to.trim());
            if from.is_empty() {
                return Err(format!("an empty provider role in `{entry}`"));
            }
            let role = match Role::parse(to) {
                Role::Other(_) => {
                    return Err(format!(
                        "`{to}` is not a LiveClass role (training_manager, org_admin)"
                    ));
                }
                role => role,
            };
            entries.push((from.to_owned(), role));
        }
        Ok(Self(entries))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The LiveClass roles a provider role name stands for.
    pub fn roles_of(&self, provider_role: &str) -> Vec<Role> {
        if self.0.is_empty() {
            return vec![Role::parse(provider_role)];
        }
        let mapped: Vec<Role> = self
            .0
            .iter()
            .filter(|(from, _)| from == provider_role)
            .map(|(_, to)| to.clone())
            .collect();
        if mapped.is_empty() {
            vec![Role::Other(provider_role.to_owned())]
        } else {
            mapped
        }
    }
}

/// Where the tenant, roles and name are read, and the role map. The default
/// reads LiveClass's own claims: `tenant_id`, `roles`, `name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimMapping {
    /// `LIVECLASS_JWT_TENANT_CLAIM`: a string (or an integer).
    pub tenant: ClaimPath,
    /// `LIVECLASS_JWT_ROLES_CLAIM`: an array of strings, or one string of
    /// space-separated role names.
    pub roles: ClaimPath,
    /// `LIVECLASS_JWT_NAME_CLAIM`: a string; optional in every token.
    pub name: ClaimPath,
    /// `LIVECLASS_JWT_ROLE_MAP`.
    pub role_map: RoleMap,
}

impl Default for ClaimMapping {
    fn default() -> Self {
        Self {
            tenant: ClaimPath("tenant_id".into()),
            roles: ClaimPath("roles".into()),
            name: ClaimPath("name".into()),
            role_map: RoleMap::default(),
        }
    }
}

/// The identity read from a verified token's claims; refusals say why, for
/// the operator's log.
#[derive(Debug)]
pub(crate) struct Mapped {
    pub sub: String,
    pub tenant: String,
    pub roles: Vec<Role>,
    pub name: Option<String>,
}

impl ClaimMapping {
    /// Reads the identity out of a token's claims.
    ///
    /// # Errors
    /// Why the claims do not make an identity (for the log, never the client).
    pub(crate) fn map(&self, claims: &Value) -> Result<Mapped, String> {
        let sub = match claims.get("sub") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => {
                return Err(format!(
                    "the `sub` claim is of type {}, not a string",
                    kind(other)
                ));
            }
            None => return Err("the token has no `sub` claim".into()),
        };
        let tenant = match self.tenant.lookup(claims) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) if n.is_i64() || n.is_u64() => n.to_string(),
            Some(other) => {
                return Err(format!(
                    "the tenant claim `{}` is of type {}, not a string",
                    self.tenant,
                    kind(other)
                ));
            }
            None => {
                return Err(format!(
                    "the token has no tenant claim at `{}` (LIVECLASS_JWT_TENANT_CLAIM); its top-level claims: {}",
                    self.tenant,
                    top_level(claims)
                ));
            }
        };
        let names: Vec<&str> = match self.roles.lookup(claims) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(s)) => s.split_whitespace().collect(),
            Some(Value::Array(items)) => {
                let mut names = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        Value::String(s) => names.push(s.as_str()),
                        other => {
                            return Err(format!(
                                "the roles claim `{}` holds a value of type {}, not only strings",
                                self.roles,
                                kind(other)
                            ));
                        }
                    }
                }
                names
            }
            Some(other) => {
                return Err(format!(
                    "the roles claim `{}` is of type {}, not an array of strings or a string",
                    self.roles,
                    kind(other)
                ));
            }
        };
        let mut roles: Vec<Role> = Vec::new();
        for name in names {
            for role in self.role_map.roles_of(name) {
                if !roles.contains(&role) {
                    roles.push(role);
                }
            }
        }
        // A display name is optional: one of another type is ignored.
        let name = match self.name.lookup(claims) {
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        };
        Ok(Mapped {
            sub,
            tenant,
            roles,
            name,
        })
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn top_level(claims: &Value) -> String {
    claims
        .as_object()
        .map(|o| {
            o.keys()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn path(p: &str) -> ClaimPath {
        ClaimPath::parse(p).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn paths_walk_objects_and_find_keys_with_dots() {
        let claims = json!({
            "tid": "t1",
            "realm_access": {"roles": ["a"]},
            "resource_access": {"my.client": {"roles": ["b"]}, "my": {"x": 1}},
            "https://example.com/roles": ["c"],
            "cognito:groups": ["d"],
        });
        assert_eq!(path("tid").lookup(&claims), Some(&json!("t1")));
        assert_eq!(
            path("realm_access.roles").lookup(&claims),
            Some(&json!(["a"]))
        );
        assert_eq!(
            path("resource_access.my.client.roles").lookup(&claims),
            Some(&json!(["b"]))
        );
        assert_eq!(
            path("https://example.com/roles").lookup(&claims),
            Some(&json!(["c"]))
        );
        assert_eq!(path("cognito:groups").lookup(&claims), Some(&json!(["d"])));
        assert_eq!(path("realm_access.nope").lookup(&claims), None);
        assert_eq!(path("tid.deeper").lookup(&claims), None);
    }

    #[test]
    fn bad_paths_and_role_maps_are_refused() {
        for bad in ["", " ", ".a", "a."] {
            assert!(ClaimPath::parse(bad).is_err(), "{bad:?}");
        }
        for bad in ["teacher", "teacher=student", "=org_admin"] {
            assert!(RoleMap::parse(bad).is_err(), "{bad:?}");
        }
        let map = RoleMap::parse(" teacher = training_manager , admin=org_admin,").unwrap();
        assert_eq!(map.roles_of("teacher"), vec![Role::TrainingManager]);
        assert_eq!(map.roles_of("admin"), vec![Role::OrgAdmin]);
        // With a map, an unmapped name grants nothing, whatever it is called.
        assert_eq!(
            map.roles_of("org_admin"),
            vec![Role::Other("org_admin".into())]
        );
        assert_eq!(
            RoleMap::default().roles_of("org_admin"),
            vec![Role::OrgAdmin]
        );
    }

    #[test]
    fn roles_may_be_one_string_and_mapping_errors_say_why() {
        let mapping = ClaimMapping::default();
        let mapped = mapping
            .map(&json!({"sub": "u", "tenant_id": 42, "roles": "org_admin training_manager"}))
            .unwrap();
        assert_eq!(mapped.tenant, "42");
        assert_eq!(mapped.roles, vec![Role::OrgAdmin, Role::TrainingManager]);
        let err = mapping.map(&json!({"sub": "u", "tid": "t"})).unwrap_err();
        assert!(
            err.contains("`tenant_id`") && err.contains("`tid`"),
            "{err}"
        );
        let err = mapping
            .map(&json!({"sub": "u", "tenant_id": "t", "roles": {"a": 1}}))
            .unwrap_err();
        assert!(err.contains("object"), "{err}");
        let err = mapping
            .map(&json!({"sub": "u", "tenant_id": "t", "roles": ["a", 1]}))
            .unwrap_err();
        assert!(err.contains("number"), "{err}");
    }
}
