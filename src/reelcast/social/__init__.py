"""Social core: accounts, invites, the follow/block graph, posts, notifications, audit and cameo consent."""
