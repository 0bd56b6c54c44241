//! Where a workflow's `secrets.*` and other expression contexts appear.

use std::sync::LazyLock;

static SECRET_RE: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r#"secrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[\s*['"]([^'"]+)['"]\s*\])"#)
        .expect("static regex")
});

/// Each `secrets.NAME` inside `${{ }}` in `text`: (byte offset, NAME).
pub fn secret_refs(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut rest = 0;
    while let Some(open) = text[rest..].find("${{") {
        let start = rest + open;
        let end = text[start..]
            .find("}}")
            .map(|e| start + e + 2)
            .unwrap_or(text.len());
        for c in SECRET_RE.captures_iter(&text[start..end]) {
            let m = c.get(0).map(|m| m.start()).unwrap_or(0);
            let name = c
                .get(1)
                .or_else(|| c.get(2))
                .map(|n| n.as_str().to_string())
                .unwrap_or_default();
            // Skip commented-out lines.
            let line_start = text[..start + m].rfind('\n').map(|i| i + 1).unwrap_or(0);
            if text[line_start..start + m].trim_start().starts_with('#') {
                continue;
            }
            out.push((start + m, name));
        }
        rest = end;
    }
    out
}

/// Whether a value is (or contains) a secret other than `GITHUB_TOKEN`.
pub fn has_registry_secret(value: &str) -> bool {
    secret_refs(value)
        .iter()
        .any(|(_, n)| !n.eq_ignore_ascii_case("GITHUB_TOKEN"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_secret_references() {
        let t = "a: ${{ secrets.PYPI_TOKEN }}\nb: ${{ secrets['X'] || secrets.GITHUB_TOKEN }}\n# c: ${{ secrets.OLD }}\nd: secrets.NOT_EXPR";
        let names: Vec<String> = secret_refs(t).into_iter().map(|(_, n)| n).collect();
        assert_eq!(names, ["PYPI_TOKEN", "X", "GITHUB_TOKEN"]);
        assert!(has_registry_secret("${{ secrets.NPM_TOKEN }}"));
        assert!(!has_registry_secret("${{ secrets.GITHUB_TOKEN }}"));
    }
}
