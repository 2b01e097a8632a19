//! Clipboard copies, mouse input and the window title, driven through `update`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{Focus, State, title_effect, update};
use crate::msg::{Effect, Msg};
use crate::ui::testing::demo_state;

fn press(state: &mut State, c: char) -> Vec<Effect> {
    update(
        state,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::SHIFT)),
    )
}

fn copied(effects: &[Effect]) -> Vec<&str> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Copy { text } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

#[test]
fn copy_pod_name_and_namespaced_name() {
    let mut state = demo_state(false);
    update(
        &mut state,
        Msg::Click {
            pane: Focus::Pods,
            row: Some(1),
        },
    );
    let selected = state.pods.selected().map(|p| p.name.clone());
    assert_eq!(selected.as_deref(), Some("db-migrate-0"));
    assert_eq!(copied(&press(&mut state, 'C')), ["db-migrate-0"]);
    assert_eq!(copied(&press(&mut state, 'W')), ["shop/db-migrate-0"]);
    let flash = state.flash.as_ref().map(|f| f.text.clone());
    assert_eq!(
        flash.as_deref(),
        Some("copied shop/db-migrate-0 to the clipboard")
    );
}

#[test]
fn copy_yaml_needs_an_open_yaml_view() {
    let mut state = demo_state(false);
    assert_eq!(copied(&press(&mut state, 'Y')), Vec::<&str>::new());
    assert!(state.flash.as_ref().is_some_and(|f| f.error));

    update(
        &mut state,
        Msg::Key(KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE)),
    );
    let object = serde_json::json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "api-7d9f8b6c5-x2x9q", "namespace": "shop",
                     "managedFields": [{"manager": "kubectl"}]},
    });
    let id = state.detail.as_ref().map(|d| d.id).expect("yaml view open");
    update(
        &mut state,
        Msg::ObjectFetched {
            id,
            result: Ok(object),
        },
    );
    let effects = press(&mut state, 'Y');
    let text = copied(&effects);
    assert_eq!(text.len(), 1);
    assert!(
        text[0].contains("name: api-7d9f8b6c5-x2x9q\n"),
        "{}",
        text[0]
    );
    assert!(!text[0].contains("managedFields"), "copies what is shown");
    assert_eq!(copied(&press(&mut state, 'C')), ["api-7d9f8b6c5-x2x9q"]);
}

#[test]
fn click_focuses_and_selects_within_the_scroll_window() {
    let mut state = demo_state(false);
    update(
        &mut state,
        Msg::Click {
            pane: Focus::Contexts,
            row: Some(1),
        },
    );
    assert_eq!(state.focus, Focus::Contexts);
    assert_eq!(state.contexts_cursor.selected(), 1);
    // Below the last row: focus only.
    update(
        &mut state,
        Msg::Click {
            pane: Focus::Namespaces,
            row: Some(40),
        },
    );
    assert_eq!(state.focus, Focus::Namespaces);
    assert_eq!(state.namespaces_cursor.selected(), 3, "still on shop");
    update(
        &mut state,
        Msg::Click {
            pane: Focus::Namespaces,
            row: None,
        },
    );
    assert_eq!(state.namespaces_cursor.selected(), 3);
    // Rows count from the top of the window the last draw showed.
    let _ = state.pods.cursor.window(3, state.pods.visible_len());
    update(
        &mut state,
        Msg::Click {
            pane: Focus::Pods,
            row: Some(6),
        },
    );
    let _ = state.pods.cursor.window(3, state.pods.visible_len());
    update(
        &mut state,
        Msg::Click {
            pane: Focus::Pods,
            row: Some(2),
        },
    );
    assert_eq!(state.pods.cursor.selected(), 6);
}

#[test]
fn wheel_scrolls_the_pane_under_the_mouse() {
    let mut state = demo_state(false);
    state.focus = Focus::Contexts;
    update(
        &mut state,
        Msg::Scroll {
            pane: Focus::Pods,
            delta: 3,
        },
    );
    assert_eq!(state.focus, Focus::Pods);
    assert_eq!(state.pods.cursor.selected(), 3);
    update(
        &mut state,
        Msg::Scroll {
            pane: Focus::Pods,
            delta: -6,
        },
    );
    assert_eq!(state.pods.cursor.selected(), 0);
}

#[test]
fn mouse_is_ignored_under_the_help_overlay() {
    let mut state = demo_state(false);
    state.help_open = true;
    let before = state.focus;
    update(
        &mut state,
        Msg::Click {
            pane: Focus::Contexts,
            row: Some(0),
        },
    );
    update(
        &mut state,
        Msg::Scroll {
            pane: Focus::Contexts,
            delta: 3,
        },
    );
    assert_eq!(state.focus, before);
    assert_eq!(state.contexts_cursor.selected(), 0);
}

#[test]
fn window_title_follows_context_and_namespace_once_per_change() {
    let mut state = demo_state(false);
    let title = |e: Option<Effect>| match e {
        Some(Effect::SetTitle { title }) => Some(title),
        _ => None,
    };
    assert_eq!(
        title(title_effect(&mut state)).as_deref(),
        Some("kr8s-tui: kind-dev/shop")
    );
    assert_eq!(title_effect(&mut state), None, "unchanged: no effect");
    state.namespace = None;
    state.context = Some("evil\u{1b}]0;pwned\u{7}".into());
    assert_eq!(
        title(title_effect(&mut state)).as_deref(),
        Some("kr8s-tui: evil?]0;pwned?/all")
    );
}

#[test]
fn health_rounds_only_while_visible_and_at_most_every_30s() {
    use super::health;
    let mut state = demo_state(false);
    let checks = |effects: Vec<Effect>| -> Vec<Vec<String>> {
        effects
            .into_iter()
            .filter_map(|e| match e {
                Effect::CheckHealth { contexts } => Some(contexts),
                _ => None,
            })
            .collect()
    };
    // The open context (kind-dev) is polled by the status bar, not here.
    assert_eq!(
        checks(health::on_tick(&mut state)),
        [vec!["prod-eu".to_string()]]
    );
    state.now = crate::ui::testing::now() + jiff::SignedDuration::from_secs(29);
    assert!(
        checks(health::on_tick(&mut state)).is_empty(),
        "not due yet"
    );
    // A detail view hides the contexts pane: no round while it is open.
    state.now = crate::ui::testing::now() + jiff::SignedDuration::from_secs(31);
    update(
        &mut state,
        Msg::Key(KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE)),
    );
    assert!(state.detail.is_some());
    assert!(
        checks(health::on_tick(&mut state)).is_empty(),
        "pane hidden"
    );
    state.detail = None;
    assert_eq!(checks(health::on_tick(&mut state)).len(), 1);
}

/// With 200 contexts only the rows on screen are checked, a few per tick, each again after
/// 30 s; scrolling brings the next screenful's checks.
#[test]
fn health_checks_the_rows_on_screen_a_few_at_a_time() {
    use super::health::{PER_TICK, POLL_EVERY};
    use crate::kube::kubeconfig::ContextInfo;
    let mut state = demo_state(false);
    let mut contexts = state.contexts.clone();
    contexts.extend((0..198).map(|i| ContextInfo {
        name: format!("fleet-{i:03}"),
        cluster: format!("fleet-{i:03}"),
        user: "u".into(),
        namespace: None,
    }));
    state.contexts = contexts;
    let start = crate::ui::testing::now();
    let mut asked: Vec<String> = Vec::new();
    for second in 0..POLL_EVERY {
        state.now = start + jiff::SignedDuration::from_secs(second);
        for effect in super::health::on_tick(&mut state) {
            if let Effect::CheckHealth { contexts } = effect {
                assert!(contexts.len() <= PER_TICK, "{contexts:?}");
                asked.extend(contexts);
            }
        }
    }
    // Before the first draw a page is 10 rows: the 9 besides the open context, each once.
    let page: Vec<String> = state.contexts[..10]
        .iter()
        .map(|c| c.name.clone())
        .filter(|n| n != "kind-dev")
        .collect();
    assert_eq!(asked, page);
    // The next screenful after scrolling down.
    let last = state.contexts.len();
    state.contexts_cursor.select(last - 1, last);
    let _ = state.contexts_cursor.window(10, last);
    state.now = start + jiff::SignedDuration::from_secs(POLL_EVERY);
    let next: Vec<String> = super::health::on_tick(&mut state)
        .into_iter()
        .flat_map(|e| match e {
            Effect::CheckHealth { contexts } => contexts,
            _ => Vec::new(),
        })
        .collect();
    assert_eq!(next, ["fleet-188", "fleet-189", "fleet-190", "fleet-191"]);
}

#[test]
fn health_answers_are_shown_per_context() {
    use super::health::{ContextHealth, of};
    use crate::msg::HealthResult;
    let mut state = demo_state(false);
    assert_eq!(of(&state, "prod-eu"), ContextHealth::Unknown);
    let result = HealthResult::Down("refused".into());
    update(
        &mut state,
        Msg::Health {
            context: "prod-eu".into(),
            result,
        },
    );
    assert_eq!(of(&state, "prod-eu"), ContextHealth::Down("refused"));
    let current = of(&state, "kind-dev");
    assert!(matches!(
        current,
        ContextHealth::Up {
            version: "v1.31.0",
            ..
        }
    ));
}

#[test]
fn copy_the_page_of_log_lines_on_screen() {
    let mut state = demo_state(false);
    update(
        &mut state,
        Msg::Key(KeyEvent::new(KeyCode::Char('l'), KeyModifiers::NONE)),
    );
    let Some(super::detail::DetailView::Logs(logs)) = state.detail.as_mut().map(|d| &mut d.view)
    else {
        panic!("logs view open");
    };
    logs.push((1..=10).map(|i| format!("line {i}")).collect());
    logs.page.set(3);
    // Following: the last page.
    assert_eq!(
        copied(&press(&mut state, 'Y')),
        ["line 8\nline 9\nline 10\n"]
    );
    if let Some(super::detail::DetailView::Logs(logs)) = state.detail.as_mut().map(|d| &mut d.view)
    {
        logs.follow = false;
        logs.offset = 2;
    }
    assert_eq!(
        copied(&press(&mut state, 'Y')),
        ["line 3\nline 4\nline 5\n"]
    );
}

#[test]
fn help_scrolls_with_the_movement_keys_and_reopens_at_the_top() {
    use super::tests_pods::{code, key, started};
    let mut state = started(false);
    update(&mut state, key('?'));
    assert!(state.help_open);
    update(&mut state, key('j'));
    update(&mut state, key('j'));
    assert_eq!(state.help_scroll, 2);
    update(&mut state, key('k'));
    assert_eq!(state.help_scroll, 1);
    update(&mut state, key('G'));
    assert_eq!(
        state.help_scroll,
        state.keymap.help().len(),
        "bounded by the bindings"
    );
    assert!(
        update(&mut state, key('d')).is_empty(),
        "other keys do nothing under help"
    );
    update(&mut state, code(KeyCode::Esc));
    assert!(!state.help_open);
    update(&mut state, key('?'));
    assert_eq!((state.help_open, state.help_scroll), (true, 0));
}
