//! Console tests (console_customers). Being written.
