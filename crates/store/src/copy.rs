//! Moving a site between databases (`newsdesk copy --from URL --to URL`): every table, row for
//! row with its ids, from SQLite to PostgreSQL or back (or between two of a kind), into a target
//! that must be empty, in one transaction on the target, so a copy that fails leaves it as it was.
//! Afterwards each table's rows are counted and checksummed on both sides (an order-free digest of
//! every row's values, so the two servers' collations do not matter) and the two must match.
//!
//! The schemas are the same by construction (`postgres::tests` holds the migrations to the same
//! tables and columns); values cross as integers, reals, text or NULL, SQLite's 0/1 flags becoming
//! PostgreSQL's booleans and back. Tables are copied parents first (by their foreign keys). Every
//! statement is a constant made per table from the fixed list [`TABLES`]; values are bound; rows
//! go into PostgreSQL by binary `COPY`.
//! Triggers that derive rows (the live lists, the lead pictures' files) are switched off on a
//! PostgreSQL target for the copy, whose rows already hold what they would derive; on a SQLite
//! target, where they cannot be, a derived row the copy then brings is written over the trigger's.

use std::collections::BTreeMap;
use std::path::PathBuf;

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{ToSql, Type};
use rusqlite::types::ValueRef;
use sha2::{Digest, Sha256};

use crate::{Store, StoreError};

/// A database named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// A data directory (its `newsdesk.db`).
    Sqlite(PathBuf),
    /// A PostgreSQL URL or connection string.
    Postgres(String),
}

impl Database {
    /// `postgres://…`, `postgresql://…` or `host=… dbname=…` is PostgreSQL; `sqlite://DIR` or a
    /// plain path is a SQLite data directory.
    pub fn parse(s: &str) -> Database {
        if s.starts_with("postgres://")
            || s.starts_with("postgresql://")
            || s.contains("dbname=")
            || s.starts_with("host=")
        {
            Database::Postgres(s.to_string())
        } else {
            Database::Sqlite(PathBuf::from(s.strip_prefix("sqlite://").unwrap_or(s)))
        }
    }

    /// Where it is, without a password.
    pub fn describe(&self) -> String {
        match self {
            Database::Sqlite(dir) => format!("SQLite in {}", dir.display()),
            Database::Postgres(url) => match url.parse::<postgres::Config>() {
                Ok(c) => format!("PostgreSQL {}", crate::postgres::describe(&c)),
                Err(_) => "PostgreSQL (an unreadable URL)".into(),
            },
        }
    }
}

/// One table as copied: its rows and their checksum on the source and on the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub rows: u64,
    pub source_checksum: String,
    pub target_checksum: String,
    pub target_rows: u64,
}

impl Table {
    pub fn matches(&self) -> bool {
        self.rows == self.target_rows && self.source_checksum == self.target_checksum
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

/// What PostgreSQL keeps a column as (SQLite's declared types map onto these).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Bool,
    Real,
    Text,
}

/// A column: its name and kind.
#[derive(Debug, Clone)]
struct Column {
    name: String,
    kind: Kind,
}

/// An open database of either kind.
enum Conn {
    Sqlite(rusqlite::Connection),
    Postgres(postgres::Client),
}

/// Copies every table of `from` into `to`; returns each table with its counts and checksums.
/// `to` must hold no rows (it is made and migrated when it does not exist).
pub fn copy(from: &Database, to: &Database) -> Result<Vec<Table>, StoreError> {
    if from == to {
        return Err(StoreError::Copy(format!("{} is both the source and the target", from.describe())));
    }
    let mut source = open(from, false)?;
    let mut target = open(to, true)?;
    let tables = tables_in_order(&source)?;
    let kinds = match (&mut source, &mut target) {
        (Conn::Postgres(c), _) | (_, Conn::Postgres(c)) => column_kinds(c)?,
        _ => Default::default(),
    };
    let columns: Vec<(String, Vec<Column>)> = tables
        .iter()
        .map(|t| {
            let names = sqlite_or_pg_columns(&mut source, t)?;
            let cols = names
                .into_iter()
                .map(|name| Column { kind: kinds.get(&(t.clone(), name.clone())).copied().unwrap_or(Kind::Text), name })
                .collect();
            Ok((t.clone(), cols))
        })
        .collect::<Result<_, StoreError>>()?;
    for (table, _) in &columns {
        let n = count(&mut target, table)?;
        if n > 0 {
            return Err(StoreError::Copy(format!(
                "{} is not empty ({table} has {n} rows): copy only into a new database",
                to.describe()
            )));
        }
    }
    write_all(&mut source, &mut target, &columns)?;
    let mut out = Vec::new();
    for (table, cols) in &columns {
        let (rows, source_checksum) = checksum(&mut source, table, cols)?;
        let (target_rows, target_checksum) = checksum(&mut target, table, cols)?;
        out.push(Table { name: table.clone(), rows, source_checksum, target_checksum, target_rows });
    }
    Ok(out)
}

fn open(db: &Database, create: bool) -> Result<Conn, StoreError> {
    match db {
        Database::Sqlite(dir) => {
            let file = dir.join("newsdesk.db");
            if !create && !file.exists() {
                return Err(StoreError::Copy(format!("no database at {}", file.display())));
            }
            // Opening makes it (for a target) and brings it to this program's schema.
            drop(Store::open(dir)?);
            let conn = rusqlite::Connection::open(&file)?;
            conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;")?;
            Ok(Conn::Sqlite(conn))
        }
        Database::Postgres(url) => {
            let mut client = crate::postgres::connect(url)?;
            crate::postgres::migrate(&mut client)?;
            Ok(Conn::Postgres(client))
        }
    }
}

/// Every table but `schema_migrations`, parents before the tables that refer to them.
fn tables_in_order(conn: &Conn) -> Result<Vec<String>, StoreError> {
    // The order is the schema's, the same on both backends: read it from a SQLite schema.
    let mut tmp;
    let lite = match conn {
        Conn::Sqlite(c) => c,
        Conn::Postgres(_) => {
            tmp = rusqlite::Connection::open_in_memory()?;
            crate::migrate::run(&mut tmp)?;
            &tmp
        }
    };
    let names: Vec<String> = lite
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND name <> 'schema_migrations' ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut parents: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in &names {
        let refs: Vec<String> = lite
            .prepare("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?1)")?
            .query_map([t], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        parents.insert(t.clone(), refs.into_iter().filter(|p| p != t).collect());
    }
    let mut order: Vec<String> = Vec::new();
    while order.len() < names.len() {
        let before = order.len();
        for t in &names {
            if !order.contains(t) && parents[t].iter().all(|p| order.contains(p)) {
                order.push(t.clone());
            }
        }
        if order.len() == before {
            return Err(StoreError::Copy("the tables' foreign keys form a cycle".into()));
        }
    }
    Ok(order)
}

/// The columns of `table`, in the schema's order.
fn sqlite_or_pg_columns(conn: &mut Conn, table: &str) -> Result<Vec<String>, StoreError> {
    match conn {
        Conn::Sqlite(c) => Ok(c
            .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?
            .query_map([table], |r| r.get(0))?
            .collect::<Result<_, _>>()?),
        Conn::Postgres(c) => Ok(c
            .query(
                "SELECT column_name::text FROM information_schema.columns WHERE table_schema = 'public' \
                 AND table_name = $1 ORDER BY ordinal_position",
                &[&table],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect()),
    }
}

fn column_kinds(c: &mut postgres::Client) -> Result<BTreeMap<(String, String), Kind>, StoreError> {
    let mut out = BTreeMap::new();
    for r in c.query(
        "SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns \
         WHERE table_schema = 'public'",
        &[],
    )? {
        let kind = match r.get::<_, &str>(2) {
            "bigint" | "integer" => Kind::Int,
            "boolean" => Kind::Bool,
            "double precision" | "real" => Kind::Real,
            _ => Kind::Text,
        };
        out.insert((r.get(0), r.get(1)), kind);
    }
    Ok(out)
}

/// The SQL for one table, every text a constant made from the table's name here: no name read
/// at run time is ever put into SQL. `SELECT *` reads columns in the schema's order, the same on
/// both backends (`postgres::tests` holds their columns to the same positions).
struct TableSql {
    name: &'static str,
    count: &'static str,
    select: &'static str,
    /// SQLite: the statement up to its values' opening parenthesis. `OR REPLACE`: a row a trigger
    /// already derived from a copied row is written over (the target starts empty otherwise).
    insert: &'static str,
    /// PostgreSQL: binary COPY, the deriving triggers off meanwhile, the identity set after.
    copy_in: &'static str,
    triggers_off: &'static str,
    triggers_on: &'static str,
    identity: &'static str,
}

macro_rules! tables {
    ($($t:ident),* $(,)?) => {
        &[$(TableSql {
            name: stringify!($t),
            count: concat!("SELECT count(*) FROM ", stringify!($t)),
            select: concat!("SELECT * FROM ", stringify!($t)),
            insert: concat!("INSERT OR REPLACE INTO ", stringify!($t), " VALUES ("),
            copy_in: concat!("COPY ", stringify!($t), " FROM STDIN (FORMAT binary)"),
            triggers_off: concat!("ALTER TABLE ", stringify!($t), " DISABLE TRIGGER USER"),
            triggers_on: concat!("ALTER TABLE ", stringify!($t), " ENABLE TRIGGER USER"),
            identity: concat!(
                "SELECT setval(pg_get_serial_sequence('", stringify!($t), "', 'id'), ",
                "COALESCE((SELECT MAX(id) FROM ", stringify!($t), "), 0) + 1, false)"
            ),
        }),*]
    };
}

/// Every table the copy knows; a table the schema has and this list lacks stops the copy (a test
/// holds the list to the schema).
const TABLES: &[TableSql] = tables!(
    api_keys,
    article_authors,
    article_lead_assets,
    article_tags,
    article_views,
    articles,
    audit_log,
    authors,
    deliveries,
    delivery_attempts,
    embeds,
    events,
    feed_sources,
    followers,
    front_pins,
    invites,
    login_failures,
    media,
    media_refs,
    related,
    related_pins,
    revisions,
    routing_rules,
    scheduled_jobs,
    sections,
    sessions,
    sources,
    story_locks,
    tags,
    user_tokens,
    users,
    webhooks,
    wire_items,
);

fn sql_for(table: &str) -> Result<&'static TableSql, StoreError> {
    TABLES
        .iter()
        .find(|t| t.name == table)
        .ok_or_else(|| StoreError::Copy(format!("the schema has a table this copy does not know: {table}")))
}

/// `?1, ?2, …` for `n` values, from constants.
fn sqlite_values(head: &'static str, n: usize) -> Result<String, StoreError> {
    const MARKS: [&str; 48] = [
        "?1", "?2", "?3", "?4", "?5", "?6", "?7", "?8", "?9", "?10", "?11", "?12", "?13", "?14", "?15", "?16", "?17",
        "?18", "?19", "?20", "?21", "?22", "?23", "?24", "?25", "?26", "?27", "?28", "?29", "?30", "?31", "?32", "?33",
        "?34", "?35", "?36", "?37", "?38", "?39", "?40", "?41", "?42", "?43", "?44", "?45", "?46", "?47", "?48",
    ];
    let marks = MARKS.get(..n).ok_or_else(|| StoreError::Copy(format!("a table of {n} columns")))?;
    let mut sql = String::from(head);
    sql.push_str(&marks.join(", "));
    sql.push(')');
    Ok(sql)
}

fn count(conn: &mut Conn, table: &str) -> Result<i64, StoreError> {
    let sql = sql_for(table)?.count;
    Ok(match conn {
        Conn::Sqlite(c) => c.query_row(sql, [], |r| r.get(0))?,
        Conn::Postgres(c) => c.query_one(sql, &[])?.get(0),
    })
}

/// Reads every row of `table` from `conn`, handing each to `each`.
fn rows(
    conn: &mut Conn,
    table: &str,
    cols: &[Column],
    mut each: impl FnMut(Vec<Value>) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let sql = sql_for(table)?.select;
    match conn {
        Conn::Sqlite(c) => {
            let mut stmt = c.prepare(sql)?;
            if stmt.column_count() != cols.len() {
                return Err(StoreError::Copy(format!("{table}: {} columns, not {}", stmt.column_count(), cols.len())));
            }
            let mut q = stmt.query([])?;
            while let Some(r) = q.next()? {
                let mut row = Vec::with_capacity(cols.len());
                for i in 0..cols.len() {
                    row.push(match r.get_ref(i)? {
                        ValueRef::Null => Value::Null,
                        ValueRef::Integer(n) => Value::Int(n),
                        ValueRef::Real(f) => Value::Real(f),
                        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                        ValueRef::Blob(_) => {
                            return Err(StoreError::Copy(format!("{table}: a blob, which the schema has none of")));
                        }
                    });
                }
                each(row)?;
            }
        }
        Conn::Postgres(c) => {
            // A cursor, a thousand rows at a time: a table of long stories never sits in memory whole.
            let mut tx = c.transaction()?;
            let portal = tx.bind(sql, &[])?;
            loop {
                let batch = tx.query_portal(&portal, 1000)?;
                if batch.is_empty() {
                    break;
                }
                for r in &batch {
                    let mut row = Vec::with_capacity(cols.len());
                    for (i, col) in r.columns().iter().enumerate() {
                        row.push(match *col.type_() {
                            Type::INT8 => r.get::<_, Option<i64>>(i).map_or(Value::Null, Value::Int),
                            Type::BOOL => r.get::<_, Option<bool>>(i).map_or(Value::Null, |b| Value::Int(i64::from(b))),
                            Type::FLOAT8 => r.get::<_, Option<f64>>(i).map_or(Value::Null, Value::Real),
                            Type::TEXT => r.get::<_, Option<String>>(i).map_or(Value::Null, Value::Text),
                            ref other => {
                                return Err(StoreError::Copy(format!("{table}.{}: type {other}", col.name())));
                            }
                        });
                    }
                    each(row)?;
                }
            }
            tx.commit()?;
        }
    }
    Ok(())
}

/// Copies every table in one transaction on the target.
fn write_all(source: &mut Conn, target: &mut Conn, tables: &[(String, Vec<Column>)]) -> Result<(), StoreError> {
    match target {
        Conn::Sqlite(t) => {
            let tx = t.transaction()?;
            for (table, cols) in tables {
                let mut stmt = tx.prepare(&sqlite_values(sql_for(table)?.insert, cols.len())?)?;
                rows(source, table, cols, |row| {
                    let values = row.into_iter().map(|v| match v {
                        Value::Null => rusqlite::types::Value::Null,
                        Value::Int(n) => rusqlite::types::Value::Integer(n),
                        Value::Real(f) => rusqlite::types::Value::Real(f),
                        Value::Text(s) => rusqlite::types::Value::Text(s),
                    });
                    stmt.execute(rusqlite::params_from_iter(values))?;
                    Ok(())
                })?;
            }
            tx.commit()?;
        }
        Conn::Postgres(t) => {
            let mut tx = t.transaction()?;
            for (table, cols) in tables {
                let sql = sql_for(table)?;
                // The copied rows already hold what the triggers would derive.
                tx.batch_execute(sql.triggers_off)?;
                let types: Vec<Type> = cols
                    .iter()
                    .map(|c| match c.kind {
                        Kind::Int => Type::INT8,
                        Kind::Bool => Type::BOOL,
                        Kind::Real => Type::FLOAT8,
                        Kind::Text => Type::TEXT,
                    })
                    .collect();
                // Rows go in with binary COPY while the source is read (a SQLite source's statement
                // cannot lend the target out, so they pass through a buffer of a few thousand).
                let mut pending: Vec<Vec<Value>> = Vec::new();
                {
                    let sink = tx.copy_in(sql.copy_in)?;
                    let mut writer = BinaryCopyInWriter::new(sink, &types);
                    let mut write = |pending: &mut Vec<Vec<Value>>| -> Result<(), StoreError> {
                        for row in pending.drain(..) {
                            let params = pg_params(&row, cols, table)?;
                            let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.as_ref()).collect();
                            writer.write(&refs)?;
                        }
                        Ok(())
                    };
                    let mut failed = None;
                    rows(source, table, cols, |row| {
                        pending.push(row);
                        if pending.len() >= 2000
                            && let Err(e) = write(&mut pending)
                        {
                            failed = Some(e);
                            return Err(StoreError::Copy("stopped".into()));
                        }
                        Ok(())
                    })
                    .map_err(|e| failed.take().unwrap_or(e))?;
                    write(&mut pending)?;
                    writer.finish()?;
                }
                tx.batch_execute(sql.triggers_on)?;
                // Identity columns go on from the highest copied id.
                if cols.iter().any(|c| c.name == "id") {
                    let has_identity: bool =
                        tx.query_one("SELECT pg_get_serial_sequence($1, 'id') IS NOT NULL", &[&sql.name])?.get(0);
                    if has_identity {
                        tx.execute(sql.identity, &[])?;
                    }
                }
            }
            tx.commit()?;
        }
    }
    Ok(())
}

fn pg_params(row: &[Value], cols: &[Column], table: &str) -> Result<Vec<Box<dyn ToSql + Sync>>, StoreError> {
    row.iter()
        .zip(cols)
        .map(|(v, c)| -> Result<Box<dyn ToSql + Sync>, StoreError> {
            Ok(match (c.kind, v) {
                (Kind::Int, Value::Null) => Box::new(None::<i64>),
                (Kind::Int, Value::Int(n)) => Box::new(*n),
                (Kind::Bool, Value::Null) => Box::new(None::<bool>),
                (Kind::Bool, Value::Int(n)) => Box::new(*n != 0),
                (Kind::Real, Value::Null) => Box::new(None::<f64>),
                (Kind::Real, Value::Int(n)) => Box::new(*n as f64),
                (Kind::Real, Value::Real(f)) => Box::new(*f),
                (Kind::Text, Value::Null) => Box::new(None::<String>),
                (Kind::Text, Value::Text(s)) => Box::new(s.clone()),
                (kind, other) => {
                    return Err(StoreError::Copy(format!(
                        "{table}.{}: {other:?} cannot be stored as {kind:?}",
                        c.name
                    )));
                }
            })
        })
        .collect()
}

/// (rows, checksum) of a table: the SHA-256 of its rows' own digests, sorted, so the order each
/// server returns rows in does not matter.
fn checksum(conn: &mut Conn, table: &str, cols: &[Column]) -> Result<(u64, String), StoreError> {
    let mut digests: Vec<[u8; 32]> = Vec::new();
    rows(conn, table, cols, |row| {
        let mut h = Sha256::new();
        for v in &row {
            match v {
                Value::Null => h.update(b"N"),
                Value::Int(n) => {
                    h.update(b"I");
                    h.update(n.to_le_bytes());
                }
                Value::Real(f) => {
                    h.update(b"R");
                    h.update(f.to_bits().to_le_bytes());
                }
                Value::Text(s) => {
                    h.update(b"T");
                    h.update((s.len() as u64).to_le_bytes());
                    h.update(s.as_bytes());
                }
            }
        }
        digests.push(h.finalize().into());
        Ok(())
    })?;
    digests.sort_unstable();
    let mut all = Sha256::new();
    for d in &digests {
        all.update(d);
    }
    let hex: String = all.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect();
    Ok((digests.len() as u64, hex))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_copy_knows_every_table_of_the_schema() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        crate::migrate::run(&mut conn).unwrap();
        let mut schema = tables_in_order(&Conn::Sqlite(conn)).unwrap();
        schema.sort();
        let mut known: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
        known.sort_unstable();
        assert_eq!(schema, known);
        assert!(matches!(sql_for("sqlite_master"), Err(StoreError::Copy(_))));
        assert_eq!(sqlite_values("INSERT INTO t VALUES (", 3).unwrap(), "INSERT INTO t VALUES (?1, ?2, ?3)");
    }
}
