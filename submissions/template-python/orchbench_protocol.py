"""orchbench's JSON-lines protocol loop for a Python agent (standard library only).

The harness writes one JSON object per line on stdin and reads one reply per line on stdout; this
module reads the messages, calls your agent and writes the replies, so that agent.py holds only the
algorithm. Log to stderr only (stdout carries the protocol). An exception in your agent ends the
process with Python's traceback on stderr, which `orchbench submission check` shows in full.
The protocol and a sample of each message: submissions/README.md in the orchbench repository.
"""
import json
import sys


class Agent:
    """Base class of an agent: override act, and learn, set_mode and stats where you need them.

    env is the hello message's EnvSpec (a dict: "actions", "features", "learningDecisions",
    "evaluationDecisions", "reward" with the scenario's reward weights, "ranking"), seed is yours
    for every random draw, config holds the manifest's "hyperparameters".
    """

    name = "agent"

    def __init__(self, env, seed, config):
        self.env, self.seed, self.config = env, seed, config

    def act(self, obs):
        """The index of an action whose obs["actionMask"] entry is 1."""
        raise NotImplementedError("act(obs) must return an action index")

    def learn(self, transition):
        """One completed request of the learning phase (obs, action, reward, outcome, nextObs)."""

    def set_mode(self, mode):
        """'learn' or 'eval' (evaluation: act greedily, nothing is learned)."""

    def stats(self):
        """Work you want shown (realSteps, planningUpdates, learnMs, planningMs), or None."""
        return None


def run(make_agent, stdin=sys.stdin, stdout=sys.stdout):
    """Serve the protocol until "close": make_agent(env, seed, config) builds the agent at hello."""
    agent = None
    for line in stdin:
        msg = json.loads(line)
        kind = msg["type"]
        if kind == "hello":
            agent = make_agent(msg["env"], msg["seed"], msg["config"])
            reply = {"type": "ready", "name": agent.name}
        elif kind == "act":
            reply = {"action": int(agent.act(msg["obs"]))}
        elif kind == "learn":
            agent.learn(msg["transition"])
            continue
        elif kind == "mode":
            agent.set_mode(msg["mode"])
            continue
        elif kind == "stats":
            reply = {"stats": agent.stats()}
        elif kind == "close":
            return
        else:
            reply = {"error": "unknown message type %r" % kind}
        stdout.write(json.dumps(reply) + "\n")
        stdout.flush()
