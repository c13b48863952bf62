//! Running work on rayon's pool.

/// Runs `f` on a thread of rayon's pool (the global one, or the one installed
/// around the caller), directly when the caller already is one.
///
/// An algorithm that starts many short parallel loops should run this way: a loop
/// started from outside the pool hands its work to the pool and puts the caller
/// to sleep until it is done (a futex wake and wait per loop), while one started
/// on a pool thread runs part of the work itself.
///
/// ```
/// let sum = spargraph_engine::pool::on_pool(|| {
///     assert!(rayon::current_thread_index().is_some());
///     (1..=10u32).sum::<u32>()
/// });
/// assert_eq!(sum, 55);
/// ```
pub fn on_pool<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    if rayon::current_thread_index().is_some() {
        f()
    } else {
        rayon::scope(|_| f())
    }
}
