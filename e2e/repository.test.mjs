// Browser test of the software repository's resumable upload, through real Chromium.
//
// Proves, end to end in a browser:
//   SWR-1  an Administrator uploads a release from the repository page: the page's script sends
//          it in parts with the tus protocol; one part's connection is cut on the way, the script
//          asks the hub where it stopped and resumes; the release is listed with the SHA-256 of
//          the whole file as the hub computed it
//   SYS-4  the customer whose system is older shows "new version available"
//   UPG-1  the Administrator upgrades that customer's system to the release from the customer
//   UPG-2  list's Upgrade action; the job page follows it to its end, and the system then
//          reports the new version (a real agent, PATCHBAY_UPGRADE_CUSTOMER)
//
// Environment:
//   PATCHBAY_URL             base URL of a running hub (required)
//   PATCHBAY_ADMIN_LOGIN     an Administrator (required)
//   PATCHBAY_ADMIN_PASSWORD  its password (required)
//   PATCHBAY_UPGRADE_CUSTOMER  a customer ID whose ip500v2 system (older than 12.8) is connected
//                            through a real agent with the remote upgrade flag and upgrade right
//                            (CI: e2e-acme); absent: the upgrade steps are skipped
//   PATCHBAY_CHROMIUM        Chromium executable (default /usr/bin/chromium)
//
// On failure a full-page screenshot and the page HTML go to e2e/test-results/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { gotoOk, launchBrowser, logIn, navigateTo, openPage, stepRunner } from './lib/console.mjs';

const BASE_URL = (process.env.PATCHBAY_URL ?? '').replace(/\/+$/, '');
const LOGIN = process.env.PATCHBAY_ADMIN_LOGIN ?? '';
const PASSWORD = process.env.PATCHBAY_ADMIN_PASSWORD ?? '';
const CUSTOMER = process.env.PATCHBAY_UPGRADE_CUSTOMER ?? '';

test('SWR-1 an administrator uploads a release with the resumable upload, through a cut connection', { timeout: 5 * 60_000 }, async (t) => {
  assert.ok(BASE_URL, 'PATCHBAY_URL must be set');
  assert.ok(LOGIN && PASSWORD, 'PATCHBAY_ADMIN_LOGIN and PATCHBAY_ADMIN_PASSWORD must be set');
  const browser = await launchBrowser();
  const { page } = await openPage(browser, BASE_URL);
  const step = stepRunner(t, page, 'repository-');
  // 36 MiB: three parts of the script's 16 MiB.
  const file = randomBytes(36 * 1024 * 1024);
  const sha256 = createHash('sha256').update(file).digest('hex');
  const version = `12.8.${Date.now() % 100000}`;
  try {
    await step('log in as the Administrator', async () => {
      await logIn(page, { login: LOGIN, password: PASSWORD, language: 'en', landing: '/com/dashboard', acceptTerms: true });
    });

    await step('upload a release; the second part is cut on the way', async () => {
      let patches = 0;
      let cut = false;
      await page.route('**/com/repository/uploads/*', async (route) => {
        if (route.request().method() === 'PATCH') {
          patches += 1;
          if (patches === 2 && !cut) {
            cut = true;
            return route.abort('connectionreset');
          }
        }
        return route.continue();
      });
      await gotoOk(page, '/com/repository');
      await page.fill('#version', version);
      await page.selectOption('#profile', 'ip500v2');
      await page.setInputFiles('#file', { name: `ipo-${version}.bin`, mimeType: 'application/octet-stream', buffer: file });
      await Promise.all([
        page.waitForURL((url) => url.pathname === '/com/repository' && url.search.includes('done=uploaded'), { timeout: 120_000 }),
        page.click('#release-upload-submit'),
      ]);
      assert.ok(cut, 'a part was cut');
      assert.ok(patches >= 4, `the script resumed after the cut (${patches} PATCH requests)`);
      await page.unroute('**/com/repository/uploads/*');
    });

    await step('the release is listed with the whole file\'s SHA-256', async () => {
      const row = page.locator(`#releases-table tr[data-version="${version}"]`);
      assert.equal(await row.count(), 1, 'one row for the release');
      assert.equal((await row.locator('[data-sha256]').textContent()).trim(), sha256);
      assert.equal(await page.locator('#open-uploads').count(), 0, 'no unfinished upload left');
    });

    if (CUSTOMER) {
      await step('SYS-4: the customer shows a new version available', async () => {
        await gotoOk(page, `/com/customers?search=${CUSTOMER}`);
        const row = page.locator(`#customers-table tbody tr[data-customer="${CUSTOMER}"]`);
        assert.equal(await row.count(), 1, `one row for ${CUSTOMER}`);
        assert.ok((await row.locator('[data-new-version]').count()) === 1, 'the new-version icon');
      });

      await step('UPG-1: upgrade the system to the release from the action menu', async () => {
        const row = page.locator(`#customers-table tbody tr[data-customer="${CUSTOMER}"]`);
        await row.locator('input[type=checkbox][name=id]').check();
        await navigateTo(
          page,
          () => page.locator('#customer-upgrade').click(),
          (url) => url.pathname === '/com/customers/upgrade',
          '/com/customers/upgrade',
        );
        assert.equal(await page.locator('#upgrade-backup-first').count(), 1, 'a backup is recommended first');
        const value = await page.locator('#upgrade-release option', { hasText: version }).getAttribute('value');
        await page.selectOption('#upgrade-release', value);
        await page.locator('#upgrade-name').fill('Browser upgrade');
        await page.locator('input[name=upgradeAction][value=transferAndUpgrade]').check();
        await page.locator('input[name=when][value=now]').check();
        await navigateTo(
          page,
          () => page.locator('#confirm-upgrade').click(),
          (url) => /^\/com\/jobs\/[0-9a-f-]+$/.test(url.pathname),
          '/com/jobs/{id}',
        );
        await page.locator('#job-status[data-status="completed"], #job-status[data-status="failed"]').waitFor({ timeout: 120_000 });
        assert.equal(await page.locator('#job-status').getAttribute('data-status'), 'completed', 'the upgrade completed');
      });

      await step('UPG-2: the system reports the new version', async () => {
        let shown = '';
        for (let i = 0; i < 30 && !shown.includes(version); i += 1) {
          await gotoOk(page, `/com/customers?search=${CUSTOMER}`);
          shown = await page.locator(`#customers-table tbody tr[data-customer="${CUSTOMER}"]`).innerText();
          if (!shown.includes(version)) await page.waitForTimeout(1000);
        }
        assert.ok(shown.includes(version), `the customer list shows ${version}: ${shown}`);
      });
    }
  } finally {
    await browser.close();
  }
});
