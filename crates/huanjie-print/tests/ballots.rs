#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Ballots with QR serials (issue 5), printed and read back with poppler:
//! pages rendered to PNG (pdftoppm), every QR code decoded (rqrr) and
//! verified, the printed serial read back (pdftotext), rare characters,
//! a missing glyph refused, A3, and the fiducials where the geometry says.

mod common;

use common::*;
use huanjie_core::serial::{self, Expected, Serial, SerialKey, SignedSerial};
use huanjie_print::*;
use std::sync::OnceLock;

fn font_set() -> &'static FontSet {
    static FONTS: OnceLock<FontSet> = OnceLock::new();
    FONTS.get_or_init(fonts)
}

const ELECTION: [u8; 16] = *b"0123456789abcdef";

fn key() -> SerialKey {
    SerialKey::from_bytes(&[7u8; 32])
}

/// `n` serials of batch 3, style 1, with distinct deterministic random parts.
fn serials(n: usize) -> Vec<SignedSerial> {
    let key = key();
    (0..n)
        .map(|i| {
            let mut random = [0u8; 8];
            random.copy_from_slice(
                &u64::try_from(i)
                    .unwrap()
                    .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                    .to_be_bytes(),
            );
            Serial {
                election: ELECTION,
                batch: 3,
                style: 1,
                random,
            }
            .sign(&key)
        })
        .collect()
}

fn contest(position: &str, seats: u32, names: &[&str], write_ins: u32) -> Contest {
    Contest {
        position: position.to_owned(),
        seats,
        candidates: names.iter().map(|s| s.to_string()).collect(),
        write_in_rows: write_ins,
    }
}

/// A 10-candidate ballot: 主任 1, 副主任 2, 委员 5, 妇女委员 2.
fn layout(paper: Paper) -> BallotLayout {
    BallotLayout {
        title: "幸福社区第七届居民委员会选举选票".to_owned(),
        instructions: vec![
            "一、对候选人，可以投赞成票，可以投反对票，也可以弃权；请在选定的方框内划“○”，每位候选人只能划一个方框。".to_owned(),
            "二、投反对票的，可以在“另选他人”栏内写上另选的人的姓名，并在其后的“赞成”框内划“○”。".to_owned(),
            "三、每一职位所选人数多于应选人数的，该职位的选票无效。".to_owned(),
        ],
        contests: vec![
            contest("主任", 1, &["张伟"], 1),
            contest("副主任", 1, &["李娜", "王芳"], 1),
            contest("委员", 3, &["赵强", "刘敏", "陈静", "杨磊", "黄丽"], 2),
            contest("妇女委员", 1, &["周艳", "吴娟"], 1),
        ],
        paper,
        wording: BallotTemplate::builtin("residents-committee")
            .unwrap()
            .wording(),
    }
}

/// A page as 8-bit grey: (width, height, pixels).
fn grey(png_bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    let channels = info.color_type.samples();
    let px = buf[..info.buffer_size()]
        .chunks(channels)
        .map(|p| match channels {
            1 | 2 => p[0],
            _ => u8::try_from((u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2])) / 3).unwrap(),
        })
        .collect();
    (w, h, px)
}

fn decode_qrs(w: usize, h: usize, px: &[u8]) -> Vec<String> {
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| px[y * w + x]);
    img.detect_grids()
        .into_iter()
        .map(|g| g.decode().unwrap().1)
        .collect()
}

#[test]
fn round_trip_qr_and_printed_serial() {
    let serials = serials(20);
    let pdf = ballots_pdf(font_set(), &layout(Paper::A4), &serials).unwrap();
    let pngs = png_pages(&pdf, 150);
    assert_eq!(pngs.len(), 20);
    let texts = pages_text(&pdf);
    assert_eq!(texts.len(), 20);
    let expected = Expected::election(ELECTION);
    for (i, (png_bytes, text)) in pngs.iter().zip(&texts).enumerate() {
        let (w, h, px) = grey(png_bytes);
        let decoded = decode_qrs(w, h, &px);
        assert_eq!(decoded.len(), 1, "page {}: {decoded:?}", i + 1);
        let payload = &decoded[0];
        assert_eq!(payload, &serials[i].qr_payload(), "page {}", i + 1);
        let verified = serial::verify(payload, &key(), &expected).unwrap();
        assert_eq!(verified.serial, serials[i]);
        // The printed serial, as pdftotext reads it.
        let printed = serials[i].to_string();
        assert!(squash(text).contains(&printed), "page {}: {text}", i + 1);
        assert_eq!(SignedSerial::parse(&printed).unwrap(), serials[i]);
        // The layout's text.
        let flat = squash(text);
        for needle in [
            "幸福社区第七届居民委员会选举选票",
            "主任（应选1名）",
            "委员（应选3名）",
            "妇女委员（应选1名）",
            "赞成",
            "反对",
            "弃权",
            "另选他人",
            "张伟",
            "黄丽",
            "吴娟",
        ] {
            assert!(
                flat.contains(needle),
                "page {}: {needle} not in {text}",
                i + 1
            );
        }
    }
    // One embedded subset per face, not one per page.
    let fonts = fonts_of(&pdf);
    assert!(!fonts.is_empty() && fonts.len() <= 4, "{fonts:?}");
    for (name, _, emb, sub, _) in &fonts {
        assert_eq!((emb.as_str(), sub.as_str()), ("yes", "yes"), "{name}");
    }
}

/// The QR codes use one fixed mask instead of the best of eight (see
/// `serial_qr_modules`): 500 serials' codes, drawn from their module
/// grid at 3 pixels a module with the 4-module quiet zone, all decode to
/// their payload.
#[test]
fn fixed_mask_qr_codes_decode() {
    const SCALE: usize = 3;
    let n = 29;
    let side = (n + 8) * SCALE;
    let all = serials(500);
    let mut decoded = 0;
    for s in &all {
        let modules = serial_qr_modules(s).unwrap();
        assert_eq!(modules.len(), n * n);
        let mut px = vec![255u8; side * side];
        for (i, dark) in modules.iter().enumerate() {
            if *dark {
                let (r, c) = (i / n + 4, i % n + 4);
                for dy in 0..SCALE {
                    for dx in 0..SCALE {
                        px[(r * SCALE + dy) * side + c * SCALE + dx] = 0;
                    }
                }
            }
        }
        let got = decode_qrs(side, side, &px);
        assert_eq!(got, vec![s.qr_payload()], "{s}");
        decoded += 1;
    }
    println!("{decoded} of {} fixed-mask QR codes decoded", all.len());
    assert_eq!(decoded, 500);
}

#[test]
fn geometry_lists_every_target_and_the_fiducials_are_dark() {
    let l = layout(Paper::A4);
    let g = ballot_geometry(font_set(), &l).unwrap();
    assert_eq!((g.page_width, g.page_height), (2100, 2970));
    // 10 candidates and 5 write-in rows, three targets each.
    assert_eq!(g.targets.len(), 15 * 3);
    assert_eq!(g.write_ins.len(), 5);
    assert_eq!(g.qr_modules, 29);
    let t = g
        .targets
        .iter()
        .find(|t| {
            t.contest == 2
                && t.row
                    == Row::Candidate {
                        index: 4,
                        name: "黄丽".into(),
                    }
                && t.choice == Choice::Abstain
        })
        .unwrap();
    assert_eq!((t.rect.width, t.rect.height), (60, 60));

    let pdf = ballots_pdf(font_set(), &l, &serials(1)).unwrap();
    let (w, h, px) = grey(&png_pages(&pdf, 150)[0]);
    // 210 × 297 mm at 150 dpi (pdftoppm rounds up).
    assert!(
        (1240..=1241).contains(&w) && (1754..=1755).contains(&h),
        "{w}×{h}"
    );
    let at = |x: i32, y: i32| {
        let x = usize::try_from(x * 150 / 254).unwrap();
        let y = usize::try_from(y * 150 / 254).unwrap();
        px[y * w + x]
    };
    for f in g.fiducials {
        let (cx, cy) = f.center();
        assert!(at(cx, cy) < 60, "fiducial {f:?} is not dark");
        assert!(at(f.x + 8, f.y + 8) < 60, "fiducial {f:?} corner");
        // 2 mm outside the square: white paper.
        assert!(at(f.x - 20, cy) > 200, "left of {f:?}");
        assert!(at(cx, f.y + f.height + 20) > 200, "below {f:?}");
    }
    // A target's centre is white, its outline dark.
    let (cx, cy) = t.rect.center();
    assert!(at(cx, cy) > 200);
    assert!(at(t.rect.x, cy) < 128);
}

#[test]
fn rare_characters_render_and_read_back() {
    let mut l = layout(Paper::A4);
    l.contests[2].candidates = vec!["赵强".into(), "㐀明".into(), "𠀀芳".into(), "王𠀋".into()];
    let pdf = ballots_pdf(font_set(), &l, &serials(1)).unwrap();
    let flat = squash(&pages_text(&pdf)[0]);
    for name in ["㐀明", "𠀀芳", "王𠀋"] {
        assert!(flat.contains(name), "{name} not in {flat}");
    }
    assert_eq!(png_pages(&pdf, 60).len(), 1);
    if let Some(path) = std::env::var_os("HUANJIE_BALLOT_SAMPLE") {
        std::fs::write(path, &pdf).unwrap();
    }
    // Each face has only the glyphs it is needed for; all embedded.
    assert!(fonts_of(&pdf).len() >= 2);
}

#[test]
fn a_name_no_font_has_is_refused_naming_the_candidate() {
    let rare = '\u{30000}'; // CJK Extension G: in none of the fonts
    let mut l = layout(Paper::A4);
    l.contests[1].candidates.push(format!("李{rare}"));
    let err = ballots_pdf(font_set(), &l, &serials(2)).unwrap_err();
    match &err {
        PrintError::MissingGlyph { what, what_zh, ch } => {
            assert_eq!(*ch, rare);
            assert!(
                what.contains(&format!("李{rare}")) && what.contains("副主任"),
                "{what}"
            );
            assert!(what_zh.contains(&format!("李{rare}")), "{what_zh}");
        }
        other => panic!("{other}"),
    }
    assert!(err.to_string().contains("U+30000"));
    assert!(ballot_geometry(font_set(), &l).is_err());
}

#[test]
fn a3_prints_more_candidates_and_decodes() {
    let mut l = layout(Paper::A3);
    let many: Vec<String> = (0..20).map(|i| format!("候选人{i}")).collect();
    l.contests[2].candidates = many.clone();
    // Too many for A4.
    let mut a4 = l.clone();
    a4.paper = Paper::A4;
    assert!(matches!(
        ballots_pdf(font_set(), &a4, &serials(1)),
        Err(PrintError::BadTable { .. })
    ));
    let g = ballot_geometry(font_set(), &l).unwrap();
    assert_eq!((g.page_width, g.page_height), (2970, 4200));
    let s = serials(2);
    let pdf = ballots_pdf(font_set(), &l, &s).unwrap();
    let pngs = png_pages(&pdf, 150);
    assert_eq!(pngs.len(), 2);
    for (png_bytes, serial) in pngs.iter().zip(&s) {
        let (w, h, px) = grey(png_bytes);
        assert!(
            (1754..=1755).contains(&w) && (2480..=2481).contains(&h),
            "{w}×{h}"
        );
        assert_eq!(decode_qrs(w, h, &px), vec![serial.qr_payload()]);
    }
    let flat = squash(&pages_text(&pdf)[1]);
    assert!(flat.contains("候选人19") && flat.contains(&s[1].to_string()));
}

/// The benchmark: a 10-candidate ballot, batches of 5,000.
/// `cargo test --release -p huanjie-print --test ballots -- --ignored --nocapture`
#[test]
#[ignore]
#[allow(clippy::float_arithmetic)]
fn bench_5000_ballots() {
    let fonts = font_set();
    let l = layout(Paper::A4);
    let s = serials(5000);
    let empty = ballots_pdf(fonts, &l, &[]).unwrap().len();
    let one = ballots_pdf(fonts, &l, &s[..1]).unwrap().len();
    let start = std::time::Instant::now();
    let qr = s
        .iter()
        .map(|x| serial_qr_modules(x).unwrap().len())
        .sum::<usize>();
    let qr_time = start.elapsed();
    assert_eq!(qr, 5000 * 29 * 29);
    let start = std::time::Instant::now();
    let pdf = ballots_pdf(fonts, &l, &s).unwrap();
    let t = start.elapsed().as_secs_f64();
    let per_page = (pdf.len() - one) as f64 / 4999.0;
    println!(
        "5000 ballots: {:.2} s, {:.0} ballots/s; QR encoding alone {:.0} µs/code; \
         {} bytes total, {} bytes for 0 pages, {} for 1 page, {:.0} bytes per further page",
        t,
        5000.0 / t,
        qr_time.as_secs_f64() * 1e6 / 5000.0,
        pdf.len(),
        empty,
        one,
        per_page
    );
}

/// Every template in `ballots/` prints through the same machinery: its
/// title, headings, column header, target labels and write-in label are
/// on the page, the QR code decodes, and the geometry has three targets
/// per row, where the general round's are.
#[test]
fn every_ballot_template_prints_and_reads_back() {
    let general = ballot_geometry(font_set(), &layout(Paper::A4)).unwrap();
    for kind in BallotTemplate::kinds() {
        let template = BallotTemplate::builtin(kind).unwrap();
        let write_ins = u32::from(template.write_in.is_some());
        let contests = if kind == "homeowners-decision" {
            vec![
                contest(
                    "一、续聘幸福物业服务有限公司",
                    1,
                    &["同意续聘，服务期三年"],
                    0,
                ),
                contest("二、使用专项维修资金更换电梯", 1, &["3号楼两部电梯"], 0),
            ]
        } else {
            vec![
                contest("主任", 1, &["张伟", "李娜"], write_ins),
                contest("委员", 2, &["赵强", "刘敏", "陈静"], write_ins),
            ]
        };
        let l = template
            .layout("幸福社区第七届", contests.clone(), Paper::A4)
            .unwrap();
        let serials = serials(2);
        let pdf = ballots_pdf(font_set(), &l, &serials).unwrap();
        let text = squash(&pages_text(&pdf)[0]);
        let mut needles = vec![
            l.title.clone(),
            template.name_header.clone(),
            l.wording.heading(&contests[0]),
        ];
        needles.extend(template.choices.iter().cloned());
        needles.extend(template.write_in.iter().cloned());
        needles.push(contests[1].candidates[0].clone());
        for needle in needles {
            assert!(
                text.contains(&squash(&needle)),
                "{kind}: {needle} not in {text}"
            );
        }
        let (w, h, px) = grey(&png_pages(&pdf, 150)[0]);
        assert_eq!(
            decode_qrs(w, h, &px),
            vec![serials[0].qr_payload()],
            "{kind}"
        );
        let g = ballot_geometry(font_set(), &l).unwrap();
        let rows: usize = contests
            .iter()
            .map(|c| c.candidates.len() + c.write_in_rows as usize)
            .sum();
        assert_eq!(g.targets.len(), rows * 3, "{kind}");
        assert_eq!(g.fiducials, general.fiducials, "{kind}");
        assert_eq!(g.qr, general.qr, "{kind}");
        // The targets sit in the same three columns on every kind.
        let columns = |g: &BallotGeometry| {
            let mut xs: Vec<_> = g.targets.iter().map(|t| t.rect.x).collect();
            xs.sort_unstable();
            xs.dedup();
            xs
        };
        assert_eq!(columns(&g), columns(&general), "{kind}");
    }
}

/// Writes a specimen of every template to `$HUANJIE_BALLOT_SPECIMENS/`
/// (a directory), to look at: `HUANJIE_BALLOT_SPECIMENS=/tmp/specimens
/// cargo test -p huanjie-print --test ballots -- --ignored specimens`.
#[test]
#[ignore]
fn specimens() {
    let dir = std::path::PathBuf::from(std::env::var_os("HUANJIE_BALLOT_SPECIMENS").unwrap());
    std::fs::create_dir_all(&dir).unwrap();
    for kind in BallotTemplate::kinds() {
        let template = BallotTemplate::builtin(kind).unwrap();
        let w = u32::from(template.write_in.is_some());
        let contests = if kind == "homeowners-decision" {
            vec![contest(
                "一、续聘幸福物业服务有限公司",
                1,
                &["同意续聘幸福物业服务有限公司为本小区物业服务企业，服务期三年，收费标准不变"],
                0,
            )]
        } else {
            vec![
                contest("主任", 1, &["张伟", "阿卜杜热合曼·买买提"], w),
                contest("委员", 2, &["赵强", "㐀明", "𠀀芳"], w),
            ]
        };
        let l = template
            .layout("幸福社区第七届", contests, Paper::A4)
            .unwrap();
        let pdf = ballots_pdf(font_set(), &l, &serials(1)).unwrap();
        std::fs::write(dir.join(format!("{kind}.pdf")), pdf).unwrap();
    }
}
