//! The Yew components, one file each.

pub mod app;
pub mod cluster_page;
pub mod editor;
pub mod inject_page;
pub mod output_actions;
