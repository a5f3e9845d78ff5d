//! What a running mock shares between its connections: the served fixtures, the namespace store,
//! queued faults and counters.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::Duration;

use bytes::Bytes;
use serde_json::Value;

use hamravesh_types::Operation;

use crate::Fault;
use crate::namespaces::{Cluster, Store};

/// An organization of the profile: the name `x-organization` carries and its clusters.
#[derive(Debug)]
pub(crate) struct Organization {
    pub(crate) name: String,
    pub(crate) clusters: Vec<Cluster>,
}

/// A checked profile as served: its bytes, and its organizations.
#[derive(Debug)]
pub(crate) struct ServedProfile {
    pub(crate) bytes: Bytes,
    pub(crate) organizations: Vec<Organization>,
}

impl ServedProfile {
    /// The organization named `name`.
    pub(crate) fn organization(&self, name: &[u8]) -> Option<&Organization> {
        self.organizations
            .iter()
            .find(|organization| organization.name.as_bytes() == name)
    }
}

/// Shared state of a running mock.
pub(crate) struct State {
    pub(crate) api_key: String,
    /// What the profile operation serves now; a request reads it once, so an edit while it runs
    /// does not mix two profiles in one answer.
    pub(crate) profile: RwLock<Arc<ServedProfile>>,
    /// The notification feed served now.
    pub(crate) notifications: RwLock<Arc<Vec<Value>>>,
    /// Held through each edit of the profile or feed, so two edits do not lose one another.
    pub(crate) edits: Mutex<()>,
    pub(crate) namespaces: Mutex<Store>,
    /// The address as a `Host` value, for requests that send none.
    pub(crate) host: String,
    /// How long a request body may take to arrive.
    pub(crate) body_read_timeout: Duration,
    pub(crate) faults: Mutex<VecDeque<Fault>>,
    /// Faults for one operation, by operation id.
    pub(crate) operation_faults: Mutex<HashMap<String, VecDeque<Fault>>>,
    pub(crate) delay: Mutex<Duration>,
    pub(crate) requests: AtomicUsize,
    /// Requests routed to each operation, by operation id.
    pub(crate) operation_requests: Mutex<HashMap<String, usize>>,
    pub(crate) connections: AtomicUsize,
    pub(crate) last_headers: Mutex<Option<axum::http::HeaderMap>>,
}

/// The value behind `mutex`: a panic while it was held leaves nothing half-done that matters to
/// a mock, so a poisoned lock is used as it is.
pub(crate) fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What `lock` holds now.
fn current<T>(lock: &RwLock<Arc<T>>) -> Arc<T> {
    Arc::clone(&lock.read().unwrap_or_else(PoisonError::into_inner))
}

/// Puts `value` in `lock`, for the requests that start from now on.
pub(crate) fn replace<T>(lock: &RwLock<Arc<T>>, value: T) {
    *lock.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(value);
}

impl State {
    /// Remembers the headers of the latest request to an operation, for tests to inspect.
    pub(crate) fn record_headers(&self, headers: &axum::http::HeaderMap) {
        *locked(&self.last_headers) = Some(headers.clone());
    }

    /// Counts a request on no operation (an unknown path or method) and takes the fault queued
    /// for the next request, if any.
    pub(crate) fn begin_request(&self) -> Option<Fault> {
        self.requests.fetch_add(1, Ordering::SeqCst);
        locked(&self.faults).pop_front()
    }

    /// Counts a request to `operation` and takes the fault queued for it: one queued for the
    /// next request first, else one queued for this operation.
    pub(crate) fn begin_operation(&self, operation: &Operation) -> Option<Fault> {
        *locked(&self.operation_requests)
            .entry(operation.id.to_owned())
            .or_default() += 1;
        self.begin_request().or_else(|| {
            locked(&self.operation_faults)
                .get_mut(operation.id)
                .and_then(VecDeque::pop_front)
        })
    }

    /// The profile served now.
    pub(crate) fn profile(&self) -> Arc<ServedProfile> {
        current(&self.profile)
    }

    /// The notification feed served now.
    pub(crate) fn notifications(&self) -> Arc<Vec<Value>> {
        current(&self.notifications)
    }

    /// The namespace store.
    pub(crate) fn namespaces(&self) -> std::sync::MutexGuard<'_, Store> {
        locked(&self.namespaces)
    }

    /// Counts a request that gets no fault (one refused before routing).
    pub(crate) fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::SeqCst);
    }

    pub(crate) fn delay(&self) -> Duration {
        *locked(&self.delay)
    }
}
