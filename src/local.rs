//! Page-wide state: a `thread_local!` natively and in tests, a plain `static` in the shipped
//! module, which has no `std` and runs on the page's one thread.

/// A value the single-threaded module keeps for the page, used like `LocalKey::with`.
#[cfg(feature = "module")]
pub(crate) struct Local<T>(T);

// SAFETY: the shipped module is built for wasm32 without the `atomics` feature (checked
// below), so no second thread can ever reach the value.
#[cfg(feature = "module")]
unsafe impl<T> Sync for Local<T> {}

#[cfg(all(
    feature = "module",
    any(not(target_arch = "wasm32"), target_feature = "atomics")
))]
compile_error!("the `module` feature builds the single-threaded wasm32 module only");

#[cfg(feature = "module")]
impl<T> Local<T> {
    /// Wraps the initial value.
    pub const fn new(value: T) -> Local<T> {
        Local(value)
    }

    /// Runs `f` on the value.
    pub fn with<R>(&'static self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.0)
    }
}

/// `page_local!(static NAME: Type = const_init;)`, accessed with `NAME.with(|v| ...)`.
macro_rules! page_local {
    (static $name:ident: $ty:ty = $init:expr;) => {
        #[cfg(feature = "module")]
        static $name: $crate::local::Local<$ty> = $crate::local::Local::new($init);
        #[cfg(not(feature = "module"))]
        std::thread_local! {
            static $name: $ty = const { $init };
        }
    };
}
pub(crate) use page_local;
