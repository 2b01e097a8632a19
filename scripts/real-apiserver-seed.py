#!/usr/bin/env python3
"""Seeds a real kube-apiserver (started by scripts/real-apiserver) with nodes and pods whose
statuses cover what the pods table shows: Running, Pending, ContainerCreating, CrashLoopBackOff
with restarts, Completed, Error, Init:0/1, ImagePullBackOff, OOMKilled, Evicted, Terminating,
partly ready pods and readiness gates. Statuses go through the status subresource, as a
kubelet's would. Stdlib only; a few keep-alive connections in parallel keep 10 000 pods fast.
"""

import argparse
import http.client
import json
import ssl
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

NAMESPACES = ["default", "payments", "checkout", "batch"]
APPS = ["api", "web", "worker", "cache", "gateway", "ledger", "mailer", "search"]
NODES = [("node-a", "127.0.0.2"), ("node-b", "127.0.0.3")]
NOW = time.time()
HOLD = "kr8s.dev/hold"  # a finalizer nobody removes, so deleted pods stay Terminating


def ts(seconds_ago):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(NOW - seconds_ago))


class Api:
    """One keep-alive HTTPS connection per thread."""

    def __init__(self, server, token, cafile):
        url = urlparse(server)
        self.host, self.port = url.hostname, url.port
        self.ctx = ssl.create_default_context(cafile=cafile)
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self.local = threading.local()

    def call(self, method, path, body=None, content_type="application/json"):
        for attempt in range(5):
            conn = getattr(self.local, "conn", None)
            if conn is None:
                conn = http.client.HTTPSConnection(self.host, self.port, context=self.ctx)
                self.local.conn = conn
            headers = dict(self.headers)
            data = None
            if body is not None:
                data = json.dumps(body).encode()
                headers["Content-Type"] = content_type
            try:
                conn.request(method, path, body=data, headers=headers)
                resp = conn.getresponse()
                text = resp.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                self.local.conn = None
                time.sleep(0.2 * (attempt + 1))
                continue
            if resp.status == 429 or resp.status >= 500:
                time.sleep(0.2 * (attempt + 1))
                continue
            if resp.status >= 300 and not (method == "POST" and resp.status == 409):
                sys.exit(f"seed: {method} {path}: {resp.status} {text[:300]!r}")
            return json.loads(text) if text else None
        sys.exit(f"seed: {method} {path}: gave up after retries")

    def patch_status(self, path, status):
        self.call("PATCH", path + "/status", {"status": status}, "application/merge-patch+json")


def container(name):
    return {"name": name, "image": f"registry.example/{name}:1.0"}


def container_status(name, state, ready=False, restarts=0, started=False):
    """A containerStatuses entry as a kubelet writes it, in `state` (running/waiting/terminated)."""
    return {
        "name": name,
        "image": f"registry.example/{name}:1.0",
        "imageID": "",
        "ready": ready,
        "restartCount": restarts,
        "started": started,
        "state": state,
    }


def running(name, ready=True, restarts=0, started=3600):
    state = {"running": {"startedAt": ts(started)}}
    return container_status(name, state, ready, restarts, started=True)


def waiting(name, reason, restarts=0, last=None):
    status = container_status(name, {"waiting": {"reason": reason}}, restarts=restarts)
    if last:
        status["lastState"] = {"terminated": last}
    return status


def terminated(name, reason, code, restarts=0):
    state = {
        "terminated": {
            "reason": reason,
            "exitCode": code,
            "startedAt": ts(900),
            "finishedAt": ts(600),
        }
    }
    return container_status(name, state, restarts=restarts)


def conditions(ready, initialized=True):
    flag = "True" if ready else "False"
    return [
        {"type": "Initialized", "status": "True" if initialized else "False",
         "lastTransitionTime": ts(3600)},
        {"type": "Ready", "status": flag, "lastTransitionTime": ts(3000)},
        {"type": "ContainersReady", "status": flag, "lastTransitionTime": ts(3000)},
        {"type": "PodScheduled", "status": "True", "lastTransitionTime": ts(3600)},
    ]


def pod_ip(i):
    return f"10.244.{(i // 250) % 250}.{i % 250 + 1}"


def spread(i, n):
    """i's slot among n, shifted every twenty pods so that every kind meets every slot."""
    return (i + i // 20) % n


def shape(i):
    """(kind, spec additions, status) of pod i: twenty kinds in turn, most of them Running."""
    kind = i % 20
    node = NODES[spread(i, len(NODES))]
    bound = {"nodeName": node[0]}
    base = {"hostIP": node[1], "podIP": pod_ip(i), "podIPs": [{"ip": pod_ip(i)}],
            "startTime": ts(3600), "qosClass": "BestEffort"}
    if kind < 7:
        return "running", bound, {**base, "phase": "Running", "conditions": conditions(True),
                                  "containerStatuses": [running("app")]}
    if kind == 7:  # two containers, one ready; a readiness gate, true
        spec = {**bound, "containers": [container("app"), container("sidecar")],
                "readinessGates": [{"conditionType": "example.com/lb-ready"}]}
        conds = conditions(False) + [{"type": "example.com/lb-ready", "status": "True",
                                      "lastTransitionTime": ts(3000)}]
        return "partly-ready", spec, {**base, "phase": "Running", "conditions": conds,
                                      "containerStatuses": [running("app"),
                                                            running("sidecar", ready=False)]}
    if kind == 8:  # ready, with a readiness gate not yet true
        spec = {**bound, "readinessGates": [{"conditionType": "example.com/lb-ready"},
                                            {"conditionType": "example.com/warm"}]}
        conds = conditions(True) + [{"type": "example.com/lb-ready", "status": "True",
                                     "lastTransitionTime": ts(3000)}]
        return "gated", spec, {**base, "phase": "Running", "conditions": conds,
                               "containerStatuses": [running("app", restarts=1)]}
    if kind == 9:  # restarted after an OOM kill, running again
        st = running("app", restarts=2, started=120)
        st["lastState"] = {"terminated": {"reason": "OOMKilled", "exitCode": 137,
                                          "startedAt": ts(1800), "finishedAt": ts(130)}}
        return "oom-restarted", bound, {**base, "phase": "Running",
                                        "conditions": conditions(True), "containerStatuses": [st]}
    if kind == 10:  # unschedulable, nominated elsewhere
        return "unschedulable", {}, {
            "phase": "Pending", "nominatedNodeName": "node-b", "qosClass": "BestEffort",
            "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                            "message": "0/2 nodes are available: 2 Insufficient cpu.",
                            "lastTransitionTime": ts(3600)}]}
    if kind == 11:
        return "creating", bound, {"hostIP": node[1], "startTime": ts(60), "phase": "Pending",
                                   "qosClass": "BestEffort", "conditions": conditions(False),
                                   "containerStatuses": [waiting("app", "ContainerCreating")]}
    if kind == 12:
        last = {"reason": "Error", "exitCode": 1, "startedAt": ts(400), "finishedAt": ts(300)}
        return "crashloop", bound, {**base, "phase": "Running", "conditions": conditions(False),
                                    "containerStatuses": [waiting("app", "CrashLoopBackOff",
                                                                  restarts=7 + i % 30,
                                                                  last=last)]}
    if kind == 13:
        spec = {**bound, "restartPolicy": "Never"}
        return "completed", spec, {**base, "phase": "Succeeded", "conditions": conditions(False),
                                   "containerStatuses": [terminated("app", "Completed", 0)]}
    if kind == 14:
        spec = {**bound, "restartPolicy": "Never"}
        return "error", spec, {**base, "phase": "Failed", "conditions": conditions(False),
                               "containerStatuses": [terminated("app", "Error", 2)]}
    # First of two init containers running. Initialized stays False meanwhile, as a kubelet
    # reports it (printPod of 1.28+ shows the main containers' state once it is True).
    if kind == 15:
        spec = {**bound, "initContainers": [container("migrate"), container("warm")]}
        init = [running("migrate", ready=False, started=30),
                waiting("warm", "PodInitializing")]
        return "init", spec, {**base, "phase": "Pending",
                              "conditions": conditions(False, initialized=False),
                              "initContainerStatuses": init,
                              "containerStatuses": [waiting("app", "PodInitializing")]}
    if kind == 16:
        return "image-pull", bound, {**base, "phase": "Pending", "conditions": conditions(False),
                                     "containerStatuses": [waiting("app", "ImagePullBackOff")]}
    if kind == 17:
        spec = {**bound, "restartPolicy": "Never"}
        return "oom", spec, {**base, "phase": "Failed", "conditions": conditions(False),
                             "containerStatuses": [terminated("app", "OOMKilled", 137)]}
    if kind == 18:
        return "evicted", bound, {"phase": "Failed", "reason": "Evicted", "hostIP": node[1],
                                  "message": "The node was low on resource: memory.",
                                  "startTime": ts(7200), "qosClass": "BestEffort"}
    # kind 19: running, then deleted while a finalizer holds it
    return "terminating", bound, {**base, "phase": "Running", "conditions": conditions(True),
                                  "containerStatuses": [running("app")]}


def pod_name(i, kind):
    app = APPS[i % len(APPS)]
    if kind in ("completed", "error", "oom"):
        return f"{app}-job-{i:05d}"
    return f"{app}-{(i * 2654435761) % 16**10:010x}-{i:05d}"


def seed_pod(api, i):
    kind, spec, status = shape(i)
    ns = NAMESPACES[spread(i, len(NAMESPACES))]
    name = pod_name(i, kind)
    meta = {"name": name, "namespace": ns,
            "labels": {"app": APPS[i % len(APPS)], "kr8s.dev/kind": kind}}
    if kind == "terminating":
        meta["finalizers"] = [HOLD]
    body = {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"containers": [container("app")], "terminationGracePeriodSeconds": 30,
                     **spec}}
    path = f"/api/v1/namespaces/{ns}/pods"
    api.call("POST", path, body)
    api.patch_status(f"{path}/{name}", status)
    if kind == "terminating":
        api.call("DELETE", f"{path}/{name}")


def seed_nodes(api):
    for name, ip in NODES:
        api.call("POST", "/api/v1/nodes", {"apiVersion": "v1", "kind": "Node",
                                           "metadata": {"name": name,
                                                        "labels": {"kubernetes.io/hostname": name}}})
        api.patch_status(f"/api/v1/nodes/{name}", {
            "addresses": [{"type": "InternalIP", "address": ip},
                          {"type": "Hostname", "address": name}],
            "capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"},
            "allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"},
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                            "message": "kubelet is posting ready status",
                            "lastHeartbeatTime": ts(10), "lastTransitionTime": ts(86400)}],
            "nodeInfo": {"kubeletVersion": "v1.20.2", "kubeProxyVersion": "v1.20.2",
                         "containerRuntimeVersion": "containerd://1.4.4",
                         "operatingSystem": "linux", "architecture": "amd64",
                         "osImage": "Debian GNU/Linux 12 (bookworm)",
                         "kernelVersion": "6.1.0", "machineID": "", "systemUUID": "",
                         "bootID": ""},
        })


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--cafile", required=True)
    parser.add_argument("--pods", type=int, required=True)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    api = Api(args.server, args.token, args.cafile)
    started = time.monotonic()
    seed_nodes(api)
    with ThreadPoolExecutor(args.workers) as pool:
        for _ in pool.map(lambda i: seed_pod(api, i), range(args.pods)):
            pass
    took = time.monotonic() - started
    print(f"real-apiserver: seeded {args.pods} pods in {took:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
