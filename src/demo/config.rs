//! What apps use besides pods: ConfigMaps, Secrets, PersistentVolumeClaims and Ingresses. A few
//! per namespace and workload, none per pod, and each pointing at things that exist (an Ingress
//! at a Service, a TLS Secret it names, a claim at its volume).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use jiff::Timestamp;
use serde_json::{Map, Value, json};

use super::data::{Controller, Workload};
use super::pods::ts;
use super::resources::Kind;
use super::rng::{Rng, hash};
use super::store::Store;
use super::workloads::after;

/// A uid derived from the object's identity, for objects seeded without the generator.
pub(crate) fn uid_of(parts: &[&str]) -> String {
    let (a, b) = (hash(parts), hash(&[parts.join("/").as_str(), "uid"]));
    format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        b >> 52,
        b & 0xffff_ffff_ffff
    )
}

fn meta(ns: &str, name: &str, labels: &[(&str, &str)], created: Timestamp) -> Value {
    let labels: Map<String, Value> = labels
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    let mut m = json!({"name": name, "namespace": ns, "uid": uid_of(&[ns, name]),
        "creationTimestamp": ts(created)});
    if !labels.is_empty() {
        m["labels"] = Value::Object(labels);
    }
    m
}

fn config_map(
    ns: &str,
    name: &str,
    labels: &[(&str, &str)],
    data: &[(&str, &str)],
    created: Timestamp,
) -> Value {
    let data: Map<String, Value> = data
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    json!({"kind": "ConfigMap", "apiVersion": "v1", "metadata": meta(ns, name, labels, created),
        "data": data})
}

fn secret(
    ns: &str,
    name: &str,
    ty: &str,
    labels: &[(&str, &str)],
    data: &[(&str, &str)],
    created: Timestamp,
) -> Value {
    let data: Map<String, Value> = data
        .iter()
        .map(|(k, v)| (k.to_string(), json!(STANDARD.encode(v))))
        .collect();
    json!({"kind": "Secret", "apiVersion": "v1", "metadata": meta(ns, name, labels, created),
        "type": ty, "data": data})
}

/// A claim: Bound to a provisioned volume when it has a storage class that binds at once,
/// Pending otherwise (no class, or `fast-ssd`, whose provisioner is missing).
pub(crate) fn claim_json(
    ns: &str,
    name: &str,
    labels: &[(&str, &str)],
    size: &str,
    class: Option<&str>,
    created: Timestamp,
) -> Value {
    let mut m = meta(ns, name, labels, created);
    m["finalizers"] = json!(["kubernetes.io/pvc-protection"]);
    let mut spec = json!({"accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": size}}, "volumeMode": "Filesystem"});
    if let Some(class) = class {
        spec["storageClassName"] = json!(class);
    }
    let status = if class == Some("standard") {
        spec["volumeName"] = json!(format!("pvc-{}", uid_of(&[ns, name])));
        m["annotations"] = json!({"pv.kubernetes.io/bind-completed": "yes",
            "pv.kubernetes.io/bound-by-controller": "yes",
            "volume.beta.kubernetes.io/storage-provisioner": "rancher.io/local-path",
            "volume.kubernetes.io/storage-provisioner": "rancher.io/local-path"});
        json!({"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": size}})
    } else {
        json!({"phase": "Pending"})
    };
    json!({"kind": "PersistentVolumeClaim", "apiVersion": "v1", "metadata": m, "spec": spec,
        "status": status})
}

/// An Ingress of class nginx routing `hosts` to the Service `service`, with TLS from the
/// Secret `tls` when given.
fn ingress(
    ns: &str,
    name: &str,
    hosts: &[&str],
    service: &str,
    tls: Option<&str>,
    created: Timestamp,
) -> Value {
    let rules: Vec<Value> = hosts
        .iter()
        .map(|h| {
            json!({"host": h, "http": {"paths": [{"path": "/", "pathType": "Prefix",
            "backend": {"service": {"name": service, "port": {"name": "http"}}}}]}})
        })
        .collect();
    let mut spec = json!({"ingressClassName": "nginx", "rules": rules});
    if let Some(secret) = tls {
        spec["tls"] = json!([{"hosts": hosts, "secretName": secret}]);
    }
    let mut m = meta(ns, name, &[("app", service)], created);
    m["generation"] = json!(1);
    m["annotations"] = json!({"nginx.ingress.kubernetes.io/proxy-body-size": "8m"});
    json!({"kind": "Ingress", "apiVersion": "networking.k8s.io/v1", "metadata": m, "spec": spec,
        "status": {"loadBalancer": {"ingress": [{"ip": "172.18.255.200"}]}}})
}

const FAKE_CA: &str = "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIKr8sDemoDemoMA0GCSqGSIb3DQEBCwUAMBUxEzARBgNVBAMTCmt1YmVy\nbmV0ZXMwHhcNMjQwODEzMDcyMzQ5WhcNMzQwODExMDcyODQ5WjAVMRMwEQYDVQQDEwprdWJlcm5l\ndGVz\n-----END CERTIFICATE-----\n";

/// Seeds the config of every namespace and of the workloads that run (`planned > 0`).
pub(crate) fn seed(
    store: &Store,
    namespaces: &[String],
    workloads: &[Workload],
    now: Timestamp,
    rng: &mut Rng,
) {
    let runs = |ns: &str, name: &str| {
        workloads
            .iter()
            .any(|w| w.namespace == ns && w.name() == name && w.planned > 0)
    };
    for (i, ns) in namespaces.iter().enumerate() {
        let created = after(now, -(90 * 86_400 - i as i64 * 600 - 5));
        let cm = config_map(ns, "kube-root-ca.crt", &[], &[("ca.crt", FAKE_CA)], created);
        store.seed(Kind::ConfigMap, cm);
    }
    let created = after(now, -(90 * 86_400));
    if namespaces.iter().any(|n| n == "kube-system") {
        let corefile = ".:53 {\n    errors\n    health\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n    }\n    forward . /etc/resolv.conf\n    cache 30\n    loop\n    reload\n}\n";
        for cm in [
            config_map(
                "kube-system",
                "coredns",
                &[],
                &[("Corefile", corefile)],
                created,
            ),
            config_map(
                "kube-system",
                "kube-proxy",
                &[("app", "kube-proxy")],
                &[
                    (
                        "config.conf",
                        "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: iptables\n",
                    ),
                    (
                        "kubeconfig.conf",
                        "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://demo-control-plane:6443\n  name: default\n",
                    ),
                ],
                created,
            ),
        ] {
            store.seed(Kind::ConfigMap, cm);
        }
        let token = secret(
            "kube-system",
            "bootstrap-token-abcdef",
            "bootstrap.kubernetes.io/token",
            &[],
            &[
                ("token-id", "abcdef"),
                ("token-secret", "0123456789abcdef"),
                ("usage-bootstrap-authentication", "true"),
                ("usage-bootstrap-signing", "true"),
            ],
            created,
        );
        store.seed(Kind::Secret, token);
    }
    for w in workloads.iter().filter(|w| w.planned > 0) {
        seed_for_workload(store, w, now, rng);
    }
    let at = |days: i64| after(now, -days * 86_400);
    let tls = |ns: &str, name: &str| {
        secret(
            ns,
            name,
            "kubernetes.io/tls",
            &[("cert-manager.io/certificate-name", name)],
            &[
                (
                    "tls.crt",
                    "-----BEGIN CERTIFICATE-----\ndemo certificate\n-----END CERTIFICATE-----\n",
                ),
                (
                    "tls.key",
                    "-----BEGIN PRIVATE KEY-----\ndemo key, not a real one\n-----END PRIVATE KEY-----\n",
                ),
            ],
            at(40),
        )
    };
    if runs("default", "hello-web") {
        let ing = ingress(
            "default",
            "hello-web",
            &["hello.demo.local"],
            "hello-web",
            None,
            at(79),
        );
        store.seed(Kind::Ingress, ing);
    }
    // The ingresses served over TLS: each with the cert-manager Secret it names, seeded
    // just before it. (namespace, app and Service, hosts, Secret, age in days)
    let tls_ingresses: [(&str, &str, &[&str], &str, i64); 3] = [
        (
            "web",
            "frontend",
            &["shop.example.com", "www.shop.example.com"],
            "shop-example-com-tls",
            78,
        ),
        (
            "web",
            "api-gateway",
            &["api.example.com"],
            "api-example-com-tls",
            78,
        ),
        (
            "monitoring",
            "grafana",
            &["grafana.example.com"],
            "grafana-example-com-tls",
            60,
        ),
    ];
    for (ns, app, hosts, secret_name, days) in tls_ingresses {
        if runs(ns, app) {
            store.seed(Kind::Secret, tls(ns, secret_name));
            let ing = ingress(ns, app, hosts, app, Some(secret_name), at(days));
            store.seed(Kind::Ingress, ing);
        }
    }
    if runs("monitoring", "grafana") {
        let pvc = claim_json(
            "monitoring",
            "grafana",
            &[("app", "grafana")],
            "10Gi",
            Some("standard"),
            at(80),
        );
        store.seed(Kind::PersistentVolumeClaim, pvc);
        let release = secret(
            "monitoring",
            "sh.helm.release.v1.grafana.v3",
            "helm.sh/release.v1",
            &[
                ("name", "grafana"),
                ("owner", "helm"),
                ("status", "deployed"),
                ("version", "3"),
            ],
            &[("release", "H4sIAAAAAAAC/+y9 demo helm release")],
            at(12),
        );
        store.seed(Kind::Secret, release);
    }
    if namespaces.iter().any(|n| n == "data") {
        // A claim for a storage class nobody provisions: Pending for good.
        let pvc = claim_json(
            "data",
            "reports-archive",
            &[("app", "etl-nightly")],
            "500Gi",
            Some("fast-ssd"),
            at(6),
        );
        store.seed(Kind::PersistentVolumeClaim, pvc);
    }
}

/// The config a workload reads: a ConfigMap for the long-running ones, credentials for
/// backends, databases and batch jobs.
fn seed_for_workload(store: &Store, w: &Workload, now: Timestamp, rng: &mut Rng) {
    let (ns, app) = (w.namespace.as_str(), w.name());
    let created = after(now, -(80 * 86_400 - 30));
    let labels = [("app", app)];
    let level = *rng.pick(&["info", "info", "debug", "warn"]);
    let port = w.port.to_string();
    match w.controller() {
        // The control plane's apps have their own (coredns, kube-proxy).
        _ if w.app.tier == "control-plane" => {}
        Controller::Deployment | Controller::StatefulSet { .. } => {
            let name = format!("{app}-config");
            let data = [
                ("LOG_LEVEL", level),
                ("PORT", port.as_str()),
                ("TIER", w.app.tier),
            ];
            store.seed(
                Kind::ConfigMap,
                config_map(ns, &name, &labels, &data, created),
            );
        }
        _ => {}
    }
    if matches!(w.app.tier, "backend" | "database" | "batch" | "queue") {
        let name = format!("{app}-credentials");
        let password = rng.suffix(24);
        let data = [("username", app), ("password", password.as_str())];
        store.seed(
            Kind::Secret,
            secret(ns, &name, "Opaque", &labels, &data, created),
        );
    }
}
