//! Where the names of the towns and sources go on a map, so that no name is written over another
//! or over another place's marker: St. Stephen and Calais, a kilometre apart across the St. Croix
//! River, had their names printed one on the other.
//!
//! Greedy placement in order of importance (the caller's: sources, then towns by population):
//! each name takes the first of eight positions around its marker — right of it (where every
//! name stood before), left, above, below, then the four corners — that touches no marker, no
//! name placed before it and no box already on the map (the wind box, the scale bar), stays
//! inside the map, and lies nearer its own marker than any other (a name beside a neighbour's
//! dot reads as the neighbour's); where none is free, the position that does least of that.
//! Pixels are those of the plotting area, y downwards.

/// A marked place and its name, in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mark {
    /// The marker's centre.
    pub at: (i32, i32),
    /// Half the marker's size: it covers `at` ± this in x and y.
    pub radius_px: i32,
    /// The name's width and height.
    pub size_px: (i32, i32),
}

/// A box (x0, y0, x1, y1), the far edges excluded.
pub type Box = (i32, i32, i32, i32);

impl Mark {
    fn marker(&self) -> Box {
        let (x, y) = self.at;
        let r = self.radius_px;
        (x - r, y - r, x + r + 1, y + r + 1)
    }

    /// The name's box at top-left offset `(dx, dy)`.
    fn label(&self, (dx, dy): (i32, i32)) -> Box {
        let (x, y) = (self.at.0 + dx, self.at.1 + dy);
        (x, y, x + self.size_px.0, y + self.size_px.1)
    }

    /// The offsets tried, best first: right, left, above, below, then right above, right
    /// below, left above, left below.
    fn offsets(&self) -> [(i32, i32); 8] {
        let (w, h) = self.size_px;
        let r = self.radius_px;
        let (dx, dy) = (r + 2, -h / 2);
        let (left, centre) = (-dx - w, -w / 2);
        let (above, below) = (-r - 1 - h, r + 1);
        [
            (dx, dy),
            (left, dy),
            (centre, above),
            (centre, below),
            (dx, above),
            (dx, below),
            (left, above),
            (left, below),
        ]
    }
}

fn overlap(a: Box, b: Box) -> i64 {
    let w = (i64::from(a.2.min(b.2)) - i64::from(a.0.max(b.0))).max(0);
    let h = (i64::from(a.3.min(b.3)) - i64::from(a.1.max(b.1))).max(0);
    w * h
}

/// The area of `b` outside the drawing area `(0, 0)`–`area`.
fn outside(b: Box, area: (i32, i32)) -> i64 {
    let whole = ((b.2 - b.0) as i64) * ((b.3 - b.1) as i64);
    whole - overlap(b, (0, 0, area.0, area.1))
}

/// How much farther (px) than its own marker a name must stay from any other, so that it is
/// not read as the other's (review: "Eastport" ended against Campobello Island's dot).
const CLEAR_PX: f64 = 6.0;

/// The squared distance (px²) from a point to the nearest pixel of a box (in f64: a marker
/// far off the map must not overflow it).
fn distance2(b: Box, (x, y): (i32, i32)) -> f64 {
    let (x, y) = (f64::from(x), f64::from(y));
    let dx = (f64::from(b.0) - x).max(x - f64::from(b.2 - 1)).max(0.0);
    let dy = (f64::from(b.1) - y).max(y - f64::from(b.3 - 1)).max(0.0);
    dx * dx + dy * dy
}

/// Each mark's name offset (its top-left corner from the mark), in the order given: the first
/// of [`Mark::offsets`] free of every marker, of the names placed before it, of `obstacles`
/// and of the area's edge, and [`CLEAR_PX`] nearer its own marker than any other; else the one that
/// covers least (a name nearer another marker counts as covering half its own area).
pub fn place_labels(marks: &[Mark], obstacles: &[Box], area: (i32, i32)) -> Vec<(i32, i32)> {
    let markers: Vec<Box> = marks.iter().map(Mark::marker).collect();
    let mut placed: Vec<Box> = vec![];
    let mut out = vec![];
    for (k, m) in marks.iter().enumerate() {
        let cost = |off: (i32, i32)| {
            let b = m.label(off);
            let others = || marks.iter().enumerate().filter(|&(j, _)| j != k);
            let on_markers: i64 = others().map(|(j, _)| overlap(b, markers[j])).sum();
            let on_names: i64 = placed.iter().map(|&p| overlap(b, p)).sum();
            let on_boxes: i64 = obstacles.iter().map(|&o| overlap(b, o)).sum();
            let own = distance2(b, m.at).sqrt();
            let misread = if others().any(|(_, o)| distance2(b, o.at).sqrt() < own + CLEAR_PX) {
                (m.size_px.0 * m.size_px.1 / 2) as i64
            } else {
                0
            };
            // A name off the map is cut by the frame or runs over the legend: the worst.
            on_markers + on_names + on_boxes + misread + 4 * outside(b, area)
        };
        let offsets = m.offsets();
        let best = offsets
            .iter()
            .copied()
            .find(|&o| cost(o) == 0)
            .unwrap_or_else(|| {
                offsets
                    .iter()
                    .copied()
                    .min_by_key(|&o| cost(o))
                    .expect("eight offsets")
            });
        placed.push(m.label(best));
        out.push(best);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn town(x: i32, y: i32, w: i32) -> Mark {
        Mark {
            at: (x, y),
            radius_px: 3,
            size_px: (w, 15),
        }
    }

    const RIGHT: (i32, i32) = (5, -7);

    fn boxes(marks: &[Mark], offsets: &[(i32, i32)]) -> Vec<Box> {
        marks
            .iter()
            .zip(offsets)
            .map(|(m, &o)| m.label(o))
            .collect()
    }

    #[test]
    fn a_lone_name_stands_right_of_its_marker() {
        let m = [town(100, 100, 60)];
        assert_eq!(place_labels(&m, &[], (500, 500)), [RIGHT]);
    }

    #[test]
    fn two_places_a_kilometre_apart_get_names_that_do_not_touch() {
        // St. Stephen and Calais: markers 6 px apart on a 60 km map.
        let m = [town(200, 200, 70), town(204, 205, 40)];
        let placed = place_labels(&m, &[], (500, 500));
        let b = boxes(&m, &placed);
        assert_eq!(overlap(b[0], b[1]), 0, "{b:?}");
        for (k, &lb) in b.iter().enumerate() {
            for (j, mk) in m.iter().enumerate() {
                assert_eq!(overlap(lb, mk.marker()), 0, "name {k} on marker {j}");
            }
        }
        // Right of its marker the first name would cover the second marker: it moves left,
        // and up, clear of the second dot.
        assert_eq!(placed[0], (-75, -19));
    }

    #[test]
    fn a_name_at_the_right_edge_goes_left_of_its_marker() {
        let m = [town(480, 100, 60)];
        let placed = place_labels(&m, &[], (500, 500));
        assert_eq!(outside(m[0].label(placed[0]), (500, 500)), 0);
        assert!(placed[0].0 < 0, "{placed:?}");
    }

    /// Found by review: a long source name beside a town's dot ran off the map, over the
    /// legend, rather than be read as near the town.
    #[test]
    fn a_long_name_stays_on_the_map_rather_than_clear_a_neighbour() {
        let m = [
            Mark {
                at: (450, 200),
                radius_px: 8,
                size_px: (400, 15),
            },
            town(440, 198, 60),
        ];
        let placed = place_labels(&m, &[], (500, 500));
        assert_eq!(outside(m[0].label(placed[0]), (500, 500)), 0, "{placed:?}");
    }

    #[test]
    fn a_name_keeps_off_the_wind_box_and_the_scale_bar() {
        let m = [town(100, 100, 60)];
        let wind_box = (100, 80, 300, 140);
        let placed = place_labels(&m, &[wind_box], (500, 500));
        assert_eq!(overlap(m[0].label(placed[0]), wind_box), 0);
        assert!(placed[0].0 < 0, "{placed:?}");
    }

    /// Found by review: Lubec's name, moved left of its dot, stood beside Eastport's dot and
    /// read as Eastport's.
    #[test]
    fn a_name_is_never_nearer_another_marker_than_its_own() {
        // Eastport at (200, 200) named first, on its right; Lubec 5 px right of it and 20 px
        // lower, with its right blocked by a box.
        let m = [town(200, 200, 55), town(205, 220, 40)];
        let placed = place_labels(&m, &[(212, 205, 400, 235)], (500, 500));
        let b = boxes(&m, &placed);
        for (k, &bk) in b.iter().enumerate() {
            let own = distance2(bk, m[k].at).sqrt();
            let other = distance2(bk, m[1 - k].at).sqrt();
            assert!(
                own + CLEAR_PX <= other,
                "name {k} at {:?}: {own} against {other}",
                placed[k]
            );
        }
    }

    #[test]
    fn a_crowd_gets_the_least_covered_places_and_never_more_than_all_on_the_right() {
        let m: Vec<Mark> = (0..9).map(|k| town(250 + k % 3, 250 + k / 3, 50)).collect();
        let placed = place_labels(&m, &[], (500, 500));
        let total = |b: &[Box]| -> i64 {
            let mut s = 0;
            for i in 0..b.len() {
                for j in 0..i {
                    s += overlap(b[i], b[j]);
                }
            }
            s
        };
        let greedy = total(&boxes(&m, &placed));
        let all_right = total(&boxes(&m, &[RIGHT; 9]));
        assert!(greedy < all_right / 3, "{greedy} against {all_right}");
    }
}
