//! `newsdesk bench-corpus --articles N`: a deterministic corpus for benchmarks. Articles in six
//! languages (English most, then Turkish, German, French, Spanish, Arabic) made of words drawn,
//! with a skewed frequency like real text, from small vocabularies written here; eight
//! sections, tags, bylines, publication times over the past year. The same N and seed give the
//! same articles.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use jiff::{SignedDuration, Timestamp};
use newsdesk_core::article::Section;
use newsdesk_core::{Article, Block, Slug, WorkflowState};
use newsdesk_store::Store;

use crate::CorpusArgs;

const EN: &str = "city council harbour storm ferry school teacher hospital doctor nurse budget tax minister election vote \
    parliament court judge police fire river bridge road train station airport flight price market bank loan rate \
    inflation job worker strike union factory energy power grid solar wind battery water drought flood rain snow \
    farm farmer crop harvest food coffee tea wine festival music film theatre book novel writer artist museum \
    exhibition match team player coach goal season league cup final record runner marathon club fans stadium \
    research study scientist university student data report survey climate forest ocean species island coast \
    village town region border trade export import company profit sales shop online app software phone network \
    police officer law plan project plan housing rent home family child health clinic vaccine disease patient \
    government opposition protest talks deal agreement summit leader president mayor neighbour community library \
    church mosque market square street tram bus cycle lane traffic port ship cargo fishing boat engine repair";
const TR: &str = "belediye meclis liman fırtına feribot okul öğretmen hastane doktor bütçe vergi bakan seçim oy \
    mahkeme polis nehir köprü yol tren istasyon havalimanı fiyat piyasa banka kredi faiz enflasyon işçi grev fabrika \
    enerji güneş rüzgar su kuraklık sel yağmur kar tarım çiftçi hasat gıda çay festival müzik film kitap yazar \
    müze sergi maç takım oyuncu antrenör gol sezon lig kupa şampiyon rekor kulüp taraftar araştırma öğrenci \
    üniversite iklim orman deniz ada kıyı köy kasaba bölge ticaret ihracat şirket kâr mağaza uygulama telefon \
    konut kira aile çocuk sağlık aşı hasta hükümet muhalefet zirve başkan kütüphane cami meydan sokak otobüs \
    açıklama açıklamalar kararlar kararı voleybol basketbol futbol seviye yatırım";
const DE: &str = "stadt rat hafen sturm fähre schule lehrer krankenhaus arzt haushalt steuer minister wahl stimme \
    parlament gericht polizei fluss brücke straße zug bahnhof flughafen preis markt bank kredit zins inflation \
    arbeit streik fabrik energie strom netz sonne wind batterie wasser dürre hochwasser regen schnee bauer ernte \
    essen kaffee wein festival musik film theater buch roman museum ausstellung spiel mannschaft spieler trainer \
    tor saison liga pokal rekord verein forschung studie universität klima wald meer insel küste dorf region \
    handel export unternehmen gewinn laden häuser wohnung miete familie kind gesundheit regierung gipfel";
const FR: &str = "ville conseil port tempête ferry école enseignant hôpital médecin budget impôt ministre élection \
    vote parlement tribunal police rivière pont route train gare aéroport prix marché banque prêt taux inflation \
    travail grève usine énergie réseau soleil vent batterie eau sécheresse inondation pluie neige agriculteur \
    récolte café vin festival musique film théâtre livre roman musée exposition match équipe joueur entraîneur \
    saison ligue coupe record club recherche étude université climat forêt mer île côte village région commerce \
    entreprise bénéfice magasin logement loyer famille enfant santé gouvernement sommet nationales national";
const ES: &str = "ciudad consejo puerto tormenta ferry escuela maestro hospital médico presupuesto impuesto ministro \
    elección elecciones voto parlamento tribunal policía río puente carretera tren estación aeropuerto precio \
    mercado banco préstamo inflación trabajo huelga fábrica energía red sol viento batería agua sequía inundación \
    lluvia nieve agricultor cosecha café vino festival música película teatro libro novela museo exposición \
    partido equipo jugador entrenador temporada liga copa récord club investigación estudio universidad clima \
    bosque mar isla costa pueblo región comercio empresa beneficio tienda vivienda alquiler familia salud gobierno";
const AR: &str = "مدينة مجلس ميناء عاصفة عبارة مدرسة معلم مستشفى طبيب ميزانية ضريبة وزير انتخابات تصويت برلمان محكمة \
    شرطة نهر جسر طريق قطار محطة مطار سعر سوق بنك قرض تضخم عمل إضراب مصنع طاقة شمس رياح مياه جفاف فيضان مطر \
    مزارع حصاد غذاء قهوة مهرجان موسيقى فيلم مسرح كتاب رواية متحف معرض مباراة فريق لاعب مدرب موسم دوري كأس \
    نادي بحث دراسة جامعة مناخ غابة بحر جزيرة ساحل قرية منطقة تجارة شركة ربح متجر سكن إيجار عائلة صحة حكومة \
    والكتاب المكتبة الجديدة";
const SECTIONS: [&str; 8] = ["Europe", "World", "Business", "Science", "Sport", "Culture", "Middle East", "Africa"];
const NAMES: [&str; 12] = [
    "Mira Okonkwo",
    "Jonas Weber",
    "Ayşe Demir",
    "Claire Martin",
    "Lucía Gómez",
    "Omar Haddad",
    "Sean Byrne",
    "Anna Nowak",
    "Kemal Yıldız",
    "Sofia Rossi",
    "Pieter de Vries",
    "Leila Mansour",
];
const AGENCIES: [&str; 4] = ["AA", "NWA", "EPX", "NDA"];

/// splitmix64: small, fast, and the same everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// Skewed towards the front of a list, as word use is.
    pub fn skewed(&mut self, n: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((u * u * u) * n as f64) as usize % n.max(1)
    }
}

/// The vocabulary of a language.
pub fn vocabulary(lang: &str) -> Vec<&'static str> {
    let text = match lang {
        "tr" => TR,
        "de" => DE,
        "fr" => FR,
        "es" => ES,
        "ar" => AR,
        _ => EN,
    };
    text.split_whitespace().collect()
}

pub fn language_of(i: u64) -> &'static str {
    match i % 50 {
        0..=29 => "en",
        30..=34 => "tr",
        35..=38 => "de",
        39..=42 => "fr",
        43..=46 => "es",
        _ => "ar",
    }
}

fn sentence(rng: &mut Rng, words: &[&str], len: usize) -> String {
    let mut s: Vec<&str> = (0..len).map(|_| words[rng.skewed(words.len())]).collect();
    s.dedup();
    let mut out = s.join(" ");
    if let Some(first) = out.get(..1) {
        out = first.to_uppercase() + &out[1..];
    }
    out
}

/// Article number `i` of the corpus made with `seed`.
pub fn article(seed: u64, i: u64, now: Timestamp) -> Article {
    let mut rng = Rng::new(seed ^ i.wrapping_mul(0x2545_F491_4F6C_DD1D));
    let lang = language_of(i);
    let words = vocabulary(lang);
    let len = 6 + rng.below(6);
    let headline = format!("{} {}", sentence(&mut rng, &words, len), i);
    let len = 12 + rng.below(8);
    let deck = sentence(&mut rng, &words, len) + ".";
    let paragraphs = 4 + rng.below(5);
    let body = (0..paragraphs)
        .map(|_| {
            let len = 30 + rng.below(30);
            Block::Paragraph { text: sentence(&mut rng, &words, len) + ".", marks: vec![] }
        })
        .collect();
    let section = Section::from_label(SECTIONS[rng.below(SECTIONS.len())]).expect("constant section names");
    let slug = Slug::from_title(&headline).unwrap_or_else(|| Slug::parse(&format!("story-{i}")).expect("a slug"));
    let ago = SignedDuration::from_secs((rng.next() % (365 * 86_400)) as i64);
    Article {
        id: None,
        section,
        slug,
        headline,
        deck: Some(deck),
        lead_image: None,
        body,
        source: (rng.below(3) == 0).then(|| AGENCIES[rng.below(AGENCIES.len())].to_string()),
        authors: vec![NAMES[rng.below(NAMES.len())].to_string()],
        tags: (0..2).map(|_| words[rng.skewed(words.len())].to_string()).collect(),
        language: lang.to_string(),
        canonical_url: None,
        state: WorkflowState::Published,
        published_at: Some(now - ago),
        updated_at: None,
        embargo: None,
        based_on: None,
        corrections: vec![],
        promo: Default::default(),
    }
}

pub fn run(data: &Path, args: CorpusArgs) -> anyhow::Result<ExitCode> {
    let store = Store::open(data).with_context(|| format!("cannot open the data directory {}", data.display()))?;
    let now = Timestamp::now();
    let t0 = std::time::Instant::now();
    let mut batch = Vec::with_capacity(1000);
    let mut stored = 0;
    for i in 0..args.articles {
        batch.push(article(args.seed, i, now));
        if batch.len() == 1000 || i + 1 == args.articles {
            stored += store.save_batch(&batch, "bench-corpus", now)?;
            batch.clear();
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    eprintln!("stored {stored} articles in {secs:.1} s ({:.0}/s)", stored as f64 / secs.max(1e-9));
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_corpus_is_deterministic_and_mixed() {
        let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        assert_eq!(article(7, 3, now), article(7, 3, now));
        assert_ne!(article(7, 3, now).headline, article(8, 3, now).headline);
        let langs: std::collections::BTreeSet<String> = (0..50).map(|i| article(1, i, now).language).collect();
        assert_eq!(langs.len(), 6);
    }
}
