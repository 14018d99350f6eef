#!/usr/bin/env python3
"""Prints the centroid of each commune of the pilot territories, for Sources/Events/Rules/CommunePositions.swift."""
import json
import sys

path = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/communes_35.geojson"
features = json.load(open(path, encoding="utf-8"))["features"]
for feature in sorted(features, key=lambda f: f["properties"]["code"]):
    props = feature["properties"]
    if props["territoire_pilote"] not in ("vitre_communaute", "cc_broceliande"):
        continue
    geometry = feature["geometry"]
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    area = cx = cy = 0.0
    for polygon in polygons:
        ring = polygon[0]
        for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
            cross = x0 * y1 - x1 * y0
            area += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
    area /= 2
    print(f'        "{props["code"]}": (latitude: {round(cy / (6 * area), 4)}, longitude: {round(cx / (6 * area), 4)}), // {props["nom"]}')
