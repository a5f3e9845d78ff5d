//! Constructing models outside the crate: the semver policy's promise that `#[non_exhaustive]`
//! types stay constructible through their builders, and the roles lookup by numeric id.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use hamravesh_types::profile::builder;
use hamravesh_types::{OrganizationFeatureFlags, Profile, decode};

fn corpus(name: &str) -> Profile {
    decode::<Profile>(&hamravesh_test_support::read(&format!("valid/{name}"))).unwrap()
}

#[test]
fn a_builder_constructs_a_value_field_by_field() {
    let flags: OrganizationFeatureFlags = OrganizationFeatureFlags::builder()
        .limited_apps(vec!["wordpress".to_owned()])
        .limited_clusters(Vec::new())
        .try_into()
        .unwrap();
    assert_eq!(flags.limited_apps, ["wordpress"]);
}

#[test]
fn a_builder_names_the_required_field_left_unset() {
    let error = OrganizationFeatureFlags::try_from(
        OrganizationFeatureFlags::builder().limited_apps(Vec::<String>::new()),
    )
    .unwrap_err();
    assert!(error.to_string().contains("limited_clusters"), "{error}");
}

#[test]
fn a_decoded_fixture_can_be_changed_through_its_builder() {
    let profile = corpus("page-example.json");
    let renamed: Profile = builder::Profile::from(profile.clone())
        .full_name("Someone Else")
        .try_into()
        .unwrap();
    assert_eq!(renamed.full_name, "Someone Else");
    assert_eq!(renamed.organizations, profile.organizations);
}

#[test]
fn roles_are_found_by_numeric_organization_id() {
    let profile = corpus("several-organizations-with-roles.json");
    assert_eq!(profile.roles_in(2077), ["developer", "billing"]);
    let first = &profile.organizations[0];
    assert_eq!(profile.roles_of(first), ["owner"]);
    assert!(profile.roles_in(42).is_empty());
}
