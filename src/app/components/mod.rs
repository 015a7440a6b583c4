//! Reusable pieces of pages.

pub mod confirm_delete;
pub mod copy_button;
pub mod error_panel;
pub mod field;
pub mod loaded;
pub mod page;
pub mod picker;
pub mod policy_preview;
pub mod region_note;
pub mod relative_time;
pub mod save_error;
pub mod shell;
pub mod test_token;
pub mod toast;
