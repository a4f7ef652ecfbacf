//! The manager forest: numbers users in pre-order (`pre`, and `end` one past the subtree) so
//! that "is `o` in `u`'s reporting line" is `pre[u] <= pre[o] < end[u]`, and finds the cycles.
//!
//! Children are listed in compressed form (one offset per user, one entry per child: 8 bytes a
//! user while numbering, freed after); the walk keeps its place in each user's own `end` and
//! climbs back through `manager`, so it needs no stack however deep the tree.

use super::UserRec;
use crate::engine::NONE32;

/// Numbers every user reachable from a root (a user without manager), children in input
/// order, and returns the first member of each manager cycle, in ascending order. Users
/// on or below a cycle keep `pre == NONE32`.
pub(crate) fn number(users: &mut [UserRec]) -> Vec<usize> {
    let n = users.len();
    // After the fill, `starts[m]` is the end of m's children and `starts[m - 1]` their start.
    let mut starts = vec![0u32; n + 1];
    // A root's manager is NONE32: skip it before any arithmetic (usize is 32 bits in wasm).
    for m in users.iter().map(|u| u.manager).filter(|&m| m != NONE32) {
        if let Some(s) = starts.get_mut(m as usize + 1) {
            *s += 1;
        }
    }
    for i in 0..n {
        let prev = starts.get(i).copied().unwrap_or(0);
        if let Some(s) = starts.get_mut(i + 1) {
            *s += prev;
        }
    }
    let mut children = vec![0u32; n];
    for (child, u) in users.iter().enumerate() {
        if let Some(f) = starts.get_mut(u.manager as usize) {
            if let Some(c) = children.get_mut(*f as usize) {
                *c = child as u32;
            }
            *f += 1;
        }
    }
    let first_child = |starts: &[u32], m: u32| -> u32 {
        match m {
            0 => 0,
            _ => starts.get(m as usize - 1).copied().unwrap_or(0),
        }
    };
    for u in users.iter_mut() {
        u.pre = NONE32;
    }
    let mut counter = 0u32;
    for root in 0..n as u32 {
        match users.get_mut(root as usize) {
            Some(u) if u.manager == NONE32 => {
                u.pre = counter;
                u.end = first_child(&starts, root);
            }
            _ => continue,
        }
        counter += 1;
        // `end` holds the next child to visit until the subtree is done.
        let mut node = root;
        while let Some(u) = users.get(node as usize) {
            let (next, manager) = (u.end, u.manager);
            let stop = starts.get(node as usize).copied().unwrap_or(0);
            if next < stop {
                let child = children.get(next as usize).copied().unwrap_or(0);
                if let Some(u) = users.get_mut(node as usize) {
                    u.end = next + 1;
                }
                match users.get_mut(child as usize) {
                    Some(c) if c.pre == NONE32 => {
                        c.pre = counter;
                        c.end = first_child(&starts, child);
                    }
                    _ => continue,
                }
                counter += 1;
                node = child;
            } else {
                if let Some(u) = users.get_mut(node as usize) {
                    u.end = counter;
                }
                if node == root {
                    break;
                }
                node = manager;
            }
        }
    }
    drop((starts, children));
    cycles(users)
}

/// The smallest member of each cycle among the users left unnumbered, ascending.
fn cycles(users: &[UserRec]) -> Vec<usize> {
    let n = users.len();
    if users.iter().all(|u| u.pre != NONE32) {
        return Vec::new();
    }
    let manager = |i: usize| users.get(i).map_or(NONE32, |u| u.manager);
    // 0 = not looked at, k = looked at by walk k.
    let mut walk_of = vec![0u32; n];
    let mut walk = 0u32;
    let mut found: Vec<usize> = Vec::new();
    for start in 0..n {
        if users.get(start).map(|u| u.pre) != Some(NONE32) || walk_of.get(start) != Some(&0) {
            continue;
        }
        walk += 1;
        let mut at = start;
        loop {
            match walk_of.get(at).copied() {
                Some(0) => {
                    if let Some(w) = walk_of.get_mut(at) {
                        *w = walk;
                    }
                    match manager(at) {
                        NONE32 => break,
                        m => at = m as usize,
                    }
                }
                Some(w) if w == walk => {
                    // `at` is on a new cycle: report its smallest member.
                    let mut first = at;
                    let mut x = manager(at) as usize;
                    while x != at && x < n {
                        first = first.min(x);
                        x = manager(x) as usize;
                    }
                    found.push(first);
                    break;
                }
                _ => break,
            }
        }
    }
    let mut keyed: Vec<(u64, u32)> = found.iter().map(|&f| (f as u64, 0)).collect();
    crate::error::sort_pairs(&mut keyed);
    keyed.into_iter().map(|(f, _)| f as usize).collect()
}
