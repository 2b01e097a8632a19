//! The tiny shell every demo container runs for exec: enough to show a session working (prompt,
//! echo, env, `stty size`, exit codes) and to fail the way a real container fails (an unknown
//! command is `sh: X: not found`, 127). Pure: commands in, text and what to do out.

/// What a command line asks the session to do after printing `out`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// Done; `$?` is the code.
    Done(i32),
    /// End the shell with this code.
    Exit(i32),
    /// Wait this many seconds (interruptible), then done with 0.
    Sleep(u64),
    /// Print this line until interrupted.
    Yes(String),
    /// Copy stdin to stdout until it ends.
    Cat,
}

/// One container's shell.
#[derive(Debug, Clone)]
pub(crate) struct Shell {
    pub pod: String,
    pub namespace: String,
    pub container: String,
    pub rows: u16,
    pub cols: u16,
    /// `$?`.
    pub last: i32,
}

/// The commands the shell knows, as bare names or under /bin, /usr/bin.
const KNOWN: &[&str] = &[
    "echo", "hostname", "cat", "env", "ls", "sleep", "exit", "sh", "bash", "stty", "true", "false",
    "yes", "pwd", "id", "uname",
];

/// The program a path or name runs, if the shell has it.
pub(crate) fn program(word: &str) -> Option<&'static str> {
    let name = word
        .strip_prefix("/usr/bin/")
        .or_else(|| word.strip_prefix("/bin/"))
        .unwrap_or(word);
    KNOWN.iter().find(|k| **k == name).copied()
}

impl Shell {
    pub fn prompt(&self) -> String {
        format!("{}:/# $ ", self.pod)
    }

    fn env(&self) -> Vec<(String, String)> {
        vec![
            ("HOSTNAME".into(), self.pod.clone()),
            ("HOME".into(), "/root".into()),
            ("PATH".into(), "/usr/local/bin:/usr/bin:/bin".into()),
            ("POD_NAMESPACE".into(), self.namespace.clone()),
            ("CONTAINER".into(), self.container.clone()),
            ("TERM".into(), "xterm".into()),
        ]
    }

    /// Runs one command line (`;`-separated commands); appends output lines to `out`.
    pub fn run_line(&mut self, line: &str, out: &mut Vec<String>) -> Step {
        let mut step = Step::Done(self.last);
        for command in line.split(';') {
            let words = split_words(command);
            if words.is_empty() {
                continue;
            }
            step = self.run(&words, out);
            match step {
                Step::Done(code) => self.last = code,
                _ => return step,
            }
        }
        step
    }

    /// Runs one command given as words (an exec's `command=` list).
    pub fn run(&mut self, words: &[String], out: &mut Vec<String>) -> Step {
        let Some(first) = words.first() else {
            return Step::Done(0);
        };
        let args = &words[1..];
        let Some(name) = program(first) else {
            out.push(format!("sh: {first}: not found"));
            return Step::Done(127);
        };
        match name {
            "echo" => out.push(args.join(" ")),
            "hostname" => out.push(self.pod.clone()),
            "cat" if args.iter().any(|a| a == "/etc/hostname") => out.push(self.pod.clone()),
            "cat" if args.is_empty() => return Step::Cat,
            "cat" => {
                out.push(format!("cat: {}: No such file or directory", args[0]));
                return Step::Done(1);
            }
            "env" => out.extend(self.env().into_iter().map(|(k, v)| format!("{k}={v}"))),
            "ls" => out.push("bin  dev  etc  home  proc  root  sys  tmp  usr  var".into()),
            "pwd" => out.push("/".into()),
            "id" => out.push("uid=0(root) gid=0(root) groups=0(root)".into()),
            "uname" => out.push("Linux".into()),
            "stty" if args.first().is_some_and(|a| a == "size") => {
                out.push(format!("{} {}", self.rows, self.cols));
            }
            "stty" => {}
            "true" => {}
            "false" => return Step::Done(1),
            "sleep" => match args.first().and_then(|a| a.parse().ok()) {
                Some(secs) => return Step::Sleep(secs),
                None => {
                    out.push("sleep: invalid time interval".into());
                    return Step::Done(1);
                }
            },
            "yes" => {
                return Step::Yes(if args.is_empty() {
                    "y".into()
                } else {
                    args.join(" ")
                });
            }
            "exit" => {
                return Step::Exit(
                    args.first()
                        .and_then(|a| a.parse().ok())
                        .unwrap_or(self.last),
                );
            }
            // `sh -c "script"` runs the script; a bare shell is handled by the session.
            "sh" | "bash" => match (args.first().map(String::as_str), args.get(1)) {
                (Some("-c"), Some(script)) => return self.run_line(script, out),
                _ => return Step::Done(0),
            },
            _ => {}
        }
        Step::Done(0)
    }
}

/// Splits a command into words with shell quoting ('…', "…", backslash).
pub(crate) fn split_words(line: &str) -> Vec<String> {
    let (mut words, mut word, mut quote, mut started) = (Vec::new(), String::new(), None, false);
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '\'' | '"') => {
                quote = Some(c);
                started = true;
            }
            (Some(q), c) if c == q => quote = None,
            (None | Some('"'), '\\') => {
                if let Some(next) = chars.next() {
                    word.push(next);
                    started = true;
                }
            }
            (None, c) if c.is_whitespace() => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            (_, c) => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell() -> Shell {
        Shell {
            pod: "web-0".into(),
            namespace: "default".into(),
            container: "app".into(),
            rows: 24,
            cols: 80,
            last: 0,
        }
    }

    #[test]
    fn words_split_as_a_shell_splits_them() {
        assert_eq!(
            split_words(r#"echo "a b"  'c d' e\ f"#),
            ["echo", "a b", "c d", "e f"]
        );
        assert_eq!(
            split_words(r#"sh -c "echo hi; exit 3""#),
            ["sh", "-c", "echo hi; exit 3"]
        );
        assert!(split_words("   ").is_empty());
    }

    #[test]
    fn commands_print_and_set_the_exit_code() {
        let mut sh = shell();
        let mut out = Vec::new();
        assert_eq!(
            sh.run_line("echo shell-ok; hostname", &mut out),
            Step::Done(0)
        );
        assert_eq!(out, ["shell-ok", "web-0"]);
        out.clear();
        assert_eq!(sh.run_line("nope", &mut out), Step::Done(127));
        assert_eq!(out, ["sh: nope: not found"]);
        out.clear();
        sh.rows = 40;
        sh.cols = 120;
        sh.run_line("stty size", &mut out);
        assert_eq!(out, ["40 120"]);
        assert_eq!(sh.run_line("exit 3", &mut out), Step::Exit(3));
        assert_eq!(
            sh.run(
                &["sh".into(), "-c".into(), "echo a; exit 4".into()],
                &mut out
            ),
            Step::Exit(4)
        );
        assert_eq!(sh.run_line("sleep 2", &mut out), Step::Sleep(2));
    }
}
