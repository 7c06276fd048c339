// Browser test of the calling-provisioning pages of the Patchbay console, driven through real
// Chromium, as a Customer administrator.
//
// Proves, end to end in a browser:
//   RBAC-5  a Customer administrator lands on the calling pages and has no operations menu
//   TEN-2   a location, a number of that location and a person (licence, number, extension) are
//           created through the console's forms
//   DEV-2   the add-device wizard from the person's page; the server refuses Save until the
//           disclaimer is ticked
//   DEV-1   customer-managed device: vendor, then model (Generic SIP phone)
//   DEV-4   the credentials are shown once, with copy buttons and a CSV download holding the SIP
//           user name and password; the device page then shows the password masked and the
//           password appears nowhere in its HTML
//   DEV-7   the device list filters as you type
//   WGO-2/3 a mobile line for the person from their page; the organisation suppresses e-mail (set
//           by e2e/calling-ci.sh), so the activation code is shown, with copy, e-mail and print
//   MOB-1   on the location's page: the operator account request (Next refused while the two IDs
//           differ, then a confirmation step), Pending; the operator authorises it through its
//           own API with its token (PATCHBAY_OPERATOR_TOKEN, made by e2e/calling-ci.sh)
//   MOB-2   mobile numbers added: a fixed number among them is shown with its reason and nothing
//           is added; corrected, they are; then a support case is opened
//   WGO-4   the CSV template downloaded from the bulk page, a filled file uploaded with the file
//           input, and the import page — refreshed by the browser itself, no script — showing
//           both rows refused with their reasons (the person has a line now; nobody else has
//           that address)
//
// Environment:
//   PATCHBAY_URL                   base URL of a running hub, e.g. https://127.0.0.1:7443 (required)
//   PATCHBAY_CALLING_LOGIN         a Customer administrator made with `patchbay admin create-user
//                                  --role customer-admin --customer-id …` (required); its customer
//                                  needs at least one Professional calling licence
//   PATCHBAY_CALLING_PASSWORD      its password (required)
//   PATCHBAY_CALLING_NEW_PASSWORD  the password to set if the hub forces a change at first login
//                                  (required only then)
//   PATCHBAY_CHROMIUM              Chromium executable (default /usr/bin/chromium)
//
// Everything else is created by the test itself through the pages (names carry a per-run suffix,
// so the test can run again against the same hub). e2e/calling-ci.sh prepares a fresh hub for it.
// On failure a full-page screenshot and the page HTML go to e2e/test-results/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  STEP_TIMEOUT,
  gotoOk,
  isPath,
  launchBrowser,
  logIn,
  navigateTo,
  openPage,
  stepRunner,
} from './lib/console.mjs';

const BASE_URL = (process.env.PATCHBAY_URL ?? '').replace(/\/+$/, '');
const LOGIN = process.env.PATCHBAY_CALLING_LOGIN ?? '';
const PASSWORD = process.env.PATCHBAY_CALLING_PASSWORD ?? '';
const NEW_PASSWORD = process.env.PATCHBAY_CALLING_NEW_PASSWORD ?? '';

// A per-run suffix keeps names, numbers, e-mail and MAC unique when the test runs again.
const RUN = Date.now().toString(36).slice(-6);
const RUN_DIGITS = String(Date.now() % 100000).padStart(5, '0');
const LOCATION = `E2E Site ${RUN}`;
const NUMBER = `+3316087${RUN_DIGITS.slice(0, 4)}`;
const FIRST = 'Erin';
const LAST = `Calling${RUN}`;
const EMAIL = `erin.${RUN}@example.test`;
const MAC_HEX = `001A${RUN_DIGITS}0`.padEnd(12, '0').slice(0, 12).toUpperCase();
const MAC = MAC_HEX.match(/../g).join(':');
const MASK = '••••••••';
/** The catalogue's Generic SIP phone (DEV-1). */
const GENERIC_PHONE = 'Generic IPPhone Customer Managed';

// ---------------------------------------------------------------- helpers

const pathMatches = (re) => (url) => re.test(url.pathname);

/** Clicks a submit button whose answer is a page at the same URL (a POST answered with HTML). */
async function submitInPlace(page, locator) {
  await Promise.all([page.waitForNavigation({ timeout: STEP_TIMEOUT }), locator.click()]);
  await page.waitForLoadState('domcontentloaded');
}

// ---------------------------------------------------------------- the test

test(
  'RBAC-5 TEN-2 DEV-1 DEV-2 DEV-4 DEV-7 calling console: customer administrator adds a device and sees its credentials once',
  { timeout: 15 * 60_000 },
  async (t) => {
    assert.ok(BASE_URL, 'PATCHBAY_URL must be set, e.g. https://127.0.0.1:7443');
    assert.ok(LOGIN && PASSWORD, 'PATCHBAY_CALLING_LOGIN and PATCHBAY_CALLING_PASSWORD must be set');

    const browser = await launchBrowser();
    const { page, serverErrors } = await openPage(browser, BASE_URL, { acceptDownloads: true });
    const step = stepRunner(t, page, 'calling-');

    let personPath = '';
    let locationPath = '';
    let sipUser = '';
    let sipPassword = '';
    let devicePath = '';

    try {
      await step('the customer administrator logs in (terms, and a password change when forced)', async () => {
        await logIn(page, {
          login: LOGIN,
          password: PASSWORD,
          language: 'en',
          landing: '/com/calling/devices',
          acceptTerms: true,
          newPassword: NEW_PASSWORD,
          newPasswordHint: 'the hub forces a password change: set PATCHBAY_CALLING_NEW_PASSWORD',
        });
      });

      await step('RBAC-5: calling menu only, no operations pages', async () => {
        for (const id of ['#menu-calling-devices', '#menu-calling-people', '#menu-calling-numbers', '#menu-profile']) {
          assert.equal(await page.locator(id).count(), 1, `menu entry ${id}`);
        }
        for (const id of ['#menu-dashboard', '#menu-customers', '#menu-alarms']) {
          assert.equal(await page.locator(id).count(), 0, `a Customer administrator must not see ${id}`);
        }
        assert.equal(await page.locator('#org-select').count(), 0, 'no organisation select');
        const res = await page.goto('/com/dashboard');
        assert.equal(res.status(), 403, 'GET /com/dashboard');
        await gotoOk(page, '/com/calling/devices');
      });

      await step('TEN-2: add a location through the form', async () => {
        await gotoOk(page, '/com/calling/locations/new');
        const form = page.locator('form#location-form');
        await form.locator('input[name=name]').fill(LOCATION);
        await form.locator('input[name=timeZone]').fill('Europe/Paris');
        await form.locator('select[name=preferredLanguage]').selectOption('fr_fr');
        await form.locator('input[name=address1]').fill('1 place de la Gare');
        await form.locator('input[name=city]').fill('Lyon');
        await form.locator('input[name=country]').fill('FR');
        await navigateTo(page, () => page.locator('#location-submit').click(), pathMatches(/^\/com\/calling\/locations\/[0-9a-f-]{36}$/), 'the new location');
        assert.equal((await page.locator('#location-name').innerText()).trim(), LOCATION);
        locationPath = new URL(page.url()).pathname;
      });

      await step('NUM-1: add a fixed number to the location', async () => {
        await gotoOk(page, '/com/calling/numbers/add');
        const form = page.locator('form#numbers-add-form');
        await form.locator('select[name=location]').selectOption({ label: LOCATION });
        await form.locator('input[name=type][value=fixed]').check();
        await form.locator('textarea[name=numbers]').fill(NUMBER);
        await navigateTo(page, () => page.locator('#numbers-submit').click(), isPath('/com/calling/numbers', { done: 'added' }), '/com/calling/numbers?done=added');
        assert.match(await page.locator('#numbers-table').innerText(), new RegExp(NUMBER.replace('+', '\\+')));
      });

      await step('TEN-2: add a person with a licence, the number and an extension', async () => {
        await gotoOk(page, '/com/calling/people/new');
        const form = page.locator('form#person-form');
        await form.locator('input[name=email]').fill(EMAIL);
        await form.locator('input[name=firstName]').fill(FIRST);
        await form.locator('input[name=lastName]').fill(LAST);
        await form.locator('input[name=licence][value=professional]').check();
        await form.locator('select[name=locationId]').selectOption({ label: LOCATION });
        await form.locator('select[name=phoneNumber]').selectOption(NUMBER);
        await form.locator('input[name=extension]').fill(RUN_DIGITS.slice(0, 4));
        await navigateTo(page, () => page.locator('#person-submit').click(), pathMatches(/^\/com\/calling\/people\/[0-9a-f-]{36}$/), 'the new person');
        personPath = new URL(page.url()).pathname;
        assert.equal((await page.locator('#person-name').innerText()).trim(), `${FIRST} ${LAST}`);
        assert.match(await page.locator('dl.facts').innerText(), new RegExp(NUMBER.replace('+', '\\+')));
      });

      await step('DEV-2: "Add device" opens the wizard with the person chosen', async () => {
        await navigateTo(page, () => page.locator('#person-add-device').click(), isPath('/com/calling/devices/new'), 'the wizard');
        assert.equal((await page.locator('#owner-name').innerText()).trim(), `${FIRST} ${LAST}`);
        // JavaScript shows only the chosen kind's fields.
        assert.ok(await page.locator('#customer-fields').isVisible(), 'customer-managed fields shown');
        assert.ok(!(await page.locator('#partner-fields').isVisible()), 'partner fields hidden');
        await page.locator('#kind-fax').check();
        assert.ok(await page.locator('#fax-fields').isVisible(), 'fax fields shown for the fax service');
        assert.equal(await page.locator('#fax-mac').getAttribute('readonly'), '', 'the fax MAC is read-only');
        await page.locator('#kind-customer').check();
      });

      await step('DEV-1: vendor, then model: Generic SIP phone', async () => {
        const form = page.locator('form#device-form');
        await form.locator('select[name=vendor]').selectOption('Generic');
        // Models of other vendors are hidden once the vendor is chosen.
        assert.equal(await form.locator('select[name=model] optgroup[data-vendor=Yealink]').evaluate((g) => g.hidden), true, 'Yealink models hidden');
        assert.equal(await form.locator('select[name=model] optgroup[data-vendor=Generic]').evaluate((g) => g.hidden), false, 'Generic models shown');
        await form.locator('select[name=model]').selectOption(GENERIC_PHONE);
        await form.locator('input[name=mac]').fill(MAC);
      });

      await step('DEV-2: Save without the disclaimer is refused by the server', async () => {
        const form = page.locator('form#device-form');
        assert.ok(!(await form.locator('#disclaimer').isChecked()));
        await submitInPlace(page, page.locator('#device-save'));
        const msg = await page.locator('[data-field=disclaimer]').innerText();
        assert.match(msg, /toll fraud/, `the disclaimer's field message, got "${msg}"`);
        assert.equal(await page.locator('#credentials').count(), 0, 'no credentials without the disclaimer');
        assert.equal(await page.locator('form#device-form input[name=mac]').inputValue(), MAC, 'the typed MAC is kept');
      });

      await step('DEV-4: Save with the disclaimer shows the credentials once', async () => {
        const form = page.locator('form#device-form');
        assert.equal(await form.locator('select[name=model]').inputValue(), GENERIC_PHONE, 'the chosen model is kept');
        await form.locator('#disclaimer').check();
        await submitInPlace(page, page.locator('#device-save'));
        await page.locator('#credentials').waitFor();
        sipUser = (await page.locator('#cred-user').innerText()).trim();
        sipPassword = (await page.locator('#cred-password').innerText()).trim();
        assert.match(sipUser, /^erin/, `SIP user name ${sipUser}`);
        assert.equal(sipPassword.length, 16, 'a 16-character SIP password');
        assert.equal((await page.locator('#cred-mac').innerText()).trim(), MAC);
        assert.match(await page.locator('#cred-registrar').innerText(), /\./);
        assert.match(await page.locator('#cred-proxy').innerText(), /\./);
        assert.ok(await page.locator('button[data-copy=cred-password]').isVisible(), 'a copy button for the password');
      });

      await step('DEV-4: the CSV download holds the SIP user name and password', async () => {
        const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#csv-download').click()]);
        const file = await download.path();
        assert.ok(file, 'the download was saved');
        const csv = await readFile(file, 'utf8');
        const [header, row] = csv.trim().split('\n');
        assert.match(header, /sipUserName/);
        assert.match(header, /sipPassword/);
        assert.ok(row.includes(`,${sipUser},`), `the CSV row has the SIP user name: ${row.replace(sipPassword, '<password>')}`);
        assert.ok(row.includes(`,${sipPassword},`), 'the CSV row has the SIP password');
        assert.match(download.suggestedFilename(), /\.csv$/);
      });

      await step('DEV-4: the device page masks the password; it is nowhere in the HTML', async () => {
        await navigateTo(page, () => page.locator('#to-device').click(), pathMatches(/^\/com\/calling\/devices\/[0-9a-f-]{36}$/), 'the device');
        devicePath = new URL(page.url()).pathname;
        assert.equal((await page.locator('#sip-password').innerText()).trim(), MASK);
        assert.equal((await page.locator('#sip-user-name').innerText()).trim(), sipUser);
        assert.ok(!(await page.content()).includes(sipPassword), 'the password must not be in the device page');
        await page.reload();
        assert.ok(!(await page.content()).includes(sipPassword), 'nor after a reload');
        await gotoOk(page, personPath);
        assert.match(await page.locator('#devices-table').innerText(), new RegExp(sipUser));
        assert.ok(!(await page.content()).includes(sipPassword), 'nor on the person page');
      });

      await step('DEV-7: the device list filters as you type', async () => {
        await gotoOk(page, '/com/calling/devices');
        const rows = page.locator('#devices-table tbody tr[data-device]');
        assert.ok((await rows.count()) >= 1);
        await page.locator('#devices-search').pressSequentially('zz-no-such-device', { delay: 20 });
        await page.locator('#devices-table td.empty').waitFor();
        assert.equal(await rows.count(), 0, 'no row for a search that matches nothing');
        await page.locator('#devices-search').fill('');
        await page.locator('#devices-search').pressSequentially(LAST.toLowerCase(), { delay: 20 });
        await page.locator(`#devices-table tbody tr[data-device] >> text=${LAST}`).first().waitFor();
        assert.equal(new URL(page.url()).pathname, '/com/calling/devices', 'no page change: the table was swapped');
        assert.ok(devicePath, 'the device page was visited');
      });

      await step('WGO-2/WGO-3: a mobile line from the person\'s page; the code is shown to copy, e-mail or print', async () => {
        await gotoOk(page, personPath);
        await navigateTo(page, () => page.locator('#person-add-mobile').click(), pathMatches(/\/mobile$/), 'the mobile line form');
        await submitInPlace(page, page.locator('#mobile-submit'));
        const code = (await page.locator('#activation-code').innerText()).trim();
        assert.match(code, /^\d{4} \d{4} \d{4} \d{4}$/);
        assert.ok(await page.locator('button[data-copy="activation-code"]').isVisible(), 'copy button');
        assert.ok(await page.locator('button[data-print]').isVisible(), 'print button');
        assert.match(await page.locator('#mobile-code-email').getAttribute('href'), new RegExp(`^mailto:${EMAIL.replace('.', '\\.')}\\?subject=`));
        await gotoOk(page, personPath);
        assert.equal(await page.locator('#mobile-state').getAttribute('data-state'), 'pending');
      });

      await step('WGO-4: mobile lines in bulk from a CSV file; the progress page refreshes itself', async () => {
        await gotoOk(page, '/com/calling/mobile');
        await navigateTo(page, () => page.locator('#mobile-bulk').click(), pathMatches(/\/mobile\/bulk$/), 'the bulk page');
        const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#bulk-template').click()]);
        const template = await readFile(await download.path(), 'utf8');
        const header = template.trim();
        assert.match(header, /^User Name,Type,Extension,Phone Number,Device Type,Model,MAC Address,Location,Webex Go \[Sub-Sub-go-e2e\]$/);
        const rows = [
          `${EMAIL},USER,,,WEBEX_CALLING,Webex Go Device,,,TRUE`,
          `nobody.${RUN}@example.test,USER,,,WEBEX_CALLING,Webex Go Device,,,TRUE`,
        ];
        await page.setInputFiles('#bulk-file', {
          name: `people-${RUN}.csv`, mimeType: 'text/csv', buffer: Buffer.from(`${header}\n${rows.join('\n')}\n`),
        });
        await navigateTo(page, () => page.locator('#bulk-submit').click(), pathMatches(/\/mobile\/bulk\/[0-9a-f-]+$/), 'the import page');
        // No script on this page: the browser reloads it until the import is finished.
        await page.locator('#bulk-import-status[data-status="done"]').waitFor({ timeout: 30_000 });
        assert.equal((await page.locator('#bulk-count-refused').innerText()).trim(), '2');
        const reasons = await page.locator('#bulk-refused tbody').innerText();
        assert.match(reasons, /already has a mobile line/);
        assert.match(reasons, /no person of this organisation has this e-mail address/);
        assert.equal(await page.locator('meta[http-equiv="refresh"]').count(), 0, 'a finished import is not refreshed');
      });

      await step('MOB-1/MOB-2: operator account authorised by the operator, mobile numbers, a support case', async () => {
        const token = process.env.PATCHBAY_OPERATOR_TOKEN;
        assert.ok(token, 'PATCHBAY_OPERATOR_TOKEN must be set (e2e/calling-ci.sh makes it)');
        await gotoOk(page, locationPath);
        await navigateTo(page, () => page.locator('#mob-request').click(), pathMatches(/\/operator$/), 'the request form');
        await page.locator('#operatorId').selectOption({ index: 1 });
        await page.locator('#operatorAccountId').fill(`ACC-${RUN}`);
        await page.locator('#confirmOperatorAccountId').fill(`ACC-${RUN}X`);
        assert.ok(await page.locator('#mob-next').isDisabled(), 'Next only when the two IDs match');
        await page.locator('#confirmOperatorAccountId').fill(`ACC-${RUN}`);
        assert.ok(await page.locator('#mob-next').isEnabled());
        await submitInPlace(page, page.locator('#mob-next'));
        assert.equal((await page.locator('#mob-confirm-id').innerText()).trim(), `ACC-${RUN}`);
        await navigateTo(page, () => page.locator('#mob-confirm').click(), pathMatches(/^\/com\/calling\/locations\/[0-9a-f-]{36}$/), 'the location');
        assert.equal(await page.locator('#mob-status').getAttribute('data-status'), 'pending');
        // The operator's system answers with its own token.
        const auth = { Authorization: `Bearer ${token}` };
        const pending = await page.request.get('/v1/mobileOperator/authorizations?status=pending', { headers: auth });
        assert.equal(pending.status(), 200);
        const mine = (await pending.json()).items.find((a) => a.operatorAccountId === `ACC-${RUN}`);
        assert.ok(mine, 'the request is among the operator\'s pending ones');
        const answer = await page.request.put(`/v1/mobileOperator/authorizations/${mine.id}`, { headers: auth, data: { status: 'authorized' } });
        assert.equal(answer.status(), 200);
        await gotoOk(page, locationPath);
        assert.equal(await page.locator('#mob-status').getAttribute('data-status'), 'authorized');
        await navigateTo(page, () => page.locator('#mob-add-numbers').click(), pathMatches(/\/mobile-numbers$/), 'the numbers form');
        const mobile = `+33 6 ${RUN_DIGITS.slice(-8).padStart(8, '0').match(/../g).join(' ')}`;
        await page.locator('#phoneNumbers').fill(`${mobile}, +33155550199`);
        await submitInPlace(page, page.locator('#mob-numbers-submit'));
        assert.match(await page.locator('#mob-number-problems').innerText(), /\+33155550199: is not a mobile number/);
        await page.locator('#phoneNumbers').fill(mobile);
        await navigateTo(page, () => page.locator('#mob-numbers-submit').click(), pathMatches(/^\/com\/calling\/locations\/[0-9a-f-]{36}$/), 'the location');
        assert.ok(await page.locator('#notice').isVisible(), 'numbers added');
        await navigateTo(page, () => page.locator('#mob-open-case').click(), pathMatches(/\/support-case$/), 'the support case form');
        await page.locator('#details').fill(`Please add 12 more mobiles (${RUN})`);
        await navigateTo(page, () => page.locator('#mob-case-submit').click(), pathMatches(/^\/com\/calling\/locations\/[0-9a-f-]{36}$/), 'the location');
        assert.match(await page.locator('#mob-cases').innerText(), new RegExp(`12 more mobiles \\(${RUN}\\)`));
      });

      await step('no 5xx response during the whole flow', async () => {
        assert.deepEqual(serverErrors, []);
      });
    } finally {
      await browser.close();
    }
  },
);
