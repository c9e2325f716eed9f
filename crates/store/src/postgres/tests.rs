use std::collections::BTreeSet;
use std::time::Duration;

use jiff::Timestamp;
use serde_json::json;

use super::testdb::TestDb;
use super::*;
use crate::sqlite::EventKind;

/// (table, position, column, type class, NOT NULL) of every column, and the index names, of a schema.
type Shape = (BTreeSet<(String, i64, String, &'static str, bool)>, BTreeSet<String>);

fn class(declared: &str) -> &'static str {
    match declared.to_ascii_lowercase().as_str() {
        "integer" | "bigint" => "integer",
        // Flags are 0/1 integers on SQLite and booleans on PostgreSQL.
        "boolean" => "integer",
        "real" | "double precision" => "real",
        "text" | "jsonb" => "text",
        other => panic!("a column type the migrations should not use: {other}"),
    }
}

fn sqlite_shape() -> Shape {
    let tmp = tempfile::tempdir().unwrap();
    drop(crate::Store::open(tmp.path()).unwrap());
    let conn = rusqlite::Connection::open(tmp.path().join("newsdesk.db")).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut columns = BTreeSet::new();
    for t in &tables {
        let mut stmt = conn.prepare("SELECT cid, name, type, \"notnull\", pk FROM pragma_table_info(?1)").unwrap();
        let rows = stmt
            .query_map([t], |r| {
                let position = r.get::<_, i64>(0)?;
                Ok((
                    position,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, bool>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            })
            .unwrap();
        for row in rows {
            let (position, name, ty, notnull, pk) = row.unwrap();
            // A primary key column is NOT NULL on PostgreSQL whether or not it says so.
            columns.insert((t.clone(), position, name, class(&ty), notnull || pk > 0));
        }
    }
    let indexes = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    (columns, indexes)
}

fn postgres_shape(client: &mut Client) -> Shape {
    let columns = client
        .query(
            "SELECT table_name::text, ordinal_position::int8 - 1, column_name::text, data_type::text, is_nullable = 'NO' \
             FROM information_schema.columns WHERE table_schema = 'public'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get::<_, String>(0), r.get::<_, i64>(1), r.get::<_, String>(2), class(r.get(3)), r.get::<_, bool>(4)))
        .collect();
    // Indexes made by CREATE INDEX, not those behind a primary key or UNIQUE constraint.
    let indexes = client
        .query(
            "SELECT c.relname::text FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' \
             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    (columns, indexes)
}

#[test]
fn both_schemas_have_the_same_tables_columns_and_indexes() {
    let Some(db) = TestDb::new("store::postgres::both_schemas_have_the_same_tables_columns_and_indexes") else {
        return;
    };
    let mut client = db.client();
    migrate(&mut client).unwrap();
    migrate(&mut client).unwrap(); // nothing left to do the second time
    let (pg_columns, pg_indexes) = postgres_shape(&mut client);
    let (lite_columns, lite_indexes) = sqlite_shape();
    let only = |a: &BTreeSet<_>, b: &BTreeSet<_>| a.difference(b).cloned().collect::<Vec<_>>();
    assert!(
        pg_columns == lite_columns,
        "only on PostgreSQL: {:?}\nonly on SQLite: {:?}",
        only(&pg_columns, &lite_columns),
        only(&lite_columns, &pg_columns)
    );
    assert_eq!(pg_indexes, lite_indexes);
    assert!(pg_columns.len() > 200, "{} columns", pg_columns.len());
}

#[test]
fn the_triggers_keep_live_lists_and_lead_pictures_as_on_sqlite() {
    let Some(db) = TestDb::new("store::postgres::the_triggers_keep_live_lists_and_lead_pictures_as_on_sqlite") else {
        return;
    };
    let mut c = db.client();
    migrate(&mut c).unwrap();
    c.batch_execute(
        "INSERT INTO sections (slug, name) VALUES ('europe', 'Europe');
         INSERT INTO tags (slug, name) VALUES ('ferries', 'Ferries');
         INSERT INTO articles (section_id, slug, headline, body, language, state, created_at, modified_at, revision, lead_image)
              VALUES (1, 'a', 'A', '[]', 'en', 'draft', 1, 1, 1, '{\"asset\": \"ab12.jpg\", \"alt\": \"x\"}');
         INSERT INTO article_tags (article_id, tag_id, position) VALUES (1, 1, 0);",
    )
    .unwrap();
    let live = |c: &mut Client| c.query_one("SELECT live_at FROM article_tags", &[]).unwrap().get::<_, Option<i64>>(0);
    assert_eq!(live(&mut c), None, "a draft's rows are not live");
    c.batch_execute("UPDATE articles SET state = 'published', published_at = 42").unwrap();
    assert_eq!(live(&mut c), Some(42));
    let asset = |c: &mut Client| {
        c.query_opt("SELECT asset FROM article_lead_assets", &[]).unwrap().map(|r| r.get::<_, String>(0))
    };
    assert_eq!(asset(&mut c).as_deref(), Some("ab12.jpg"));
    c.batch_execute("UPDATE articles SET lead_image = NULL").unwrap();
    assert_eq!(asset(&mut c), None);
}

#[test]
fn a_follower_never_passes_an_event_that_commits_late() {
    let Some(db) = TestDb::new("store::postgres::a_follower_never_passes_an_event_that_commits_late") else { return };
    migrate(&mut db.client()).unwrap();

    // Without the lock, the hazard is real: the second transaction takes a later id, commits
    // first, and a follower that read it steps past the first one's id for good.
    let (mut a, mut b, mut follower) = (db.client(), db.client(), db.client());
    let mut ta = a.transaction().unwrap();
    let first: i64 = ta
        .query_one(
            "INSERT INTO events (created_at, kind, payload) VALUES (1, 'article.published', '{}') RETURNING id",
            &[],
        )
        .unwrap()
        .get(0);
    b.execute("INSERT INTO events (created_at, kind, payload) VALUES (2, 'article.published', '{}')", &[]).unwrap();
    let seen = events::since(&mut follower, 0, 100).unwrap();
    assert_eq!(seen.len(), 1);
    assert!(seen[0].id > first, "the later id is visible before the earlier one commits");
    let last = seen[0].id;
    ta.commit().unwrap();
    assert!(events::since(&mut follower, last, 100).unwrap().is_empty(), "the late one is never read");

    // With `events::append`, the second writer waits for the first to commit.
    let last = events::since(&mut follower, 0, 100).unwrap().last().unwrap().id;
    let mut ta = a.transaction().unwrap();
    let early = events::append(&mut ta, EventKind::Published, Some(1), &json!({ "n": 1 }), Timestamp::now()).unwrap();
    let url = db.url.clone();
    let second = std::thread::spawn(move || {
        let mut b = connect(&url).unwrap();
        let mut tb = b.transaction().unwrap();
        let id = events::append(&mut tb, EventKind::Updated, Some(2), &json!({ "n": 2 }), Timestamp::now()).unwrap();
        tb.commit().unwrap();
        id
    });
    std::thread::sleep(Duration::from_millis(300));
    assert!(!second.is_finished(), "the second writer waits while the first holds the log");
    assert!(events::since(&mut follower, last, 100).unwrap().is_empty(), "nothing committed yet");
    ta.commit().unwrap();
    let late = second.join().unwrap();
    assert!(late > early);
    let seen: Vec<i64> = events::since(&mut follower, last, 100).unwrap().iter().map(|e| e.id).collect();
    assert_eq!(seen, [early, late], "both, in order");
    let payloads: Vec<_> = events::since(&mut follower, last, 100).unwrap().into_iter().map(|e| e.payload).collect();
    assert_eq!(payloads, [json!({ "n": 1 }), json!({ "n": 2 })]);
}

#[test]
fn bad_urls_wrong_users_and_newer_schemas_get_one_clear_line() {
    let Some(db) = TestDb::new("store::postgres::bad_urls_wrong_users_and_newer_schemas_get_one_clear_line") else {
        return;
    };
    let err = |url: &str| connect(url).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err("mysql://x").contains("not a PostgreSQL URL"), "{}", err("mysql://x"));
    // A port nothing listens on: refused at once, named without the password.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let said = err(&format!("postgres://newsdesk:s3cret@127.0.0.1:{closed}/news"));
    assert!(said.contains(&format!("newsdesk@127.0.0.1:{closed}/news")) && !said.contains("s3cret"), "{said}");
    let said = err(&format!("{}?sslmode=require", db.url));
    assert!(said.contains("sslmode=require"), "{said}");
    let said = err(&db.url.replace("postgres://newsdesk@", "postgres://nobody@"));
    assert!(said.contains("nobody") && said.contains("28000"), "an unknown role, in the server's words: {said}");

    let mut c = db.client();
    migrate(&mut c).unwrap();
    c.execute("INSERT INTO schema_migrations (name, applied_at) VALUES ('0999_future', 0)", &[]).unwrap();
    let said = migrate(&mut c).unwrap_err().to_string();
    assert!(said.contains("0999_future"), "{said}");
}
