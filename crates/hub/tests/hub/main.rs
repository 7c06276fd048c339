//! Integration tests of the hub over real HTTPS: API, console, and the RBAC table.

mod accounts;
mod agents;
mod backups_logs;
mod calling_api;
mod common;
mod console;
mod console_alarms;
mod console_calling;
mod console_calling_pages;
mod console_customers;
mod console_jobs;
mod crash;
mod files;
mod fixtures;
mod hardening;
mod jobs_api;
mod jobs_nodes;
mod lockout;
mod mail;
mod preferences;
mod rbac;
mod remote;
mod server;
mod webex_api;
mod webex_filters;
mod webex_numbers;
