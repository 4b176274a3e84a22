//! What the XML writers (KML, CAP) share: a document with its declaration, text elements that
//! escape only what XML requires, and the characters XML 1.0 allows.

use std::io;

use quick_xml::escape::partial_escape;
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

/// An indented UTF-8 XML document: the declaration, then what `body` writes.
pub(crate) fn document(body: impl FnOnce(&mut Writer<Vec<u8>>) -> io::Result<()>) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .and_then(|_| body(&mut w))
        .expect("writing to memory cannot fail");
    String::from_utf8(w.into_inner()).expect("the writer emits UTF-8")
}

/// `<name>value</name>`, escaping only what XML requires in text (<, >, &) so apostrophes read
/// as written, and dropping characters XML forbids.
pub(crate) fn text<W: io::Write>(w: &mut Writer<W>, name: &str, value: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::from_escaped(partial_escape(xml_chars(value))))?;
    Ok(())
}

/// `value` without the characters XML 1.0 forbids (§2.2: control characters other than tab,
/// line feed and carriage return, and U+FFFE, U+FFFF), which a scenario name may hold.
pub(crate) fn xml_chars(value: &str) -> String {
    value
        .chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
        })
        .collect()
}
