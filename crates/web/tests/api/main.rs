//! Black-box tests of the HTTP API: a real server on port 0 over a temporary SQLite file, or
//! a fresh PostgreSQL database with `BAOXIU_TEST_BACKEND=postgres` (`any_store.rs`).

mod any_store;
mod auth;
mod clocks;
mod concurrency;
mod corrections;
mod helpers;
mod idempotency;
mod listing;
mod notify;
mod openapi;
mod pages;
mod restart;
mod stories;
mod uploads;
mod validation;
mod verification;
