//! The stable ABI of jixiao rule plugins, and the SDK plugin authors write against.
//!
//! A rule plugin is a shared library (`cdylib`) exporting three `extern "C"` symbols:
//!
//! | symbol | signature | what it does |
//! |---|---|---|
//! | [`HANDSHAKE_SYMBOL`] | [`HandshakeFn`] | returns the ABI version and the manifest (JSON) |
//! | [`CALL_SYMBOL`] | [`CallFn`] | takes a request (JSON bytes), writes a response |
//! | [`FREE_SYMBOL`] | [`FreeFn`] | frees a response the plugin allocated |
//!
//! Only these functions and the `#[repr(C)]` types [`Handshake`] and [`Bytes`] cross the
//! boundary; everything else crosses as bytes of the versioned JSON wire format in [`wire`],
//! money and scores as decimal strings. The ABI is versioned by [`ABI_VERSION`], on its own and
//! not with any crate: a plugin built for ABI 1 loads into every host that speaks ABI 1. The
//! full contract is in `docs/plugins.md`.
//!
//! Plugin authors do not touch any of this: they write plain functions over the unit model,
//! register them as [`Rule`]s of a [`Plugin`] (each rule's parameters declared once, with
//! [`params!`]) and call [`export_plugin!`] once.

pub mod wire;

mod sdk;

#[doc(hidden)]
pub mod ffi;

pub use jixiao_model as model;
pub use rust_decimal::Decimal;
#[doc(hidden)]
pub use sdk::spec as sdk_spec;
pub use sdk::{
    Adjustment, Finding, Input, LeafId, Output, Param, ParamKind, ParamValue, Plugin, Rule,
    RuleParams,
};
pub use wire::Part;

/// The version of the binary interface: symbols, their signatures and the `#[repr(C)]` types.
/// It changes only when they do, never with a release of jixiao.
pub const ABI_VERSION: u32 = 1;

/// The version of the JSON wire format inside the bytes ([`wire`]).
pub const WIRE_FORMAT: u32 = 1;

/// `extern "C" fn() -> Handshake`: checked before any other symbol is looked up.
pub const HANDSHAKE_SYMBOL: &str = "jixiao_plugin_handshake";
/// `unsafe extern "C" fn(*const u8, usize, *mut Bytes) -> i32`.
pub const CALL_SYMBOL: &str = "jixiao_plugin_call";
/// `unsafe extern "C" fn(Bytes)`: frees bytes the plugin returned from a call.
pub const FREE_SYMBOL: &str = "jixiao_plugin_free";

/// A byte buffer crossing the boundary. Whoever allocated it frees it: response bytes from
/// [`CALL_SYMBOL`] are freed by the host through the plugin's [`FREE_SYMBOL`]; the manifest in a
/// [`Handshake`] is static in the plugin and never freed.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct Bytes {
    pub ptr: *const u8,
    pub len: usize,
}

impl Bytes {
    /// No bytes: a null pointer and length 0.
    pub const EMPTY: Bytes = Bytes {
        ptr: std::ptr::null(),
        len: 0,
    };
}

/// What [`HANDSHAKE_SYMBOL`] returns. `abi_version` comes first and is read before anything
/// else; the rest is interpreted only when it equals [`ABI_VERSION`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct Handshake {
    pub abi_version: u32,
    /// The manifest ([`wire::Manifest`]) as JSON, static in the plugin.
    pub manifest: Bytes,
}

/// Signature of [`HANDSHAKE_SYMBOL`].
pub type HandshakeFn = extern "C" fn() -> Handshake;
/// Signature of [`CALL_SYMBOL`]: the request bytes in, the response written to the third
/// argument; returns one of [`status`].
pub type CallFn = unsafe extern "C" fn(*const u8, usize, *mut Bytes) -> i32;
/// Signature of [`FREE_SYMBOL`].
pub type FreeFn = unsafe extern "C" fn(Bytes);

/// Return codes of [`CALL_SYMBOL`].
pub mod status {
    /// The response is a [`crate::wire::Response`] (JSON).
    pub const OK: i32 = 0;
    /// The rule could not run: the response is the reason (UTF-8 text).
    pub const ERROR: i32 = 1;
    /// The rule panicked: the response is the panic message (UTF-8 text).
    pub const PANIC: i32 = 2;
}

/// Exports a [`Plugin`] from a `cdylib` crate: the three ABI symbols, with panics caught.
///
/// ```ignore
/// fn plugin() -> Plugin {
///     Plugin::new(env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")).rule(/* ... */)
/// }
/// jixiao_plugin_api::export_plugin!(plugin);
/// ```
#[macro_export]
macro_rules! export_plugin {
    ($build:path) => {
        #[doc(hidden)]
        fn __jixiao_plugin_exported() -> &'static $crate::ffi::Exported {
            static EXPORTED: ::std::sync::OnceLock<$crate::ffi::Exported> =
                ::std::sync::OnceLock::new();
            EXPORTED.get_or_init(|| $crate::ffi::Exported::new($build))
        }

        /// The handshake: ABI version and manifest.
        #[allow(unsafe_code)] // `no_mangle` exports the symbol the host looks up.
        #[unsafe(no_mangle)]
        pub extern "C" fn jixiao_plugin_handshake() -> $crate::Handshake {
            $crate::ffi::handshake(__jixiao_plugin_exported)
        }

        /// Runs one request.
        ///
        /// # Safety
        ///
        /// `request` must point to `len` readable bytes and `response` to a writable
        /// `Bytes`, as the ABI contract says.
        #[allow(unsafe_code)] // an exported `extern "C"` function taking raw pointers.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn jixiao_plugin_call(
            request: *const u8,
            len: usize,
            response: *mut $crate::Bytes,
        ) -> i32 {
            // SAFETY: the host upholds the contract documented on this function.
            unsafe { $crate::ffi::call(__jixiao_plugin_exported, request, len, response) }
        }

        /// Frees a response.
        ///
        /// # Safety
        ///
        /// `bytes` must come from `jixiao_plugin_call` of this library, freed once.
        #[allow(unsafe_code)] // an exported `extern "C"` function taking raw pointers.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn jixiao_plugin_free(bytes: $crate::Bytes) {
            // SAFETY: the host upholds the contract documented on this function.
            unsafe { $crate::ffi::free(bytes) }
        }
    };
}
