//! Which routing rule an item matches (the rules themselves are `core::routing`): the first
//! enabled rule, in the editor's order, that the item meets. Matching ignores case and accents
//! the way a desk would: "Türkiye" is matched by "turkiye".

use newsdesk_core::routing::{RoutingRule, RuleAction, RuleField};

use crate::item::WireItem;

/// What the rules decide for one item.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Decision {
    /// The rule that matched, if any.
    pub rule: Option<i64>,
    pub section: Option<String>,
    pub tags: Vec<String>,
    pub action: Option<RuleAction>,
}

/// Folded for comparison: lower case, Turkish dotless i and common accents taken off.
fn fold(s: &str) -> String {
    s.trim()
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ı' => 'i',
            'ç' => 'c',
            'ğ' => 'g',
            'ö' => 'o',
            'ş' => 's',
            'ü' => 'u',
            'â' | 'à' | 'á' | 'ä' | 'ã' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'í' | 'ï' => 'i',
            'ô' | 'ó' | 'õ' => 'o',
            'û' | 'ú' | 'ù' => 'u',
            'ñ' => 'n',
            c => c,
        })
        .filter(|c| *c != '\u{307}')
        .collect()
}

/// Whether `text` contains the words of `pattern`, in order, as whole words.
fn has_words(text: &str, pattern: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(fold).collect()
    };
    let (text, wanted) = (words(text), words(pattern));
    !wanted.is_empty() && text.windows(wanted.len()).any(|w| w == wanted.as_slice())
}

fn code_matches(code: &str, pattern: &str) -> bool {
    let (code, pattern) = (fold(code), fold(pattern));
    match pattern.strip_suffix('*') {
        Some(prefix) => code.starts_with(prefix),
        None => code == pattern,
    }
}

pub fn matches(rule: &RoutingRule, item: &WireItem) -> bool {
    let p = rule.pattern.as_str();
    match rule.field {
        RuleField::Subject => item.subjects.iter().any(|s| {
            s.code.as_deref().is_some_and(|c| code_matches(c, p))
                || s.name.as_deref().is_some_and(|n| fold(n) == fold(p))
        }),
        RuleField::Tag => item.tags.iter().chain(item.section.iter()).any(|t| fold(t) == fold(p)),
        RuleField::Source => {
            [&item.provider, &item.copyright_holder, &item.info_source].into_iter().flatten().any(|s| has_words(s, p))
        }
        RuleField::Keyword => has_words(&item.headline, p),
        RuleField::Format => fold(item.format.name()) == fold(p),
        RuleField::Urgency => match (item.urgency, p.trim().parse::<i64>()) {
            (Some(u), Ok(level)) => u <= level,
            _ => false,
        },
    }
}

/// The decision of the first enabled rule the item matches, or an empty one.
pub fn route(rules: &[RoutingRule], item: &WireItem) -> Decision {
    rules.iter().filter(|r| r.enabled).find(|r| matches(r, item)).map_or_else(Decision::default, |r| Decision {
        rule: Some(r.id),
        section: r.section.clone(),
        tags: r.tags.clone(),
        action: Some(r.action),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::{Format, Subject};
    use proptest::prelude::*;

    fn item() -> WireItem {
        let mut i = WireItem::new(
            Format::NewsmlG2,
            "urn:x".into(),
            "Galatasaray beat Fenerbahçe in Istanbul derby".into(),
            vec![],
        );
        i.subjects = vec![
            Subject { code: Some("medtop:15000000".into()), name: Some("sport".into()) },
            Subject { code: Some("subj:15054000".into()), name: None },
        ];
        i.provider = Some("Anadolu Ajansı".into());
        i.urgency = Some(3);
        i.tags = vec!["Süper Lig".into()];
        i
    }

    fn rule(id: i64, field: RuleField, pattern: &str, action: RuleAction) -> RoutingRule {
        RoutingRule {
            id,
            name: format!("rule {id}"),
            field,
            pattern: pattern.into(),
            section: Some(format!("S{id}")),
            tags: vec![format!("t{id}")],
            action,
            enabled: true,
        }
    }

    #[test]
    fn each_field_matches_its_way() {
        let it = item();
        let yes = [
            (RuleField::Subject, "MEDTOP:15000000"),
            (RuleField::Subject, "subj:15*"),
            (RuleField::Subject, "Sport"),
            (RuleField::Tag, "super lig"),
            (RuleField::Source, "anadolu"),
            (RuleField::Source, "Anadolu Ajansi"),
            (RuleField::Keyword, "fenerbahce"),
            (RuleField::Keyword, "istanbul derby"),
            (RuleField::Format, "newsml-g2"),
            (RuleField::Urgency, "3"),
        ];
        for (field, pattern) in yes {
            assert!(matches(&rule(1, field, pattern, RuleAction::Queue), &it), "{field:?} {pattern}");
        }
        let no = [
            (RuleField::Subject, "medtop:15"),
            (RuleField::Keyword, "derby istanbul"),
            (RuleField::Keyword, "gala"),
            (RuleField::Source, "reuters"),
            (RuleField::Urgency, "2"),
            (RuleField::Format, "ninjs"),
        ];
        for (field, pattern) in no {
            assert!(!matches(&rule(1, field, pattern, RuleAction::Queue), &it), "{field:?} {pattern}");
        }
    }

    #[test]
    fn the_first_enabled_match_decides() {
        let it = item();
        let mut off = rule(1, RuleField::Keyword, "derby", RuleAction::Skip);
        off.enabled = false;
        let rules = [
            off,
            rule(2, RuleField::Format, "rss", RuleAction::Publish),
            rule(3, RuleField::Subject, "sport", RuleAction::Publish),
            rule(4, RuleField::Urgency, "9", RuleAction::Queue),
        ];
        let d = route(&rules, &it);
        assert_eq!(
            d,
            Decision {
                rule: Some(3),
                section: Some("S3".into()),
                tags: vec!["t3".into()],
                action: Some(RuleAction::Publish)
            }
        );
        assert_eq!(route(&[], &it), Decision::default());
    }

    proptest! {
        #[test]
        fn never_panics(pattern in "\\PC{0,20}", headline in "\\PC{0,40}") {
            let mut it = item();
            it.headline = headline;
            for field in RuleField::ALL {
                let _ = matches(&rule(1, field, &pattern, RuleAction::Queue), &it);
            }
        }
    }
}
