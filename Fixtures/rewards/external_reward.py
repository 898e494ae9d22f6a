#!/usr/bin/env python3
"""Test fixture: an external reward speaking SwiftR1's JSON-lines reward protocol (version 1).

Run by Tests/RewardsTests/ExternalCommandRewardTests.swift as `python3 external_reward.py [MODE ...]`.
Score: 1.0 if the sample's gold answer occurs in its completion, 0.0 otherwise, null without gold.
Modes make it misbehave on purpose, to test the Swift side's error handling:
  garbage        answer every request with a line that is not JSON
  wrong-count    return one score too many
  error          answer {"error": "..."}
  die-after=N    exit with status 3 after answering N requests (writes a note to stderr first)
  sleep=S        sleep S seconds before answering
  not-object     answer a JSON array instead of an object
  bool-score     answer with a boolean score
  noise          print a stray stdout line before each answer
"""
import json
import sys
import time

modes = sys.argv[1:]


def mode_value(prefix):
    for m in modes:
        if m.startswith(prefix + "="):
            return m.split("=", 1)[1]
    return None


die_after = mode_value("die-after")
sleep_s = mode_value("sleep")
answered = 0

for line in sys.stdin:
    request = json.loads(line)
    samples = request["samples"]
    if die_after is not None and answered >= int(die_after):
        sys.stderr.write("fixture: dying on purpose after %d requests\n" % answered)
        sys.stderr.flush()
        sys.exit(3)
    if sleep_s is not None:
        time.sleep(float(sleep_s))
    if "garbage" in modes:
        out = "this is not json"
    elif "error" in modes:
        out = json.dumps({"error": "fixture refuses to score"})
    elif "not-object" in modes:
        out = json.dumps([1.0] * len(samples))
    else:
        scores = []
        for s in samples:
            gold = s.get("gold")
            scores.append(None if gold is None else (1.0 if gold in s["completion"] else 0.0))
        if "wrong-count" in modes:
            scores.append(0.0)
        if "bool-score" in modes and scores:
            scores[0] = True
        out = json.dumps({"scores": scores})
    if "noise" in modes:
        sys.stdout.write("stray output\n")
    sys.stdout.write(out + "\n")
    sys.stdout.flush()
    answered += 1
