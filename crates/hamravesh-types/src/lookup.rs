//! Lookups over the generated operation list: which documented operation a METHOD and PATH
//! name, and which kind of payload its bodies are. Apart from `operation.rs` because they read
//! the generated values (`operations::ALL`, typed by [`Operation`]) and the documents (which read
//! the generated models): the type sits below the list, these lookups above it.

use crate::document::Document;
use crate::generated::operations;
use crate::operation::Operation;

impl Operation {
    /// The documented operation that `method` and `path` name, if any.
    ///
    /// - `method` is compared exactly: HTTP methods are case-sensitive (RFC 9110 §9.1) and the
    ///   documented ones are upper case, so `get` is not `GET` (a caller that accepts lower case
    ///   from a person upper-cases it first, and then sends the upper-case method).
    /// - `path` is the path under the base URL, starting with `/`; a query string (`?…`) or a
    ///   fragment (`#…`) is ignored. Literal segments are compared exactly (case-sensitive, no
    ///   percent-decoding); each `{parameter}` of the template matches exactly one non-empty
    ///   segment that is not a dot segment (`.`, `..`, or their percent-encoded forms, which a
    ///   URL parser or the server could resolve to another path).
    /// - A trailing slash is not significant: the docs are inconsistent (the profile's path has
    ///   none, the others have one) and Django answers the other spelling with a redirect to the
    ///   same view, so `/api/v1/users/profile/` is the profile and `/api/v1/darkube/namespaces`
    ///   the namespace create. Only one trailing slash is dropped; an empty segment anywhere else
    ///   (`//`) matches nothing.
    ///
    /// ```
    /// use hamravesh_types::Operation;
    /// use hamravesh_types::operations::{DELETE_NAMESPACE, GET_PROFILE};
    /// assert_eq!(Operation::find("GET", "/api/v1/users/profile?x=1"), Some(&GET_PROFILE));
    /// assert_eq!(
    ///     Operation::find("DELETE", "/api/v1/darkube/namespaces/42/"),
    ///     Some(&DELETE_NAMESPACE)
    /// );
    /// assert_eq!(Operation::find("DELETE", "/api/v1/darkube/namespaces/../"), None);
    /// assert_eq!(Operation::find("get", "/api/v1/users/profile"), None);
    /// ```
    pub fn find(method: &str, path: &str) -> Option<&'static Operation> {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        operations::ALL
            .iter()
            .find(|operation| operation.method == method && operation.matches_path(path))
    }

    /// The kind of payload its success body is (from `response_schema` in the operation list);
    /// `None` when it answers with no body (the namespace delete's `204 No Content`).
    ///
    /// ```
    /// use hamravesh_types::Document;
    /// use hamravesh_types::operations::{DELETE_NAMESPACE, GET_PROFILE};
    /// assert_eq!(GET_PROFILE.response_document(), Some(Document::Profile));
    /// assert_eq!(DELETE_NAMESPACE.response_document(), None);
    /// ```
    pub fn response_document(&self) -> Option<Document> {
        self.response_schema.and_then(Document::from_schema_ref)
    }

    /// The kind of payload its request body is (from `request_schema`); `None` when it takes
    /// no body.
    pub fn request_document(&self) -> Option<Document> {
        self.request_schema.and_then(Document::from_schema_ref)
    }
}
