//! Native benchmark of the core (placeholder until the bench helper fills it in).
fn main() {}
