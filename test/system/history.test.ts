// History (issue 15): every change, by whatever writer (a command, a script run by hand from an
// SSH session), is a revision with who and area; `history show` gives its diff; `history restore`
// puts each area's files back byte for byte and is itself a revision; the newest [history] keep
// are kept; a damaged record is named and skipped; a revision whose secret changed since is
// refused. Real scripts on demo roots.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, appendFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { cc, ccEnv, demoRoot, removeRoots, script, type Ran } from './helpers.js';

const why = missing('system: history', ['bash', 'python3', 'flock']);
afterAll(removeRoots);

const demo = (profile: 'appliance' | 'vsensor') => demoRoot(profile, 'cc-history-');
const env = ccEnv;
/** A script run by hand, as an operator at a shell would (in an SSH session when `ssh` is given). */
function byHand(root: string, name: string, args: string[], input = '', extra: Record<string, string> = {}): Ran {
  const r = spawnSync(script(name), args, { input, encoding: 'utf8', env: env({ CONFCONSOLE_ROOT: root, CONFCONSOLE_DEMO: '1', ...extra }) });
  return { code: r.status ?? -1, out: r.stdout ?? '', err: r.stderr ?? '' };
}
const ok = (r: Ran) => {
  expect(r.code, r.err + r.out).toBe(0);
  return JSON.parse(r.out) as Record<string, unknown>;
};
interface Rev {
  id: number;
  user: string;
  from: string | null;
  area: string;
  summary: string;
  restored_from: number | null;
  files: string[];
}
const revs = (root: string): Rev[] => ok(cc(root, ['history', '--json'])).revisions as Rev[];
const file = (root: string, p: string) => readFileSync(join(root, p));
const INI = 'etc/confconsole/appliance.ini';
const CHRONY = 'etc/chrony/chrony.conf';
const records = (root: string) => readdirSync(join(root, 'var/lib/confconsole/history')).filter((n) => n.endsWith('.json')).sort();

describe.skipIf(why)('history of the settings', () => {
  it('records every writer with who and area, shows the diff, and restores each area byte for byte as a new revision', async () => {
    const root = await demo('appliance');
    ok(cc(root, ['ntp', 'set', '10.1.1.1', '10.1.1.2', '--json']));
    const s1 = { ini: file(root, INI), chrony: file(root, CHRONY) };
    ok(cc(root, ['callhome', 'set', '--host', 'ch-one.example.com', '--port', '22', '--proxy', 'none', '--json']));
    const s2 = { ini: file(root, INI) };
    // a script run by hand in an SSH session: the same record, with the operator's address
    ok(byHand(root, 'set_ntp.sh', ['ntp.example.org'], '', { USER: 'alice', SSH_CONNECTION: '192.0.2.7 50022 192.0.2.1 22' }));
    ok(cc(root, ['callhome', 'set', '--host', 'ch-two.example.com', '--port', '22', '--proxy', 'none', '--json']));

    const list = revs(root);
    expect(list.map((r) => [r.id, r.area])).toEqual([[4, 'callhome'], [3, 'ntp'], [2, 'callhome'], [1, 'ntp']]);
    expect(list[1]).toMatchObject({ user: 'alice', from: '192.0.2.7', summary: expect.stringContaining('ntp.example.org') });
    expect(list[0]!.files).toEqual(['/etc/confconsole/appliance.ini']);
    const table = cc(root, ['history', '--area', 'ntp']);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^ID +Time \(UTC\) +Who +Area +Summary/);
    expect(table.out).toContain('alice@192.0.2.7');
    expect(table.out).not.toContain('callhome');

    const shown = cc(root, ['history', 'show', '3']);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain(`--- a/${CHRONY}`);
    expect(shown.out).toMatch(/^-server 10\.1\.1\.1 iburst$/m);
    expect(shown.out).toMatch(/^\+server ntp\.example\.org iburst$/m);
    expect(shown.out).not.toContain('\x1b'); // not a terminal, and NO_COLOR

    // ntp back to revision 1: chrony.conf byte for byte, the callhome keys of revision 4 kept
    const r5 = ok(cc(root, ['history', 'restore', '1', '--json']));
    expect(r5).toMatchObject({ ok: true, changed: true, area: 'ntp' });
    expect(file(root, CHRONY).equals(s1.chrony)).toBe(true);
    expect(file(root, INI).toString()).toContain('ch-two.example.com');
    // callhome back to revision 2: now appliance.ini is as it was after 2, byte for byte
    ok(cc(root, ['history', 'restore', '2', '--json']));
    expect(file(root, INI).equals(s2.ini)).toBe(true);
    expect(file(root, INI).equals(s1.ini)).toBe(false);
    const after = revs(root);
    expect(after.slice(0, 2).map((r) => [r.id, r.area, r.restored_from])).toEqual([[6, 'callhome', 2], [5, 'ntp', 1]]);
    // what is already in place: nothing written, no revision
    expect(ok(cc(root, ['history', 'restore', '2', '--json']))).toMatchObject({ changed: false });
    expect(revs(root)).toHaveLength(6);
    // no such revision, not an id: refused naming it
    const none = cc(root, ['history', 'restore', '77', '--json']);
    expect(none.code).toBe(2);
    expect(JSON.parse(none.out)).toMatchObject({ ok: false, error: expect.stringContaining('no revision 77') });
    expect(cc(root, ['history', 'show', 'x1']).code).toBe(2);
    // records private
    expect(statSync(join(root, 'var/lib/confconsole/history')).mode & 0o777).toBe(0o700);
    expect(statSync(join(root, 'var/lib/confconsole/history', records(root)[0]!)).mode & 0o777).toBe(0o600);
  });

  it('a secret is only described, and a revision is not restored around a secret changed since', async () => {
    const root = await demo('vsensor');
    const SECRET = 'etc/confconsole/secrets/push_token';
    ok(byHand(root, 'set_pushtoken.sh', ['master.example.com'], 'lab1:first-token-1234\n'));
    ok(cc(root, ['pcap', 'set', '2', '--json']));
    const s2 = file(root, INI);
    ok(cc(root, ['pcap', 'set', '3', '--json']));
    const raw = readFileSync(join(root, 'var/lib/confconsole/history', records(root)[0]!), 'utf8');
    expect(raw).not.toContain('first-token-1234');
    expect(raw).toMatch(/"secret": "omitted"/);
    const shown = cc(root, ['history', 'show', '1']);
    expect(shown.out).toMatch(/\+\(secret: 21 chars, hmac [0-9a-f]{8}\)/);
    expect(shown.out).not.toContain('first-token');

    // pcap back to revision 2: appliance.ini byte for byte (the master keys did not change since)
    ok(cc(root, ['history', 'restore', '2', '--json']));
    expect(file(root, INI).equals(s2)).toBe(true);
    // the token changes: revision 1 (which left the first token) is refused, nothing changes
    ok(byHand(root, 'set_pushtoken.sh', ['master2.example.com'], 'lab1:second-token-5678\n'));
    const before = { ini: file(root, INI), secret: file(root, SECRET), n: records(root).length };
    const refused = cc(root, ['history', 'restore', '1', '--json']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.out)).toMatchObject({ ok: false, error: expect.stringMatching(/secret .*push_token is not the one revision 1 left/) });
    expect(file(root, INI).equals(before.ini) && file(root, SECRET).equals(before.secret)).toBe(true);
    expect(records(root)).toHaveLength(before.n);
    // the secret set back as it was: the restore goes through (the master host of revision 1)
    ok(byHand(root, 'set_pushtoken.sh', ['master2.example.com'], 'lab1:first-token-1234\n'));
    expect(ok(cc(root, ['history', 'restore', '1', '--json']))).toMatchObject({ changed: true, area: 'master' });
    expect(file(root, INI).toString()).toMatch(/master\.example\.com/);
    expect(file(root, INI).toString()).not.toMatch(/master2\.example\.com/);
  });

  it('keeps the newest [history] keep revisions; a damaged record is named and skipped', async () => {
    const root = await demo('appliance');
    appendFileSync(join(root, INI), '\n[history]\nkeep = 3\n');
    for (const s of ['10.2.0.1', '10.2.0.2', '10.2.0.3', '10.2.0.4', '10.2.0.5']) ok(cc(root, ['ntp', 'set', s, '--json']));
    expect(records(root)).toEqual(['00000003.json', '00000004.json', '00000005.json']);
    const dir = join(root, 'var/lib/confconsole/history');
    writeFileSync(join(dir, '00000004.json'), '{"format": 1, "id": 4, "cut sh');
    const r = cc(root, ['history', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { revisions: Rev[]; damaged: { file: string; why: string }[] };
    expect(j.revisions.map((x) => x.id)).toEqual([5, 3]);
    expect(j.damaged).toEqual([{ file: join(dir, '00000004.json'), why: expect.stringContaining('not JSON') }]);
    const text = cc(root, ['history']);
    expect(text.err).toContain(`damaged revision record skipped: ${join(dir, '00000004.json')}`);
    const show = cc(root, ['history', 'show', '4']);
    expect(show.code).toBe(2);
    expect(show.err).toContain('revision 4 is damaged');
    const restore = cc(root, ['history', 'restore', '4', '--json']);
    expect(restore.code).toBe(2);
    expect(JSON.parse(restore.out).error).toContain('revision 4 is damaged');
    // the next change still records (after the damaged one), and pruning keeps 3
    ok(cc(root, ['ntp', 'set', '10.2.0.6', '--json']));
    expect(records(root)).toEqual(['00000004.json', '00000005.json', '00000006.json']);
    // killed after its revision was kept but before its end: rolled back, and its revision with it
    const killed = spawnSync('setsid', ['-w', script('set_ntp.sh'), '10.2.0.7'], { encoding: 'utf8', env: env({ CONFCONSOLE_ROOT: root, CONFCONSOLE_DEMO: '1', CONFCONSOLE_FAULT_AT: 'txn_end' }) });
    expect(killed.stderr).toContain('kept as revision 7');
    expect(records(root)).toContain('00000007.json');
    ok(byHand(root, 'recover.sh', []));
    expect(records(root)).not.toContain('00000007.json');
    expect(file(root, INI).toString()).toContain('servers = "10.2.0.6"');
  });

  it('a network revision is put back through the commit-confirmed path', async () => {
    const root = await demo('appliance');
    const YAML = 'etc/netplan/01-netcfg.yaml';
    ok(byHand(root, 'set_network.sh', ['eth1', '--static', '--address', '192.0.2.50', '--netmask', '255.255.255.0', '--confirm-timeout', '60']));
    ok(byHand(root, 'net_confirm.sh', []));
    const s1 = file(root, YAML);
    ok(byHand(root, 'set_network.sh', ['eth1', '--dhcp', '--confirm-timeout', '60']));
    ok(byHand(root, 'net_confirm.sh', []));
    const list = revs(root).filter((r) => r.area === 'network');
    expect(list.map((r) => r.id)).toEqual([2, 1]);
    expect(list[0]!.files).toEqual([`/${YAML}`]);
    const r = ok(cc(root, ['history', 'restore', '1', '--json']));
    expect(r).toMatchObject({ ok: true });
    expect(file(root, YAML).equals(s1)).toBe(true);
    // pending until confirmed, as every network change
    expect(readFileSync(join(root, 'var/lib/confconsole/net-pending.json'), 'utf8')).toContain('"iface":"eth1"');
    ok(byHand(root, 'net_confirm.sh', []));
    expect(revs(root)[0]).toMatchObject({ area: 'network', restored_from: 1 });
  });
});
