#!/usr/bin/env python3
"""Submission template (Python): a working rule to replace with your algorithm.

For each request it picks the action with the lowest expected cost under the scenario's own reward
(env["reward"]: the weights every transition's reward is computed with) from a rough latency
estimate. The protocol loop is in orchbench_protocol.py beside this file; this file holds only the
algorithm. Use self.rng (seeded by the harness) for every random draw.
"""
import random

from orchbench_protocol import Agent, run


class MyAgent(Agent):
    name = "template-python"

    def __init__(self, env, seed, config):
        super().__init__(env, seed, config)
        self.actions = env["actions"]
        self.reward = env["reward"]
        self.assumed_wan_rtt_ms = float(config.get("assumedWanRttMs", 30))
        self.rng = random.Random(seed)  # all randomness from the harness's seed

    def estimate_ms(self, obs, a):
        """Estimated response time (ms) of action a for this request. YOUR ALGORITHM GOES HERE."""
        d = self.actions[a]
        compute_ms = d["medianComputeMs"] if d["medianComputeMs"] is not None else float("inf")
        if d["tier"] == "device":
            return compute_ms
        upload_ms = obs["request"]["inputKb"] * 8 / max(obs["link"]["uplinkMbps"], 1e-3)
        load = obs["load"]
        in_system, servers = (load["edgeInSystem"], load["edgeCores"]) if d["tier"] == "edge" else (load["cloudInSystem"], load["cloudCapacity"])
        queue_ms = max(0, in_system + 1 - servers) * compute_ms / servers
        wan_ms = self.assumed_wan_rtt_ms if d["tier"] == "cloud" else 0
        return upload_ms + obs["link"]["rttMs"] + wan_ms + queue_ms + compute_ms

    def cost(self, obs, a):
        """Expected cost (minus the reward) of action a, by the scenario's weights (energy left out: not estimated here)."""
        ms = self.estimate_ms(obs, a)
        w = self.reward
        violation = self.actions[a]["accuracyTop1Pct"] < obs["request"]["accuracyRequirementTop1Pct"]
        deadline = obs["request"]["deadlineMs"]
        miss = deadline is not None and ms > deadline
        return w["latencyWeightPerS"] * ms / 1000 + (w["accuracyViolationPenalty"] if violation else 0) + (w["deadlineMissPenalty"] if miss else 0)

    def act(self, obs):
        allowed = [a for a, m in enumerate(obs["actionMask"]) if m == 1]
        return min(allowed, key=lambda a: self.cost(obs, a))

    # def learn(self, transition): ...  # a learning agent updates its model here
    # def set_mode(self, mode): ...     # "eval": stop exploring, act greedily


if __name__ == "__main__":
    run(MyAgent)
