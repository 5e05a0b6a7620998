// The manual's Call-Home procedures in a real terminal on the demo appliance: enable, test
// (the five rows), restart by choosing Enable/Disable twice, clear the cache after disabling.
import { afterEach, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { consoles } from './support.js';

const why = missing('e2e', ['tmux']);

describe.skipIf(why !== undefined)('e2e: Call-Home (manual ch. 4)', () => {
  const open = consoles();
  afterEach(() => open.closeAll());

  it('enable, status, restart by choosing twice, clear cache after disabling', async () => {
    const c = await open.open().start();
    c.keys('Enter');
    await c.menu('Console Setup');
    c.keys('3', 'Enter');
    await c.menu('Appliance Admin');
    c.keys('2', 'Enter');
    await c.waitFor('Call-Home is disabled.');
    // Enable Call-Home: 3, Yes, Done
    c.keys('3', 'Enter');
    await c.waitFor('Do you want to enable Call-Home?');
    c.keys('Enter'); // Yes is the default
    await c.waitFor('Done.');
    c.keys('Enter');
    await c.waitFor('Call-Home is enabled.');
    // Test Call-Home: 2, the five rows
    c.keys('2', 'Enter');
    // the manual's words are on screen while it checks, and stay over the rows of the result
    await c.waitFor('Call-Home is enabled, checking connection');
    const s = await c.waitFor(/Every check made passed/); // the result
    expect(s).toContain('Call-Home is enabled, checking connection');
    for (const row of ['Service running', 'Service Config Enabled']) expect(s).toMatch(new RegExp(`  OK +Call-Home ${row}`));
    // the demo appliance sends no traffic: the connection checks are SKIP, not OK
    for (const row of ['Hostname Resolution by DNS', 'Remote Host TCP Connectivity', 'Authentication']) expect(s).toMatch(new RegExp(`SKIP +Call-Home ${row}`));
    c.keys('Enter');
    await c.waitFor('5. Clear Call-Home cache');
    // Clear cache while enabled: nothing is asked, it says to disable first (the manual's order)
    c.keys('5', 'Enter');
    // the action text names the item, never its number (numbers are the tree's)
    const refused = await c.waitFor(/Call-Home is enabled\. Disable it first \(Enable\/Disable Call-Home\),[\s│]+then[\s│]+clear the cache\./);
    expect(refused).not.toContain('< Yes >');
    c.keys('Enter');
    await c.waitFor('5. Clear Call-Home cache');
    // disable (3, Yes), enable again (3, Yes): the connection restarted
    c.keys('3', 'Enter');
    await c.waitFor('Do you want to disable Call-Home?');
    c.keys('y');
    await c.waitFor('Call-Home is disabled.');
    c.keys('Enter');
    // now the cache can be cleared
    c.keys('5', 'Enter');
    await c.waitFor('the cache now?');
    c.keys('y');
    await c.waitFor(/Call-Home cache (is cleared|was already empty)/);
    c.keys('Enter');
    c.keys('3', 'Enter');
    await c.waitFor('Do you want to enable Call-Home?');
    c.keys('y');
    await c.waitFor('Done.');
    const effects = c.fileOr('var/log/confconsole/host-effects.log');
    expect(effects.match(/service confconsole-callhome (restart|stop)/g)).toEqual([
      'service confconsole-callhome restart',
      'service confconsole-callhome stop',
      'service confconsole-callhome restart',
    ]);
    const status = c.cli('callhome', 'status', '--json');
    expect(JSON.parse(status.stdout).rows).toHaveLength(6); // service, config, DNS, TCP, login, port forwarding (sbin/lib/callhome.sh)
  });

  it('the commands: a refusal said once on stderr; --json answers JSON even to a bad option; --default and partner disable', async () => {
    const c = await open.open().start();
    await c.waitFor('Welcome');
    const bad = c.cli('--demo', 'callhome', 'set', '--host', 'bad host', '--port', '22');
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim().split('\n')).toEqual(['confconsole: --host: "bad host" is not a valid host name (letters, digits, hyphens and dots)']);
    const opt = c.cli('--demo', '--json', 'callhome', 'set', '--host', 'h.example', '--port', '22', '--bogus');
    expect(opt.status).toBe(2);
    expect(JSON.parse(opt.stdout)).toMatchObject({ ok: false, code: 2, error: expect.stringContaining("'--bogus'") });
    const dflt = c.cli('--demo', '--json', 'callhome', 'set', '--default');
    expect(JSON.parse(dflt.stdout)).toMatchObject({ ok: true, changed: true, port: 443, ssl: true });
    const again = c.cli('--demo', '--json', 'callhome', 'set', '--default');
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, changed: false, summary: 'The default configuration was already in use: nothing changed.' });
    expect(c.cli('--demo', 'callhome', 'partner', 'set', '--host', 'partner.example.net', '--port', '2222').status).toBe(0);
    const off = c.cli('--demo', '--json', 'callhome', 'partner', 'disable');
    expect(JSON.parse(off.stdout)).toMatchObject({ ok: true, enabled: false });
    expect(JSON.parse(c.cli('--demo', '--json', 'callhome', 'show').stdout).partner).toMatchObject({ enabled: false });
  });
});
