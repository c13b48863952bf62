//! Dendrograms in scipy's linkage format, and cuts.

use crate::error::AlgorithmError;

/// One merge: clusters `left` and `right` (ids below `n_leaves` are leaves; merge
/// `t` creates id `n_leaves + t`) join at `height` into a cluster of `size` leaves.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Merge {
    /// First child (the smaller id).
    pub left: u32,
    /// Second child.
    pub right: u32,
    /// Merge height (non-decreasing along the list: no inversions).
    pub height: f64,
    /// Leaves under the merge.
    pub size: u64,
}

/// A binary tree over `n_leaves` leaves as scipy's linkage matrix `Z` (rows
/// `[left, right, height, size]`, `n_leaves - 1` of them for a connected tree).
#[derive(Clone, Debug, PartialEq)]
pub struct Dendrogram {
    /// Number of leaves.
    pub n_leaves: usize,
    /// Merges by non-decreasing height.
    pub merges: Vec<Merge>,
    /// Nodes in each leaf (1 when leaves are nodes); `Merge::size` counts leaves,
    /// as scipy does.
    pub leaf_sizes: Vec<u64>,
}

impl Dendrogram {
    /// Builds a dendrogram from merges in any order that refer to clusters by
    /// creation (`n_leaves + index in `merges``): sorts them by height (children
    /// before parents on ties) and renumbers, as scipy expects.
    pub(crate) fn from_unsorted(n_leaves: usize, merges: Vec<Merge>, leaf_sizes: Vec<u64>) -> Self {
        let mut order: Vec<usize> = (0..merges.len()).collect();
        order.sort_by(|&a, &b| {
            merges[a]
                .height
                .total_cmp(&merges[b].height)
                .then(a.cmp(&b))
        });
        let mut new_id = vec![0u32; merges.len()];
        for (t, &i) in order.iter().enumerate() {
            new_id[i] = (n_leaves + t) as u32;
        }
        let map = |id: u32| {
            if (id as usize) < n_leaves {
                id
            } else {
                new_id[id as usize - n_leaves]
            }
        };
        let sorted = order
            .iter()
            .map(|&i| {
                let m = merges[i];
                let (a, b) = (map(m.left), map(m.right));
                Merge {
                    left: a.min(b),
                    right: a.max(b),
                    ..m
                }
            })
            .collect();
        Dendrogram {
            n_leaves,
            merges: sorted,
            leaf_sizes,
        }
    }

    /// Whether heights never decrease from a child merge to its parent.
    pub fn has_inversions(&self) -> bool {
        let n = self.n_leaves;
        self.merges.iter().any(|m| {
            [m.left, m.right]
                .iter()
                .any(|&c| c as usize >= n && self.merges[c as usize - n].height > m.height)
        })
    }

    /// Leaf labels when the tree is cut into `k` clusters (undoing the last
    /// merges); labels are numbered by first leaf. Errors when `k` is 0 or above
    /// the leaf count. With fewer merges than `n_leaves - 1` (a forest) the cut
    /// has at least `n_leaves - merges` clusters.
    pub fn cut(&self, k: usize) -> Result<Vec<u32>, AlgorithmError> {
        if k == 0 || k > self.n_leaves {
            return Err(AlgorithmError::InvalidOption {
                name: "cuts",
                value: k.to_string(),
                expected: "a cut must ask for between 1 and the number of leaves clusters",
            });
        }
        let keep = (self.n_leaves - k).min(self.merges.len());
        Ok(self.labels_after(keep))
    }

    /// Leaf labels after every merge of height at most `h`.
    pub fn cut_height(&self, h: f64) -> Vec<u32> {
        let keep = self.merges.iter().take_while(|m| m.height <= h).count();
        self.labels_after(keep)
    }

    /// Leaf labels after the first `keep` merges (union-find), numbered by first leaf.
    fn labels_after(&self, keep: usize) -> Vec<u32> {
        let n = self.n_leaves;
        let mut parent: Vec<u32> = (0..(n + keep) as u32).collect();
        fn find(p: &mut [u32], mut x: u32) -> u32 {
            while p[x as usize] != x {
                p[x as usize] = p[p[x as usize] as usize];
                x = p[x as usize];
            }
            x
        }
        for (t, m) in self.merges[..keep].iter().enumerate() {
            let id = (n + t) as u32;
            let (a, b) = (find(&mut parent, m.left), find(&mut parent, m.right));
            parent[a as usize] = id;
            parent[b as usize] = id;
        }
        let mut label = vec![u32::MAX; n + keep];
        let mut next = 0;
        (0..n as u32)
            .map(|v| {
                let r = find(&mut parent, v) as usize;
                if label[r] == u32::MAX {
                    label[r] = next;
                    next += 1;
                }
                label[r]
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(left: u32, right: u32, height: f64, size: u64) -> Merge {
        Merge {
            left,
            right,
            height,
            size,
        }
    }

    #[test]
    fn sorting_renumbers_and_cuts_follow_heights() {
        // Created order: (2,3)@1 -> 4, (0,1)@0.5 -> 5, (4,5)@2 -> 6.
        let d = Dendrogram::from_unsorted(
            4,
            vec![m(2, 3, 1.0, 2), m(0, 1, 0.5, 2), m(4, 5, 2.0, 4)],
            vec![1; 4],
        );
        assert_eq!(
            d.merges,
            vec![m(0, 1, 0.5, 2), m(2, 3, 1.0, 2), m(4, 5, 2.0, 4)]
        );
        assert!(!d.has_inversions());
        assert_eq!(d.cut(1).unwrap(), vec![0, 0, 0, 0]);
        assert_eq!(d.cut(2).unwrap(), vec![0, 0, 1, 1]);
        assert_eq!(d.cut(3).unwrap(), vec![0, 0, 1, 2]);
        assert_eq!(d.cut(4).unwrap(), vec![0, 1, 2, 3]);
        assert!(d.cut(5).is_err() && d.cut(0).is_err());
        assert_eq!(d.cut_height(0.7), vec![0, 0, 1, 2]);
    }
}
