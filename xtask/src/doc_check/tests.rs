//! Copies of the real pages with one edit each produce exactly the expected finding.
//!
//! One table row per kind of docs change: the page, the edit, the finding it must produce, and a
//! fragment its message must carry (what to edit). A new docs scenario is one row.

use super::*;

const PROFILE: &str = include_str!("../../../schema/upstream/profile.md");
const NOTIFICATIONS: &str = include_str!("../../../schema/upstream/notifications.md");
const NAMESPACES: &str = include_str!("../../../schema/upstream/namespaces.md");
const OPERATIONS: &str = include_str!("../../../schema/operations.json");
const PROFILE_SCHEMA: &str = include_str!("../../../schema/profile.json");
const NOTIFICATIONS_SCHEMA: &str = include_str!("../../../schema/notifications.json");
const NAMESPACES_SCHEMA: &str = include_str!("../../../schema/namespaces.json");

/// The vendored pages, by the name operations give them.
const PAGES: &[(&str, &str)] = &[
    ("profile.md", PROFILE),
    ("notifications.md", NOTIFICATIONS),
    ("namespaces.md", NAMESPACES),
];

const SCHEMA_FILES: &[(&str, &str)] = &[
    ("profile.json", PROFILE_SCHEMA),
    ("notifications.json", NOTIFICATIONS_SCHEMA),
    ("namespaces.json", NAMESPACES_SCHEMA),
];

fn schemas() -> Schemas {
    Schemas::from_texts(OPERATIONS, SCHEMA_FILES).unwrap()
}

fn findings(name: &str, page: &str) -> Vec<Finding> {
    check_text(name, page, &schemas()).unwrap()
}

fn page_text(name: &str) -> &'static str {
    PAGES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
        .unwrap_or_else(|| panic!("no page {name}"))
}

/// The page with `from` replaced by `to`, which must occur exactly once.
fn edited(name: &str, from: &str, to: &str) -> String {
    let page = page_text(name);
    assert_eq!(
        page.matches(from).count(),
        1,
        "{from:?} must occur once in {name}"
    );
    page.replace(from, to)
}

#[test]
fn the_vendored_pages_are_in_sync() {
    for (name, page) in PAGES {
        assert_eq!(findings(name, page), [], "{name}");
    }
}

/// One docs change and the one finding it must produce.
struct Case {
    /// What changed, for the failure message.
    what: &'static str,
    /// The page edited.
    page: &'static str,
    /// Replace this (it occurs once on the page)…
    from: &'static str,
    /// …with this.
    to: &'static str,
    /// The finding's operation, part, path and kind.
    operation: &'static str,
    part: Part,
    path: &'static str,
    kind: Kind,
    /// Fragments its message must carry.
    says: &'static [&'static str],
}

const CASES: &[Case] = &[
    // profile.md
    Case {
        what: "a field added to the table",
        page: "profile.md",
        from: "|profile_settings||",
        to: "|two_factor_enabled|| `boolean` ||\n|profile_settings||",
        operation: "get_profile",
        part: Part::Response,
        path: "two_factor_enabled",
        kind: Kind::MissingFromSchema,
        says: &["`boolean`", "schema/profile.json", "top-level `properties`"],
    },
    Case {
        what: "a field removed from the table",
        page: "profile.md",
        from: "|national_id|| `string`            ||\n",
        to: "",
        operation: "get_profile",
        part: Part::Response,
        path: "national_id",
        kind: Kind::NoLongerDocumented,
        says: &["/properties/national_id"],
    },
    Case {
        what: "a type changed in the table",
        page: "profile.md",
        from: "|is_verified|| `boolean`",
        to: "|is_verified|| `string`",
        operation: "get_profile",
        part: Part::Response,
        path: "is_verified",
        kind: Kind::TypeChanged,
        says: &["the page says `string`, the schema accepts boolean"],
    },
    Case {
        what: "a field added to the organization example",
        page: "profile.md",
        from: "  \"has_cre\": false,\n",
        to: "  \"has_cre\": false,\n  \"has_gpu\": true,\n",
        operation: "get_profile",
        part: Part::Response,
        path: "organizations[].has_gpu",
        kind: Kind::MissingFromSchema,
        says: &["under /definitions/Organization/properties"],
    },
    Case {
        what: "a null example where a value was",
        page: "profile.md",
        from: "\"build_method\": \"webhook\"",
        to: "\"build_method\": null",
        operation: "get_profile",
        part: Part::Response,
        path: "organizations[].build_method",
        kind: Kind::NewlyNullable,
        says: &["/definitions/Organization/properties/build_method"],
    },
    Case {
        what: "a null in the table's example column",
        page: "profile.md",
        from: "| full_name  |             | `string`            | `email@example.com` |",
        to: "| full_name  |             | `string`            | `null` |",
        operation: "get_profile",
        part: Part::Response,
        path: "full_name",
        kind: Kind::NewlyNullable,
        says: &[],
    },
    Case {
        what: "a recorded departure goes stale when the page is fixed",
        page: "profile.md",
        from: "|email|| `integer`",
        to: "|email|| `string`",
        operation: "get_profile",
        part: Part::Response,
        path: "email",
        kind: Kind::StaleMarker,
        says: &["x-doc-type"],
    },
    Case {
        what: "a missing example value filled in makes its marker stale",
        page: "profile.md",
        from: "  \"name\": ,\n",
        to: "  \"name\": \"my-team\",\n",
        operation: "get_profile",
        part: Part::Response,
        path: "organizations[].name",
        kind: Kind::StaleMarker,
        says: &["x-doc-type"],
    },
    Case {
        what: "a nested owner field removed",
        page: "profile.md",
        from: "    \"is_staff\": false,\n",
        to: "",
        operation: "get_profile",
        part: Part::Response,
        path: "organizations[].owner.is_staff",
        kind: Kind::NoLongerDocumented,
        says: &[],
    },
    // notifications.md
    Case {
        what: "a field added to the notification example",
        page: "notifications.md",
        from: "\"unread\": false,",
        to: "\"unread\": false,\n            \"priority\": 2,",
        operation: "list_notifications",
        part: Part::Response,
        path: "results[].priority",
        kind: Kind::MissingFromSchema,
        says: &[
            "`integer`",
            "schema/notifications.json under /definitions/Notification/properties",
        ],
    },
    Case {
        what: "count retyped",
        page: "notifications.md",
        from: "| count | total notifications | `integer`",
        to: "| count | total notifications | `string`",
        operation: "list_notifications",
        part: Part::Response,
        path: "count",
        kind: Kind::TypeChanged,
        says: &[
            "the page says `string`, the schema accepts integer",
            "schema/notifications.json#/properties/count",
        ],
    },
    Case {
        what: "a new query parameter row",
        page: "notifications.md",
        from: "|offset||",
        to: "|unread_only|| `boolean` | true |\n|offset||",
        operation: "list_notifications",
        part: Part::Query,
        path: "unread_only",
        kind: Kind::MissingFromSchema,
        says: &["`boolean`", "`query_parameters` of `list_notifications`"],
    },
    Case {
        what: "a query parameter row removed",
        page: "notifications.md",
        from: "|offset||   `integer`       | 0       |\n",
        to: "",
        operation: "list_notifications",
        part: Part::Query,
        path: "offset",
        kind: Kind::NoLongerDocumented,
        says: &["remove it from `query_parameters`"],
    },
    Case {
        what: "a query parameter retyped",
        page: "notifications.md",
        from: "|limit|| `integer`",
        to: "|limit|| `string`",
        operation: "list_notifications",
        part: Part::Query,
        path: "limit",
        kind: Kind::TypeChanged,
        says: &["`string`", "says `integer`"],
    },
    Case {
        what: "the URL changed",
        page: "notifications.md",
        from: "- **URL**: `/api/v1/notifications/all_list/`",
        to: "- **URL**: `/api/v2/notifications/`",
        operation: "list_notifications",
        part: Part::Operation,
        path: "",
        kind: Kind::PathChanged,
        says: &[
            "`/api/v2/notifications/`",
            "has `/api/v1/notifications/all_list/`",
            "change the operation's `path`",
        ],
    },
    Case {
        what: "a new required header",
        page: "notifications.md",
        from: "- **Required Headers**: `Authorization`, `x-organization`",
        to: "- **Required Headers**: `Authorization`, `x-organization`, `x-request-id`",
        operation: "list_notifications",
        part: Part::Header,
        path: "x-request-id",
        kind: Kind::MissingFromSchema,
        says: &["`required_headers` of `list_notifications`"],
    },
    Case {
        what: "a header added to the header table only",
        page: "notifications.md",
        from: "|x-organization|'organization name'|\n",
        to: "|x-organization|'organization name'|\n|x-project|'project name'|\n",
        operation: "list_notifications",
        part: Part::Header,
        path: "x-project",
        kind: Kind::MissingFromSchema,
        says: &[],
    },
    Case {
        what: "a stale marker when the example's title gets a value",
        page: "notifications.md",
        from: "\"title\": ,",
        to: "\"title\": \"به‌روزرسانی سامانه\",",
        operation: "list_notifications",
        part: Part::Response,
        path: "results[].title",
        kind: Kind::StaleMarker,
        says: &[
            "the page now says `string`",
            "x-doc-type at schema/notifications.json#/definitions/Notification/properties/title",
        ],
    },
    Case {
        what: "the slug shown as a real number makes its marker stale",
        page: "notifications.md",
        from: "\"slug\": 000,",
        to: "\"slug\": 4711,",
        operation: "list_notifications",
        part: Part::Response,
        path: "results[].slug",
        kind: Kind::StaleMarker,
        says: &["the page now says `integer`"],
    },
    Case {
        what: "a field seen elsewhere is now documented",
        page: "notifications.md",
        from: "\"unread\": false,",
        to: "\"unread\": false,\n            \"action_url\": \"https://console.hamravesh.com/\",",
        operation: "list_notifications",
        part: Part::Response,
        path: "results[].action_url",
        kind: Kind::NewlyDocumented,
        says: &["`required`"],
    },
    Case {
        what: "a response field removed from the example",
        page: "notifications.md",
        from: "            \"public\": false,\n",
        to: "",
        operation: "list_notifications",
        part: Part::Response,
        path: "results[].public",
        kind: Kind::NoLongerDocumented,
        says: &["schema/notifications.json#/definitions/Notification/properties/public"],
    },
    // namespaces.md
    Case {
        what: "a new payload field",
        page: "namespaces.md",
        from: "| cluster_id |",
        to: "| description | free text | `string` | staging |\n| cluster_id |",
        operation: "create_namespace",
        part: Part::Request,
        path: "description",
        kind: Kind::MissingFromSchema,
        says: &["schema/namespaces.json under /definitions/CreateNamespace/properties"],
    },
    Case {
        what: "a payload field removed",
        page: "namespaces.md",
        from: "| cluster_id |                                       | `integer` | 53                                    |\n",
        to: "",
        operation: "create_namespace",
        part: Part::Request,
        path: "cluster_id",
        kind: Kind::NoLongerDocumented,
        says: &["/definitions/CreateNamespace/properties/cluster_id"],
    },
    Case {
        what: "a payload field retyped",
        page: "namespaces.md",
        from: "| cluster_id |                                       | `integer`",
        to: "| cluster_id |                                       | `string`",
        operation: "create_namespace",
        part: Part::Request,
        path: "cluster_id",
        kind: Kind::TypeChanged,
        says: &["the page says `string`, the schema accepts integer"],
    },
    Case {
        what: "a new response field on the create response",
        page: "namespaces.md",
        from: "| id      | new namespace id        | `integer`    |                |\n",
        to: "| id      | new namespace id        | `integer`    |                |\n| created_at | | `datetime` | |\n",
        operation: "create_namespace",
        part: Part::Response,
        path: "created_at",
        kind: Kind::MissingFromSchema,
        says: &[
            "`datetime`",
            "schema/namespaces.json under the top-level `properties`",
        ],
    },
    Case {
        what: "the DELETE URL changed",
        page: "namespaces.md",
        from: "- **URL**: `/api/v1/darkube/namespaces/{namespace_id}/`",
        to: "- **URL**: `/api/v1/darkube/namespace/{namespace_id}/delete/`",
        operation: "delete_namespace",
        part: Part::Operation,
        path: "",
        kind: Kind::PathChanged,
        says: &["`/api/v1/darkube/namespace/{namespace_id}/delete/`"],
    },
    Case {
        what: "the DELETE method changed",
        page: "namespaces.md",
        from: "- **Method**: `DELETE`",
        to: "- **Method**: `POST`",
        operation: "delete_namespace",
        part: Part::Operation,
        path: "",
        kind: Kind::MethodChanged,
        says: &["is `POST`", "has `DELETE`"],
    },
    Case {
        what: "a response body documented for the DELETE",
        page: "namespaces.md",
        from: "* put the id of the namespace you want to delete in the url\n",
        to: "* put the id of the namespace you want to delete in the url\n\nResponse:\n\n| Field | Description | Type | Example Output |\n|:--|:--|:--|:--|\n| detail | | `string` | |\n",
        operation: "delete_namespace",
        part: Part::Response,
        path: "",
        kind: Kind::MissingFromSchema,
        says: &["a `Response:` table", "gives `delete_namespace` none"],
    },
    Case {
        what: "a new operation on a page",
        page: "namespaces.md",
        from: "## delete Namespace\n",
        to: "## list Namespaces\n\n- **Method**: `GET`\n- **URL**: `/api/v1/darkube/namespaces/`\n- **Required Headers**: `Authorization`, `x-organization`\n\n## delete Namespace\n",
        operation: "GET /api/v1/darkube/namespaces/",
        part: Part::Operation,
        path: "",
        kind: Kind::NewOperation,
        says: &["\"page\": \"namespaces.md\"", "section \"list Namespaces\""],
    },
    Case {
        what: "an operation taken off its page",
        page: "namespaces.md",
        from: "- **Method**: `DELETE`\n- **URL**: `/api/v1/darkube/namespaces/{namespace_id}/`\n",
        to: "",
        operation: "delete_namespace",
        part: Part::Operation,
        path: "",
        kind: Kind::OperationNotOnPage,
        says: &["DELETE /api/v1/darkube/namespaces/{namespace_id}/"],
    },
    Case {
        what: "a path placeholder renamed",
        page: "namespaces.md",
        from: "- **URL**: `/api/v1/darkube/namespaces/{namespace_id}/`",
        to: "- **URL**: `/api/v1/darkube/namespaces/{namespace_id}/{app_id}/`",
        // A path change is reported once, not again per placeholder.
        operation: "delete_namespace",
        part: Part::Operation,
        path: "",
        kind: Kind::PathChanged,
        says: &["`path_parameters`"],
    },
];

#[test]
fn each_docs_change_yields_exactly_its_finding() {
    for case in CASES {
        let what = case.what;
        let found = findings(case.page, &edited(case.page, case.from, case.to));
        assert_eq!(found.len(), 1, "{what}: {found:#?}");
        let finding = &found[0];
        assert_eq!(
            (
                finding.operation.as_str(),
                finding.part,
                finding.path.as_str(),
                finding.kind
            ),
            (case.operation, case.part, case.path, case.kind),
            "{what}"
        );
        for fragment in case.says {
            assert!(
                finding.message.contains(fragment),
                "{what}: {:?} lacks {fragment:?}",
                finding.message
            );
        }
    }
}

#[test]
fn a_header_the_page_no_longer_lists_anywhere_is_reported_once() {
    // The Required Headers line and the header table are read together: a header must leave both.
    let page = edited(
        "notifications.md",
        "- **Required Headers**: `Authorization`, `x-organization`",
        "- **Required Headers**: `Authorization`",
    )
    .replace("|x-organization|'organization name'|\n", "");
    let found = findings("notifications.md", &page);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        (found[0].part, found[0].path.as_str(), found[0].kind),
        (Part::Header, "x-organization", Kind::NoLongerDocumented)
    );
    assert!(
        found[0]
            .message
            .contains("remove it from `required_headers`")
    );
}

#[test]
fn a_number_json_refuses_is_reported_as_written() {
    // With the slug's marker changed, the report shows the page's `000` for what it is.
    let mut schema: serde_json::Value = serde_json::from_str(NOTIFICATIONS_SCHEMA).unwrap();
    schema["definitions"]["Notification"]["properties"]["slug"]["x-doc-type"] = "integer".into();
    let schema = schema.to_string();
    let files = [
        ("profile.json", PROFILE_SCHEMA),
        ("notifications.json", schema.as_str()),
        ("namespaces.json", NAMESPACES_SCHEMA),
    ];
    let schemas = Schemas::from_texts(OPERATIONS, &files).unwrap();
    let found = check_text("notifications.md", NOTIFICATIONS, &schemas).unwrap();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].kind, Kind::StaleMarker);
    assert!(
        found[0].message.contains(
            "the page now says `000`, which is not a JSON number (read as a blank value)"
        ),
        "{}",
        found[0].message
    );
}

#[test]
fn a_page_no_operation_names_is_all_new() {
    let found = findings("profile-copy.md", PROFILE);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        (found[0].operation.as_str(), found[0].kind),
        ("GET /api/v1/users/profile", Kind::NewOperation)
    );
}

/// A temporary `schema/`-like folder: `upstream/NAME` with `page`, the committed operation list
/// and the committed schema files except those named in `without`.
fn schema_dir(name: &str, page: &str, without: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("upstream")).unwrap();
    let page_path = dir.path().join("upstream").join(name);
    std::fs::write(&page_path, page).unwrap();
    let files = SCHEMA_FILES
        .iter()
        .copied()
        .chain([("operations.json", OPERATIONS)]);
    for (file, text) in files {
        if !without.contains(&file) {
            std::fs::write(dir.path().join(file), text).unwrap();
        }
    }
    (dir, page_path)
}

/// The profile page without its Response table (the label and the table).
fn profile_without_response_table() -> String {
    let start = PROFILE.find("Response:").unwrap();
    let end = PROFILE.find("\\* example output").unwrap();
    format!("{}{}", &PROFILE[..start], &PROFILE[end..])
}

#[test]
fn exit_codes_say_in_sync_drift_or_unreadable() {
    let drifted = PROFILE.replace("|is_verified|| `boolean`", "|is_verified|| `string`");
    let no_operation = "# Profile\n\nThe table moved elsewhere.\n";
    let no_table = profile_without_response_table();
    for (what, name, page, without, format, code) in [
        ("in sync", "profile.md", PROFILE, &[][..], Format::Json, 0),
        (
            "notifications in sync",
            "notifications.md",
            NOTIFICATIONS,
            &[][..],
            Format::Text,
            0,
        ),
        (
            "namespaces in sync",
            "namespaces.md",
            NAMESPACES,
            &[][..],
            Format::Json,
            0,
        ),
        (
            "drift",
            "profile.md",
            drifted.as_str(),
            &[][..],
            Format::Text,
            1,
        ),
        (
            "no operation on the page",
            "profile.md",
            no_operation,
            &[][..],
            Format::Text,
            2,
        ),
        (
            "no response table",
            "profile.md",
            no_table.as_str(),
            &[][..],
            Format::Text,
            2,
        ),
        (
            "no schema beside the page",
            "profile.md",
            PROFILE,
            &["profile.json"][..],
            Format::Text,
            2,
        ),
        (
            "no operation list",
            "profile.md",
            PROFILE,
            &["operations.json"][..],
            Format::Text,
            2,
        ),
    ] {
        let (dir, page_path) = schema_dir(name, page, without);
        assert_eq!(run(&[page_path], format, dir.path()), code, "{what}");
    }
}

#[test]
fn a_page_without_a_response_table_says_so() {
    let (_dir, page_path) = schema_dir("profile.md", &profile_without_response_table(), &[]);
    let error = check_page(&page_path).unwrap_err();
    assert!(error.contains("no response table found"), "{error}");
    assert!(error.contains("GET /api/v1/users/profile"), "{error}");
}

#[test]
fn a_missing_schema_file_names_the_operation_that_needs_it() {
    let (_dir, page_path) = schema_dir("namespaces.md", NAMESPACES, &["namespaces.json"]);
    let error = check_page(&page_path).unwrap_err();
    assert!(
        error.contains("schema/namespaces.json (named by `create_namespace`"),
        "{error}"
    );
}

/// A temporary repository root: `schema/upstream/` holding `pages`, and the committed operation
/// list and schema files in `schema/`.
fn repository(pages: &[(&str, &str)]) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let schema = root.path().join("schema");
    std::fs::create_dir_all(schema.join("upstream")).unwrap();
    for (name, text) in pages {
        std::fs::write(schema.join("upstream").join(name), text).unwrap();
    }
    for (file, text) in SCHEMA_FILES
        .iter()
        .chain([&("operations.json", OPERATIONS)])
    {
        std::fs::write(schema.join(file), text).unwrap();
    }
    root
}

#[test]
fn checking_every_page_also_finds_operations_whose_page_is_not_vendored() {
    let root = repository(PAGES);
    assert_eq!(run(&[], Format::Text, root.path()), 0, "all three pages");

    let root = repository(&[("profile.md", PROFILE)]);
    assert_eq!(run(&[], Format::Json, root.path()), 1, "two pages missing");
    let pages = default_pages(root.path()).unwrap();
    let missing = unvendored(root.path(), &pages).unwrap();
    let found: Vec<(String, &str, Kind)> = missing
        .iter()
        .flat_map(|(page, findings)| {
            findings.iter().map(move |f| {
                (
                    page.file_name().unwrap().to_string_lossy().into_owned(),
                    f.operation.as_str(),
                    f.kind,
                )
            })
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "namespaces.md".to_owned(),
                "create_namespace",
                Kind::OperationNotOnPage
            ),
            (
                "namespaces.md".to_owned(),
                "delete_namespace",
                Kind::OperationNotOnPage
            ),
            (
                "notifications.md".to_owned(),
                "list_notifications",
                Kind::OperationNotOnPage
            ),
        ]
    );
    assert!(
        missing[0].1[0]
            .message
            .contains("vendor the page as published")
    );
}

#[test]
fn any_cut_of_a_real_page_reads_or_errors_without_panicking() {
    // A page cut short anywhere (a half-vendored file) is drift or unreadable, never a crash.
    let schemas = schemas();
    for (name, page) in PAGES {
        for (cut, _) in page.char_indices().step_by(7) {
            let _ = check_text(name, &page[..cut], &schemas);
        }
    }
}
