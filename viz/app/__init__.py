"""The Dash app's server side: what a session's data is, where uploads are kept."""
