//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod demo;
pub mod fleet;
pub mod garbage;
pub mod harness;
pub mod kubectl;
pub mod live;
pub mod proxy;
pub mod pty;
pub mod real;
