//! The `jixiao` binary's tests, in one test binary (uv's layout: one link, one process that runs
//! every test), grouped by command. Each test runs the binary as a user would, from the
//! workspace root.

mod common;

mod batch;
mod cases;
mod check;
mod compare;
mod conventions;
mod convert;
mod export;
mod form;
mod formats;
mod generate;
mod history;
mod html;
mod import;
mod ingest;
mod outputs;
mod pdf;
mod plugins;
mod review;
mod round;
mod runs;
mod score;
mod snapshot;
mod store;
mod store_prior;
mod store_summaries;
mod usage;
mod validate;
mod verify;
