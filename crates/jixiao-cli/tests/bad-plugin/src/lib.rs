//! Deliberately bad plugins, one per feature.
#![allow(unsafe_code)]

#[cfg(not(feature = "panic"))]
use jixiao_plugin_api::{ABI_VERSION, Bytes, Handshake};

#[cfg(not(feature = "panic"))]
static MANIFEST: &[u8] = br#"{"format":1,"name":"jixiao-bad-plugin","version":"0.0.1","rules":[{"name":"boom","summary":"bad","params":[]}]}"#;

#[cfg(feature = "panic")]
mod panicking {
    use jixiao_plugin_api::{Finding, Input, Output, Plugin, Rule};

    fn boom(input: &Input<'_>, _: &std::collections::BTreeMap<String, String>) -> Output {
        if input.unit.unit.name.contains("文化旅游") {
            panic!("deliberate panic on {}", input.unit.unit.name);
        }
        let mut out = Output::new();
        out.push(Finding::soft("boom ran"));
        out
    }

    fn plugin() -> Plugin {
        Plugin::new("jixiao-bad-plugin", "0.0.1").rule(Rule::new("boom", "panics", boom))
    }

    jixiao_plugin_api::export_plugin!(plugin);
}

#[cfg(not(feature = "panic"))]
#[unsafe(no_mangle)]
pub extern "C" fn jixiao_plugin_handshake() -> Handshake {
    Handshake {
        abi_version: if cfg!(feature = "wrong_abi") { 99 } else { ABI_VERSION },
        manifest: Bytes {
            ptr: MANIFEST.as_ptr(),
            len: MANIFEST.len(),
        },
    }
}

/// Answers every call with bytes that are not JSON.
///
/// # Safety
///
/// `response` must be writable.
#[cfg(feature = "malformed")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jixiao_plugin_call(_: *const u8, _: usize, response: *mut Bytes) -> i32 {
    let bytes: Box<[u8]> = b"this is not json".to_vec().into_boxed_slice();
    let len = bytes.len();
    // SAFETY: the host passes a writable response slot.
    unsafe {
        response.write(Bytes {
            ptr: Box::into_raw(bytes).cast::<u8>(),
            len,
        })
    };
    0
}

/// Frees what `jixiao_plugin_call` returned.
///
/// # Safety
///
/// `bytes` must come from `jixiao_plugin_call`.
#[cfg(any(feature = "malformed", feature = "wrong_abi"))]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jixiao_plugin_free(bytes: Bytes) {
    let slice = std::ptr::slice_from_raw_parts_mut(bytes.ptr.cast_mut(), bytes.len);
    // SAFETY: made by `Box::into_raw` above.
    drop(unsafe { Box::from_raw(slice) });
}
