//! Room in the browser build's read-only data for `cargo leptos build --split`.
//!
//! wasm-split lays `.rodata` out again per output module, each module's part aligned
//! to 16 bytes. When that padding makes the layout longer than the input segment it
//! gives up and puts the whole segment, every lazy chunk's data included, in the main
//! module. This static is kept by the linker but referenced by nothing, so no module
//! gets it and the segment has 4 KiB to spare for the padding.

#[used]
static SPLIT_SLACK: [u8; 4096] = [0xA5; 4096];
