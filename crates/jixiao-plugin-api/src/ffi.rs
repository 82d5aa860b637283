//! The plugin side of the ABI, called by the code [`crate::export_plugin!`] generates. Not for
//! plugin authors. The only unsafe code a plugin contains is here and in the three exported
//! functions the macro writes, each with its `SAFETY` comment.
#![allow(unsafe_code)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use jixiao_model::SelfEvaluation;
use serde_json::value::RawValue;

use serde::Deserialize;

use crate::wire::{Leaf, Op, Request, Response};
use crate::{ABI_VERSION, Bytes, Handshake, Plugin, WIRE_FORMAT, status};

/// A plugin and its manifest, built once per process.
#[derive(Debug)]
pub struct Exported {
    plugin: Plugin,
    manifest: Vec<u8>,
}

impl Exported {
    pub fn new(build: fn() -> Plugin) -> Exported {
        let plugin = build();
        let manifest =
            serde_json::to_vec(&plugin.manifest()).expect("a manifest always serialises");
        Exported { plugin, manifest }
    }

    /// Handles one request: the response bytes, or the reason it failed.
    pub fn handle(&self, request: &[u8]) -> Result<Vec<u8>, String> {
        // One pass straight into the model; a request it does not read (keys from a newer host,
        // a wrong format, malformed bytes) takes the careful path below, with its errors.
        if let Ok(typed) = serde_json::from_slice::<TypedRequest<'_>>(request)
            && typed.format == WIRE_FORMAT
            && typed.op == Op::Evaluate
            && let Some(unit) = &typed.unit
        {
            let rule = self.plugin.find(&typed.rule)?;
            let input = crate::Input {
                unit,
                leaves: &typed.leaves,
            };
            let output = (rule.run)(&input, typed.params)?;
            return respond(output);
        }
        let request: Request<'_> =
            serde_json::from_slice(request).map_err(|e| format!("malformed request: {e}"))?;
        if request.format != WIRE_FORMAT {
            return Err(format!(
                "the request is in wire format {}, this plugin reads format {WIRE_FORMAT}",
                request.format
            ));
        }
        let rule = self.plugin.find(&request.rule)?;
        let response = match request.op {
            Op::CheckParams => {
                (rule.check)(request.params)?;
                Response {
                    format: WIRE_FORMAT,
                    ..Response::default()
                }
            }
            Op::Evaluate => {
                let unit = request.unit.ok_or("the request has no unit")?;
                let unit = read_unit(unit)?;
                let input = crate::Input {
                    unit: &unit,
                    leaves: &request.leaves,
                };
                return respond((rule.run)(&input, request.params)?);
            }
        };
        serde_json::to_vec(&response).map_err(|e| format!("cannot write the response: {e}"))
    }
}

/// An `evaluate` request read in one pass, the unit straight into the model.
#[derive(Deserialize)]
struct TypedRequest<'a> {
    format: u32,
    op: Op,
    #[serde(borrow)]
    rule: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    params: &'a RawValue,
    #[serde(default)]
    unit: Option<SelfEvaluation>,
    #[serde(default)]
    leaves: Vec<Leaf>,
}

fn respond(output: crate::Output) -> Result<Vec<u8>, String> {
    let response = Response {
        format: WIRE_FORMAT,
        findings: output.findings,
        adjustments: output.adjustments,
    };
    serde_json::to_vec(&response).map_err(|e| format!("cannot write the response: {e}"))
}

/// Reads the unit, dropping keys this plugin's model does not know (added by a newer host within
/// the same wire format) one at a time.
pub fn read_unit(raw: &RawValue) -> Result<SelfEvaluation, String> {
    if let Ok(unit) = serde_json::from_str(raw.get()) {
        return Ok(unit);
    }
    let mut value: serde_json::Value =
        serde_json::from_str(raw.get()).map_err(|e| format!("malformed unit: {e}"))?;
    loop {
        let error = match serde_path_to_error::deserialize::<_, SelfEvaluation>(&value) {
            Ok(unit) => return Ok(unit),
            Err(error) => error,
        };
        let path = error.path().clone();
        let message = error.into_inner().to_string();
        if !message.starts_with("unknown field") || !remove(&mut value, &path) {
            return Err(format!("the unit does not read: at `{path}`: {message}"));
        }
    }
}

/// Removes the key a path ends at; false when there is none.
fn remove(value: &mut serde_json::Value, path: &serde_path_to_error::Path) -> bool {
    use serde_path_to_error::Segment;
    let segments: Vec<&Segment> = path.iter().collect();
    let Some((Segment::Map { key }, parents)) = segments.split_last() else {
        return false;
    };
    let mut node = value;
    for segment in parents {
        node = match (segment, node) {
            (Segment::Map { key }, serde_json::Value::Object(map)) => match map.get_mut(key) {
                Some(next) => next,
                None => return false,
            },
            (Segment::Seq { index }, serde_json::Value::Array(items)) => {
                match items.get_mut(*index) {
                    Some(next) => next,
                    None => return false,
                }
            }
            _ => return false,
        };
    }
    match node {
        serde_json::Value::Object(map) => map.remove(key).is_some(),
        _ => false,
    }
}

/// The handshake; a plugin that panics while building itself reports no manifest.
pub fn handshake(get: fn() -> &'static Exported) -> Handshake {
    match catch_unwind(get) {
        Ok(exported) => Handshake {
            abi_version: ABI_VERSION,
            manifest: Bytes {
                ptr: exported.manifest.as_ptr(),
                len: exported.manifest.len(),
            },
        },
        Err(_) => Handshake {
            abi_version: ABI_VERSION,
            manifest: Bytes::EMPTY,
        },
    }
}

/// One call: the request handled with panics caught, the response handed over to the host.
///
/// # Safety
///
/// `request` points to `len` readable bytes (or `len` is 0); `response` points to a writable
/// [`Bytes`].
pub unsafe fn call(
    get: fn() -> &'static Exported,
    request: *const u8,
    len: usize,
    response: *mut Bytes,
) -> i32 {
    if response.is_null() {
        return status::ERROR;
    }
    let request: &[u8] = if len == 0 {
        &[]
    } else if request.is_null() {
        // SAFETY: `response` is non-null and writable by the caller's contract.
        unsafe { response.write(into_raw(b"null request pointer".to_vec())) };
        return status::ERROR;
    } else {
        // SAFETY: non-null, and the caller guarantees `len` readable bytes that outlive the call.
        unsafe { std::slice::from_raw_parts(request, len) }
    };
    let (code, bytes) = match catch_unwind(AssertUnwindSafe(|| get().handle(request))) {
        Ok(Ok(bytes)) => (status::OK, bytes),
        Ok(Err(message)) => (status::ERROR, message.into_bytes()),
        Err(payload) => (status::PANIC, panic_message(payload.as_ref()).into_bytes()),
    };
    // SAFETY: `response` is non-null and writable by the caller's contract.
    unsafe { response.write(into_raw(bytes)) };
    code
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(a panic with no message)".to_owned())
}

/// Hands bytes over as a [`Bytes`]; [`free`] takes them back.
fn into_raw(bytes: Vec<u8>) -> Bytes {
    let boxed = bytes.into_boxed_slice();
    let len = boxed.len();
    let ptr = Box::into_raw(boxed).cast::<u8>().cast_const();
    Bytes { ptr, len }
}

/// Frees bytes made by `into_raw`.
///
/// # Safety
///
/// `bytes` came from [`call`] of this library and is freed once.
pub unsafe fn free(bytes: Bytes) {
    if bytes.ptr.is_null() {
        return;
    }
    let slice = std::ptr::slice_from_raw_parts_mut(bytes.ptr.cast_mut(), bytes.len);
    // SAFETY: `ptr` and `len` are those of a `Box<[u8]>` leaked by `into_raw` in this library
    // (same allocator), and the caller frees each response once.
    drop(unsafe { Box::from_raw(slice) });
}
