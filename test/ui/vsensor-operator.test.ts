// The vSensor console as a new operator meets it (a fresh pair of eyes): what the review promised
// is what the apply does; a value refused is refused at its field, before the question.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KEYS, startConsole, type Harness } from '../support/headless.js';

let h: Harness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});

async function proxyForm(x: Harness) {
  await x.waitFor('Welcome');
  await x.press(KEYS.enter, '3', KEYS.enter);
  await x.waitFor('1. UpdateKey');
  await x.press('3', KEYS.enter);
  await x.waitFor('Proxy for updates (http://HOST:PORT');
}

describe('Updates > Proxy for updates: a login the script would refuse is refused before the review', () => {
  // [url, user, the field's error]
  const cases: [string, string, string][] = [
    ['http://proxy.example:3128', 'user', '! Enter the password of the proxy user'],
    ['http://192.0.2.7:8080', 'px.user@corp', '! Enter the password of the proxy user'],
    ['', 'user', '! A proxy user needs a proxy'],
  ];
  for (const [url, user, error] of cases) {
    it(`${url || '(no proxy)'} with user ${user} and no password`, async () => {
      h = await startConsole({ profile: 'vsensor' });
      await proxyForm(h);
      await h.type(url);
      await h.press(KEYS.enter);
      await h.type(user);
      await h.press(KEYS.enter, KEYS.enter);
      await h.waitFor(error);
      // the form, with what was typed, not the review nor a question
      expect(h.text()).not.toContain('Set the proxy for updates?');
      expect(h.text()).toContain(user);
      expect(existsSync(join(h.root, 'etc/apt/apt.conf.d/80confconsole-proxy'))).toBe(false);
    });
  }
});


describe('a secret typed over a stored one is reviewed as a change, never "Nothing changes ... Unchanged: ****"', () => {
  const flat = (x: Harness) => x.lines().map((l) => l.replace(/[│]/g, ' ').trim()).join(' ').replace(/\s+/g, ' ');
  it('Setup > Admin password (the admin user always has one)', async () => {
    h = await startConsole({ profile: 'vsensor' });
    await h.waitFor('Welcome');
    await h.press(KEYS.enter, '2', KEYS.enter);
    await h.waitFor('6. Admin password');
    await h.press('6', KEYS.enter);
    await h.waitFor('New password of the admin user');
    await h.type('Pässwört 1');
    await h.press(KEYS.tab);
    await h.type('Pässwört 1');
    await h.press(KEYS.enter);
    await h.waitFor('Set this password for the admin user?');
    expect(flat(h)).toContain('Review the change before it is applied: Admin password current: **** new: **** (typed: replaces the stored one)');
    expect(flat(h)).not.toMatch(/Nothing changes|Unchanged/);
    expect(h.text()).not.toContain('Pässwört');
  });
});
