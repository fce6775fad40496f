// The core's public API uses `Duration`'s conversions (`KilnBase`), so every module importing KilnCore gets them.
@_exported import KilnBase
