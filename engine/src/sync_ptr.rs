//! A raw pointer that may be shared between threads writing to disjoint positions.

/// Shared mutable pointer for parallel scatter into disjoint slots of one buffer.
///
/// Safety rests with the user: every index written through it must be written by
/// exactly one thread, and the buffer must outlive all writers.
#[derive(Clone, Copy)]
pub(crate) struct SyncPtr<T>(pub(crate) *mut T);

unsafe impl<T: Send> Send for SyncPtr<T> {}
unsafe impl<T: Send> Sync for SyncPtr<T> {}

impl<T> SyncPtr<T> {
    pub(crate) fn new(slice: &mut [T]) -> Self {
        SyncPtr(slice.as_mut_ptr())
    }

    /// Writes `value` at `index`.
    ///
    /// # Safety
    /// `index` must be in bounds and written by no other thread concurrently.
    #[inline(always)]
    pub(crate) unsafe fn write(self, index: usize, value: T) {
        unsafe { self.0.add(index).write(value) }
    }
}
