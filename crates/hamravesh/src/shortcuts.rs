//! What the generated operation methods do not give, built on them: the profile's raw bytes, one
//! page of the feed by limit and offset with its page size checked, and the walk over every page.

use hamravesh_types::notifications::{Notification, NotificationPage};

use crate::client::Client;
use crate::error::Error;
use crate::pages::{NotificationWalk, notification_page};

impl Client {
    /// The raw JSON body of `GET /api/v1/users/profile` ([`Client::get_profile`]), for recording
    /// or validating responses.
    pub async fn profile_json(&self) -> Result<Vec<u8>, Error> {
        let success = self.get_profile_request().send_success().await?;
        Ok(success.body)
    }

    /// One page of the notification feed ([`Client::list_notifications`]), newest first, for the
    /// organization named `organization` (its `name`, the slug the profile lists). `limit` is
    /// the page size the service is asked for (it may send fewer); `offset` how many
    /// notifications to skip. To read every page, use [`Client::walk_notifications`] or
    /// [`Client::all_notifications`].
    ///
    /// A `limit` of 0 or an organization name that cannot be sent in a header is a
    /// [`crate::ConfigError`], and nothing is sent.
    pub async fn notifications(
        &self,
        organization: &str,
        limit: u32,
        offset: u64,
    ) -> Result<NotificationPage, Error> {
        notification_page(self, organization, limit, offset)
            .send()
            .await
    }

    /// Every notification of the feed, page after page, as a stream (see [`NotificationWalk`]
    /// for the settings and for how a walk ends).
    ///
    /// ```no_run
    /// # async fn run(client: hamravesh::Client) -> Result<(), hamravesh::Error> {
    /// use futures_util::StreamExt;
    /// let mut notifications = std::pin::pin!(client.walk_notifications("my-team").into_stream());
    /// while let Some(notification) = notifications.next().await {
    ///     let notification = notification?;
    ///     println!("{} {}", notification.timestamp, notification.title);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn walk_notifications(&self, organization: &str) -> NotificationWalk {
        NotificationWalk::new(self.clone(), organization)
    }

    /// Every notification of the feed, newest first: [`Client::walk_notifications`] with its
    /// default settings, collected.
    pub async fn all_notifications(&self, organization: &str) -> Result<Vec<Notification>, Error> {
        self.walk_notifications(organization).collect().await
    }
}
