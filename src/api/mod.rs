//! Server functions, grouped by object. They stay thin: take the session's
//! token, call the typed client, map errors to something a page can show.

pub mod status;
