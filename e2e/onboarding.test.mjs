// ONB-1 in a real browser: a provider onboards a calling customer from the console alone.
//
//   an Administrator adds a customer, grants it calling licences on the customer's page, and
//   invites its Customer administrator; the invitation mail reaches a real SMTP server (aiosmtpd,
//   started by .ci/run, writing a Maildir); its one-time link is opened in a fresh browser, where
//   the new administrator sets a password, signs in, and adds a location, a person and a device
//   through the calling pages (the device's credentials are shown once).
//
// Environment:
//   PATCHBAY_URL                          base URL of a running hub sending mail through SMTP (required)
//   PATCHBAY_ADMIN_LOGIN / _PASSWORD      an Administrator whose password need not change (required)
//   PATCHBAY_MAILDIR                      the Maildir the SMTP server writes to (required)
//   PATCHBAY_CHROMIUM                     Chromium executable (default /usr/bin/chromium)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gotoOk, isPath, launchBrowser, logIn, navigateTo, openPage, stepRunner, STEP_TIMEOUT } from './lib/console.mjs';

const BASE_URL = (process.env.PATCHBAY_URL ?? '').replace(/\/+$/, '');
const ADMIN = process.env.PATCHBAY_ADMIN_LOGIN ?? '';
const ADMIN_PASSWORD = process.env.PATCHBAY_ADMIN_PASSWORD ?? '';
const MAILDIR = process.env.PATCHBAY_MAILDIR ?? '';

const RUN = Date.now().toString(36).slice(-6);
const DIGITS = String(Date.now() % 10000).padStart(4, '0');
const CUSTOMER = `Onboard ${RUN}`;
const LOGIN = `onb${RUN}`;
const EMAIL = `admin.${RUN}@onboard.example`;
const PASSWORD = `Onb#Admin-${RUN}`;
const LOCATION = `Onboard Site ${RUN}`;
const MAC = `00:1B:${DIGITS.slice(0, 2)}:${DIGITS.slice(2)}:00:01`;

const pathMatches = (re) => (url) => re.test(url.pathname);

/** The invitation link of the mail to `to`, once it is in the Maildir. */
async function invitationLink(to) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    for (const sub of ['new', 'cur']) {
      let names = [];
      try {
        names = await readdir(join(MAILDIR, sub));
      } catch {
        continue;
      }
      for (const name of names) {
        const raw = await readFile(join(MAILDIR, sub, name), 'utf8');
        if (!raw.includes(to)) continue;
        // Quoted-printable soft line breaks joined, as a mail client reads it.
        const text = raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
        const m = /https:\/\/[^\s/]+(\/com\/invitation\/[A-Za-z0-9_-]+)/.exec(text);
        if (m) return m[1];
      }
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`no invitation mail to ${to} in ${MAILDIR} within 30 s`);
}

test('ONB-1 a provider onboards a calling customer from the console; its administrator adds a device', { timeout: 15 * 60_000 }, async (t) => {
  assert.ok(BASE_URL && ADMIN && ADMIN_PASSWORD && MAILDIR, 'PATCHBAY_URL, PATCHBAY_ADMIN_LOGIN/_PASSWORD and PATCHBAY_MAILDIR must be set');
  const browser = await launchBrowser();
  try {
    const { page, serverErrors } = await openPage(browser, BASE_URL);
    const step = stepRunner(t, page, 'onboarding-');
    let customerPath = '';
    let link = '';

    await step('the Administrator adds the customer', async () => {
      await logIn(page, { login: ADMIN, password: ADMIN_PASSWORD, landing: '/com/dashboard', acceptTerms: true });
      await gotoOk(page, '/com/customers/new');
      const form = page.locator('form#customer-form');
      await form.locator('input[name=name]').fill(CUSTOMER);
      await form.locator('input[name=customerId]').fill(`onb-${RUN}`);
      await form.locator('input[name=servicePassword]').fill('Svc#Onboard-2026');
      await form.locator('input[name=confirmServicePassword]').fill('Svc#Onboard-2026');
      await navigateTo(page, () => page.locator('#customer-submit').click(), pathMatches(/^\/com\/customers\/[0-9a-f-]{36}$/), 'the new customer');
      customerPath = new URL(page.url()).pathname;
    });

    await step('calling licences from the customer page; below what is assigned is refused', async () => {
      await navigateTo(page, () => page.locator('#customer-licences-link').click(), pathMatches(/\/licences$/), 'the licences page');
      const form = page.locator('form#licences-form');
      await form.locator('input[name=professional]').fill('3');
      await form.locator('input[name=basic]').fill('1');
      await form.locator('input[name=workspaces]').fill('1');
      await form.locator('input[name=newSubscription]').fill(`Sub-go-${RUN}`);
      await form.locator('input[name=newUnits]').fill('2');
      await navigateTo(page, () => page.locator('#licences-save').click(), isPath(`${customerPath}/licences`, { done: 'saved' }), 'saved');
      assert.equal(await page.locator('input[name=professional]').inputValue(), '3');
      assert.equal(await page.locator(`input[name="mobile:Sub-go-${RUN}"]`).inputValue(), '2');
    });

    await step('invite its Customer administrator (the form comes with the role and the customer)', async () => {
      await navigateTo(page, () => page.locator('#invite-admin').click(), isPath('/com/accounts/new'), 'the account form');
      const form = page.locator('form#account-form');
      assert.equal(await form.locator('select[name=role]').inputValue(), 'customer-admin');
      assert.ok(await form.locator('#invite').isChecked(), 'the invitation is chosen');
      assert.equal(await form.locator('select[name=customerId] option:checked').innerText(), CUSTOMER);
      await form.locator('input[name=loginName]').fill(LOGIN);
      await form.locator('input[name=email]').fill(EMAIL);
      await navigateTo(page, () => page.locator('#account-submit').click(), isPath('/com/accounts', { done: 'invited' }), 'invited');
    });

    await step('the invitation mail reaches the SMTP server with a one-time link', async () => {
      link = await invitationLink(EMAIL);
    });

    await step('the new administrator sets a password from the link, in a fresh browser', async () => {
      const fresh = await openPage(browser, BASE_URL);
      const p = fresh.page;
      await gotoOk(p, link);
      assert.match(await p.locator('#invitation').innerText(), new RegExp(LOGIN));
      await p.locator('#newPassword').fill(PASSWORD);
      await p.locator('#confirmPassword').fill(PASSWORD);
      await navigateTo(p, () => p.locator('#invitation-submit').click(), isPath('/com/login', { changed: '1' }), 'the sign-in page');
      const again = await p.goto(link);
      assert.equal(again.status(), 404, 'the link works once');
      await logIn(p, { login: LOGIN, password: PASSWORD, landing: '/com/calling/devices', acceptTerms: true });

      await gotoOk(p, '/com/calling/locations/new');
      const loc = p.locator('form#location-form');
      await loc.locator('input[name=name]').fill(LOCATION);
      await loc.locator('input[name=timeZone]').fill('Europe/Paris');
      await loc.locator('select[name=preferredLanguage]').selectOption('fr_fr');
      await loc.locator('input[name=address1]').fill('2 rue de la République');
      await loc.locator('input[name=city]').fill('Lyon');
      await loc.locator('input[name=country]').fill('FR');
      await navigateTo(p, () => p.locator('#location-submit').click(), pathMatches(/^\/com\/calling\/locations\/[0-9a-f-]{36}$/), 'the new location');

      await gotoOk(p, '/com/calling/people/new');
      const person = p.locator('form#person-form');
      await person.locator('input[name=email]').fill(`user.${RUN}@onboard.example`);
      await person.locator('input[name=firstName]').fill('Uma');
      await person.locator('input[name=lastName]').fill(`Onboard${RUN}`);
      await person.locator('input[name=licence][value=professional]').check();
      await person.locator('select[name=locationId]').selectOption({ label: LOCATION });
      await navigateTo(p, () => p.locator('#person-submit').click(), pathMatches(/^\/com\/calling\/people\/[0-9a-f-]{36}$/), 'the new person');

      await navigateTo(p, () => p.locator('#person-add-device').click(), isPath('/com/calling/devices/new'), 'the wizard');
      const device = p.locator('form#device-form');
      await device.locator('select[name=vendor]').selectOption('Generic');
      await device.locator('select[name=model]').selectOption('Generic IPPhone Customer Managed');
      await device.locator('input[name=mac]').fill(MAC);
      await device.locator('#disclaimer').check();
      await Promise.all([p.waitForNavigation({ timeout: STEP_TIMEOUT }), p.locator('#device-save').click()]);
      await p.locator('#credentials').waitFor();
      assert.equal((await p.locator('#cred-mac').innerText()).trim(), MAC);
      assert.equal((await p.locator('#cred-password').innerText()).trim().length, 16);
      assert.deepEqual(fresh.serverErrors, []);
      await p.context().close();
    });

    await step('no 5xx response during the whole flow', async () => {
      assert.deepEqual(serverErrors, []);
    });
  } finally {
    await browser.close();
  }
});
