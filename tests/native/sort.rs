//! `accord::error::sort_pairs` (a hand-written heapsort) sorts like the standard library.

use accord::error::sort_pairs;

#[test]
fn sorts_like_std() {
    let mut seed = 7u64;
    for len in [0usize, 1, 2, 3, 5, 8, 13, 100, 1000] {
        for modulus in [1u64, 3, 1000, u64::MAX] {
            let mut v: Vec<(u64, u32)> = (0..len)
                .map(|i| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((seed >> 11) % modulus, i as u32)
                })
                .collect();
            let mut want = v.clone();
            want.sort();
            sort_pairs(&mut v);
            assert_eq!(v, want, "len {len}, keys mod {modulus}");
        }
    }
}
