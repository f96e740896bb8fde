//! Gcore's roles (the description's `Group`) by name: [`Role`].
//!
//! Part of the Gcore layer, on top of the runtime: not copied into standalone crates.

use crate::types::{Group, GroupName};
use std::fmt;

/// A role (Gcore calls them groups) of a user or an API token, by name.
///
/// Gcore documents five:
///
/// | Role | id | name on the wire |
/// |------|---:|------------------|
/// | [`Role::Administrators`] | 1 | `Administrators` |
/// | [`Role::Users`] | 2 | `Users` |
/// | [`Role::Engineers`] | 5 | `Engineers` |
/// | [`Role::PurgeAndPrefetchOnlyApiWeb`] | 3009 | `Purge and Prefetch only (API+Web)` |
/// | [`Role::PurgeAndPrefetchOnlyApi`] | 3022 | `Purge and Prefetch only (API)` |
///
/// A token cannot have a higher role than the user who creates it.
///
/// A role the server sends that this crate does not know (a new id, or a name without a
/// known id) is kept as [`Role::Unknown`], never an error. Read from a response with
/// `Role::from(&group)` (the id decides; the name only when there is no id); put into a
/// request with `Group::from(role)`, which sends the id alone, as Gcore's own examples
/// do (`{"role": {"id": 5}}`).
///
/// ```
/// use gcore_iam::Role;
/// use gcore_iam::types::Group;
///
/// let group = Group::from(Role::Engineers);
/// assert_eq!(group.id, Some(5));
/// assert_eq!(Role::from(&group), Role::Engineers);
/// assert_eq!(Role::from_id(3100), Role::Unknown { id: Some(3100), name: None });
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Role {
    /// `Administrators` (id 1): see and manage every token of the account.
    Administrators,
    /// `Users` (id 2).
    Users,
    /// `Engineers` (id 5).
    Engineers,
    /// `Purge and Prefetch only (API+Web)` (id 3009).
    PurgeAndPrefetchOnlyApiWeb,
    /// `Purge and Prefetch only (API)` (id 3022).
    PurgeAndPrefetchOnlyApi,
    /// A role this version of the crate does not know, as the server sent it.
    Unknown {
        /// Its id, if the server sent one.
        id: Option<i64>,
        /// Its name, if the server sent one.
        name: Option<String>,
    },
}

impl Role {
    /// The five roles Gcore documents, in the order of the table above.
    pub const KNOWN: [Role; 5] = [
        Role::Administrators,
        Role::Users,
        Role::Engineers,
        Role::PurgeAndPrefetchOnlyApiWeb,
        Role::PurgeAndPrefetchOnlyApi,
    ];

    /// The role with this id; [`Role::Unknown`] for an id Gcore does not document.
    pub fn from_id(id: i64) -> Role {
        Role::KNOWN
            .into_iter()
            .find(|r| r.id() == Some(id))
            .unwrap_or(Role::Unknown {
                id: Some(id),
                name: None,
            })
    }

    /// The role with this name as Gcore writes it (`Purge and Prefetch only (API)`);
    /// [`Role::Unknown`] for another name.
    pub fn from_name(name: &str) -> Role {
        Role::KNOWN
            .into_iter()
            .find(|r| r.name() == Some(name))
            .unwrap_or_else(|| Role::Unknown {
                id: None,
                name: Some(name.to_string()),
            })
    }

    /// The role's id, as Gcore documents it (or as the server sent it).
    pub fn id(&self) -> Option<i64> {
        match self {
            Role::Administrators => Some(1),
            Role::Users => Some(2),
            Role::Engineers => Some(5),
            Role::PurgeAndPrefetchOnlyApiWeb => Some(3009),
            Role::PurgeAndPrefetchOnlyApi => Some(3022),
            Role::Unknown { id, .. } => *id,
        }
    }

    /// The role's name, as Gcore writes it (or as the server sent it).
    pub fn name(&self) -> Option<&str> {
        match self {
            Role::Administrators => Some("Administrators"),
            Role::Users => Some("Users"),
            Role::Engineers => Some("Engineers"),
            Role::PurgeAndPrefetchOnlyApiWeb => Some("Purge and Prefetch only (API+Web)"),
            Role::PurgeAndPrefetchOnlyApi => Some("Purge and Prefetch only (API)"),
            Role::Unknown { name, .. } => name.as_deref(),
        }
    }

    /// Whether this is one of the five documented roles.
    pub fn is_known(&self) -> bool {
        !matches!(self, Role::Unknown { .. })
    }
}

/// The name, or `role <id>` for an unknown role without one.
impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.name(), self.id()) {
            (Some(name), _) => f.write_str(name),
            (None, Some(id)) => write!(f, "role {id}"),
            (None, None) => f.write_str("a role without id or name"),
        }
    }
}

/// The id decides; without an id, the name. An id Gcore does not document is
/// [`Role::Unknown`] with the name that came with it.
impl From<&Group> for Role {
    fn from(group: &Group) -> Role {
        match (group.id, &group.name) {
            (Some(id), name) => match Role::from_id(id) {
                Role::Unknown { id, .. } => Role::Unknown {
                    id,
                    name: name.as_ref().map(|n| n.as_str().to_string()),
                },
                known => known,
            },
            (None, Some(name)) => Role::from_name(name.as_str()),
            (None, None) => Role::Unknown {
                id: None,
                name: None,
            },
        }
    }
}

impl From<Group> for Role {
    fn from(group: Group) -> Role {
        Role::from(&group)
    }
}

/// The id alone, as Gcore's examples send a role (`{"id": 5}`); the name only for a role
/// that has no id.
impl From<Role> for Group {
    fn from(role: Role) -> Group {
        match role.id() {
            Some(id) => Group::default().with_id(id),
            None => match role.name() {
                Some(name) => Group::default().with_name(
                    name.parse::<GroupName>()
                        .unwrap_or_else(|never: std::convert::Infallible| match never {}),
                ),
                None => Group::default(),
            },
        }
    }
}

impl From<&Role> for Group {
    fn from(role: &Role) -> Group {
        Group::from(role.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_five_documented_roles_round_trip_through_id_and_name() {
        let table = [
            (Role::Administrators, 1, "Administrators"),
            (Role::Users, 2, "Users"),
            (Role::Engineers, 5, "Engineers"),
            (
                Role::PurgeAndPrefetchOnlyApiWeb,
                3009,
                "Purge and Prefetch only (API+Web)",
            ),
            (
                Role::PurgeAndPrefetchOnlyApi,
                3022,
                "Purge and Prefetch only (API)",
            ),
        ];
        for (role, id, name) in table {
            assert_eq!(Role::from_id(id), role);
            assert_eq!(Role::from_name(name), role);
            assert_eq!(role.to_string(), name);
            let wire = serde_json::to_value(Group::from(&role)).unwrap();
            assert_eq!(wire, serde_json::json!({ "id": id }));
            let read: Group =
                serde_json::from_value(serde_json::json!({"id": id, "name": name})).unwrap();
            assert_eq!(Role::from(&read), role);
            assert!(role.is_known());
        }
    }

    #[test]
    fn a_role_the_crate_does_not_know_is_kept_with_what_the_server_sent() {
        let read: Group =
            serde_json::from_value(serde_json::json!({"id": 3100, "name": "Billing"})).unwrap();
        let role = Role::from(&read);
        assert_eq!(
            role,
            Role::Unknown {
                id: Some(3100),
                name: Some("Billing".into())
            }
        );
        assert_eq!(role.to_string(), "Billing");
        assert!(!role.is_known());
        // sent back as it came: its id
        assert_eq!(
            serde_json::to_value(Group::from(&role)).unwrap(),
            serde_json::json!({"id": 3100})
        );
        // a name alone: matched by name, and an unknown one sent by name
        let by_name: Group =
            serde_json::from_value(serde_json::json!({"name": "Engineers"})).unwrap();
        assert_eq!(Role::from(by_name), Role::Engineers);
        let new_name = Role::from_name("Billing");
        assert_eq!(
            serde_json::to_value(Group::from(new_name)).unwrap(),
            serde_json::json!({"name": "Billing"})
        );
        assert_eq!(Role::from_id(77).to_string(), "role 77");
        assert_eq!(
            Role::from(Group::default()),
            Role::Unknown {
                id: None,
                name: None
            }
        );
    }

    #[test]
    fn the_id_decides_when_the_name_disagrees() {
        let read: Group =
            serde_json::from_value(serde_json::json!({"id": 5, "name": "Engineering"})).unwrap();
        assert_eq!(Role::from(&read), Role::Engineers);
    }
}
