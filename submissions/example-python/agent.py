#!/usr/bin/env python3
"""Example external submission (Python 3, standard library only): epsilon-greedy over the mean
reward of each action, among the actions whose model meets the accuracy requirement.

It speaks orchbench's JSON-lines protocol on stdin/stdout (see harness/submission/protocol.ts):
one JSON object per line; reply to hello, act and stats; learn and mode need no reply. Log to
stderr only: stdout carries the protocol.
"""
import json
import random
import sys


def main():
    actions, counts, means = [], [], []
    rng = random.Random(0)
    epsilon, mode, steps = 0.1, "learn", 0
    for line in sys.stdin:
        msg = json.loads(line)
        kind = msg["type"]
        if kind == "hello":
            actions = msg["env"]["actions"]
            counts = [0] * len(actions)
            means = [0.0] * len(actions)
            rng = random.Random(msg["seed"])  # all randomness from the harness's seed
            epsilon = float(msg["config"].get("epsilon", epsilon))
            reply = {"type": "ready", "name": "example-python"}
        elif kind == "act":
            obs = msg["obs"]
            allowed = [i for i, m in enumerate(obs["actionMask"]) if m == 1]
            need = obs["request"]["accuracyRequirementTop1Pct"]
            good = [i for i in allowed if actions[i]["accuracyTop1Pct"] >= need] or allowed
            if mode == "learn" and rng.random() < epsilon:
                action = rng.choice(good)
            else:
                # Untried actions first (optimistic), then the best mean reward.
                action = max(good, key=lambda i: (counts[i] == 0, means[i]))
            reply = {"action": action}
        elif kind == "learn":
            t = msg["transition"]
            a = t["action"]
            counts[a] += 1
            means[a] += (t["reward"] - means[a]) / counts[a]
            steps += 1
            continue
        elif kind == "mode":
            mode = msg["mode"]
            continue
        elif kind == "stats":
            reply = {"stats": {"realSteps": steps, "planningUpdates": 0, "learnMs": 0, "planningMs": 0}}
        elif kind == "close":
            return
        else:
            reply = {"error": f"unknown message type {kind!r}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
