//! Console tests (console_alarms). Being written.
