// `sqlx::migrate!` embeds the SQL files at compile time: rebuild this crate
// whenever a migration is added or edited.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
