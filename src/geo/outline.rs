//! The outline of a set of grid cells as polygons: the exact boundary of the union of the cells,
//! so the polygons cover precisely the cells a zone counts (and its summary area), no more and no
//! less.
//!
//! Every edge of a marked cell that does not face another marked cell is a boundary edge,
//! directed with the marked cell on its left (counter-clockwise around each cell). Joined end to
//! end they form closed rings: counter-clockwise rings are exteriors, clockwise rings are holes
//! (the right-hand rule of RFC 7946 §3.1.6). Where two marked cells touch only at a corner the
//! ring turns left, so they become two polygons rather than one ring that crosses itself; every
//! ring is therefore simple. Vertices in the middle of a straight run are dropped, except that a
//! run is broken every [`MAX_RUN_CELLS`] cells; in longitude and latitude the outline's
//! segments are cut further, to at most 2 km ([`crate::output::lon_lat::MAX_SEGMENT_M`]), so that
//! they follow the grid lines, which curve there.

use std::collections::HashMap;

use geo::{Coord, LineString, Polygon};
use ndarray::Array2;

/// Longest straight run of cell edges (cells) kept as one segment.
pub const MAX_RUN_CELLS: u32 = 20;

/// The four edge directions, counter-clockwise from east.
const DIRS: [(i64, i64); 4] = [(1, 0), (0, 1), (-1, 0), (0, -1)];

/// Where the cells sit: cell (i, j) has its centre at (x0 + i·dx, y0 + j·dx) (m).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellLattice {
    pub x0_m: f64,
    pub y0_m: f64,
    pub dx_m: f64,
}

impl CellLattice {
    /// The cells of a model grid.
    pub fn of_grid(grid: &crate::field::GridSpec) -> Self {
        CellLattice {
            x0_m: grid.x0_m,
            y0_m: grid.y0_m,
            dx_m: grid.dx_m,
        }
    }

    /// The position (m) of corner (ci, cj), the south-west corner of cell (ci, cj).
    fn corner(&self, ci: i64, cj: i64) -> Coord<f64> {
        Coord {
            x: self.x0_m + (ci as f64 - 0.5) * self.dx_m,
            y: self.y0_m + (cj as f64 - 0.5) * self.dx_m,
        }
    }
}

/// The polygons (exterior counter-clockwise, holes clockwise, rings closed) whose union is the
/// union of the cells marked in `mask` (indexed [y, x]).
pub fn outline(mask: &Array2<bool>, lattice: CellLattice) -> Vec<Polygon<f64>> {
    let rings = rings(mask);
    let component = components(mask);
    // The 4-connected region of cells a ring bounds: the cell on the left of its first edge.
    let region = |ring: &[(i64, i64)]| {
        let ((ax, ay), (bx, by)) = (ring[0], ring[1]);
        let (dx, dy) = ((bx - ax).signum(), (by - ay).signum());
        let (ci, cj) = (ax + (dx - dy - 1) / 2, ay + (dx + dy - 1) / 2);
        component[[cj as usize, ci as usize]]
    };
    let mut exteriors = vec![];
    let mut holes = vec![];
    for ring in rings {
        let area2 = twice_signed_area(&ring);
        if area2 > 0 {
            exteriors.push((ring, area2));
        } else {
            holes.push(ring);
        }
    }
    // Every ring of a region runs along its cells (a left turn where cells touch only at a
    // corner keeps to one region), and a region has one exterior: a hole belongs to the
    // exterior of its own region, found without testing it against every other ring.
    let mut owner_of: HashMap<u32, usize> = HashMap::with_capacity(exteriors.len());
    for (k, (ring, _)) in exteriors.iter().enumerate() {
        owner_of.insert(region(ring), k);
    }
    let mut interiors: Vec<Vec<Vec<(i64, i64)>>> = vec![vec![]; exteriors.len()];
    for hole in holes {
        if let Some(&k) = owner_of.get(&region(&hole)) {
            interiors[k].push(hole);
        }
    }
    let to_line = |ring: &[(i64, i64)]| -> LineString<f64> {
        ring.iter()
            .chain(std::iter::once(&ring[0]))
            .map(|&(ci, cj)| lattice.corner(ci, cj))
            .collect()
    };
    exteriors
        .iter()
        .zip(interiors)
        .map(|((ring, _), inner)| {
            Polygon::new(to_line(ring), inner.iter().map(|h| to_line(h)).collect())
        })
        .collect()
}

/// A label per cell [y, x]: the same for marked cells joined through edges (not corners alone).
fn components(mask: &Array2<bool>) -> Array2<u32> {
    let (ny, nx) = mask.dim();
    let mut label = Array2::from_elem((ny, nx), u32::MAX);
    let mut next = 0;
    let mut stack = vec![];
    for ((j, i), &m) in mask.indexed_iter() {
        if !m || label[[j, i]] != u32::MAX {
            continue;
        }
        label[[j, i]] = next;
        stack.push((j, i));
        while let Some((j, i)) = stack.pop() {
            let neighbours = [
                (j.wrapping_sub(1), i),
                (j + 1, i),
                (j, i.wrapping_sub(1)),
                (j, i + 1),
            ];
            for (nj, ni) in neighbours {
                if nj < ny && ni < nx && mask[[nj, ni]] && label[[nj, ni]] == u32::MAX {
                    label[[nj, ni]] = next;
                    stack.push((nj, ni));
                }
            }
        }
        next += 1;
    }
    label
}

/// The closed boundary rings of the marked cells, as corner indices without the repeated first
/// vertex, straight runs merged (up to [`MAX_RUN_CELLS`]).
fn rings(mask: &Array2<bool>) -> Vec<Vec<(i64, i64)>> {
    let (ny, nx) = mask.dim();
    let marked = |i: i64, j: i64| {
        i >= 0 && j >= 0 && (i as usize) < nx && (j as usize) < ny && mask[[j as usize, i as usize]]
    };
    // Directed boundary edges: start corner and direction index.
    let mut edges: Vec<((i64, i64), usize)> = vec![];
    for j in 0..ny as i64 {
        for i in 0..nx as i64 {
            if !marked(i, j) {
                continue;
            }
            if !marked(i, j - 1) {
                edges.push(((i, j), 0));
            }
            if !marked(i + 1, j) {
                edges.push(((i + 1, j), 1));
            }
            if !marked(i, j + 1) {
                edges.push(((i + 1, j + 1), 2));
            }
            if !marked(i - 1, j) {
                edges.push(((i, j + 1), 3));
            }
        }
    }
    let mut outgoing: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (k, (start, _)) in edges.iter().enumerate() {
        outgoing.entry(*start).or_default().push(k);
    }
    let mut used = vec![false; edges.len()];
    let mut rings = vec![];
    for first in 0..edges.len() {
        if used[first] {
            continue;
        }
        // Every edge of the ring in order, by direction, and the corner each one ends at.
        let mut trace: Vec<((i64, i64), usize)> = vec![];
        let mut k = first;
        loop {
            used[k] = true;
            let ((sx, sy), d) = edges[k];
            let (dx, dy) = DIRS[d];
            let end = (sx + dx, sy + dy);
            trace.push((end, d));
            let out = &outgoing[&end];
            // One way on, or at a corner shared by two diagonal cells the left turn.
            k = if out.len() == 1 {
                out[0]
            } else {
                let left = (d + 1) % 4;
                *out.iter()
                    .find(|&&e| edges[e].1 == left)
                    .expect("a corner with two exits has a left turn")
            };
            if k == first {
                break;
            }
        }
        for simple in split_at_repeated_corners(trace) {
            rings.push(merge_straight_runs(&simple));
        }
    }
    rings
}

/// Splits a traced ring that passes a corner twice (cells of one region touching diagonally
/// around an unmarked pocket) into simple rings: the pocket's boundary becomes a hole that
/// touches its exterior at that corner, which simple-feature geometry allows, where a ring
/// touching itself is invalid.
fn split_at_repeated_corners(trace: Vec<((i64, i64), usize)>) -> Vec<Vec<((i64, i64), usize)>> {
    let mut loops = vec![];
    let mut path: Vec<((i64, i64), usize)> = Vec::with_capacity(trace.len());
    let mut at: HashMap<(i64, i64), usize> = HashMap::new();
    for item in trace {
        if let Some(&p) = at.get(&item.0) {
            // The edges after position p return to its corner: a closed loop of their own.
            let mut sub = path.split_off(p + 1);
            sub.push(item);
            for (end, _) in &sub {
                at.remove(end);
            }
            at.insert(item.0, p);
            loops.push(sub);
        } else {
            at.insert(item.0, path.len());
            path.push(item);
        }
    }
    loops.push(path);
    loops
}

/// The corners of a traced ring where it turns, or where a straight run reaches
/// [`MAX_RUN_CELLS`]; `trace` holds each edge's end corner and direction.
fn merge_straight_runs(trace: &[((i64, i64), usize)]) -> Vec<(i64, i64)> {
    let n = trace.len();
    // Start just after a turn: a closed ring turns at least four times.
    let turn = (0..n)
        .find(|&k| trace[k].1 != trace[(k + 1) % n].1)
        .expect("a closed ring turns");
    let mut ring = vec![];
    let mut run = 0;
    for step in 1..=n {
        let k = (turn + step) % n;
        let (end, d) = trace[k];
        run += 1;
        if trace[(k + 1) % n].1 != d || run >= MAX_RUN_CELLS {
            ring.push(end);
            run = 0;
        }
    }
    ring
}

/// Twice the signed area (corner units) of a ring: positive when counter-clockwise.
fn twice_signed_area(ring: &[(i64, i64)]) -> i64 {
    let n = ring.len();
    (0..n)
        .map(|k| {
            let (a, b) = (ring[k], ring[(k + 1) % n]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, Validation, Winding};

    const UNIT: CellLattice = CellLattice {
        x0_m: 0.5,
        y0_m: 0.5,
        dx_m: 1.0,
    };

    fn mask(rows: &[&str]) -> Array2<bool> {
        // Rows are given north first, as drawn.
        let ny = rows.len();
        let nx = rows[0].len();
        Array2::from_shape_fn((ny, nx), |(j, i)| rows[ny - 1 - j].as_bytes()[i] == b'#')
    }

    fn total_area(polys: &[Polygon<f64>]) -> f64 {
        polys.iter().map(|p| p.signed_area()).sum()
    }

    #[test]
    fn one_cell_is_a_closed_counter_clockwise_unit_square() {
        let p = outline(&mask(&["#"]), UNIT);
        assert_eq!(p.len(), 1);
        let ext = p[0].exterior();
        assert_eq!(ext.0.len(), 5);
        assert_eq!(ext.0.first(), ext.0.last());
        assert!(ext.is_ccw());
        assert_eq!(p[0].signed_area(), 1.0);
    }

    #[test]
    fn a_ring_of_cells_has_one_clockwise_hole() {
        let p = outline(&mask(&["###", "#.#", "###"]), UNIT);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].interiors().len(), 1);
        assert!(p[0].interiors()[0].is_cw());
        assert_eq!(p[0].exterior().0.len(), 5, "straight runs merge to corners");
        assert_eq!(total_area(&p), 8.0);
    }

    #[test]
    fn cells_touching_at_a_corner_are_two_polygons() {
        let p = outline(&mask(&["#.", ".#"]), UNIT);
        assert_eq!(p.len(), 2);
        assert_eq!(total_area(&p), 2.0);
        let p = outline(&mask(&[".#", "#."]), UNIT);
        assert_eq!(p.len(), 2);
    }

    #[test]
    fn the_outline_area_is_the_cell_count_times_the_cell_area_for_any_mask() {
        // A deterministic pseudo-random mask, dense enough for holes, islands in holes and
        // diagonal contacts.
        for (seed, percent) in [(12345u64, 55u64), (7, 30), (99, 75), (2026, 50), (5, 62)] {
            check_mask(seed, percent);
        }
    }

    fn check_mask(seed: u64, percent: u64) {
        let mut s = seed;
        let m = Array2::from_shape_fn((37, 41), |_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 33) % 100 < percent
        });
        let lattice = CellLattice {
            x0_m: -1000.0,
            y0_m: 250.0,
            dx_m: 500.0,
        };
        let p = outline(&m, lattice);
        let cells = m.iter().filter(|&&b| b).count() as f64;
        let area = total_area(&p);
        assert!(
            (area - cells * 250_000.0).abs() < 1e-6,
            "{area} vs {cells} cells"
        );
        for poly in &p {
            assert!(
                poly.is_valid(),
                "invalid polygon: {:?}",
                poly.validation_errors()
            );
            assert!(poly.exterior().is_ccw());
            for h in poly.interiors() {
                assert!(h.is_cw());
            }
            // The hole lies inside its exterior.
            for h in poly.interiors() {
                assert!(
                    Polygon::new(poly.exterior().clone(), vec![]).unsigned_area() > {
                        Polygon::new(h.clone(), vec![]).unsigned_area()
                    }
                );
            }
        }
    }

    #[test]
    fn a_long_straight_edge_is_broken_every_max_run_cells() {
        let row = "#".repeat(50);
        let p = outline(&mask(&[row.as_str()]), UNIT);
        // Bottom and top edges: 50 cells in runs of ≤ 20 → 3 segments each; two short sides.
        assert_eq!(p[0].exterior().0.len() - 1, 8);
        assert_eq!(total_area(&p), 50.0);
    }

    #[test]
    fn an_empty_mask_has_no_polygons() {
        assert!(outline(&mask(&["..", ".."]), UNIT).is_empty());
    }
}
