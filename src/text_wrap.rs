//! Prose wrapped for a terminal: `explain` and `explain --error` print
//! rationales and fixes through it.

/// The words of `s` on lines of at most 78 columns (a longer word stands
/// alone on its line).
pub fn wrap(s: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for w in s.split_whitespace() {
        if width + w.len() > 78 && width > 0 {
            out.push('\n');
            width = 0;
        } else if width > 0 {
            out.push(' ');
            width += 1;
        }
        out.push_str(w);
        width += w.len();
    }
    out
}
