"""Clip OSM-derived land polygons to the plume region box and simplify them.

Input: map.geo.json of the npm package @geo-maps/earth-lands-10m 0.6.0 (OpenStreetMap land
polygons at 10 m precision, ODbL). Output: land_osm_simplified.geojson for src/geo/data/.

Usage: python make_land.py map.geo.json land_osm_simplified.geojson 0.001   (shapely 2)
"""
import json, sys
import shapely
from shapely.geometry import shape, box, mapping, MultiPolygon, Polygon

BOX = (-71.2, 43.0, -64.0, 48.2)
TOL = float(sys.argv[3]) if len(sys.argv) > 3 else 0.001

src = json.load(open(sys.argv[1]))
feats = [{"geometry": g} for g in src["geometries"]] if src.get("type") == "GeometryCollection" else src["features"]
b = box(*BOX)
parts = []
for f in feats:
    g = shape(f["geometry"])
    if not g.intersects(b):
        continue
    geoms = g.geoms if hasattr(g, "geoms") else [g]
    for p in geoms:
        if not p.intersects(b):
            continue
        # GEOS clips an invalid polygon unreliably: small polygons are repaired first; the
        # continent (hundreds of thousands of vertices) is clipped first and repaired after.
        if shapely.get_num_coordinates(p) < 50_000:
            c = shapely.clip_by_rect(shapely.make_valid(p), *BOX)
        else:
            c = shapely.make_valid(shapely.clip_by_rect(p, *BOX))
        c = shapely.make_valid(c)
        if not c.is_empty:
            parts.append(c)
polys_in = []
for c in parts:
    for g in (c.geoms if hasattr(c, "geoms") else [c]):
        if isinstance(g, Polygon):
            polys_in.append(g)
        elif isinstance(g, MultiPolygon):
            polys_in.extend(g.geoms)
land = shapely.union_all(polys_in)
land = land.simplify(TOL, preserve_topology=True)
land = shapely.set_precision(land, 1e-5)
polys = []
for g in (land.geoms if hasattr(land, "geoms") else [land]):
    if isinstance(g, Polygon) and not g.is_empty and g.area > (TOL * TOL):
        # Every hole is filled. OpenStreetMap land polygons are built from the coastline alone,
        # so they hold no lakes; the source's holes (291 595 in the continent's polygon) are
        # seams of the zoom-13 tiles it was assembled from: triangles up to ~20 km² whose edges
        # lie on tile lines (lon = k·360°/8192), 7 070 km² of land in the box.
        polys.append(shapely.geometry.polygon.orient(Polygon(g.exterior), 1.0))
mp = MultiPolygon(polys)
n = sum(len(p.exterior.coords) + sum(len(r.coords) for r in p.interiors) for p in polys)
out = {
    "type": "FeatureCollection",
    "metadata": {
        "description": f"Land polygons (land/sea mask): OpenStreetMap land polygons clipped to the box, simplified (Douglas-Peucker, topology preserved) at {TOL} deg (~{TOL*111000*0.72:.0f}-{TOL*111000:.0f} m), coordinates rounded to 1e-5 deg; polygons smaller than tolerance squared dropped; holes filled (the source, built from the coastline, has no lakes: its holes are tile-seam artifacts)",
        "bbox_requested": list(BOX),
        "source": "npm package @geo-maps/earth-lands-10m 0.6.0 (map.geo.json, dated 2017-11-30; simonepri/geo-maps, OpenStreetMap land polygons at 10 m precision)",
        "licence": "Data (c) OpenStreetMap contributors, Open Database License (ODbL) 1.0, https://www.openstreetmap.org/copyright; this file is a derived database under the same licence",
        "made_by": "src/geo/data/make_land.py (shapely 2.2): clip, union, simplify, set_precision",
        "crs": "WGS84 lon/lat (EPSG:4326)",
        "vertices": n,
        "polygons": len(polys),
    },
    "features": [{"type": "Feature", "properties": {"name": "Land polygons (land/sea mask) clipped to box", "simplify_tolerance_deg": TOL}, "geometry": mapping(mp)}],
}
s = json.dumps(out, separators=(",", ":"))
open(sys.argv[2], "w").write(s)
print(len(polys), "polygons", n, "vertices", len(s) / 1e6, "MB")
