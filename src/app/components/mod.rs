//! Reusable pieces of pages.
