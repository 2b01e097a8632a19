//! kubectl's kubeconfig rules against the fixture files in tests/fixtures/kubeconfig.

use std::path::{Path, PathBuf};

use kr8s_tui::kube::KubeError;
use kr8s_tui::kube::auth::AuthConfig;
use kr8s_tui::kube::kubeconfig::{ContextInfo, Kubeconfig, LoadOptions, in_cluster_from};
use secrecy::ExposeSecret;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kubeconfig")
}

fn fixture(name: &str) -> PathBuf {
    fixtures().join(name)
}

fn env_list(names: &[&str]) -> String {
    let paths: Vec<String> = names
        .iter()
        .map(|n| fixture(n).to_string_lossy().into_owned())
        .collect();
    paths.join(":")
}

fn load_env(names: &[&str]) -> Kubeconfig {
    Kubeconfig::load_with(&LoadOptions::default(), Some(&env_list(names)), None)
        .expect("fixtures load")
        .expect("fixtures exist")
}

fn token(auth: &AuthConfig) -> String {
    match auth {
        AuthConfig::Token(t) => t.expose_secret().to_string(),
        other => panic!("expected a static token, got {other:?}"),
    }
}

#[test]
fn first_file_wins_whole_stanzas_and_current_context() {
    let config = load_env(&["a.yaml", "b.yaml"]);
    assert_eq!(config.current_context(), Some("ctx-a"));
    assert_eq!(config.files(), &[fixture("a.yaml"), fixture("b.yaml")]);

    // shared-ctx comes from a.yaml entirely: b's namespace is not merged in.
    let conn = config
        .connection("shared-ctx", None)
        .expect("shared-ctx resolves");
    assert_eq!(
        conn.server, "https://a.example:6443",
        "trailing slash stripped"
    );
    assert_eq!(conn.namespace, "default");
    // alice comes from a.yaml (client cert), not b.yaml (token).
    assert!(matches!(conn.auth, AuthConfig::None));
    assert!(conn.tls.client_cert_pem.is_some());

    // Stanzas only b defines are still there.
    let conn = config.connection("ctx-b", None).expect("ctx-b resolves");
    assert_eq!(conn.server, "https://b-only.example");
    assert_eq!(token(&conn.auth), "bob-static-token");
    assert_eq!(conn.tls.ca_pem.as_deref(), Some(&b"fixture CA data"[..]));

    // Reversed order: b wins.
    let config = load_env(&["b.yaml", "a.yaml"]);
    assert_eq!(config.current_context(), Some("ctx-b"));
    let conn = config
        .connection("shared-ctx", None)
        .expect("shared-ctx resolves");
    assert_eq!(conn.server, "https://b-only.example");
    assert_eq!(conn.namespace, "from-b");
}

#[test]
fn current_context_comes_from_the_first_file_that_sets_it() {
    let config = load_env(&["no-current.yaml", "b.yaml", "a.yaml"]);
    assert_eq!(config.current_context(), Some("ctx-b"));
}

#[test]
fn contexts_are_listed_sorted() {
    let config = load_env(&["no-current.yaml", "b.yaml"]);
    let names: Vec<String> = config.contexts().into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["ctx-b", "ctx-c", "shared-ctx"]);
    let c = config.contexts().into_iter().find(|c| c.name == "ctx-c");
    assert_eq!(
        c,
        Some(ContextInfo {
            name: "ctx-c".into(),
            cluster: "c".into(),
            user: String::new(),
            // A numeric-looking namespace stays text, leading zero included.
            namespace: Some("0123".into()),
        })
    );
}

#[test]
fn duplicate_and_missing_entries_in_kubeconfig_env() {
    let list = format!(
        "{}::{}:{}:{}",
        fixture("a.yaml").display(),
        fixture("does-not-exist.yaml").display(),
        fixture("a.yaml").display(),
        fixture("b.yaml").display(),
    );
    let config = Kubeconfig::load_with(&LoadOptions::default(), Some(&list), None)
        .expect("loads")
        .expect("some files exist");
    assert_eq!(config.files(), &[fixture("a.yaml"), fixture("b.yaml")]);
}

#[test]
fn no_file_at_all_is_none() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("nope.yaml");
    let got = Kubeconfig::load_with(
        &LoadOptions::default(),
        Some(&missing.to_string_lossy()),
        Some(dir.path()),
    )
    .expect("no error");
    assert!(got.is_none());
    // Empty $KUBECONFIG falls back to ~/.kube/config, which does not exist here either.
    let got = Kubeconfig::load_with(&LoadOptions::default(), Some(""), Some(dir.path()));
    assert!(got.expect("no error").is_none());
}

#[test]
fn home_kube_config_is_the_default() {
    let home = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(home.path().join(".kube")).expect("mkdir");
    std::fs::copy(fixture("b.yaml"), home.path().join(".kube/config")).expect("copy");
    let config = Kubeconfig::load_with(&LoadOptions::default(), None, Some(home.path()))
        .expect("loads")
        .expect("exists");
    assert_eq!(config.current_context(), Some("ctx-b"));
}

#[test]
fn explicit_kubeconfig_is_used_alone_and_must_exist() {
    let opts = LoadOptions {
        kubeconfig: Some(fixture("b.yaml")),
        ..LoadOptions::default()
    };
    let config = Kubeconfig::load_with(&opts, Some(&env_list(&["a.yaml"])), None)
        .expect("loads")
        .expect("exists");
    assert_eq!(config.files(), &[fixture("b.yaml")]);

    let missing = fixture("missing.yaml");
    let opts = LoadOptions {
        kubeconfig: Some(missing.clone()),
        ..LoadOptions::default()
    };
    let err = Kubeconfig::load_with(&opts, None, None).expect_err("missing file");
    assert!(matches!(err, KubeError::Kubeconfig { ref path, .. } if *path == missing));
    assert!(err.to_string().contains("missing.yaml"), "{err}");
}

#[test]
fn relative_paths_resolve_against_the_defining_file() {
    // Loaded together with a.yaml from another directory: each file's paths stay its own.
    let config = load_env(&["a.yaml", "nested/config.yaml"]);
    let conn = config.connection("ctx-a", None).expect("ctx-a");
    assert_eq!(
        conn.tls.ca_pem.as_deref(),
        Some(&b"fixture CA bytes (not a real certificate)\n"[..])
    );
    let key = conn.tls.client_key_pem.expect("client key");
    assert_eq!(key.0.as_slice(), b"fixture client key bytes\n");

    let conn = config.connection("nested", None).expect("nested");
    assert_eq!(
        conn.tls.ca_pem.as_deref(),
        Some(&b"nested fixture CA\n"[..])
    );
    match conn.auth {
        AuthConfig::TokenFile(path) => assert_eq!(path, fixture("nested/token.txt")),
        other => panic!("expected a token file, got {other:?}"),
    }

    let conn = config.connection("nested-exec", None).expect("nested-exec");
    let AuthConfig::Exec(exec) = conn.auth else {
        panic!("expected exec");
    };
    assert_eq!(
        PathBuf::from(&exec.command),
        fixture("nested").join("./bin/get-token")
    );
    assert_eq!(exec.base_dir.as_deref(), Some(fixture("nested").as_path()));
    assert_eq!(exec.args, ["--cluster", "nested"]);
    assert_eq!(
        exec.env,
        [("FIXTURE_MODE".to_string(), "quiet".to_string())]
    );
    assert!(exec.provide_cluster_info);
    assert_eq!(exec.cluster_server, "https://nested.example");
    assert_eq!(
        exec.cluster_ca_pem.as_deref(),
        Some(&b"nested fixture CA\n"[..])
    );
    assert_eq!(exec.interactive_mode.as_deref(), Some("Never"));

    // A bare command name is left for a PATH lookup.
    let conn = config
        .connection("nested-path-exec", None)
        .expect("path exec");
    let AuthConfig::Exec(exec) = conn.auth else {
        panic!("expected exec");
    };
    assert_eq!(exec.command, "aws");
}

#[test]
fn unknown_context_uses_kubectls_wording() {
    let config = load_env(&["a.yaml"]);
    let err = config.connection("nope", None).expect_err("unknown");
    assert_eq!(err.to_string(), "context \"nope\" does not exist");
    assert!(matches!(err, KubeError::ContextNotFound(_)));
}

#[test]
fn dangling_cluster_or_user_is_an_invalid_context() {
    let config = load_env(&["a.yaml"]);
    let err = config
        .connection("dangling-cluster", None)
        .expect_err("no cluster");
    assert!(matches!(err, KubeError::InvalidContext { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("cluster \"nowhere\" does not exist"),
        "{err}"
    );
    let err = config
        .connection("dangling-user", None)
        .expect_err("no user");
    assert!(
        err.to_string().contains("user \"nobody\" does not exist"),
        "{err}"
    );
}

#[test]
fn no_current_context_loads_and_selection_says_so() {
    let config = load_env(&["no-current.yaml"]);
    assert_eq!(config.current_context(), None);
    let err = config
        .resolve(&LoadOptions::default())
        .expect_err("nothing selected");
    assert!(matches!(err, KubeError::NoCurrentContext));
    let opts = LoadOptions {
        context: Some("ctx-c".into()),
        ..LoadOptions::default()
    };
    assert_eq!(config.resolve(&opts).expect("ctx-c").namespace, "0123");
}

#[test]
fn namespace_precedence_flag_then_context_then_default() {
    let config = load_env(&["a.yaml"]);
    let ns =
        |ctx: &str, flag: Option<&str>| config.connection(ctx, flag).expect("resolves").namespace;
    assert_eq!(ns("ctx-a", Some("flag-ns")), "flag-ns");
    assert_eq!(ns("ctx-a", None), "team-a");
    assert_eq!(ns("ctx-a", Some("")), "team-a");
    assert_eq!(ns("shared-ctx", None), "default");
}

#[test]
fn cluster_options_are_mapped() {
    let config = load_env(&["a.yaml"]);
    let conn = config.connection("insecure", None).expect("insecure");
    assert!(conn.tls.insecure_skip_verify);
    assert_eq!(conn.tls.server_name.as_deref(), Some("kubernetes.internal"));
    assert_eq!(conn.proxy_url.as_deref(), Some("socks5://127.0.0.1:1080"));
    assert!(matches!(conn.auth, AuthConfig::None));
}

#[test]
fn malformed_yaml_names_the_file_and_line() {
    let path = fixture("malformed.yaml");
    let err = Kubeconfig::from_files(std::slice::from_ref(&path)).expect_err("malformed");
    let text = err.to_string();
    assert!(text.contains(&path.display().to_string()), "{text}");
    assert!(text.contains("line 6"), "{text}");
}

#[test]
fn wrong_top_level_types_fail_the_file() {
    let path = fixture("wrong-types.yaml");
    let err = Kubeconfig::from_files(std::slice::from_ref(&path)).expect_err("wrong types");
    let text = err.to_string();
    assert!(text.contains("wrong-types.yaml"), "{text}");
    assert!(text.contains("line 2"), "{text}");
}

#[test]
fn a_broken_stanza_does_not_break_the_others() {
    let path = fixture("broken-stanza.yaml");
    let config = Kubeconfig::from_files(std::slice::from_ref(&path)).expect("file loads");

    let good = config
        .connection("good", None)
        .expect("good context resolves");
    let AuthConfig::Basic { username, password } = good.auth else {
        panic!("expected basic auth");
    };
    assert_eq!(username, "admin");
    assert_eq!(password.expose_secret(), "hunter2");

    let err = config.connection("bad-key", None).expect_err("bad base64");
    assert_eq!(
        err.to_string(),
        format!(
            "kubeconfig {}: users[\"bob\"].client-key-data: invalid base64",
            path.display()
        )
    );
    let err = config
        .connection("bad-cluster", None)
        .expect_err("wrong type");
    assert!(
        err.to_string()
            .contains("clusters[\"wrong-type\"].server: expected a string"),
        "{err}"
    );
    let err = config
        .connection("not-a-mapping", None)
        .expect_err("not a mapping");
    assert!(
        err.to_string()
            .contains("contexts[\"not-a-mapping\"]: expected a mapping"),
        "{err}"
    );
    // Broken contexts are still listed.
    assert_eq!(config.contexts().len(), 4);
}

#[test]
fn empty_file_is_an_empty_config() {
    let config = Kubeconfig::from_files(&[fixture("empty.yaml")]).expect("empty is valid");
    assert!(config.contexts().is_empty());
    assert_eq!(config.current_context(), None);
}

fn empty_error(files: &[&str]) -> String {
    let names: Vec<String> = files
        .iter()
        .map(|f| fixture(f).display().to_string())
        .collect();
    let what = if files.len() == 1 {
        "file is"
    } else {
        "files are"
    };
    format!(
        "kubeconfig {}: the {what} empty (no clusters, users or contexts)",
        names.join(", ")
    )
}

#[test]
fn an_empty_kubeconfig_is_an_error_naming_the_file() {
    for name in ["empty.yaml", "comments-only.yaml"] {
        let opts = LoadOptions {
            kubeconfig: Some(fixture(name)),
            ..LoadOptions::default()
        };
        let err = Kubeconfig::load_with(&opts, None, None).expect_err(name);
        assert!(matches!(err, KubeError::EmptyKubeconfig(_)), "{err:?}");
        assert_eq!(err.to_string(), empty_error(&[name]));
        // The same file alone in $KUBECONFIG.
        let err = Kubeconfig::load_with(&LoadOptions::default(), Some(&env_list(&[name])), None)
            .expect_err(name);
        assert_eq!(err.to_string(), empty_error(&[name]));
    }
}

#[test]
fn empty_files_in_kubeconfig_env_add_nothing_unless_all_are_empty() {
    // As kubectl: empty files beside a real one merge as nothing.
    let config = load_env(&["empty.yaml", "b.yaml", "comments-only.yaml"]);
    assert_eq!(config.current_context(), Some("ctx-b"));
    assert!(config.skipped().is_empty());
    let names: Vec<String> = config.contexts().into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["ctx-b", "shared-ctx"]);
    // Only empty files: the error names every one, in $KUBECONFIG order.
    let files = ["empty.yaml", "comments-only.yaml"];
    let err = Kubeconfig::load_with(&LoadOptions::default(), Some(&env_list(&files)), None)
        .expect_err("nothing defined");
    assert_eq!(err.to_string(), empty_error(&files));
}

#[test]
fn token_and_basic_together_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("config");
    std::fs::write(
        &path,
        "clusters: [{name: c, cluster: {server: 'https://c'}}]\n\
         contexts: [{name: x, context: {cluster: c, user: u}}]\n\
         users: [{name: u, user: {token: t, username: a, password: b}}]\n",
    )
    .expect("write");
    let config = Kubeconfig::from_files(&[path]).expect("loads");
    let err = config.connection("x", None).expect_err("two methods");
    assert!(
        err.to_string()
            .contains("more than one authentication method"),
        "{err}"
    );
}

#[test]
fn in_cluster_from_a_service_account_dir() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sa = dir.path();
    // No token yet: not in a cluster.
    assert!(
        in_cluster_from(Some("10.0.0.1"), Some("443"), sa, None)
            .expect("ok")
            .is_none()
    );
    std::fs::write(sa.join("token"), "sa-token").expect("write token");
    std::fs::write(sa.join("ca.crt"), "in-cluster CA").expect("write ca");
    std::fs::write(sa.join("namespace"), "payments\n").expect("write ns");
    assert!(
        in_cluster_from(None, Some("443"), sa, None)
            .expect("ok")
            .is_none()
    );

    let conn = in_cluster_from(Some("10.0.0.1"), Some("443"), sa, None)
        .expect("ok")
        .expect("in cluster");
    assert_eq!(conn.server, "https://10.0.0.1:443");
    assert_eq!(conn.namespace, "payments");
    assert_eq!(conn.tls.ca_pem.as_deref(), Some(&b"in-cluster CA"[..]));
    assert!(matches!(conn.auth, AuthConfig::TokenFile(ref p) if *p == sa.join("token")));

    let conn = in_cluster_from(Some("fd00::1"), Some("6443"), sa, Some("override"))
        .expect("ok")
        .expect("in cluster");
    assert_eq!(conn.server, "https://[fd00::1]:6443");
    assert_eq!(conn.namespace, "override");

    std::fs::remove_file(sa.join("namespace")).expect("rm");
    let conn = in_cluster_from(Some("h"), Some("1"), sa, None)
        .expect("ok")
        .expect("in cluster");
    assert_eq!(conn.namespace, "default");
}
