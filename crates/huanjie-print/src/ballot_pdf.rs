//! Writing a batch of ballots as one PDF, streamed page by page.
//!
//! Every ballot of a batch is the same layout plus its own QR code and
//! printed serial. So the layout is drawn **once**: printpdf lays it out
//! (font subsets, glyph ids, `ToUnicode` maps) on a one-page template
//! document, and the page's drawing becomes a form XObject that every
//! ballot page paints with one `Do`. A page's own content is only its QR
//! code (one rectangle per run of dark modules, in a coordinate system of
//! one unit per module) and its serial, in glyph codes of the template's
//! embedded font; it is compressed on its own.
//!
//! The document is written to any [`Write`] as it goes: memory holds one
//! chunk of pages ([`CHUNK`]) and the cross-reference offsets (8 bytes per
//! object, two objects per ballot), never the document. The chunk's pages
//! are built on every core the machine has.
//!
//! Why not printpdf for every page: it maps every character of the layout
//! to a glyph again on every page and keeps the whole document in memory;
//! at 5,000 ballots that was 454 ballots/s (docs/PERFORMANCE.md).

use crate::ballot::{
    face, font_id, mm, mpt, plan, BallotGeometry, BallotLayout, Template, QR_MODULE, QR_MODULES,
    SERIAL_SIZE,
};
use crate::{FontSet, PrintError};
use huanjie_core::serial::SignedSerial;
use lopdf::{Dictionary, Object, ObjectId};
use printpdf::{
    Mm, Op, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, TextItem, TextMatrix,
    TextRenderingMode,
};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;

/// Pages built together (on all cores) before they are written.
pub const CHUNK: usize = 1024;

/// Pages under one intermediate node of the page tree (a viewer opening a
/// 100,000-page batch need not read one array of 100,000 kids).
const PAGES_PER_NODE: usize = 512;

/// Every character a printed serial can contain (Crockford base 32 and the
/// group separator).
const SERIAL_ALPHABET: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ-";

/// The serial's font: its resource name and, per ASCII character, the
/// glyph code the template's subset gives it and its advance in
/// thousandths of a point at [`SERIAL_SIZE`].
struct SerialFont {
    name: Vec<u8>,
    code: [Option<u16>; 128],
    advance: [i64; 128],
}

/// What every page shares, taken from the template document.
struct Shared {
    /// The template's objects the layout needs (fonts and their files),
    /// by their id in the template.
    objects: BTreeMap<ObjectId, Object>,
    /// The layout's resources (fonts and so on) as the template has them.
    resources: Dictionary,
    /// The layout's drawing, uncompressed.
    drawing: Vec<u8>,
    serial: SerialFont,
}

/// The ballots of a batch as one PDF in memory: see [`write_ballots`].
pub fn ballots_pdf(
    fonts: &FontSet,
    layout: &BallotLayout,
    serials: &[SignedSerial],
) -> Result<Vec<u8>, PrintError> {
    let mut out = Vec::new();
    write_ballots(fonts, layout, serials.iter().cloned(), &mut out, |_| {})?;
    Ok(out)
}

/// Writes the ballots of a batch to `out`: one A4 or A3 page per serial,
/// in order, each with the layout, its QR code and its serial in print.
/// Every text is checked against the fonts before anything is written (a
/// candidate's name with a character no font has is refused naming the
/// candidate and the character); the fonts are embedded once, as subsets.
///
/// `progress` is told the number of pages written so far after every
/// chunk. Returns the number of pages. If writing fails half-way, `out`
/// holds a truncated document: write to a temporary file and rename it.
pub fn write_ballots<W: Write>(
    fonts: &FontSet,
    layout: &BallotLayout,
    serials: impl IntoIterator<Item = SignedSerial>,
    out: W,
    mut progress: impl FnMut(usize),
) -> Result<usize, PrintError> {
    let template = plan(fonts, layout)?;
    let shared = shared(fonts, layout, &template)?;
    let g = &template.geometry;
    let mut w = PdfWriter::new(out);
    w.header()?;

    // The template's objects, renumbered from 1.
    let mut ids = HashMap::new();
    for old in shared.objects.keys() {
        ids.insert(*old, w.alloc());
    }
    for (old, object) in &shared.objects {
        let id = ids[old];
        w.begin(id)?;
        write_object(&mut w.buf, object, &ids)?;
        w.end()?;
    }

    // The layout as a form XObject, and the resources every page uses.
    let form = w.alloc();
    let (pw, ph) = layout.paper.size();
    let bbox = format!("[0 0 {} {}]", milli(mpt(pw)), milli(mpt(ph)));
    let mut dict = Vec::new();
    dict.extend_from_slice(b"/Type /XObject /Subtype /Form /BBox ");
    dict.extend_from_slice(bbox.as_bytes());
    dict.extend_from_slice(b" /Resources ");
    write_object(
        &mut dict,
        &Object::Dictionary(shared.resources.clone()),
        &ids,
    )?;
    w.stream(form, &dict, &deflate(&shared.drawing))?;

    let serial_font = font_reference(&shared, &ids)?;
    let resources = w.alloc();
    w.begin(resources)?;
    write!(
        w.buf,
        "<< /XObject << /L {form} 0 R >> /Font << /S {serial_font} 0 R >> >>"
    )
    .map_err(io)?;
    w.end()?;

    let root_pages = w.alloc();
    let mut nodes: Vec<u32> = Vec::new();
    let mut node_kids: Vec<u32> = Vec::new();
    let mut node: Option<u32> = None;
    let mut written = 0usize;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());

    let mut serials = serials.into_iter().peekable();
    let mut chunk: Vec<SignedSerial> = Vec::with_capacity(CHUNK);
    while serials.peek().is_some() {
        chunk.clear();
        chunk.extend(serials.by_ref().take(CHUNK));
        for content in page_contents(g, &shared.serial, &chunk, threads)? {
            let parent = match node {
                Some(n) if node_kids.len() < PAGES_PER_NODE => n,
                _ => {
                    if let Some(n) = node.take() {
                        w.pages_node(n, Some(root_pages), &node_kids, node_kids.len())?;
                        nodes.push(n);
                        node_kids.clear();
                    }
                    let n = w.alloc();
                    node = Some(n);
                    n
                }
            };
            let contents = w.alloc();
            w.stream(contents, b"", &content)?;
            let page = w.alloc();
            w.begin(page)?;
            write!(
                w.buf,
                "<< /Type /Page /Parent {parent} 0 R /Resources {resources} 0 R \
                 /Contents {contents} 0 R >>"
            )
            .map_err(io)?;
            w.end()?;
            node_kids.push(page);
            written += 1;
        }
        progress(written);
    }
    if let Some(n) = node.take() {
        w.pages_node(n, Some(root_pages), &node_kids, node_kids.len())?;
        nodes.push(n);
    }

    // The root of the page tree carries the paper size for every page.
    w.begin(root_pages)?;
    write!(
        w.buf,
        "<< /Type /Pages /MediaBox {bbox} /Count {written} /Kids ["
    )
    .map_err(io)?;
    for n in &nodes {
        write!(w.buf, "{n} 0 R ").map_err(io)?;
    }
    w.buf.extend_from_slice(b"] >>");
    w.end()?;

    let catalog = w.alloc();
    w.begin(catalog)?;
    write!(w.buf, "<< /Type /Catalog /Pages {root_pages} 0 R >>").map_err(io)?;
    w.end()?;
    let info = w.alloc();
    w.begin(info)?;
    w.buf.extend_from_slice(b"<< /Title ");
    write_text_string(&mut w.buf, &layout.title);
    w.buf.extend_from_slice(b" /Producer (Huanjie) >>");
    w.end()?;
    w.finish(catalog, info)?;
    Ok(written)
}

/// The page contents of `serials`, compressed, in order, built on
/// `threads` threads.
fn page_contents(
    g: &BallotGeometry,
    font: &SerialFont,
    serials: &[SignedSerial],
    threads: usize,
) -> Result<Vec<Vec<u8>>, PrintError> {
    let per = serials.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = serials
            .chunks(per)
            .map(|part| {
                scope.spawn(move || {
                    let mut raw = Vec::with_capacity(4096);
                    part.iter()
                        .map(|s| {
                            raw.clear();
                            page_content(g, font, s, &mut raw)?;
                            Ok(deflate(&raw))
                        })
                        .collect::<Result<Vec<_>, PrintError>>()
                })
            })
            .collect();
        let mut all = Vec::with_capacity(serials.len());
        for h in handles {
            let part = h
                .join()
                .map_err(|_| PrintError::Pdf("a page-building thread panicked".to_owned()))??;
            all.extend(part);
        }
        Ok(all)
    })
}

/// One page's own drawing: the layout, the QR code, the printed serial.
fn page_content(
    g: &BallotGeometry,
    font: &SerialFont,
    serial: &SignedSerial,
    out: &mut Vec<u8>,
) -> Result<(), PrintError> {
    let modules = crate::ballot::serial_qr_modules(serial)?;
    out.extend_from_slice(b"/L Do\nq ");
    let s = mpt(QR_MODULE);
    let x0 = mpt(g.qr.x);
    let y0 = mpt(g.page_height - g.qr.y);
    for v in [s, 0, 0, -s, x0, y0] {
        push_milli(out, v);
        out.push(b' ');
    }
    out.extend_from_slice(b"cm\n");
    let n = QR_MODULES as usize;
    for (r, row) in modules.chunks(n).enumerate() {
        let mut col = 0;
        while col < n {
            if row[col] {
                let start = col;
                while col < n && row[col] {
                    col += 1;
                }
                push_int(out, start as i64);
                out.push(b' ');
                push_int(out, r as i64);
                out.push(b' ');
                push_int(out, (col - start) as i64);
                out.extend_from_slice(b" 1 re\n");
            } else {
                col += 1;
            }
        }
    }
    out.extend_from_slice(b"f\nQ\nBT /S ");
    push_milli(out, SERIAL_SIZE);
    out.extend_from_slice(b" Tf ");
    // Right-aligned under the QR code.
    let text = serial.to_string();
    let mut width = 0;
    let mut codes = Vec::with_capacity(text.len());
    for ch in text.bytes() {
        let i = usize::from(ch & 0x7f);
        let code = font.code[i].ok_or_else(|| {
            PrintError::Pdf(format!(
                "the serial's font has no glyph for {:?}",
                ch as char
            ))
        })?;
        width += font.advance[i];
        codes.push(code);
    }
    push_milli(out, mpt(g.serial_baseline.1) - width);
    out.push(b' ');
    push_milli(out, mpt(g.page_height - g.serial_baseline.0));
    out.extend_from_slice(b" Td <");
    for code in codes {
        push_hex16(out, code);
    }
    out.extend_from_slice(b"> Tj ET\n");
    Ok(())
}

/// Lays the layout out with printpdf on a template document and takes
/// from it what every page shares. The template's second page shows the
/// serial alphabet in the serial's face, so that the subset has its glyphs
/// and the `ToUnicode` map says their codes; it is not part of the batch.
fn shared(fonts: &FontSet, layout: &BallotLayout, t: &Template) -> Result<Shared, PrintError> {
    let (pw, ph) = layout.paper.size();
    let mut ops = t.graphics.clone();
    ops.push(Op::StartTextSection);
    ops.extend(t.text.iter().cloned());
    ops.push(Op::EndTextSection);
    let serial_ops = vec![
        Op::StartTextSection,
        Op::SetTextRenderingMode {
            mode: TextRenderingMode::Invisible,
        },
        Op::SetFont {
            font: PdfFontHandle::External(font_id(t.serial_slot)),
            size: crate::ballot::pt(SERIAL_SIZE),
        },
        Op::SetTextMatrix {
            matrix: TextMatrix::Translate(crate::ballot::pt(0), crate::ballot::pt(0)),
        },
        Op::ShowText {
            items: vec![TextItem::Text(SERIAL_ALPHABET.to_owned())],
        },
        Op::EndTextSection,
    ];
    let mut pdf = PdfDocument::new(&layout.title);
    for (slot, used) in t.used.iter().enumerate() {
        if *used {
            pdf.resources.fonts.map.insert(
                font_id(slot),
                printpdf::PdfFont::new(face(fonts, slot).parsed.clone()),
            );
        }
    }
    let pages = vec![
        PdfPage::new(Mm(mm(pw)), Mm(mm(ph)), ops),
        PdfPage::new(Mm(mm(pw)), Mm(mm(ph)), serial_ops),
    ];
    let mut warnings = Vec::new();
    let options = PdfSaveOptions {
        // The raw drawing operators of the layout (re, f, w, …) are written
        // only when printpdf is told not to drop operators it does not model.
        secure: false,
        ..PdfSaveOptions::default()
    };
    let bytes = pdf.with_pages(pages).save(&options, &mut warnings);
    if let Some(error) = warnings
        .iter()
        .find(|w| w.severity == printpdf::PdfParseErrorSeverity::Error)
    {
        return Err(PrintError::Pdf(error.msg.clone()));
    }
    let bad = |what: &str| PrintError::Pdf(format!("ballot template: {what}"));
    let doc = lopdf::Document::load_mem(&bytes).map_err(|e| bad(&e.to_string()))?;
    let page_ids = doc.get_pages();
    let page = *page_ids.get(&1).ok_or_else(|| bad("no first page"))?;
    let drawing = doc.get_page_content(page);
    let page_dict = doc.get_dictionary(page).map_err(|e| bad(&e.to_string()))?;
    let resources = match page_dict.get(b"Resources") {
        Ok(Object::Reference(id)) => doc.get_dictionary(*id).map_err(|e| bad(&e.to_string()))?,
        Ok(Object::Dictionary(d)) => d,
        _ => return Err(bad("the first page has no resources")),
    }
    .clone();

    // Everything the resources reach, by reference.
    let mut objects = BTreeMap::new();
    let mut todo: Vec<ObjectId> = Vec::new();
    references(&Object::Dictionary(resources.clone()), &mut todo);
    while let Some(id) = todo.pop() {
        if objects.contains_key(&id) {
            continue;
        }
        let object = doc.get_object(id).map_err(|e| bad(&e.to_string()))?.clone();
        references(&object, &mut todo);
        objects.insert(id, object);
    }

    let serial = serial_font(fonts, t, &doc, &resources)?;
    Ok(Shared {
        objects,
        resources,
        drawing,
        serial,
    })
}

/// The serial's font in the template: its glyph code per character, read
/// back from its `ToUnicode` map, and its advances from the face.
fn serial_font(
    fonts: &FontSet,
    t: &Template,
    doc: &lopdf::Document,
    resources: &Dictionary,
) -> Result<SerialFont, PrintError> {
    let bad = |what: String| PrintError::Pdf(format!("ballot template: {what}"));
    let name = font_id(t.serial_slot).0.into_bytes();
    let font_dicts = match resources.get(b"Font") {
        Ok(Object::Reference(id)) => doc.get_dictionary(*id).map_err(|e| bad(e.to_string()))?,
        Ok(Object::Dictionary(d)) => d,
        _ => return Err(bad("no fonts".to_owned())),
    };
    let font = match font_dicts.get(&name) {
        Ok(Object::Reference(id)) => doc.get_dictionary(*id).map_err(|e| bad(e.to_string()))?,
        _ => return Err(bad("no serial font".to_owned())),
    };
    let cmap = match font.get(b"ToUnicode") {
        Ok(Object::Reference(id)) => match doc.get_object(*id) {
            Ok(Object::Stream(s)) => s
                .decompressed_content()
                .unwrap_or_else(|_| s.content.clone()),
            _ => return Err(bad("the serial font's ToUnicode is not a stream".to_owned())),
        },
        _ => return Err(bad("the serial font has no ToUnicode".to_owned())),
    };
    let cmap = printpdf::ToUnicodeCMap::parse(&String::from_utf8_lossy(&cmap)).map_err(bad)?;
    let mut code = [None; 128];
    for (c, unicode) in &cmap.mappings {
        if let ([u], Ok(c)) = (unicode.as_slice(), u16::try_from(*c)) {
            if *u < 128 {
                code[*u as usize] = Some(c);
            }
        }
    }
    let face = face(fonts, t.serial_slot);
    let mut advance = [0i64; 128];
    for ch in SERIAL_ALPHABET.chars() {
        let i = ch as usize;
        if code[i].is_none() {
            return Err(bad(format!(
                "no glyph code for the serial character {ch:?}"
            )));
        }
        let gid = face
            .glyph(ch)
            .ok_or_else(|| bad(format!("the face has no {ch:?}")))?;
        advance[i] = face.advance(gid) * SERIAL_SIZE / face.units_per_em;
    }
    Ok(SerialFont {
        name,
        code,
        advance,
    })
}

/// The serial font's reference, renumbered.
fn font_reference(shared: &Shared, ids: &HashMap<ObjectId, u32>) -> Result<u32, PrintError> {
    let bad = || PrintError::Pdf("ballot template: the serial font is not an object".to_owned());
    let fonts = match shared.resources.get(b"Font") {
        Ok(Object::Reference(id)) => shared.objects.get(id).ok_or_else(bad)?,
        Ok(other) => other,
        Err(_) => return Err(bad()),
    };
    match fonts {
        Object::Dictionary(d) => match d.get(&shared.serial.name) {
            Ok(Object::Reference(id)) => ids.get(id).copied().ok_or_else(bad),
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}

fn references(object: &Object, out: &mut Vec<ObjectId>) {
    match object {
        Object::Reference(id) => out.push(*id),
        Object::Array(items) => items.iter().for_each(|o| references(o, out)),
        Object::Dictionary(d) => d.iter().for_each(|(_, o)| references(o, out)),
        Object::Stream(s) => s.dict.iter().for_each(|(_, o)| references(o, out)),
        _ => {}
    }
}

fn io(e: impl std::fmt::Display) -> PrintError {
    PrintError::Pdf(format!("writing the ballots: {e}"))
}

fn deflate(data: &[u8]) -> Vec<u8> {
    use flate2::{write::ZlibEncoder, Compression};
    let mut e = ZlibEncoder::new(Vec::with_capacity(data.len() / 2), Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

/// A PDF being written: the objects' offsets, for the cross-reference
/// table at the end.
struct PdfWriter<W: Write> {
    out: W,
    /// The object being written.
    buf: Vec<u8>,
    /// Bytes written so far.
    at: u64,
    /// Offset of each object, by number (index 0 is the free head).
    offsets: Vec<u64>,
}

impl<W: Write> PdfWriter<W> {
    fn new(out: W) -> Self {
        Self {
            out,
            buf: Vec::with_capacity(8192),
            at: 0,
            offsets: vec![0],
        }
    }

    fn emit(&mut self, bytes: &[u8]) -> Result<(), PrintError> {
        self.out.write_all(bytes).map_err(io)?;
        self.at += bytes.len() as u64;
        Ok(())
    }

    fn header(&mut self) -> Result<(), PrintError> {
        self.emit(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")
    }

    fn alloc(&mut self) -> u32 {
        self.offsets.push(0);
        u32::try_from(self.offsets.len() - 1).unwrap_or(u32::MAX)
    }

    fn begin(&mut self, id: u32) -> Result<(), PrintError> {
        let slot = self
            .offsets
            .get_mut(id as usize)
            .ok_or_else(|| PrintError::Pdf(format!("object {id} was not allocated")))?;
        *slot = self.at;
        self.buf.clear();
        writeln!(self.buf, "{id} 0 obj").map_err(io)
    }

    fn end(&mut self) -> Result<(), PrintError> {
        self.buf.extend_from_slice(b"\nendobj\n");
        let buf = std::mem::take(&mut self.buf);
        let r = self.emit(&buf);
        self.buf = buf;
        r
    }

    /// A stream object: `dict` is the dictionary's entries without
    /// `/Length` (and without `/Filter`: `data` is always deflated).
    fn stream(&mut self, id: u32, dict: &[u8], data: &[u8]) -> Result<(), PrintError> {
        self.begin(id)?;
        self.buf.extend_from_slice(b"<< ");
        self.buf.extend_from_slice(dict);
        write!(
            self.buf,
            " /Filter /FlateDecode /Length {} >>\nstream\n",
            data.len()
        )
        .map_err(io)?;
        self.buf.extend_from_slice(data);
        self.buf.extend_from_slice(b"\nendstream");
        self.end()
    }

    fn pages_node(
        &mut self,
        id: u32,
        parent: Option<u32>,
        kids: &[u32],
        count: usize,
    ) -> Result<(), PrintError> {
        self.begin(id)?;
        self.buf.extend_from_slice(b"<< /Type /Pages ");
        if let Some(p) = parent {
            write!(self.buf, "/Parent {p} 0 R ").map_err(io)?;
        }
        write!(self.buf, "/Count {count} /Kids [").map_err(io)?;
        for k in kids {
            write!(self.buf, "{k} 0 R ").map_err(io)?;
        }
        self.buf.extend_from_slice(b"] >>");
        self.end()
    }

    fn finish(mut self, root: u32, info: u32) -> Result<(), PrintError> {
        let xref = self.at;
        let mut table = Vec::with_capacity(self.offsets.len() * 20 + 64);
        write!(
            table,
            "xref\n0 {}\n0000000000 65535 f \n",
            self.offsets.len()
        )
        .map_err(io)?;
        for offset in &self.offsets[1..] {
            writeln!(table, "{offset:010} 00000 n ").map_err(io)?;
        }
        write!(
            table,
            "trailer\n<< /Size {} /Root {root} 0 R /Info {info} 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            self.offsets.len()
        )
        .map_err(io)?;
        self.emit(&table)?;
        self.out.flush().map_err(io)
    }
}

/// Writes a lopdf object of the template, its references renumbered.
fn write_object(
    out: &mut Vec<u8>,
    object: &Object,
    ids: &HashMap<ObjectId, u32>,
) -> Result<(), PrintError> {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => push_int(out, *i),
        Object::Real(r) => write!(out, "{r}").map_err(io)?,
        Object::Name(n) => push_name(out, n),
        Object::String(s, _) => {
            out.push(b'<');
            for b in s {
                write!(out, "{b:02X}").map_err(io)?;
            }
            out.push(b'>');
        }
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_object(out, item, ids)?;
            }
            out.push(b']');
        }
        Object::Dictionary(d) => write_dict(out, d, ids, None)?,
        Object::Stream(s) => {
            write_dict(out, &s.dict, ids, Some(s.content.len()))?;
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(&s.content);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Reference(id) => {
            let new = ids.get(id).ok_or_else(|| {
                PrintError::Pdf(format!("ballot template: dangling reference {id:?}"))
            })?;
            write!(out, "{new} 0 R").map_err(io)?;
        }
    }
    Ok(())
}

/// A dictionary; with `length`, a stream's, whose `/Length` is set to it.
fn write_dict(
    out: &mut Vec<u8>,
    d: &Dictionary,
    ids: &HashMap<ObjectId, u32>,
    length: Option<usize>,
) -> Result<(), PrintError> {
    out.extend_from_slice(b"<<");
    for (key, value) in d.iter() {
        if length.is_some() && key.as_slice() == b"Length" {
            continue;
        }
        out.push(b' ');
        push_name(out, key);
        out.push(b' ');
        write_object(out, value, ids)?;
    }
    if let Some(n) = length {
        write!(out, " /Length {n}").map_err(io)?;
    }
    out.extend_from_slice(b" >>");
    Ok(())
}

/// A name, with every byte outside the regular characters as `#xx`.
fn push_name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for &b in name {
        let regular = (0x21..=0x7e).contains(&b) && !b"()<>[]{}/%#".contains(&b);
        if regular {
            out.push(b);
        } else {
            let _ = write!(out, "#{b:02X}");
        }
    }
}

/// A text string in UTF-16BE with its byte-order mark, as hex.
fn write_text_string(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(b"<FEFF");
    for unit in text.encode_utf16() {
        push_hex16(out, unit);
    }
    out.push(b'>');
}

fn push_hex16(out: &mut Vec<u8>, v: u16) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for shift in [12, 8, 4, 0] {
        out.push(HEX[usize::from((v >> shift) & 0xf)]);
    }
}

fn push_int(out: &mut Vec<u8>, v: i64) {
    // Writing to a Vec cannot fail.
    let _ = write!(out, "{v}");
}

/// Thousandths as a decimal number (`12345` → `12.345`, `-500` → `-0.5`).
fn push_milli(out: &mut Vec<u8>, v: i64) {
    out.extend_from_slice(milli(v).as_bytes());
}

fn milli(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    let (whole, frac) = (a / 1000, a % 1000);
    if frac == 0 {
        format!("{sign}{whole}")
    } else {
        let f = format!("{frac:03}");
        format!("{sign}{whole}.{}", f.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milli_writes_short_decimals() {
        assert_eq!(milli(12_345), "12.345");
        assert_eq!(milli(-500), "-0.5");
        assert_eq!(milli(7_000), "7");
        assert_eq!(milli(0), "0");
        assert_eq!(milli(-1), "-0.001");
    }

    #[test]
    fn names_escape_delimiters_and_non_ascii() {
        let mut out = Vec::new();
        push_name(&mut out, b"A B/#");
        assert_eq!(out, b"/A#20B#2F#23");
    }
}
