//! The docs page as a flat list of Markdown blocks, read with pulldown-cmark (CommonMark plus
//! GitHub tables and YAML front matter).
//!
//! Only what doc-check reads is kept: headings, paragraphs, list items (with their bold label and
//! code spans apart), tables (cell text) and code blocks (language and text), each with its line.
//! Inline markup is flattened to its text; code spans lose their backticks. Jekyll's `{% tab %}`
//! tags are plain paragraphs to a Markdown parser and are kept as such.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

/// One block of the page, in page order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// `# Title`, `## section`, … with its level (1–6).
    Heading {
        /// 1 for `#`, 2 for `##`, …
        level: u8,
        /// The heading's text.
        text: String,
        /// 1-based line of the heading.
        line: usize,
    },
    /// A paragraph outside list items, e.g. `Response:`.
    Paragraph {
        /// The paragraph's text, inline markup flattened.
        text: String,
        /// 1-based line where it starts.
        line: usize,
    },
    /// A list item such as ``- **Method**: `GET` ``.
    Item {
        /// The text of its first bold span (`Method`), trimmed; empty when it has none.
        label: String,
        /// The code spans after the label, in order (`GET`).
        codes: Vec<String>,
        /// All of its text after the label, code spans included, trimmed.
        text: String,
        /// 1-based line where it starts.
        line: usize,
    },
    /// A table: the header cells and each body row's cells, trimmed.
    Table {
        /// The header row's cells.
        header: Vec<String>,
        /// Each body row: its line and its cells.
        rows: Vec<(usize, Vec<String>)>,
        /// 1-based line of the header row.
        line: usize,
    },
    /// A code block with its info string's first word (`json`, `bash`, or empty).
    Code {
        /// The language, lower-cased.
        lang: String,
        /// The code, verbatim.
        text: String,
        /// 1-based line of the opening fence.
        line: usize,
    },
}

/// An open list item while its events arrive.
struct OpenItem {
    line: usize,
    label: Option<String>,
    /// The text of the first bold span, while it is open.
    strong: Option<String>,
    codes: Vec<String>,
    text: String,
}

/// An open table while its events arrive.
struct OpenTable {
    line: usize,
    header: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
    row: Vec<String>,
    row_line: usize,
    cell: Option<String>,
}

/// The leaf block collecting text outside items and tables.
enum OpenLeaf {
    Heading(u8, usize, String),
    Paragraph(usize, String),
    Code(String, usize, String),
}

/// Reads `page` into blocks.
pub fn blocks(page: &str) -> Vec<Block> {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(page.match_indices('\n').map(|(at, _)| at + 1))
        .collect();
    let line_of = |offset: usize| line_starts.partition_point(|&start| start <= offset);

    let options = Options::ENABLE_TABLES | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let mut out = Vec::new();
    let mut items: Vec<OpenItem> = Vec::new();
    let mut table: Option<OpenTable> = None;
    let mut leaf: Option<OpenLeaf> = None;
    let mut in_metadata = false;

    for (event, range) in Parser::new_ext(page, options).into_offset_iter() {
        let line = line_of(range.start);
        match event {
            Event::Start(Tag::MetadataBlock(_)) => in_metadata = true,
            Event::End(TagEnd::MetadataBlock(_)) => in_metadata = false,
            Event::Start(Tag::Heading { level, .. }) => {
                leaf = Some(OpenLeaf::Heading(level as u8, line, String::new()));
            }
            // A paragraph inside a list item (a loose list) is part of the item's text.
            Event::Start(Tag::Paragraph) if items.is_empty() => {
                leaf = Some(OpenLeaf::Paragraph(line, String::new()));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_ascii_lowercase(),
                    CodeBlockKind::Indented => String::new(),
                };
                leaf = Some(OpenLeaf::Code(lang, line, String::new()));
            }
            Event::End(TagEnd::Heading(_) | TagEnd::Paragraph | TagEnd::CodeBlock) => {
                match leaf.take() {
                    Some(OpenLeaf::Heading(level, line, text)) => out.push(Block::Heading {
                        level,
                        text: text.trim().to_owned(),
                        line,
                    }),
                    Some(OpenLeaf::Paragraph(line, text)) => out.push(Block::Paragraph {
                        text: text.trim().to_owned(),
                        line,
                    }),
                    Some(OpenLeaf::Code(lang, line, text)) => {
                        out.push(Block::Code { lang, text, line })
                    }
                    None => {}
                }
            }
            Event::Start(Tag::Item) => items.push(OpenItem {
                line,
                label: None,
                strong: None,
                codes: Vec::new(),
                text: String::new(),
            }),
            Event::End(TagEnd::Item) => {
                if let Some(item) = items.pop() {
                    out.push(Block::Item {
                        label: item.label.unwrap_or_default().trim().to_owned(),
                        codes: item.codes,
                        text: item.text.trim().to_owned(),
                        line: item.line,
                    });
                }
            }
            Event::Start(Tag::Strong) => {
                if let Some(item) = items.last_mut().filter(|item| item.label.is_none()) {
                    item.strong = Some(String::new());
                }
            }
            Event::End(TagEnd::Strong) => {
                if let Some(item) = items.last_mut() {
                    item.label = item.strong.take().or_else(|| item.label.take());
                }
            }
            Event::Start(Tag::Table(_)) => {
                table = Some(OpenTable {
                    line,
                    header: Vec::new(),
                    rows: Vec::new(),
                    row: Vec::new(),
                    row_line: line,
                    cell: None,
                });
            }
            Event::Start(Tag::TableHead | Tag::TableRow) => {
                if let Some(table) = &mut table {
                    table.row.clear();
                    table.row_line = line;
                }
            }
            Event::Start(Tag::TableCell) => {
                if let Some(table) = &mut table {
                    table.cell = Some(String::new());
                }
            }
            Event::End(TagEnd::TableCell) => {
                if let Some(table) = &mut table {
                    let cell = table.cell.take().unwrap_or_default();
                    table.row.push(cell.trim().to_owned());
                }
            }
            Event::End(TagEnd::TableHead) => {
                if let Some(table) = &mut table {
                    table.header = std::mem::take(&mut table.row);
                }
            }
            Event::End(TagEnd::TableRow) => {
                if let Some(table) = &mut table {
                    let row = std::mem::take(&mut table.row);
                    table.rows.push((table.row_line, row));
                }
            }
            Event::End(TagEnd::Table) => {
                if let Some(table) = table.take() {
                    out.push(Block::Table {
                        header: table.header,
                        rows: table.rows,
                        line: table.line,
                    });
                }
            }
            Event::Text(text) if !in_metadata => {
                push_text(&text, false, &mut table, &mut leaf, &mut items)
            }
            Event::Code(code) => push_text(&code, true, &mut table, &mut leaf, &mut items),
            Event::SoftBreak | Event::HardBreak => {
                push_text(" ", false, &mut table, &mut leaf, &mut items)
            }
            _ => {}
        }
    }
    out
}

/// Appends text to whatever is open, innermost first: a table cell, a code block or heading or
/// paragraph, else the innermost list item.
fn push_text(
    text: &str,
    is_code: bool,
    table: &mut Option<OpenTable>,
    leaf: &mut Option<OpenLeaf>,
    items: &mut [OpenItem],
) {
    if let Some(cell) = table.as_mut().and_then(|t| t.cell.as_mut()) {
        cell.push_str(text);
        return;
    }
    match leaf {
        Some(OpenLeaf::Heading(_, _, buffer))
        | Some(OpenLeaf::Paragraph(_, buffer))
        | Some(OpenLeaf::Code(_, _, buffer)) => {
            buffer.push_str(text);
            return;
        }
        None => {}
    }
    if let Some(item) = items.last_mut() {
        if let Some(strong) = &mut item.strong {
            strong.push_str(text);
        } else {
            if is_code {
                item.codes.push(text.to_owned());
            }
            item.text.push_str(text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_right_after_its_label_is_still_a_table() {
        // notifications.md writes `Header Parameters:` with no blank line before the table.
        let found =
            blocks("Header Parameters:\n| Field | Example |\n|:--|:--|\n|x-organization|'org'|\n");
        assert_eq!(
            found,
            [
                Block::Paragraph {
                    text: "Header Parameters:".into(),
                    line: 1
                },
                Block::Table {
                    header: vec!["Field".into(), "Example".into()],
                    rows: vec![(4, vec!["x-organization".into(), "'org'".into()])],
                    line: 2
                }
            ]
        );
    }

    #[test]
    fn items_keep_their_label_and_code_spans_apart() {
        let found = blocks(
            "---\ntitle: X\n---\n# X\n\n- **Method**: `GET`\n- **Required Headers**: `Authorization`, `x-organization`\n",
        );
        assert_eq!(
            found[1],
            Block::Item {
                label: "Method".into(),
                codes: vec!["GET".into()],
                text: ": GET".into(),
                line: 6
            }
        );
        let Block::Item { codes, .. } = &found[2] else {
            panic!("{found:?}")
        };
        assert_eq!(codes, &["Authorization", "x-organization"]);
        // Front matter is not text of the page.
        assert_eq!(
            found[0],
            Block::Heading {
                level: 1,
                text: "X".into(),
                line: 4
            }
        );
    }

    #[test]
    fn code_blocks_keep_their_language_and_text() {
        let found = blocks("\\* example notification:\n```json\n{\"a\": ,}\n```");
        assert_eq!(
            found,
            [
                Block::Paragraph {
                    text: "* example notification:".into(),
                    line: 1
                },
                Block::Code {
                    lang: "json".into(),
                    text: "{\"a\": ,}\n".into(),
                    line: 2
                }
            ]
        );
    }
}
