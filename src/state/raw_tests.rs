//! raw pane state tests
