"""Extract the counties of the region box from us-atlas 3.0.1 (npm) as GeoJSON.

Input: counties-10m.json of the npm package us-atlas@3.0.1 (TopoJSON, quantized and
simplified by us-atlas for 1:10,000,000 maps, unprojected lon/lat), derived from the US Census
Bureau's cartographic boundary file of counties, 2017 edition. The Census Bureau's boundary
files are public domain; us-atlas is ISC-licensed. Run:

    npm pack us-atlas@3.0.1 && tar xzf us-atlas-3.0.1.tgz
    python3 make_us_counties.py package/counties-10m.json > us_counties_census2017.geojson

Only the standard library is used: the TopoJSON arcs are delta-decoded and dequantized
(TopoJSON specification §2.1.2), rings assembled from their arcs (a negative index ~i is arc i
reversed; consecutive arcs share their end point), and every county whose bounding box meets
the region box is kept, with its five-digit FIPS code and name.
"""
import json
import sys

BOX = (-71.2, 43.0, -64.0, 48.2)  # the plume region box (lon/lat), as make_land.py
STATES = {"23": "Maine", "33": "New Hampshire", "50": "Vermont", "25": "Massachusetts"}

topo = json.load(open(sys.argv[1]))
(sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
arcs = []
for arc in topo["arcs"]:
    x = y = 0
    pts = []
    for dx, dy in arc:
        x += dx
        y += dy
        pts.append([round(x * sx + tx, 6), round(y * sy + ty, 6)])
    arcs.append(pts)


def ring(indices):
    out = []
    for i in indices:
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        out.extend(pts if not out else pts[1:])
    return out


features = []
for g in topo["objects"]["counties"]["geometries"]:
    fips = g["id"]
    if fips[:2] not in STATES:
        continue
    if g["type"] == "Polygon":
        polys = [[ring(r) for r in g["arcs"]]]
    elif g["type"] == "MultiPolygon":
        polys = [[ring(r) for r in p] for p in g["arcs"]]
    else:
        continue
    xs = [p[0] for poly in polys for r in poly for p in r]
    ys = [p[1] for poly in polys for r in poly for p in r]
    if max(xs) < BOX[0] or min(xs) > BOX[2] or max(ys) < BOX[1] or min(ys) > BOX[3]:
        continue
    features.append({
        "type": "Feature",
        "properties": {"fips": fips, "name": g["properties"]["name"], "state": STATES[fips[:2]]},
        "geometry": {"type": "MultiPolygon", "coordinates": polys},
    })
features.sort(key=lambda f: f["properties"]["fips"])
json.dump({
    "type": "FeatureCollection",
    "metadata": {
        "description": "US counties meeting the plume region box, for SAME geocodes of US alerts",
        "source": "US Census Bureau cartographic boundary file, counties, 2017 edition, 1:10,000,000 (public domain), as redistributed in TopoJSON by the npm package us-atlas 3.0.1 (ISC licence, counties-10m.json); decoded by make_us_counties.py",
        "accuracy": "generalised at 1:10,000,000: county lines are placed to within about 1-2 km",
        "bbox_requested": list(BOX),
        "crs": "WGS84 lon/lat (EPSG:4326; the Census files are NAD83, which differs by under 2 m)",
    },
    "features": features,
}, sys.stdout, separators=(",", ":"))
