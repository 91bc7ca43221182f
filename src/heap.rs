//! The shipped module's allocator, in place of dlmalloc (2.5 KB of `form.js`): blocks of
//! power-of-two sizes (16 B up), one free list per size, cut from the end of linear memory.
//!
//! A block is aligned to its own size (up to a 64 KiB page), so any block of a size serves
//! any layout of that size. Freed blocks wait in their size's list for the next allocation of
//! that size; nothing is split, merged or given back. So a block is at most twice its request,
//! and each list holds at most the blocks of its size that were ever live at once: the heap is
//! the sum of each size's peak, for no search and no headers. A form's work is the same load,
//! read and draw again and again, so the peaks are reached early and stay. The gaps that
//! aligning leaves are cut into smaller blocks and listed, not lost.
//!
//! [`Heap`] is the logic, tested natively over a buffer; [`Allocator`] is the module's
//! `#[global_allocator]`, over `memory.grow`.

use core::alloc::Layout;

/// The smallest block: 16 B (two words of any wasm32 value, and `u128`'s alignment).
const MIN_SHIFT: u32 = 4;
/// Sizes 2^4 to 2^31.
const SIZES: usize = 28;
/// A wasm page: the unit of `memory.grow`, and the largest alignment a block keeps.
pub const PAGE: usize = 1 << 16;

/// Where the heap's memory comes from.
pub trait Memory {
    /// Adds `pages` pages at the end of memory: the address of the first, `None` when the
    /// memory cannot grow.
    fn grow(&mut self, pages: usize) -> Option<usize>;
}

/// The free lists and the memory not yet cut.
pub struct Heap {
    /// The first free block of each size (0: none); each free block starts with the next's
    /// address.
    free: [usize; SIZES],
    /// The next address to cut from, and the end of the memory the heap has.
    next: usize,
    end: usize,
}

impl Heap {
    /// An empty heap: it grows the memory at its first allocation.
    pub const fn new() -> Heap {
        Heap {
            free: [0; SIZES],
            next: 0,
            end: 0,
        }
    }

    /// The size index of a layout: its size, at least its alignment and 16 B, rounded up to a
    /// power of two; `None` beyond 2^31 B or a page's alignment.
    fn size_of(layout: Layout) -> Option<usize> {
        if layout.align() > PAGE {
            return None;
        }
        let size = layout
            .size()
            .max(layout.align())
            .checked_next_power_of_two()?;
        let index = size.trailing_zeros().saturating_sub(MIN_SHIFT) as usize;
        (index < SIZES).then_some(index)
    }

    /// A block for `layout`, or null when the memory cannot grow.
    ///
    /// # Safety
    /// The memory [`Memory::grow`] hands out is the heap's alone, readable and writable.
    pub unsafe fn alloc(&mut self, layout: Layout, memory: &mut impl Memory) -> *mut u8 {
        let Some(index) = Heap::size_of(layout) else {
            return core::ptr::null_mut();
        };
        let head = self.free[index];
        if head != 0 {
            // SAFETY: a listed block is free and starts with the next one's address.
            self.free[index] = unsafe { (head as *const usize).read() };
            return head as *mut u8;
        }
        let block = 1usize << (index as u32 + MIN_SHIFT);
        let align = block.min(PAGE);
        let Some(start) = self.next.checked_next_multiple_of(align) else {
            return core::ptr::null_mut();
        };
        if start.checked_add(block).is_none_or(|end| end > self.end) {
            let missing = start.saturating_add(block).saturating_sub(self.end);
            let pages = missing.div_ceil(PAGE).max(1);
            let Some((added, end)) = memory
                .grow(pages)
                .and_then(|added| Some((added, added.checked_add(pages.checked_mul(PAGE)?)?)))
            else {
                return core::ptr::null_mut();
            };
            if added != self.end {
                // Not where the heap ended (the first growth): what is left of the old end is
                // listed, and cutting starts over at the new memory.
                // SAFETY: `next..end` is the heap's and unused; both are multiples of 16.
                unsafe { self.list_gap(self.end) };
                self.next = added;
            }
            self.end = end;
            // SAFETY: the same contract, one level down.
            return unsafe { self.alloc(layout, memory) };
        }
        // SAFETY: `next..start` is memory the heap has and has not handed out.
        unsafe { self.list_gap(start) };
        self.next = start + block;
        start as *mut u8
    }

    /// Lists `next..to` as blocks, each the largest its address is aligned to that fits.
    unsafe fn list_gap(&mut self, to: usize) {
        while self.next < to {
            let aligned = 1usize << self.next.trailing_zeros().min(31);
            let room = 1usize << (usize::BITS - 1 - (to - self.next).leading_zeros());
            let size = aligned.min(room).min(PAGE);
            let index = (size.trailing_zeros() - MIN_SHIFT) as usize;
            // SAFETY: the caller's contract: `next..to` is the heap's and unused.
            unsafe { self.push(self.next, index) };
            self.next += size;
        }
    }

    unsafe fn push(&mut self, block: usize, index: usize) {
        // SAFETY: `block` is a free block of the heap, at least a word long.
        unsafe { (block as *mut usize).write(self.free[index]) };
        self.free[index] = block;
    }

    /// Gives back a block [`Heap::alloc`] made for `layout`.
    ///
    /// # Safety
    /// `ptr` came from [`Heap::alloc`] with `layout` and is not used again.
    pub unsafe fn dealloc(&mut self, ptr: *mut u8, layout: Layout) {
        if let Some(index) = Heap::size_of(layout) {
            // SAFETY: the caller's contract.
            unsafe { self.push(ptr as usize, index) };
        }
    }

    /// The block for `layout`'s new size: the same block when the size does not change its
    /// block, else a new one with the contents copied.
    ///
    /// # Safety
    /// As [`Heap::dealloc`]; `new_size` rounded up to `layout.align()` fits in `isize`.
    pub unsafe fn realloc(
        &mut self,
        ptr: *mut u8,
        layout: Layout,
        new_size: usize,
        memory: &mut impl Memory,
    ) -> *mut u8 {
        let Ok(new) = Layout::from_size_align(new_size, layout.align()) else {
            return core::ptr::null_mut();
        };
        if Heap::size_of(new) == Heap::size_of(layout) {
            return ptr;
        }
        // SAFETY: the same contracts.
        unsafe {
            let moved = self.alloc(new, memory);
            if !moved.is_null() {
                core::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            moved
        }
    }
}

impl Default for Heap {
    fn default() -> Heap {
        Heap::new()
    }
}

/// The module's allocator: a [`Heap`] over the module's linear memory.
#[cfg(all(
    feature = "module",
    target_arch = "wasm32",
    not(target_feature = "atomics")
))]
pub struct Allocator(core::cell::UnsafeCell<Heap>);

#[cfg(all(
    feature = "module",
    target_arch = "wasm32",
    not(target_feature = "atomics")
))]
mod module {
    use super::{Allocator, Heap, Memory, PAGE};
    use core::alloc::{GlobalAlloc, Layout};

    // SAFETY: the module is built for wasm32 without `atomics` (the `cfg` above): one thread.
    unsafe impl Sync for Allocator {}

    impl Allocator {
        /// The allocator, with nothing cut yet.
        pub const fn new() -> Allocator {
            Allocator(core::cell::UnsafeCell::new(Heap::new()))
        }
    }

    impl Default for Allocator {
        fn default() -> Allocator {
            Allocator::new()
        }
    }

    /// Linear memory 0 of the module, grown with `memory.grow`.
    struct Linear;

    impl Memory for Linear {
        fn grow(&mut self, pages: usize) -> Option<usize> {
            let old = core::arch::wasm32::memory_grow(0, pages);
            (old != usize::MAX).then_some(old * PAGE)
        }
    }

    // SAFETY: one thread, no reentrancy (the heap calls nothing that allocates), and
    // `memory.grow` gives the heap memory no one else holds.
    unsafe impl GlobalAlloc for Allocator {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            unsafe { (*self.0.get()).alloc(layout, &mut Linear) }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            unsafe { (*self.0.get()).dealloc(ptr, layout) }
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            unsafe { (*self.0.get()).realloc(ptr, layout, new_size, &mut Linear) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Memory for the tests: `limit` pages of a buffer, handed out from a page boundary; with
    /// `holes`, a page is skipped before each growth after the first, so the memory the heap
    /// gets is not in one piece.
    struct Buffer {
        bytes: Vec<u8>,
        base: usize,
        used: usize,
        limit: usize,
        holes: bool,
    }

    impl Buffer {
        fn new(limit: usize) -> Buffer {
            let bytes = vec![0u8; (limit + 1) * PAGE];
            let base = (bytes.as_ptr() as usize).next_multiple_of(PAGE);
            Buffer {
                bytes,
                base,
                used: 0,
                limit,
                holes: false,
            }
        }

        fn with_holes(limit: usize) -> Buffer {
            Buffer {
                holes: true,
                ..Buffer::new(limit)
            }
        }

        fn holds(&self, block: usize, size: usize) -> bool {
            block >= self.base && block + size <= self.base + self.used * PAGE
        }

        /// Whether `pages` more pages could be given (a hole included).
        fn could_give(&self, pages: usize) -> bool {
            let hole = usize::from(self.holes && self.used > 0);
            self.used + hole + pages <= self.limit
        }
    }

    impl Memory for Buffer {
        fn grow(&mut self, pages: usize) -> Option<usize> {
            assert!(self.bytes.len() > self.limit * PAGE);
            if !self.could_give(pages) {
                return None;
            }
            if self.holes && self.used > 0 {
                self.used += 1;
            }
            self.used += pages;
            Some(self.base + (self.used - pages) * PAGE)
        }
    }

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).expect("a valid layout")
    }

    #[test]
    fn a_freed_block_serves_the_next_allocation_of_its_size() {
        let (mut heap, mut memory) = (Heap::new(), Buffer::new(4));
        unsafe {
            let first = heap.alloc(layout(24, 8), &mut memory);
            heap.dealloc(first, layout(24, 8));
            // 17 to 32 B share the 32 B blocks.
            assert_eq!(heap.alloc(layout(32, 4), &mut memory), first);
            assert_ne!(heap.alloc(layout(20, 4), &mut memory), first);
        }
    }

    #[test]
    fn blocks_are_aligned_to_their_size_and_the_gaps_are_used() {
        let (mut heap, mut memory) = (Heap::new(), Buffer::new(4));
        unsafe {
            let small = heap.alloc(layout(16, 1), &mut memory) as usize;
            let page = heap.alloc(layout(4096, 1), &mut memory) as usize;
            assert_eq!(page % 4096, 0);
            assert_eq!(small, memory.base);
            // The 4,080 B before the 4 KiB block are listed: the next small blocks come from
            // there, not after it.
            let gap = heap.alloc(layout(2048, 1), &mut memory) as usize;
            assert!(
                gap > small && gap < page,
                "{gap:#x} between {small:#x} and {page:#x}"
            );
            assert_eq!(gap % 2048, 0);
            assert_eq!(memory.used, 1);
        }
    }

    #[test]
    fn a_block_larger_than_a_page_grows_the_memory_by_what_it_needs() {
        let (mut heap, mut memory) = (Heap::new(), Buffer::new(8));
        unsafe {
            let big = heap.alloc(layout(3 * PAGE, 8), &mut memory) as usize;
            assert!(memory.holds(big, 4 * PAGE));
            assert_eq!(big % PAGE, 0);
            assert_eq!(memory.used, 4);
        }
    }

    #[test]
    fn memory_that_cannot_grow_gives_null_and_the_lists_still_serve() {
        let (mut heap, mut memory) = (Heap::new(), Buffer::new(1));
        unsafe {
            let block = heap.alloc(layout(64, 8), &mut memory);
            assert!(!block.is_null());
            assert!(heap.alloc(layout(2 * PAGE, 8), &mut memory).is_null());
            heap.dealloc(block, layout(64, 8));
            assert_eq!(heap.alloc(layout(64, 8), &mut memory), block);
            assert!(heap.alloc(layout(8, 1 << 17), &mut memory).is_null());
        }
    }

    #[test]
    fn realloc_keeps_the_block_within_its_size_and_copies_beyond_it() {
        let (mut heap, mut memory) = (Heap::new(), Buffer::new(4));
        unsafe {
            let block = heap.alloc(layout(40, 8), &mut memory);
            block.copy_from(b"resubscribe".as_ptr(), 11);
            assert_eq!(heap.realloc(block, layout(40, 8), 64, &mut memory), block);
            let moved = heap.realloc(block, layout(64, 8), 100, &mut memory);
            assert_ne!(moved, block);
            assert_eq!(core::slice::from_raw_parts(moved, 11), b"resubscribe");
            // The old block is free again.
            assert_eq!(heap.alloc(layout(64, 8), &mut memory), block);
        }
    }

    #[test]
    fn memory_in_pieces_lists_what_was_left_of_the_old_end() {
        let (mut heap, mut memory) = (Heap::new(), Buffer::with_holes(8));
        unsafe {
            let small = heap.alloc(layout(16, 1), &mut memory) as usize;
            // A block larger than what is left of the first page: the memory grows, with a
            // hole before the new page.
            let big = heap.alloc(layout(PAGE, 8), &mut memory) as usize;
            assert_eq!(big, memory.base + 2 * PAGE);
            // The rest of the first page was listed: a 32 KiB block comes from it.
            let half = heap.alloc(layout(PAGE / 2, 8), &mut memory) as usize;
            assert_eq!(half, small + PAGE / 2);
            assert_eq!(memory.used, 3);
        }
    }

    #[derive(Debug, Clone)]
    enum Step {
        Alloc(usize, u32),
        Free(usize),
        Grow(usize, usize),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            // Small sizes with any alignment up to a page (align above the size included).
            (1usize..300, 0u32..=16).prop_map(|(size, align)| Step::Alloc(size, align)),
            (1usize..5000, 0u32..13).prop_map(|(size, align)| Step::Alloc(size, align)),
            (1usize..200_000, 0u32..=16).prop_map(|(size, align)| Step::Alloc(size, align)),
            any::<usize>().prop_map(Step::Free),
            (any::<usize>(), 1usize..9000).prop_map(|(which, size)| Step::Grow(which, size)),
        ]
    }

    /// The pages a fresh block for `layout` needs: when the memory has that many left, the
    /// heap must not fail.
    fn pages_for(layout: Layout) -> usize {
        let size = layout
            .size()
            .max(layout.align())
            .next_power_of_two()
            .max(16);
        size.div_ceil(PAGE)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// Live blocks are inside the memory, aligned, apart from each other, and keep what
        /// was written to them through any sequence of allocations, frees and reallocations,
        /// on memory in one piece or in pieces; an allocation fails only when the memory
        /// cannot give a fresh block.
        #[test]
        fn live_blocks_never_overlap_and_keep_their_contents(
            steps in proptest::collection::vec(step(), 1..300),
            holes in any::<bool>(),
        ) {
            let mut heap = Heap::new();
            let mut memory = if holes { Buffer::with_holes(64) } else { Buffer::new(64) };
            let mut live: Vec<(usize, Layout, u8)> = Vec::new();
            let mut stamp = 0u8;
            for step in steps {
                unsafe {
                    match step {
                        Step::Alloc(size, align) => {
                            let layout = layout(size, 1 << align);
                            let block = heap.alloc(layout, &mut memory);
                            if block.is_null() {
                                prop_assert!(!memory.could_give(pages_for(layout)), "{layout:?} failed");
                                continue;
                            }
                            stamp = stamp.wrapping_add(1);
                            block.write_bytes(stamp, size);
                            live.push((block as usize, layout, stamp));
                        }
                        Step::Free(which) if !live.is_empty() => {
                            let (block, layout, stamp) = live.swap_remove(which % live.len());
                            let bytes = core::slice::from_raw_parts(block as *const u8, layout.size());
                            prop_assert!(bytes.iter().all(|b| *b == stamp));
                            heap.dealloc(block as *mut u8, layout);
                        }
                        Step::Grow(which, size) if !live.is_empty() => {
                            let index = which % live.len();
                            let (block, layout, stamp) = live[index];
                            let moved = heap.realloc(block as *mut u8, layout, size, &mut memory);
                            if moved.is_null() {
                                let wanted = self::layout(size, layout.align());
                                prop_assert!(!memory.could_give(pages_for(wanted)), "{wanted:?} failed");
                                continue;
                            }
                            let kept = layout.size().min(size);
                            let bytes = core::slice::from_raw_parts(moved, kept);
                            prop_assert!(bytes.iter().all(|b| *b == stamp));
                            moved.write_bytes(stamp, size);
                            live[index] = (moved as usize, self::layout(size, layout.align()), stamp);
                        }
                        _ => {}
                    }
                }
                let mut spans: Vec<(usize, usize)> = live.iter().map(|(b, l, _)| (*b, l.size())).collect();
                spans.sort();
                for (block, layout, _) in &live {
                    prop_assert!(memory.holds(*block, layout.size()));
                    prop_assert_eq!(block % layout.align(), 0);
                }
                for pair in spans.windows(2) {
                    prop_assert!(pair[0].0 + pair[0].1 <= pair[1].0, "{:?} overlaps", pair);
                }
            }
        }
    }
}
