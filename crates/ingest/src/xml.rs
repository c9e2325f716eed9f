//! XML the way wire and migration formats need it, and safely. Every XML format newsdesk reads
//! (NewsML-G2, RSS, Atom, WordPress WXR) goes through here:
//!
//! - **No entity expansion.** A document type that declares entities is refused (billion
//!   laughs, quadratic blowup and external entities all need a declaration); nothing is ever
//!   fetched. References are looked up, never expanded: XML's five, numeric ones, and HTML 4's
//!   names (feeds use `&nbsp;` without declaring it); an unknown one is kept as written.
//! - **Bounded.** Nesting deeper than [`MAX_DEPTH`] and a single element larger than
//!   [`MAX_ELEMENT_BYTES`] are errors, so time and memory grow with the input, never faster.
//! - **Encodings.** UTF-8 and UTF-16 by their byte-order marks; other encodings from the XML
//!   declaration, transcoded to UTF-8 first. A document that says ISO-8859-1 but is valid UTF-8
//!   with non-ASCII text is read as UTF-8: publishers mislabel, and Latin-1 would turn every
//!   "ü" into "Ã¼".
//! - **Namespaces** are resolved, and the families formats are written with are folded to one
//!   short key each ([`ns`]): `http` or `https`, WXR 1.0 to 1.2, Atom with or without its URI.
//!
//! Documents become small trees of [`Element`]s; a large file (a WordPress export of a whole
//! site) is read as a [`Stream`] of such trees, one item at a time.

use std::borrow::Cow;
use std::io::BufRead;

use quick_xml::NsReader;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

use crate::entities;

/// Deepest nesting read. Real documents stay under 30.
pub const MAX_DEPTH: usize = 200;
/// Largest single element read whole (a whole small document, or one item of a stream).
pub const MAX_ELEMENT_BYTES: u64 = 32 * 1024 * 1024;

/// Short keys for the namespaces the formats use; any other namespace keeps its URI.
pub mod ns {
    pub const NONE: &str = "";
    pub const XML: &str = "xml";
    pub const ATOM: &str = "atom";
    pub const RSS1: &str = "rss1";
    pub const RDF: &str = "rdf";
    pub const CONTENT: &str = "content";
    pub const DC: &str = "dc";
    pub const MEDIA: &str = "media";
    pub const ITUNES: &str = "itunes";
    pub const WP: &str = "wp";
    pub const EXCERPT: &str = "excerpt";
    pub const NAR: &str = "nar";
    pub const NITF: &str = "nitf";
    pub const XHTML: &str = "xhtml";
}

fn fold_namespace(uri: &str) -> Cow<'static, str> {
    let bare = uri.trim().trim_start_matches("https://").trim_start_matches("http://");
    let key = match bare.trim_end_matches('/') {
        "www.w3.org/XML/1998/namespace" => ns::XML,
        "www.w3.org/2005/Atom" | "purl.org/atom/ns#" => ns::ATOM,
        "purl.org/rss/1.0" => ns::RSS1,
        "www.w3.org/1999/02/22-rdf-syntax-ns#" => ns::RDF,
        "purl.org/rss/1.0/modules/content" => ns::CONTENT,
        "purl.org/dc/elements/1.1" | "purl.org/dc/terms" => ns::DC,
        "search.yahoo.com/mrss" => ns::MEDIA,
        "www.itunes.com/dtds/podcast-1.0.dtd" => ns::ITUNES,
        "iptc.org/std/nar/2006-10-01" => ns::NAR,
        "iptc.org/std/NITF/2006-10-18" => ns::NITF,
        "www.w3.org/1999/xhtml" => ns::XHTML,
        b if b.starts_with("wordpress.org/export/1.") && b.ends_with("/excerpt") => ns::EXCERPT,
        b if b.starts_with("wordpress.org/export/1.") => ns::WP,
        _ => return Cow::Owned(uri.to_string()),
    };
    Cow::Borrowed(key)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct XmlError {
    pub line: usize,
    pub message: String,
}

/// An element: its namespace key (see [`ns`]), local name, attributes and children.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Element {
    pub ns: String,
    pub name: String,
    pub attrs: Vec<Attr>,
    pub children: Vec<Node>,
    /// Where it starts (1-based), for error messages.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attr {
    pub ns: String,
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    pub fn is(&self, ns: &str, name: &str) -> bool {
        self.ns == ns && self.name == name
    }

    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element named `name` in namespace `ns`.
    pub fn child(&self, ns: &str, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.is(ns, name))
    }

    pub fn children_named<'a>(&'a self, ns: &'a str, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.elements().filter(move |e| e.is(ns, name))
    }

    /// Follows a path of child names, all in `ns`.
    pub fn path(&self, ns: &str, names: &[&str]) -> Option<&Element> {
        names.iter().try_fold(self, |e, name| e.child(ns, name))
    }

    /// The first child element named `name`, whatever its namespace: for formats written both
    /// with and without one (NITF, NewsML 1.2), whose elements all share the document's.
    pub fn local(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// Every child element named `name`, whatever its namespace.
    pub fn locals<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.elements().filter(move |e| e.name == name)
    }

    /// Follows a path of child names, whatever their namespace.
    pub fn local_path(&self, names: &[&str]) -> Option<&Element> {
        names.iter().try_fold(self, |e, name| e.local(name))
    }

    /// An attribute without a namespace (how most formats write them).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attr_ns(ns::NONE, name)
    }

    pub fn attr_ns(&self, ns: &str, name: &str) -> Option<&str> {
        self.attrs.iter().find(|a| a.ns == ns && a.name == name).map(|a| a.value.as_str())
    }

    /// All the text inside, as written (markup dropped, whitespace kept).
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.collect_text(&mut out);
        out
    }

    fn collect_text(&self, out: &mut String) {
        for child in &self.children {
            match child {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) if e.name == "br" => out.push('\n'),
                Node::Element(e) => e.collect_text(out),
            }
        }
    }

    /// The text with runs of whitespace made one space; `None` when there is none.
    pub fn text_collapsed(&self) -> Option<String> {
        let t = collapse(&self.text());
        (!t.is_empty()).then_some(t)
    }

    /// The children written back as markup (local names, no prefixes): how inline XHTML or NITF
    /// content is handed to the HTML sanitizer.
    pub fn inner_markup(&self) -> String {
        let mut out = String::new();
        for child in &self.children {
            write_node(child, &mut out);
        }
        out
    }
}

fn write_node(node: &Node, out: &mut String) {
    match node {
        Node::Text(t) => escape_into(t, out, false),
        Node::Element(e) => {
            out.push('<');
            out.push_str(&e.name);
            for a in e.attrs.iter().filter(|a| a.ns.is_empty()) {
                out.push(' ');
                out.push_str(&a.name);
                out.push_str("=\"");
                escape_into(&a.value, out, true);
                out.push('"');
            }
            out.push('>');
            for c in &e.children {
                write_node(c, out);
            }
            out.push_str("</");
            out.push_str(&e.name);
            out.push('>');
        }
    }
}

fn escape_into(s: &str, out: &mut String, attribute: bool) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Parses a whole document into its root element.
pub fn parse(bytes: &[u8]) -> Result<Element, XmlError> {
    let text = decode(bytes)?;
    let mut stream = Stream::new(text.as_bytes());
    stream.next_at(0)?.ok_or_else(|| XmlError { line: 1, message: "no root element: the document is empty".into() })
}

/// The document as UTF-8 (see the module's notes on encodings).
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, XmlError> {
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        return utf8(rest).map(Cow::Borrowed);
    }
    for (bom, enc) in [(&b"\xff\xfe"[..], encoding_rs::UTF_16LE), (&b"\xfe\xff"[..], encoding_rs::UTF_16BE)] {
        if bytes.starts_with(bom) {
            let (text, _, bad) = enc.decode(bytes);
            if bad {
                return Err(XmlError { line: 1, message: format!("not valid {}", enc.name()) });
            }
            return Ok(Cow::Owned(text.into_owned()));
        }
    }
    let Some(label) = declared_encoding(bytes) else { return utf8(bytes).map(Cow::Borrowed) };
    let Some(enc) = encoding_rs::Encoding::for_label(label.as_bytes()) else {
        return Err(XmlError { line: 1, message: format!("the XML declaration names an unknown encoding {label:?}") });
    };
    if enc == encoding_rs::UTF_8 || (enc == encoding_rs::WINDOWS_1252 && std::str::from_utf8(bytes).is_ok()) {
        // Declared UTF-8, or a Latin-1 label on bytes that are valid UTF-8 (mislabelled: real
        // Latin-1 text with accents is almost never valid UTF-8).
        return utf8(bytes).map(Cow::Borrowed);
    }
    let (text, _, bad) = enc.decode(bytes);
    if bad {
        return Err(XmlError { line: 1, message: format!("bytes that are not valid {}", enc.name()) });
    }
    Ok(Cow::Owned(text.into_owned()))
}

fn utf8(bytes: &[u8]) -> Result<&str, XmlError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count();
        XmlError { line, message: "not UTF-8, and the XML declaration names no other encoding".into() }
    })
}

/// The `encoding` of an XML declaration at the very start, if any.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(256)];
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(&head[..end]).ok()?;
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    Some(value[..value.find(quote)?].trim().to_string())
}

/// Counts the lines a reader has handed out, so errors can name a line in a stream.
struct Lines<R> {
    inner: R,
    line: usize,
}

impl<R: BufRead> std::io::Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = {
            let available = self.inner.fill_buf()?;
            let n = available.len().min(buf.len());
            buf[..n].copy_from_slice(&available[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Lines<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            self.line += buf[..amt.min(buf.len())].iter().filter(|b| **b == b'\n').count();
        }
        self.inner.consume(amt);
    }
}

/// Reads a document element by element: [`Stream::next_at`] returns the next element at a
/// depth, whole, and forgets it once returned. The input must be UTF-8 (see [`decode`]).
pub struct Stream<R> {
    reader: NsReader<Lines<R>>,
    /// The open elements above the reading position: (namespace key, local name).
    open: Vec<(String, String)>,
    root: Option<(String, String)>,
}

impl<R: BufRead> Stream<R> {
    pub fn new(input: R) -> Stream<R> {
        let mut reader = NsReader::from_reader(Lines { inner: input, line: 1 });
        let config = reader.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = true;
        Stream { reader, open: Vec::new(), root: None }
    }

    /// The root element's namespace key and name, once reading has reached it.
    pub fn root(&self) -> Option<(&str, &str)> {
        self.root.as_ref().map(|(n, l)| (n.as_str(), l.as_str()))
    }

    fn line(&self) -> usize {
        self.reader.get_ref().line
    }

    fn error(&self, message: impl Into<String>) -> XmlError {
        XmlError { line: self.line(), message: message.into() }
    }

    /// The next element that starts at `depth` (the root is 0), read whole; `None` when the
    /// document ends first. Elements at other depths are passed over.
    pub fn next_at(&mut self, depth: usize) -> Result<Option<Element>, XmlError> {
        let mut buf = Vec::with_capacity(1024);
        loop {
            buf.clear();
            let (ns, event) = self.step(&mut buf)?;
            match event {
                Event::Start(start) => {
                    let name = local_name(&start);
                    if self.root.is_none() {
                        self.root = Some((ns.clone(), name.clone()));
                    }
                    if self.open.len() == depth {
                        let head = self.element_head(&start, ns, name)?;
                        return self.read_element(head).map(Some);
                    }
                    if self.open.len() >= MAX_DEPTH {
                        return Err(self.error(format!("elements nested deeper than {MAX_DEPTH}")));
                    }
                    self.open.push((ns, name));
                }
                Event::End(_) => {
                    self.open.pop();
                }
                Event::DocType(doctype) => check_doctype(&doctype).map_err(|m| self.error(m))?,
                Event::Text(t) if self.open.is_empty() && !t.trim().is_empty() => {
                    return Err(self.error("text outside the root element"));
                }
                Event::Eof => {
                    if let Some((_, name)) = self.open.last() {
                        return Err(self.error(format!("the document ends inside <{name}> (truncated?)")));
                    }
                    return Ok(None);
                }
                _ => {}
            }
        }
    }

    /// The next event, with the namespace key of its name.
    fn step<'b>(&mut self, buf: &'b mut Vec<u8>) -> Result<(String, Event<'b>), XmlError> {
        let step = self
            .reader
            .read_resolved_event_into(buf)
            .map(|(resolved, event)| (namespace_key(&resolved).into_owned(), event))
            .map_err(|e| describe(&e));
        step.map_err(|message| XmlError { line: self.line(), message })
    }

    fn element_head(&self, start: &BytesStart<'_>, ns: String, name: String) -> Result<Element, XmlError> {
        let mut attrs = Vec::new();
        for attr in start.attributes().with_checks(true) {
            let attr = attr.map_err(|e| self.error(format!("in <{name}>: {e}")))?;
            let key: &str = attr.key.as_ref();
            if key == "xmlns" || key.starts_with("xmlns:") {
                continue;
            }
            let (resolved, local) = self.reader.resolver().resolve_attribute(attr.key);
            attrs.push(Attr {
                ns: namespace_key(&resolved).into_owned(),
                name: local.as_ref().to_string(),
                value: unescape(&attr.value).into_owned(),
            });
        }
        Ok(Element { ns, name, attrs, children: Vec::new(), line: self.line() })
    }

    /// Reads the rest of an element whose start tag was just read.
    fn read_element(&mut self, head: Element) -> Result<Element, XmlError> {
        let start_at = self.reader.buffer_position();
        let mut buf = Vec::with_capacity(1024);
        let mut stack = vec![head];
        loop {
            if self.reader.buffer_position().saturating_sub(start_at) > MAX_ELEMENT_BYTES {
                let name = &stack[0].name;
                return Err(self.error(format!("<{name}> is larger than {MAX_ELEMENT_BYTES} bytes")));
            }
            buf.clear();
            let (ns, event) = self.step(&mut buf)?;
            let top = stack.last_mut().expect("the element being read is on the stack");
            match event {
                Event::Start(start) => {
                    if self.open.len() + stack.len() >= MAX_DEPTH {
                        return Err(self.error(format!("elements nested deeper than {MAX_DEPTH}")));
                    }
                    let name = local_name(&start);
                    let head = self.element_head(&start, ns, name)?;
                    stack.push(head);
                }
                Event::End(_) => {
                    let done = stack.pop().expect("an open element");
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(Node::Element(done)),
                        None => return Ok(done),
                    }
                }
                Event::Text(t) => push_text(top, &t.xml_content(XmlVersion::Implicit1_0)),
                Event::CData(c) => push_text(top, &c.xml_content(XmlVersion::Implicit1_0)),
                Event::GeneralRef(r) => {
                    let name = r.to_string();
                    match entities::numeric(&name).or_else(|| entities::named(&name)) {
                        Some(c) => push_text(top, c.encode_utf8(&mut [0; 4])),
                        None => push_text(top, &format!("&{name};")),
                    }
                }
                Event::Eof => {
                    let name = &stack.last().expect("an open element").name;
                    return Err(self.error(format!("the document ends inside <{name}> (truncated?)")));
                }
                Event::DocType(doctype) => check_doctype(&doctype).map_err(|m| self.error(m))?,
                _ => {}
            }
        }
    }
}

fn push_text(e: &mut Element, text: &str) {
    if let Some(Node::Text(t)) = e.children.last_mut() {
        t.push_str(text);
    } else {
        e.children.push(Node::Text(text.to_string()));
    }
}

fn local_name(start: &BytesStart<'_>) -> String {
    start.local_name().as_ref().to_string()
}

fn namespace_key(resolved: &ResolveResult<'_>) -> Cow<'static, str> {
    match resolved {
        ResolveResult::Bound(n) => fold_namespace(n.as_ref()),
        ResolveResult::Unbound => Cow::Borrowed(ns::NONE),
        // An undeclared prefix: keep it visible rather than guess.
        ResolveResult::Unknown(prefix) => Cow::Owned(format!("undeclared:{prefix}")),
    }
}

/// Attribute values: references looked up like text; an unknown one kept as written.
fn unescape(raw: &str) -> Cow<'_, str> {
    entities::decode(raw)
}

/// A document type may name a DTD (RSS 0.91 does) but never declare entities.
fn check_doctype(text: &str) -> Result<(), String> {
    if text.contains("<!ENTITY") {
        return Err("the document type declares entities; newsdesk never expands them (entity expansion is how \
                    billion-laughs and external-entity attacks work)"
            .into());
    }
    Ok(())
}

fn describe(e: &quick_xml::Error) -> String {
    format!("not well-formed XML: {e}")
}

#[cfg(test)]
mod tests;
