//! `mix.exs` read as text (never executed): the version (`version: "…"` in
//! `project`, or `@version "…"` that it refers to) and the Hex metadata keys.

use super::Field;
use crate::finding::Location;
use crate::repo::TextFile;
use regex::Regex;
use std::sync::LazyLock;

static ATTR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^\s*@version\s+"([^"]+)""#).expect("static regex"));
static KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\bversion:\s*("([^"]+)"|@version\b)"#).expect("static regex"));

#[derive(Debug, Clone, PartialEq)]
pub struct MixProject {
    pub path: String,
    /// The version, at the line of its string literal.
    pub version: Option<Field>,
    /// Why there is no version source when `version:` is computed.
    pub version_note: Option<String>,
    /// `package:` or `description:` present: meant for Hex.
    pub publishes_to_hex: bool,
    pub description: Option<Location>,
    pub licenses: Option<Location>,
    pub links: Option<Location>,
    /// Where `def project` is (or line 1), for findings about missing keys.
    pub project_location: Location,
    /// Where `package:` is, for findings about missing Hex package keys.
    pub package_location: Option<Location>,
}

/// The code part of a line: everything before a `#` comment outside a string.
fn code(line: &str) -> &str {
    let mut in_str = false;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match c {
            '"' if prev != '\\' => in_str = !in_str,
            '#' if !in_str => return &line[..i],
            _ => {}
        }
        prev = c;
    }
    line
}

pub fn read(path: &str, file: &TextFile) -> MixProject {
    let text: &str = &file.text;
    let mut attr: Option<Field> = None;
    let mut key: Option<Field> = None;
    let mut key_uses_attr = false;
    let mut key_other: Option<usize> = None;
    let find = |name: &str, line_no: usize, line: &str, slot: &mut Option<Location>| {
        if slot.is_none()
            && let Some(i) = line.find(name)
            && line[..i]
                .chars()
                .last()
                .is_none_or(|c| !c.is_alphanumeric() && c != '_')
        {
            *slot = Some(Location::new(path, line_no, i + 1));
        }
    };
    let mut description = None;
    let mut licenses = None;
    let mut links = None;
    let mut package = None;
    let mut project = None;
    let mut offset = 0;
    for (n, raw) in text.split('\n').enumerate() {
        let line_no = n + 1;
        let line = code(raw);
        if attr.is_none()
            && let Some(c) = ATTR.captures(line)
        {
            let m = c.get(1).expect("group");
            attr = Some(Field {
                value: m.as_str().to_string(),
                location: file.location(path, offset + m.start()),
            });
        }
        if key.is_none()
            && !key_uses_attr
            && let Some(c) = KEY.captures(line)
        {
            match c.get(2) {
                Some(m) => {
                    key = Some(Field {
                        value: m.as_str().to_string(),
                        location: file.location(path, offset + m.start()),
                    })
                }
                None => key_uses_attr = true,
            }
        } else if key.is_none()
            && !key_uses_attr
            && key_other.is_none()
            && line.contains("version:")
        {
            key_other = Some(line_no);
        }
        find("description:", line_no, line, &mut description);
        find("licenses:", line_no, line, &mut licenses);
        find("links:", line_no, line, &mut links);
        find("package:", line_no, line, &mut package);
        find("def project", line_no, line, &mut project);
        offset += raw.len() + 1;
    }
    let (version, version_note) = match (key, key_uses_attr, attr) {
        (Some(k), _, _) => (Some(k), None),
        (None, true, Some(a)) => (Some(a), None),
        (None, true, None) => (
            None,
            Some("`version: @version`, but `@version` is not a string literal".to_string()),
        ),
        (None, false, Some(a)) if key_other.is_none() => (Some(a), None),
        (None, false, _) => (
            None,
            key_other.map(|l| format!("`version:` on line {l} is computed, not a literal")),
        ),
    };
    MixProject {
        path: path.to_string(),
        version,
        version_note,
        publishes_to_hex: package.is_some() || description.is_some(),
        package_location: package.clone(),
        description,
        licenses,
        links,
        project_location: project.unwrap_or_else(|| Location::file(path)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mix(t: &str) -> MixProject {
        read("mix.exs", &TextFile::new(t))
    }

    #[test]
    fn literal_version_key() {
        let m = mix(
            "defmodule A.MixProject do\n  def project do\n    [app: :a,\n     version: \"1.4.0\",\n     description: \"x\"]\n  end\nend\n",
        );
        let v = m.version.unwrap();
        assert_eq!((v.value.as_str(), v.location.line), ("1.4.0", 4));
        assert!(m.publishes_to_hex);
        assert!(m.licenses.is_none());
        assert_eq!(m.project_location.line, 2);
    }

    #[test]
    fn module_attribute_version() {
        let m = mix(
            "defmodule A do\n  # version: \"0.0.1\" in a comment\n  @version \"2.3.1\"\n  def project, do: [version: @version, package: package()]\n  defp package, do: [licenses: [\"MIT\"], links: %{}]\nend\n",
        );
        let v = m.version.unwrap();
        assert_eq!((v.value.as_str(), v.location.line), ("2.3.1", 3));
        assert!(m.licenses.is_some() && m.links.is_some());
        assert!(m.description.is_none());
    }

    #[test]
    fn computed_version_is_not_a_source() {
        let m = mix(
            "def project do\n  [version: version()]\nend\ndefp version, do: File.read!(\"VERSION\")\n",
        );
        assert!(m.version.is_none());
        assert!(m.version_note.unwrap().contains("computed"));
        assert!(!m.publishes_to_hex);
    }
}
