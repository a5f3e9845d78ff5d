//! `cargo xtask layers`: the module graph of every crate, built from its `use` lines, and the
//! circles in it.
//!
//! A module that imports a module which imports it back (directly or through others) cannot be
//! read, tested or moved on its own; the layered code map in ARCHITECTURE.md depends on there being
//! none. This check reads each `src/` file with syn, expands its top-level `use` trees into paths,
//! resolves each path to the module that defines it (through the crate root's `pub use`
//! re-exports) and reports every strongly connected group of more than one module. Test modules
//! (`tests`, and inline `#[cfg(test)]` modules) are left out: they sit below what they test.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One crate's modules (`a::b`; the root is `""`), each with the modules its `use` lines reach.
pub type Graph = BTreeMap<String, BTreeSet<String>>;

/// The crates whose sources are checked: every `crates/*` and `xtask`.
pub fn crate_dirs(root: &Path) -> Result<Vec<PathBuf>, String> {
    let crates = root.join("crates");
    let entries = std::fs::read_dir(&crates)
        .map_err(|error| format!("cannot list {}: {error}", crates.display()))?;
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|dir| dir.join("src").is_dir())
        .collect();
    dirs.push(root.join("xtask"));
    dirs.sort();
    Ok(dirs)
}

/// Reads the module graph of the crate in `crate_dir`.
pub fn graph(crate_dir: &Path) -> Result<Graph, String> {
    let src = crate_dir.join("src");
    let mut files = BTreeMap::new();
    collect_files(&src, &src, &mut files)?;
    let mut parsed = BTreeMap::new();
    for (module, path) in &files {
        let text = std::fs::read_to_string(path)
            .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        let file = syn::parse_file(&text)
            .map_err(|error| format!("cannot parse {}: {error}", path.display()))?;
        parsed.insert(module.clone(), file);
    }
    let modules: BTreeSet<String> = parsed.keys().cloned().collect();
    let root_reexports = parsed
        .get("")
        .map(|file| reexports(file, &modules))
        .unwrap_or_default();
    let mut graph = Graph::new();
    for (module, file) in &parsed {
        let mut targets = BTreeSet::new();
        for path in use_paths(&file.items) {
            if let Some(target) = resolve(module, &path, &modules, &root_reexports)
                && target != *module
                && !target.is_empty()
            {
                targets.insert(target);
            }
        }
        graph.insert(module.clone(), targets);
    }
    Ok(graph)
}

/// The circles of `graph`: each group of modules that reach each other, sorted.
pub fn circles(graph: &Graph) -> Vec<Vec<String>> {
    // Two modules are in one circle when each reaches the other; the graphs are small enough
    // (tens of modules) that a reachability set per module is simpler than Tarjan's algorithm.
    let reach: BTreeMap<&String, BTreeSet<&String>> = graph
        .keys()
        .map(|start| {
            let mut seen = BTreeSet::new();
            let mut stack: Vec<&String> = graph[start].iter().collect();
            while let Some(next) = stack.pop() {
                if seen.insert(next) {
                    stack.extend(graph.get(next).into_iter().flatten());
                }
            }
            (start, seen)
        })
        .collect();
    let mut groups: BTreeSet<Vec<String>> = BTreeSet::new();
    for (module, reached) in &reach {
        if !reached.contains(module) {
            continue;
        }
        let group: Vec<String> = reached
            .iter()
            .filter(|other| reach[*other].contains(module))
            .map(|other| (*other).clone())
            .collect();
        groups.insert(group);
    }
    groups.into_iter().collect()
}

/// Checks every crate under `root`, printing each circle; the exit code is 0 when there is none.
pub fn run(root: &Path) -> u8 {
    let dirs = match crate_dirs(root) {
        Ok(dirs) => dirs,
        Err(error) => {
            eprintln!("error: {error}");
            return 2;
        }
    };
    let mut found = 0;
    for dir in dirs {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match graph(&dir) {
            Ok(graph) => {
                for circle in circles(&graph) {
                    found += 1;
                    let shown: Vec<String> = circle.iter().map(|m| shown(m)).collect();
                    eprintln!(
                        "{name}: these modules import each other: {}",
                        shown.join(", ")
                    );
                }
            }
            Err(error) => {
                eprintln!("error: {error}");
                return 2;
            }
        }
    }
    if found == 0 {
        eprintln!("no module imports a module that imports it back");
        0
    } else {
        1
    }
}

fn shown(module: &str) -> String {
    if module.is_empty() {
        "the crate root".to_owned()
    } else {
        module.to_owned()
    }
}

/// Maps each `.rs` file under `src` to its module path, leaving test files out.
fn collect_files(
    src: &Path,
    dir: &Path,
    files: &mut BTreeMap<String, PathBuf>,
) -> Result<(), String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|error| format!("cannot list {}: {error}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|error| format!("cannot list {}: {error}", dir.display()))?
            .path();
        if path.is_dir() {
            collect_files(src, &path, files)?;
            continue;
        }
        if path.extension().is_none_or(|ext| ext != "rs") {
            continue;
        }
        let Ok(relative) = path.strip_prefix(src) else {
            continue;
        };
        let mut segments: Vec<String> = relative
            .with_extension("")
            .components()
            .map(|part| part.as_os_str().to_string_lossy().into_owned())
            .collect();
        if matches!(
            segments.last().map(String::as_str),
            Some("mod" | "lib" | "main")
        ) {
            segments.pop();
        }
        if segments.iter().any(|segment| segment == "tests") || path.starts_with(src.join("bin")) {
            continue;
        }
        files.insert(segments.join("::"), path);
    }
    Ok(())
}

/// The root's `pub use module::Name` lines: `Name` to the module that defines it.
fn reexports(root: &syn::File, modules: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for path in use_paths(&root.items) {
        if let Some(target) = resolve("", &path, modules, &BTreeMap::new())
            && !target.is_empty()
            && let Some(last) = path.last()
        {
            names.insert(last.clone(), target);
        }
    }
    names
}

/// Every path of this crate that `items` name: the `use` trees (a glob ends the path at its
/// module) and the paths written out in code (`crate::client::MAX_REDIRECTS`), anywhere in the
/// file but inline `#[cfg(test)]` modules.
fn use_paths(items: &[syn::Item]) -> Vec<Vec<String>> {
    let mut collector = Collector::default();
    for item in items {
        syn::visit::visit_item(&mut collector, item);
    }
    collector.paths
}

#[derive(Default)]
struct Collector {
    paths: Vec<Vec<String>>,
}

impl<'ast> syn::visit::Visit<'ast> for Collector {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        expand(&item.tree, Vec::new(), &mut self.paths);
    }

    fn visit_item_mod(&mut self, module: &'ast syn::ItemMod) {
        if !is_test(&module.attrs) {
            syn::visit::visit_item_mod(self, module);
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        // A one-segment path is a local name; a longer one may name a module of this crate.
        if path.leading_colon.is_none() && path.segments.len() > 1 {
            self.paths.push(
                path.segments
                    .iter()
                    .map(|segment| segment.ident.to_string())
                    .collect(),
            );
        }
        syn::visit::visit_path(self, path);
    }
}

fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && attr
                .meta
                .require_list()
                .is_ok_and(|list| list.tokens.to_string() == "test")
    })
}

fn expand(tree: &syn::UseTree, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let with = |name: String| {
        let mut path = prefix.clone();
        path.push(name);
        path
    };
    match tree {
        syn::UseTree::Path(path) => expand(&path.tree, with(path.ident.to_string()), out),
        syn::UseTree::Name(name) => out.push(with(name.ident.to_string())),
        syn::UseTree::Rename(rename) => out.push(with(rename.ident.to_string())),
        syn::UseTree::Glob(_) => out.push(prefix),
        syn::UseTree::Group(group) => {
            for tree in &group.items {
                expand(tree, prefix.clone(), out);
            }
        }
    }
}

/// The module of this crate that `path`, written in `module`, names (the longest known prefix),
/// or `None` for another crate's path.
fn resolve(
    module: &str,
    path: &[String],
    modules: &BTreeSet<String>,
    root_reexports: &BTreeMap<String, String>,
) -> Option<String> {
    let here: Vec<&str> = if module.is_empty() {
        Vec::new()
    } else {
        module.split("::").collect()
    };
    let (mut base, rest): (Vec<&str>, &[String]) = match path.first().map(String::as_str) {
        Some("crate") => (Vec::new(), &path[1..]),
        Some("self") => (here.clone(), &path[1..]),
        Some("super") => {
            let mut base = here.clone();
            let mut rest = path;
            while rest.first().is_some_and(|segment| segment == "super") {
                base.pop();
                rest = &rest[1..];
            }
            (base, rest)
        }
        // A bare path names a child module (2018 paths) or another crate.
        Some(first) => {
            let mut child = here.clone();
            child.push(first);
            if !modules.contains(&child.join("::")) {
                return None;
            }
            (here.clone(), path)
        }
        None => return None,
    };
    let mut best = base.join("::");
    for segment in rest {
        base.push(segment);
        let candidate = base.join("::");
        if modules.contains(&candidate) {
            best = candidate;
        } else {
            break;
        }
    }
    if best.is_empty()
        && let Some(name) = rest.first()
        && let Some(target) = root_reexports.get(name)
    {
        return Some(target.clone());
    }
    Some(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module and the modules it imports.
    type Edges<'a> = &'a [(&'a str, &'a [&'a str])];

    fn graph_of(edges: Edges) -> Graph {
        let targets = |to: &[&str]| to.iter().map(|target| (*target).to_owned()).collect();
        edges
            .iter()
            .map(|(from, to)| ((*from).to_owned(), targets(to)))
            .collect()
    }

    #[test]
    fn circles_are_found_directly_and_through_others() {
        let cases: &[(Edges, &[&[&str]])] = &[
            (&[("a", &["b"]), ("b", &[])], &[]),
            (&[("a", &["b"]), ("b", &["a"])], &[&["a", "b"]]),
            (
                &[("a", &["b"]), ("b", &["c"]), ("c", &["a"]), ("d", &["a"])],
                &[&["a", "b", "c"]],
            ),
            (
                &[("a", &["b"]), ("b", &["a"]), ("c", &["d"]), ("d", &["c"])],
                &[&["a", "b"], &["c", "d"]],
            ),
        ];
        for (edges, expected) in cases {
            let found = circles(&graph_of(edges));
            let expected: Vec<Vec<String>> = expected
                .iter()
                .map(|group| group.iter().map(|m| (*m).to_owned()).collect())
                .collect();
            assert_eq!(found, expected, "{edges:?}");
        }
    }

    #[test]
    fn use_lines_resolve_to_the_defining_module() {
        let modules: BTreeSet<String> = ["", "error", "client", "cmd", "cmd::body"]
            .iter()
            .map(|m| (*m).to_owned())
            .collect();
        let reexports: BTreeMap<String, String> = [("Client".to_owned(), "client".to_owned())]
            .into_iter()
            .collect();
        let file: syn::File = syn::parse_quote! {
            use crate::{error::{Error, Kind}, Client};
            use super::super::error::*;
            use body::render;
            use serde::Deserialize;
            #[cfg(test)]
            mod tests { use crate::client::Hidden; }
        };
        let resolved: BTreeSet<Option<String>> = use_paths(&file.items)
            .iter()
            .map(|path| resolve("cmd", path, &modules, &reexports))
            .collect();
        let expected: BTreeSet<Option<String>> = [
            Some("error".to_owned()),
            Some("client".to_owned()),
            Some("cmd::body".to_owned()),
            None,
        ]
        .into_iter()
        .collect();
        assert_eq!(resolved, expected);
    }

    /// The repository's own crates: the invariant ARCHITECTURE.md states.
    #[test]
    fn no_crate_of_the_workspace_has_a_module_circle() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut all = Vec::new();
        let dirs = crate_dirs(&root).expect("the workspace's crates");
        assert!(dirs.len() >= 6, "{dirs:?}");
        for dir in dirs {
            let graph = graph(&dir).unwrap_or_else(|error| panic!("{error}"));
            assert!(
                graph.len() > 1 || dir.ends_with("hamravesh-test-support"),
                "{dir:?}"
            );
            for circle in circles(&graph) {
                all.push(format!("{}: {}", dir.display(), circle.join(", ")));
            }
        }
        assert!(all.is_empty(), "module circles:\n{}", all.join("\n"));
    }
}
