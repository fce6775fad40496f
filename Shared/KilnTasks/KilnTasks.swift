import KilnCore

/// The concrete task definitions Kiln ships (noop, sbuild, lintian, autopkgtest, mmdebstrap, debsign,
/// servernoop, synchronization_point, delay) live in this module; the core stays task-agnostic.
public enum KilnTasks {}
