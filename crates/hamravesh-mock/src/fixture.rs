//! What the mock serves, checked: a profile or feed is served only if it is JSON, matches its
//! schema and decodes into the typed models; a typed edit is re-encoded and checked the same way.

use bytes::Bytes;
use serde_json::Value;

use hamravesh_types::notifications::Notification;
use hamravesh_types::{Document, Profile};

use crate::error::MockError;
use crate::namespaces::Cluster;
use crate::state::{Organization, ServedProfile};

/// Checks a profile and keeps it with its organizations.
pub(crate) fn check_profile(raw: Vec<u8>) -> Result<ServedProfile, MockError> {
    let value: Value = serde_json::from_slice(&raw)?;
    Document::Profile
        .validator()
        .validate(&value)
        .map_err(MockError::FixtureInvalid)?;
    // The schema cannot see what a parsed Value has already lost (a repeated key keeps its
    // last value) and may admit numbers the models cannot hold: serve only what a client of
    // this SDK can decode.
    Document::Profile
        .decodes(&raw)
        .map_err(MockError::FixtureUndecodable)?;
    Ok(ServedProfile {
        organizations: organizations(&value),
        bytes: Bytes::from(raw),
    })
}

/// The served profile after `edit` of its decoded form, checked. Fields the models do not
/// declare are not kept: the edited profile is encoded from the models.
pub(crate) fn edit_profile(
    served: &ServedProfile,
    edit: impl FnOnce(&mut Profile) -> Result<(), MockError>,
) -> Result<ServedProfile, MockError> {
    let mut profile: Profile =
        hamravesh_types::decode(&served.bytes).map_err(MockError::FixtureUndecodable)?;
    edit(&mut profile)?;
    check_profile(serde_json::to_vec(&profile)?)
}

/// Sets the balance of the organization named `name`.
pub(crate) fn set_balance(
    profile: &mut Profile,
    name: &str,
    balance: f64,
) -> Result<(), MockError> {
    let known = || {
        profile
            .organizations
            .iter()
            .map(|o| o.name.clone())
            .collect()
    };
    let Some(index) = profile.organizations.iter().position(|o| o.name == name) else {
        return Err(MockError::UnknownOrganization {
            name: name.to_owned(),
            known: known(),
        });
    };
    profile.organizations[index].balance = balance;
    Ok(())
}

/// The served feed after `edit` of its decoded form, checked.
pub(crate) fn edit_notifications(
    served: &[Value],
    edit: impl FnOnce(&mut Vec<Notification>) -> Result<(), MockError>,
) -> Result<Vec<Value>, MockError> {
    let not_json = |e: serde_json::Error| MockError::NotificationsNotJson(e.to_string());
    let mut feed: Vec<Notification> =
        hamravesh_types::decode(&serde_json::to_vec(served).map_err(not_json)?)
            .map_err(MockError::NotificationsUndecodable)?;
    edit(&mut feed)?;
    check_notifications(&serde_json::to_vec(&feed).map_err(not_json)?)
}

/// The organizations of a profile that matches the schema: each one's name and the clusters of its
/// `available_clusters` that have an integer id.
fn organizations(profile: &Value) -> Vec<Organization> {
    let empty = Vec::new();
    profile
        .get("organizations")
        .and_then(Value::as_array)
        .unwrap_or(&empty)
        .iter()
        .filter_map(|organization| {
            let name = organization.get("name")?.as_str()?.to_owned();
            let clusters = organization
                .get("available_clusters")
                .and_then(Value::as_array)
                .unwrap_or(&empty)
                .iter()
                .filter_map(Cluster::from_profile_item)
                .collect();
            Some(Organization { name, clusters })
        })
        .collect()
}

/// Checks a notification feed: a JSON array whose items are notifications a page may carry and
/// the typed models decode.
pub(crate) fn check_notifications(raw: &[u8]) -> Result<Vec<Value>, MockError> {
    let value: Value =
        serde_json::from_slice(raw).map_err(|e| MockError::NotificationsNotJson(e.to_string()))?;
    let Value::Array(items) = value else {
        return Err(MockError::NotificationsNotJson(
            "expected an array at the top level".to_owned(),
        ));
    };
    let page = serde_json::json!({
        "count": items.len(),
        "next": null,
        "previous": null,
        "results": items,
    });
    Document::NotificationPage
        .validator()
        .validate(&page)
        .map_err(MockError::NotificationsInvalid)?;
    // Decoded from the raw items, so a repeated key is caught as in the profile.
    let mut bytes = br#"{"count": 0, "next": null, "previous": null, "results": "#.to_vec();
    bytes.extend_from_slice(raw);
    bytes.push(b'}');
    Document::NotificationPage
        .decodes(&bytes)
        .map_err(MockError::NotificationsUndecodable)?;
    match page {
        Value::Object(mut page) => match page.remove("results") {
            Some(Value::Array(items)) => Ok(items),
            _ => Ok(Vec::new()),
        },
        _ => Ok(Vec::new()),
    }
}
