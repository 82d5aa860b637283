//! Everything that crosses the plugin ABI: opening a library, its handshake and symbols,
//! and calls into it. The only module of the plugin host allowed `unsafe` code; every unsafe
//! block says why it is sound (`clippy::undocumented_unsafe_blocks`).
#![allow(unsafe_code)]

use std::path::Path;

use jixiao_plugin_api::wire::Manifest;
use jixiao_plugin_api::{
    ABI_VERSION, Bytes, CALL_SYMBOL, CallFn, FREE_SYMBOL, FreeFn, HANDSHAKE_SYMBOL, HandshakeFn,
    WIRE_FORMAT, status,
};

use crate::Problem;

/// An opened library: its entry points, valid for the life of the process.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Library {
    call: CallFn,
    free: FreeFn,
}

/// Opens a library (never to unload it), checks the handshake and looks up the entry points.
/// `file` is what is loaded; `path` is the library as the rule set names it, for messages.
pub(crate) fn open(file: &Path, path: &Path) -> Result<(Manifest, Library), Problem> {
    // SAFETY: loading a library runs its initialisers. The library is the one the rule set names,
    // and (when scoring) `file` is a private copy of exactly the bytes that were hashed and
    // checked against the pin (or explicitly allowed unpinned).
    let library = unsafe { libloading::Library::new(file) }.map_err(|e| Problem::Open {
        path: path.to_owned(),
        message: reason(&e, file),
    })?;
    // Never unloaded: code and static data of the plugin stay valid for the whole process.
    let library: &'static libloading::Library = Box::leak(Box::new(library));
    let missing = |symbol: &'static str, e: libloading::Error| Problem::MissingSymbol {
        path: path.to_owned(),
        symbol,
        message: reason(&e, file),
    };
    // SAFETY: a jixiao plugin exports this symbol with the `HandshakeFn` signature (ABI 1 and
    // every later ABI keep it); the library is never unloaded, so the pointer stays valid.
    let handshake: HandshakeFn = unsafe { library.get::<HandshakeFn>(HANDSHAKE_SYMBOL.as_bytes()) }
        .map(|symbol| *symbol)
        .map_err(|e| missing(HANDSHAKE_SYMBOL, e))?;
    let answer = handshake();
    if answer.abi_version != ABI_VERSION {
        return Err(Problem::AbiMismatch {
            path: path.to_owned(),
            found: answer.abi_version,
        });
    }
    let bad = |message: String| Problem::BadManifest {
        path: path.to_owned(),
        message,
    };
    if answer.manifest.ptr.is_null() || answer.manifest.len == 0 {
        return Err(bad("the handshake returned no manifest".into()));
    }
    // SAFETY: ABI 1 says the manifest is `len` bytes of static data in the plugin, which is
    // never unloaded; the pointer was checked to be non-null.
    let bytes = unsafe { std::slice::from_raw_parts(answer.manifest.ptr, answer.manifest.len) };
    let manifest: Manifest =
        serde_json::from_slice(bytes).map_err(|e| bad(format!("not a manifest: {e}")))?;
    if manifest.format != WIRE_FORMAT {
        return Err(bad(format!(
            "wire format {}, this jixiao reads format {WIRE_FORMAT}",
            manifest.format
        )));
    }
    // SAFETY: ABI 1 gives these symbols the `CallFn` and `FreeFn` signatures; the library is
    // never unloaded, so the pointers stay valid.
    let call: CallFn = unsafe { library.get::<CallFn>(CALL_SYMBOL.as_bytes()) }
        .map(|symbol| *symbol)
        .map_err(|e| missing(CALL_SYMBOL, e))?;
    // SAFETY: as above.
    let free: FreeFn = unsafe { library.get::<FreeFn>(FREE_SYMBOL.as_bytes()) }
        .map(|symbol| *symbol)
        .map_err(|e| missing(FREE_SYMBOL, e))?;
    Ok((manifest, Library { call, free }))
}

/// What the system said went wrong. libloading's own message is only "dlopen failed" or
/// "dlsym failed"; the system's (dlerror's) reason is the error's source, less the name of the
/// private copy loaded (`file`) it starts with: the messages name the library as given.
fn reason(e: &libloading::Error, file: &Path) -> String {
    let text = match std::error::Error::source(e) {
        Some(source) => source.to_string(),
        None => e.to_string(),
    };
    let prefix = format!("{}: ", file.display());
    match text.strip_prefix(&prefix) {
        Some(rest) => rest.to_owned(),
        None => text,
    }
}

impl Library {
    /// One call across the ABI: `read` sees the response bytes in place, before they are freed;
    /// or why there are none.
    pub(crate) fn call<R>(
        self,
        request: &[u8],
        read: impl FnOnce(&[u8]) -> Result<R, String>,
    ) -> Result<R, String> {
        let mut response = Bytes::EMPTY;
        // SAFETY: `request` is a live slice of `len` bytes for the whole call, and `response` a
        // writable `Bytes`, as ABI 1 requires; the function pointer is valid (never unloaded).
        let code = unsafe { (self.call)(request.as_ptr(), request.len(), &mut response) };
        let answer = |bytes: &[u8]| {
            let text = || String::from_utf8_lossy(bytes).into_owned();
            match code {
                status::OK => read(bytes),
                status::ERROR => Err(text()),
                status::PANIC => Err(format!("the plugin panicked: {}", text())),
                other => Err(format!("the plugin returned unknown status {other}")),
            }
        };
        if response.ptr.is_null() {
            if response.len != 0 {
                return Err(format!(
                    "the plugin returned a null pointer with length {}",
                    response.len
                ));
            }
            return answer(&[]);
        }
        // SAFETY: ABI 1: a non-null response points to `len` bytes the plugin allocated and
        // keeps until we free them, which happens just below, once; `answer` only borrows them
        // (whatever it keeps, it copies).
        let outcome = answer(unsafe { std::slice::from_raw_parts(response.ptr, response.len) });
        // SAFETY: the bytes came from this library's call and are freed once, by its own free
        // function (whoever allocates frees); nothing borrows them any more.
        unsafe { (self.free)(response) };
        outcome
    }
}
