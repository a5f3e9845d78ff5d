//! Reading `organization_roles` by organization id, without formatting the id as a map key.

use crate::{Organization, Profile};

impl Profile {
    /// The user's roles in the organization with this id (empty when the profile lists none).
    ///
    /// `organization_roles` is keyed by the organization id written as a string (a JSON object's
    /// keys are strings); this looks it up by the numeric id the organizations carry.
    ///
    /// ```
    /// fn print_roles(profile: &hamravesh_types::Profile) {
    ///     for organization in &profile.organizations {
    ///         let roles = profile.roles_in(organization.id);
    ///         println!("{}: {}", organization.name, roles.join(", "));
    ///     }
    /// }
    /// ```
    pub fn roles_in(&self, organization_id: i64) -> &[String] {
        self.organization_roles
            .get(&organization_id.to_string())
            .map_or(&[], Vec::as_slice)
    }

    /// The user's roles in `organization` (see [`Profile::roles_in`]).
    pub fn roles_of(&self, organization: &Organization) -> &[String] {
        self.roles_in(organization.id)
    }
}
