// Browser test of backups from the console, driven through real Chromium against real agents.
//
// Proves, end to end in a browser:
//   BKP-2  an Operator selects two customers in the customer list, opens Backup from the action
//          menu, names the job and starts it now
//   JOB-2  the job's page shows each server's part and follows the job to its end without being
//          reloaded (the page refreshes its own status), every part completed
//   SYS-4  back on the customer list, both customers show the last action completed
//
// Environment:
//   PATCHBAY_URL               base URL of a running hub (required)
//   PATCHBAY_BACKUP_LOGIN      an Operator assigned to the customers below (required)
//   PATCHBAY_BACKUP_PASSWORD   its password (required)
//   PATCHBAY_BACKUP_CUSTOMERS  customer IDs whose systems are connected through real agents with
//                              the remote-backup flag on, comma-separated (required; CI: e2e-acme,e2e-bolt)
//   PATCHBAY_CHROMIUM          Chromium executable (default /usr/bin/chromium)
//
// On failure a full-page screenshot and the page HTML go to e2e/test-results/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gotoOk, launchBrowser, logIn, navigateTo, openPage, stepRunner } from './lib/console.mjs';

const BASE_URL = (process.env.PATCHBAY_URL ?? '').replace(/\/+$/, '');
const LOGIN = process.env.PATCHBAY_BACKUP_LOGIN ?? '';
const PASSWORD = process.env.PATCHBAY_BACKUP_PASSWORD ?? '';
const CUSTOMERS = (process.env.PATCHBAY_BACKUP_CUSTOMERS ?? '').split(',').map((s) => s.trim()).filter(Boolean);

test(
  'BKP-2 JOB-2 SYS-4 an operator backs up two systems from the action menu and watches the job complete',
  { timeout: 5 * 60_000, skip: CUSTOMERS.length ? false : 'needs PATCHBAY_BACKUP_CUSTOMERS (arranged by CI)' },
  async (t) => {
    assert.ok(BASE_URL, 'PATCHBAY_URL must be set');
    assert.ok(LOGIN && PASSWORD, 'PATCHBAY_BACKUP_LOGIN and PATCHBAY_BACKUP_PASSWORD must be set');
    const browser = await launchBrowser();
    const { page } = await openPage(browser, BASE_URL);
    const step = stepRunner(t, page, 'backup-');
    let jobPath = '';
    try {
      await step('log in as the Operator', async () => {
        await logIn(page, { login: LOGIN, password: PASSWORD, language: 'en', landing: '/com/dashboard', acceptTerms: true });
      });

      await step('select the two customers and open Backup from the action menu', async () => {
        await gotoOk(page, '/com/customers?max=100');
        for (const cid of CUSTOMERS) {
          const row = page.locator(`#customers-table tbody tr[data-customer="${cid}"]`);
          assert.equal(await row.count(), 1, `one row for ${cid}`);
          await row.locator('input[type=checkbox][name=id]').check();
        }
        await navigateTo(
          page,
          () => page.locator('#customer-backup').click(),
          (url) => url.pathname === '/com/customers/backup',
          '/com/customers/backup',
        );
        const targets = await page.locator('#backup-targets li').count();
        assert.equal(targets, CUSTOMERS.length, 'the form names both customers');
      });

      await step('name the job, start it now', async () => {
        await page.locator('#backup-name').fill('Browser backup');
        await page.locator('input[name=when][value=now]').check();
        await navigateTo(
          page,
          () => page.locator('#confirm-backup').click(),
          (url) => /^\/com\/jobs\/[0-9a-f-]+$/.test(url.pathname),
          '/com/jobs/{id}',
        );
        jobPath = new URL(page.url()).pathname;
        assert.ok((await page.locator('#parts-table tbody tr').count()) >= CUSTOMERS.length, 'a part per server');
      });

      await step('the page follows the job to its end without a reload', async () => {
        const url = page.url();
        await page.locator('#job-status[data-status="completed"], #job-status[data-status="failed"]').waitFor({ timeout: 90_000 });
        assert.equal(page.url(), url, 'same page');
        assert.equal(await page.locator('#job-status').getAttribute('data-status'), 'completed', 'the job completed');
        const states = await page.locator('#parts-table tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.status));
        assert.ok(states.length >= CUSTOMERS.length, 'parts listed');
        assert.ok(states.every((s) => s === 'completed'), `every part completed: ${states.join(', ')}`);
      });

      await step('SYS-4: the customer list shows the last action completed for both', async () => {
        await gotoOk(page, '/com/customers?max=100');
        for (const cid of CUSTOMERS) {
          const icon = page.locator(`#customers-table tbody tr[data-customer="${cid}"]`).locator('[data-action]');
          assert.equal(await icon.getAttribute('data-action'), 'completed', `${cid}'s action icon`);
        }
        await gotoOk(page, '/com/jobs');
        assert.equal(await page.locator(`#jobs-table a[href="${jobPath}"]`).count(), 1, 'the job is listed');
      });
    } finally {
      await browser.close();
    }
  },
);
