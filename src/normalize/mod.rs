//! grid → model (being written).
