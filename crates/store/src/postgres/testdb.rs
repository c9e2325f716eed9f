//! A fresh database for one test on the PostgreSQL server the test command started
//! (`scripts/postgres.sh`, `NEWSDESK_TEST_POSTGRES_URL`), dropped when the test ends. Without a
//! server the test is skipped loudly (and fails under `NEWSDESK_REQUIRE_SHARED=1`, as CI runs).

use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};

use postgres::{Client, Config, NoTls};

use crate::shared;

pub struct TestDb {
    pub url: String,
    admin: Config,
    name: String,
}

impl TestDb {
    /// A new empty database, or `None` (skip recorded) when no server was started.
    pub fn new(test: &str) -> Option<TestDb> {
        let Ok(url) = std::env::var("NEWSDESK_TEST_POSTGRES_URL") else {
            return shared::skip(
                test,
                "no PostgreSQL server (NEWSDESK_TEST_POSTGRES_URL is unset; scripts/test starts one)",
            );
        };
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let name = format!("t_{}_{}", std::process::id(), SEQ.fetch_add(1, Ordering::Relaxed));
        let admin = Config::from_str(&url).expect("NEWSDESK_TEST_POSTGRES_URL");
        let mut client = admin.connect(NoTls).expect("the test PostgreSQL server");
        client.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let mut own = admin.clone();
        own.dbname(&name);
        let user = admin.get_user().unwrap_or("newsdesk");
        let host = match &admin.get_hosts()[0] {
            postgres::config::Host::Tcp(h) => h.clone(),
            postgres::config::Host::Unix(p) => p.display().to_string(),
        };
        let port = admin.get_ports().first().copied().unwrap_or(5432);
        Some(TestDb { url: format!("postgres://{user}@{host}:{port}/{name}"), admin, name })
    }

    pub fn client(&self) -> Client {
        crate::postgres::connect(&self.url).unwrap()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut c) = self.admin.connect(NoTls) {
            let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}
