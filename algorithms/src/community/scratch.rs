//! Per-thread scratch buffers that live across rayon tasks.

use std::sync::{Mutex, MutexGuard};

/// One lazily built buffer per rayon worker, so that a parallel loop allocates
/// its dense scratch once per thread rather than once per task. A caller outside
/// the pool (the serial parts between parallel loops) shares the first worker's
/// buffer: the lock makes that safe, and the workers are idle then, so it costs no
/// waiting and saves a buffer (`8 n` bytes for the engine's accumulators). What a
/// task computes never depends on which buffer it got: buffers are cleared after
/// each use.
pub(crate) struct ScratchPool<T> {
    slots: Vec<Mutex<Option<T>>>,
    make: Box<dyn Fn() -> T + Send + Sync>,
}

impl<T> ScratchPool<T> {
    /// A pool that builds buffers with `make`.
    pub fn new(make: impl Fn() -> T + Send + Sync + 'static) -> Self {
        let slots = (0..rayon::current_num_threads().max(1))
            .map(|_| Mutex::new(None))
            .collect();
        ScratchPool {
            slots,
            make: Box::new(make),
        }
    }

    /// The calling thread's buffer.
    pub fn get(&self) -> ScratchGuard<'_, T> {
        let i = rayon::current_thread_index()
            .unwrap_or(0)
            .min(self.slots.len() - 1);
        let mut guard = self.slots[i].lock().unwrap_or_else(|e| e.into_inner());
        if guard.is_none() {
            *guard = Some((self.make)());
        }
        ScratchGuard(guard)
    }
}

/// A locked buffer of a [`ScratchPool`].
pub(crate) struct ScratchGuard<'a, T>(MutexGuard<'a, Option<T>>);

impl<T> std::ops::Deref for ScratchGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.0.as_ref().expect("built on get")
    }
}

impl<T> std::ops::DerefMut for ScratchGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.0.as_mut().expect("built on get")
    }
}
