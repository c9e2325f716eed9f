//! Routing rules: how incoming wire and feed items are filed. An editor keeps an ordered list;
//! the first rule an item matches decides its section, adds its tags, and says whether a polled
//! source's item goes to the wire queue, straight to publication, or nowhere. The matching
//! itself is in `ingest::routing`, next to the items it reads.

use serde::{Deserialize, Serialize};

/// What a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleField {
    /// A subject's code (`medtop:15000000`; a trailing `*` matches every code it starts) or name.
    Subject,
    /// One of the item's own tags or categories.
    Tag,
    /// The agency, provider or feed (a word or words of its name).
    Source,
    /// Words in the headline.
    Keyword,
    /// The format it came in (`ninjs`, `newsml-g2`, `rss`, …).
    Format,
    /// Urgency at or above (numerically at or below) a level: 1 is a flash.
    Urgency,
}

impl RuleField {
    pub const ALL: [RuleField; 6] = [
        RuleField::Subject,
        RuleField::Tag,
        RuleField::Source,
        RuleField::Keyword,
        RuleField::Format,
        RuleField::Urgency,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleField::Subject => "subject",
            RuleField::Tag => "tag",
            RuleField::Source => "source",
            RuleField::Keyword => "keyword",
            RuleField::Format => "format",
            RuleField::Urgency => "urgency",
        }
    }

    pub fn parse(s: &str) -> Option<RuleField> {
        RuleField::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// What happens to a matching item from a polled source or a push.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleAction {
    /// Into the wire queue, for the desk to take.
    Queue,
    /// Straight to publication.
    Publish,
    /// Not wanted: counted and dropped.
    Skip,
}

impl RuleAction {
    pub const ALL: [RuleAction; 3] = [RuleAction::Queue, RuleAction::Publish, RuleAction::Skip];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleAction::Queue => "queue",
            RuleAction::Publish => "publish",
            RuleAction::Skip => "skip",
        }
    }

    pub fn parse(s: &str) -> Option<RuleAction> {
        RuleAction::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingRule {
    /// 0 until stored.
    pub id: i64,
    pub name: String,
    pub field: RuleField,
    pub pattern: String,
    /// The section a match is filed in (`None`: where it would go anyway).
    pub section: Option<String>,
    pub tags: Vec<String>,
    pub action: RuleAction,
    pub enabled: bool,
}

impl RoutingRule {
    /// Field-by-field problems, for the editor's form; empty when the rule can be stored.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![];
        if self.name.trim().is_empty() {
            out.push(("name", "Give the rule a name the desk will recognise.".to_string()));
        }
        let pattern = self.pattern.trim();
        if pattern.is_empty() {
            out.push(("pattern", "Say what to match.".to_string()));
        } else if pattern.chars().count() > 200 {
            out.push(("pattern", "At most 200 characters.".to_string()));
        }
        if self.field == RuleField::Urgency && !pattern.parse::<u8>().is_ok_and(|n| (1..=9).contains(&n)) {
            out.push(("pattern", "Urgency is a number from 1 (a flash) to 9.".to_string()));
        }
        if self.section.as_deref().is_some_and(|s| crate::Section::from_label(s).is_none()) {
            out.push(("section", "A section name needs letters.".to_string()));
        }
        if self.tags.iter().any(|t| t.chars().count() > 80) {
            out.push(("tags", "Tags are at most 80 characters each.".to_string()));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(field: RuleField, pattern: &str) -> RoutingRule {
        RoutingRule {
            id: 0,
            name: "Sport".into(),
            field,
            pattern: pattern.into(),
            section: Some("Sport".into()),
            tags: vec![],
            action: RuleAction::Queue,
            enabled: true,
        }
    }

    #[test]
    fn problems_name_the_field() {
        assert!(rule(RuleField::Subject, "medtop:15000000").problems().is_empty());
        assert_eq!(rule(RuleField::Subject, " ").problems()[0].0, "pattern");
        assert_eq!(rule(RuleField::Urgency, "0").problems()[0].0, "pattern");
        assert!(rule(RuleField::Urgency, "2").problems().is_empty());
        let mut r = rule(RuleField::Tag, "x");
        r.section = Some("!!".into());
        r.name = String::new();
        let fields: Vec<_> = r.problems().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["name", "section"]);
    }

    #[test]
    fn names_round_trip() {
        for f in RuleField::ALL {
            assert_eq!(RuleField::parse(f.as_str()), Some(f));
        }
        for a in RuleAction::ALL {
            assert_eq!(RuleAction::parse(a.as_str()), Some(a));
        }
    }
}
