//! `x` decodes a Secret on screen only: the copy, the log file and the screen before `x` keep
//! the data as stored.

use super::kubectl::{WAIT, setup};

#[test]
fn x_decodes_a_secret_on_screen_and_nowhere_else() {
    let Some(mut s) = setup(&["-n", "web"]) else {
        return;
    };
    s.app.send(":secrets\r");
    s.app.wait_text("kubernetes.io/tls", WAIT);
    s.app.send("/shop-example\r");
    s.app.wait_text("[1/1] ━/shop-example", WAIT);
    s.app.send("y");
    let screen = s.app.wait_text("tls.crt:", WAIT);
    assert!(!screen.contains("demo certificate"), "{screen}");
    s.app.send("x");
    let screen = s.app.wait_text("demo certificate", WAIT);
    assert!(
        screen.contains("tls.crt: |"),
        "a block for lines:\n{screen}"
    );
    assert!(screen.contains("data decoded"), "{screen}");
    s.app.send("Y");
    let copied = s.app.wait_copied(WAIT);
    assert!(
        copied.contains("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0t") && !copied.contains("demo certificate"),
        "the copy keeps the data as stored:\n{copied}"
    );
    s.app.wait_text("Secret data as stored", WAIT);
    s.app.send("q");
    assert!(s.app.wait_exit(WAIT));
    let log = std::fs::read_to_string(&s.app.log_file).unwrap_or_default();
    assert!(!log.contains("demo certificate") && !log.contains("demo key"));
}
