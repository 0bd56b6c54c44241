//! What a Markdown document states about a registry's trusted-publisher
//! settings ("Workflow filename: release.yml", "Environment name: pypi", in
//! a list, prose or a table), read apart from any judgement of it:
//! docs-workflow-agreement compares these statements with the workflows.

use crate::repo::markdown::MarkdownDoc;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Field {
    Workflow,
    Environment,
    Repository,
    Owner,
}

/// One setting stated in a document.
#[derive(Debug, Clone)]
pub struct Stated {
    pub field: Field,
    pub value: String,
    pub line: usize,
    pub column: usize,
}

fn field_of(key: &str) -> Option<Field> {
    // Emphasis and code marks go; so does a parenthesised aside
    // ("Environment name (optional but recommended)").
    let mut k = String::new();
    let mut depth = 0usize;
    for c in key.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            '*' | '_' | '`' => {}
            c if depth == 0 => k.push(c),
            _ => {}
        }
    }
    let k = k.to_lowercase();
    let k = k.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(match k.as_str() {
        "workflow" | "workflow name" | "workflow filename" | "workflow file"
        | "workflow file name" => Field::Workflow,
        "environment" | "environment name" | "github environment" => Field::Environment,
        "repository" | "repository name" | "repo" | "repo name" => Field::Repository,
        "owner"
        | "organization"
        | "organization or user"
        | "user or organization"
        | "organization/user"
        | "org or user"
        | "repository owner"
        | "organization or user name" => Field::Owner,
        _ => return None,
    })
}

/// Words that state a field is left blank ("Environment: leave blank").
fn is_blank_word(v: &str) -> bool {
    let v = v.to_lowercase();
    let v = v.trim_matches(|c: char| !c.is_alphanumeric() && c != '/');
    matches!(
        v,
        "leave"
            | "blank"
            | "empty"
            | "none"
            | "n/a"
            | "na"
            | "unset"
            | "omit"
            | "omitted"
            | "optional"
            | "any"
            | "留空"
            | "空"
    ) || v.is_empty()
}

/// The value at the start of `rest`: the first code span if it starts with
/// one, else the first word; with its byte offset in `rest`.
fn value_at(rest: &str) -> Option<(String, usize)> {
    let lead = rest.len() - rest.trim_start_matches([' ', '\t', '*', '_']).len();
    let r = &rest[lead..];
    if let Some(inner) = r.strip_prefix('`') {
        let end = inner.find('`')?;
        let v = inner[..end].trim();
        return (!is_blank_word(v)).then(|| (v.to_string(), lead + 1));
    }
    let word: &str = r.split_whitespace().next()?;
    let v = word.trim_matches(|c: char| {
        matches!(
            c,
            '.' | ',' | ';' | ')' | '(' | '[' | ']' | '*' | '_' | '"' | '\''
        )
    });
    if is_blank_word(v) || v == "—" || v == "-" {
        return None;
    }
    let off = lead + r.find(v).unwrap_or(0);
    Some((v.to_string(), off))
}

/// Settings stated in a Markdown document, grouped into records (one per
/// stated publisher): `Key: value` prose and list items, two-column
/// key/value tables, and tables whose header row names the keys. Code blocks
/// are not statements.
pub fn stated_settings(doc: &MarkdownDoc) -> Vec<Vec<Stated>> {
    let text: &str = &doc.file.text;
    // (byte offset, field, value)
    let mut found: Vec<(usize, Field, String)> = Vec::new();
    for table in &doc.tables {
        let header: Vec<Option<Field>> = table
            .rows
            .first()
            .map(|r| r.iter().map(|c| field_of(&c.source)).collect())
            .unwrap_or_default();
        if header.iter().filter(|f| f.is_some()).count() >= 2 {
            for row in table.rows.iter().skip(1) {
                for (cell, field) in row.iter().zip(&header) {
                    if let Some(f) = field
                        && let Some((v, off)) = value_at(&cell.source)
                    {
                        found.push((cell.offset + off, *f, v));
                    }
                }
            }
        } else if table.rows.iter().all(|r| r.len() <= 3) {
            // A key/value table (a notes column at most). A wider table
            // whose row starts with "Workflow" is a catalogue (a tool's
            // audits, a feature matrix), not a publisher record.
            for row in &table.rows {
                if let [key, value, ..] = row.as_slice()
                    && let Some(f) = field_of(&key.source)
                    && !links_elsewhere(&value.source, text)
                    && let Some((v, off)) = value_at(&value.source)
                {
                    found.push((value.offset + off, f, v));
                }
            }
        }
    }
    let mut starts: Vec<usize> = vec![0];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        let raw = text[start..end].trim_end_matches(['\n', '\r']);
        if raw.trim().is_empty()
            || (doc.in_code_block(start) && !in_settings_block(doc, start))
            || doc.in_table(start)
        {
            continue;
        }
        let body = strip_marker(raw);
        let body_start = start + (raw.len() - body.len());
        let Some(colon) = body.find(':') else {
            continue;
        };
        // A colon inside a code span (`environment: release` quoted from a
        // workflow) is not a `Key: value` statement.
        if body[..colon].matches('`').count() % 2 == 1 {
            continue;
        }
        let Some(f) = field_of(&body[..colon]) else {
            continue;
        };
        if links_elsewhere(&body[colon + 1..], text) {
            continue;
        }
        if let Some((v, off)) = value_at(&body[colon + 1..]) {
            found.push((body_start + colon + 1 + off, f, v));
            continue;
        }
        // "Key:" with the value alone on the next non-blank line.
        let next = starts[i + 1..]
            .iter()
            .take(2)
            .map(|&s| (s, text[s..].split('\n').next().unwrap_or("")))
            .find(|(_, l)| !l.trim().is_empty());
        if let Some((nstart, nline)) = next
            && !doc.in_code_block(nstart)
        {
            let nline = nline.trim_end_matches('\r');
            let nt = strip_marker(nline);
            if nt.split_whitespace().count() == 1
                && let Some((v, off)) = value_at(nt)
            {
                found.push((nstart + (nline.len() - nt.len()) + off, f, v));
            }
        }
    }
    found.sort_by_key(|(off, _, _)| *off);
    found.dedup_by_key(|(off, _, _)| *off);

    // Group: a heading, a gap of more than six lines, or a second workflow
    // starts a new record.
    let section_of = |off: usize| doc.headings.partition_point(|h| h.section.start <= off);
    let mut records: Vec<Vec<Stated>> = Vec::new();
    let mut cur: Vec<Stated> = Vec::new();
    let mut last: Option<(usize, usize)> = None; // (section, line)
    for (off, field, value) in found {
        let (line, column) = doc.file.lines.position(text, off);
        let section = section_of(off);
        let split = last.is_some_and(|(s, l)| s != section || line > l + 6)
            || (field == Field::Workflow && cur.iter().any(|c| c.field == Field::Workflow));
        if split && !cur.is_empty() {
            records.push(std::mem::take(&mut cur));
        }
        last = Some((section, line));
        cur.push(Stated {
            field,
            value,
            line,
            column,
        });
    }
    if !cur.is_empty() {
        records.push(cur);
    }
    records
}

/// Whether a value is a Markdown link to an absolute URL (`[x.yml](https://…)`
/// or `[x.yml]` with `[x.yml]: https://…` defined in the document): a file in
/// another repository, which the doc describes, not this repository's setting.
fn links_elsewhere(value: &str, text: &str) -> bool {
    let v = value.trim_start_matches([' ', '\t', '*', '_']);
    let Some(rest) = v.strip_prefix('[') else {
        return false;
    };
    let Some(close) = rest.find(']') else {
        return false;
    };
    let label = &rest[..close];
    let after = &rest[close + 1..];
    let target = if let Some(inline) = after.strip_prefix('(') {
        inline.to_string()
    } else {
        let key = if after.starts_with("[]") || !after.starts_with('[') {
            label.to_string()
        } else {
            let r = &after[1..];
            r[..r.find(']').unwrap_or(r.len())].to_string()
        };
        let def = format!("[{}]:", key.to_lowercase());
        match text.lines().map(str::trim_start).find(|l| {
            l.len() >= def.len()
                && l.is_char_boundary(def.len())
                && l[..def.len()].to_lowercase() == def
        }) {
            Some(l) => l[def.len()..].trim().to_string(),
            None => return false,
        }
    };
    let t = target.trim_start_matches('<').to_ascii_lowercase();
    t.starts_with("https://") || t.starts_with("http://")
}

/// Whether `offset` lies in a fenced block that is a plain settings form, the
/// way registries' setup notes are usually written:
///
/// ```text
/// Workflow name: release.yml
/// Environment name: pypi
/// ```
///
/// The fence has no language (or `text`), every line inside is `Key: value`,
/// at least two keys are trusted-publisher fields, and no value is a
/// placeholder (`<package>`, `your-repo`, `{owner}`): a template for other
/// repositories is not a statement about this one. Code in a block (YAML, a
/// shell session) never qualifies.
fn in_settings_block(doc: &MarkdownDoc, offset: usize) -> bool {
    let text: &str = &doc.file.text;
    let Some(range) = doc
        .code_blocks
        .iter()
        .find(|r| r.start <= offset && offset < r.end)
    else {
        return false;
    };
    let Some(block) = text.get(range.clone()) else {
        return false;
    };
    let mut lines = block.lines();
    let Some(fence) = lines.next().map(str::trim) else {
        return false;
    };
    let info = if let Some(r) = fence.strip_prefix("```") {
        r.trim_start_matches('`')
    } else if let Some(r) = fence.strip_prefix("~~~") {
        r.trim_start_matches('~')
    } else {
        return false; // an indented code block
    };
    if !matches!(
        info.trim().to_ascii_lowercase().as_str(),
        "" | "text" | "txt" | "plain" | "plaintext"
    ) {
        return false;
    }
    let mut fields = 0;
    for line in lines {
        let t = line.trim();
        if t.is_empty() || t.starts_with("```") || t.starts_with("~~~") {
            continue;
        }
        let body = strip_marker(t);
        let Some((key, value)) = body.split_once(':') else {
            return false;
        };
        let value = value.trim();
        let lower = value.to_ascii_lowercase();
        if value.is_empty()
            || key.trim().is_empty()
            || !key
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '/' | '(' | ')'))
            || value.contains(['<', '>', '{', '}'])
            || lower.contains("your-")
            || lower.contains("your_")
            || lower.starts_with("your ")
        {
            return false;
        }
        if field_of(key).is_some() {
            fields += 1;
        }
    }
    fields >= 2
}

/// Drops a list marker, blockquote marker or numbering from the start of a line.
fn strip_marker(mut s: &str) -> &str {
    loop {
        let t = s.trim_start();
        if let Some(r) = t
            .strip_prefix("- ")
            .or_else(|| t.strip_prefix("* "))
            .or_else(|| t.strip_prefix("+ "))
            .or_else(|| t.strip_prefix('>'))
            .or_else(|| t.strip_prefix("[ ] "))
            .or_else(|| t.strip_prefix("[x] "))
        {
            s = r;
            continue;
        }
        let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
        if digits > 0
            && let Some(r) = t[digits..]
                .strip_prefix(". ")
                .or_else(|| t[digits..].strip_prefix(") "))
        {
            s = r;
            continue;
        }
        return t;
    }
}

/// Whether a document talks about trusted publishing at all; settings in
/// other documents ("Workflow file: ci.yml" in a CI overview) are not
/// publisher records.
pub fn about_trusted_publishing(text: &str) -> bool {
    // Case-insensitive search without lower-casing a copy of every document.
    static WORDS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)trusted[ -]publish|publisher|oidc").expect("valid regex")
    });
    WORDS.is_match(text)
}

pub fn is_workflow_file(v: &str) -> bool {
    let v = v.to_ascii_lowercase();
    (v.ends_with(".yml") || v.ends_with(".yaml")) && !v.contains(' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(t: &str) -> MarkdownDoc {
        MarkdownDoc::parse("d.md", std::sync::Arc::new(crate::repo::TextFile::new(t)))
    }

    fn fields(t: &str) -> Vec<(Field, String, usize)> {
        stated_settings(&doc(t))
            .into_iter()
            .flatten()
            .map(|s| (s.field, s.value, s.line))
            .collect()
    }

    #[test]
    fn talk_of_trusted_publishing_in_any_casing() {
        for yes in [
            "Set up Trusted Publishing on PyPI",
            "the TRUSTED-PUBLISHER form",
            "an OIDC token",
            "add a publisher",
        ] {
            assert!(about_trusted_publishing(yes), "{yes}");
        }
        for no in [
            "trusted by many",
            "publish with a token",
            "Workflow file: ci.yml",
        ] {
            assert!(!about_trusted_publishing(no), "{no}");
        }
    }

    #[test]
    fn list_prose_and_tables() {
        let t = "# PyPI\n\n- PyPI Project Name: `x`\n- **Owner:** acme\n- Repository name: `tool`\n   - Workflow filename: `release.yml` (the filename)\n   - Environment name: release\n";
        assert_eq!(
            fields(t),
            vec![
                (Field::Owner, "acme".into(), 4),
                (Field::Repository, "tool".into(), 5),
                (Field::Workflow, "release.yml".into(), 6),
                (Field::Environment, "release".into(), 7),
            ]
        );
        let t = "| Field | Value |\n|---|---|\n| Workflow filename | `deploy.yml` |\n| Environment | npm |\n";
        assert_eq!(
            fields(t),
            vec![
                (Field::Workflow, "deploy.yml".into(), 3),
                (Field::Environment, "npm".into(), 4),
            ]
        );
        let t = "| Owner | Repository | Workflow | Environment |\n|--|--|--|--|\n| acme | tool | release.yml | pypi |\n";
        assert_eq!(fields(t).len(), 4);
        // Value on the next line (rendered-form copies).
        let t = "- Workflow filename:\n  `release.yml`\n";
        assert_eq!(fields(t), vec![(Field::Workflow, "release.yml".into(), 2)]);
        // Fenced code is not a statement.
        assert!(fields("```\nEnvironment: prod\n```\n").is_empty());
        // Blank values and asides in the key.
        let t = "- Environment name: leave blank\n- Environment: _(leave empty)_\n- Environment name (optional but recommended): `npm`\n- Organization/user: `Acme`\n";
        assert_eq!(
            fields(t),
            vec![
                (Field::Environment, "npm".into(), 3),
                (Field::Owner, "Acme".into(), 4)
            ]
        );
    }

    #[test]
    fn records_split_on_new_workflow() {
        let t = "- Workflow filename: `a.yml`\n- Environment name: `testpypi`\n- Workflow filename: `a.yml`\n- Environment name: `pypi`\n";
        assert_eq!(stated_settings(&doc(t)).len(), 2);
    }
}
