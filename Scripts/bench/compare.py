#!/usr/bin/env python3
"""Pairs `r1 bench` rows with peers.py rows (same section and name) and prints ours / peer as a Markdown table.

Usage: python Scripts/bench/compare.py r1.json peers.json   (standard library only)
"""
import json
import sys


def main():
    ours = json.load(open(sys.argv[1]))
    peers = json.load(open(sys.argv[2]))
    by_key = {(r["section"], r["name"]): r for r in ours["rows"]}
    print("| section | row | peer (precision) | ours | peer | ours / peer | ours / peer per CPU-s | load ours / peer | CPU/wall ours / peer |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for p in peers["rows"]:
        o = by_key.get((p["section"], p["name"]))
        if o is None:
            continue
        ratio = o["median"] / p["median"] if p["median"] else float("nan")
        cpu_ratio = o["perCPUSecond"] / p["perCPUSecond"] if p.get("perCPUSecond") else float("nan")
        print(f"| {p['section']} | {p['name']} | {p['peer']} ({p['precision']}) | {o['median']:.1f} | {p['median']:.1f} "
              f"| **{ratio:.2f}** | {cpu_ratio:.2f} | {o['load1']:.1f} / {p['load1']:.1f} "
              f"| {o['cpuPerWall']:.2f} / {p['cpuPerWall']:.2f} |")
    print(f"\nunit: {', '.join(sorted(set(r['unit'] for r in ours['rows'])))}; threads {ours['rows'][0]['threads'] if ours['rows'] else '?'}")


if __name__ == "__main__":
    main()
