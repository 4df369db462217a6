"""The line protocol every Python peer of `lantern bench` speaks on stdin/stdout.

One JSON object per line each way, so the harness never times start-up or IPC:
  {"cmd": "info"}                                  -> info()
  {"cmd": "setup", "handle": H, ...}               -> setup(request) returns a zero-argument callable
  {"cmd": "run", "handle": H, "n": N}              -> {"seconds": wall time of N calls}
  {"cmd": "drop", "handle": H}
An exception becomes {"error": "..."}, which the harness reports as that peer's reason.
"""
import json
import sys
import time


def serve(info, setup):
    handles = {}
    for line in sys.stdin:
        request = json.loads(line)
        try:
            cmd = request["cmd"]
            if cmd == "info":
                reply = info()
            elif cmd == "setup":
                handles[request["handle"]] = setup(request)
                reply = {}
            elif cmd == "run":
                fn = handles[request["handle"]]
                start = time.perf_counter()
                for _ in range(request["n"]):
                    fn()
                reply = {"seconds": time.perf_counter() - start}
            elif cmd == "drop":
                handles.pop(request["handle"], None)
                reply = {}
            else:
                raise ValueError(f"unknown command {cmd}")
        except Exception as error:  # reported to the harness as this peer's error for the workload
            reply = {"error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
