// Every set command says "changed" (issue 15): the same value given twice, the second run says
// "changed": false and leaves each file it owns as it was (same inode and mtime: not rewritten),
// the audit log, the history and the demo's record of restarts unchanged, and (the network) no
// change waiting for confirmation. Real scripts on demo roots, several inputs per area.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { cc, demoRoot, removeRoots } from './helpers.js';

const why = missing('system: set commands say changed', ['bash', 'python3', 'flock']);
afterAll(removeRoots);

/** What must not move when nothing changes: each file's inode and mtime, the logs, the history. */
function marks(root: string, files: string[]): string {
  const at = (p: string) => join(root, p);
  const stat = (p: string) => (existsSync(at(p)) ? `${statSync(at(p)).ino}:${statSync(at(p)).mtimeMs}` : 'absent');
  const text = (p: string) => (existsSync(at(p)) ? readFileSync(at(p), 'utf8') : '');
  const hist = existsSync(at('var/lib/confconsole/history')) ? readdirSync(at('var/lib/confconsole/history')).sort().join(' ') : '';
  return JSON.stringify({ files: files.map((f) => [f, stat(f)]), audit: text('var/log/confconsole/audit.log'), effects: text('var/log/confconsole/host-effects.log'), hist });
}

/** Runs ARGS (stdin `input`) twice: changed, then not, with nothing of `files` or the logs touched. */
function twice(root: string, args: string[], input: string, files: string[]): Record<string, unknown> {
  const first = cc(root, [...args, '--json'], input);
  expect(first.code, `${args.join(' ')}: ${first.err}`).toBe(0);
  expect(JSON.parse(first.out).changed, args.join(' ')).toBe(true);
  const before = marks(root, files);
  const second = cc(root, [...args, '--json'], input);
  expect(second.code, `${args.join(' ')}: ${second.err}`).toBe(0);
  const out = JSON.parse(second.out) as Record<string, unknown>;
  expect(out.changed, args.join(' ')).toBe(false);
  expect(marks(root, files), args.join(' ')).toBe(before);
  return out;
}

const INI = 'etc/confconsole/appliance.ini';
const NETPLAN = 'etc/netplan/01-netcfg.yaml';
const APT = ['etc/apt/auth.conf.d/confconsole-updates.conf', 'etc/apt/sources.list.d/confconsole-updates.list', 'etc/apt/apt.conf.d/80confconsole-proxy', 'etc/apt/auth.conf.d/confconsole-proxy.conf'];

// each case runs a command a dozen times or more (each a process): its own time on a busy machine
describe.skipIf(why)('set commands: the value in place changes nothing', () => {
  it('vSensor master connection (set_dcip_hmac.sh, set_push.sh), keyboard (set_keyboard.sh): three inputs each', async () => {
    const v = await demoRoot('vsensor', 'cc-changed-');
    const secrets = ['pull_hmac', 'push_token'].map((s) => `etc/confconsole/secrets/${s}`);
    for (const token of ['Pullpullpull0123456789', 'abcde', 'Z9'.repeat(31)]) twice(v, ['master', 'set', 'pull'], `${token}\n`, [INI, ...secrets]);
    // addresses: a host name would be looked up in DNS
    for (const host of ['192.0.2.70', '192.0.2.71:8443', '[2001:db8::7]:8443']) twice(v, ['master', 'set', 'push', '--host', host], '', [INI, ...secrets]);
    for (const layout of ['de', 'gb', 'FR']) {
      const r = twice(v, ['keyboard', 'set', layout], '', ['etc/default/keyboard']);
      expect(r.applied).toBe(false);
    }
  }, 120_000);

  it('update key and proxy (set_updatekey.sh, set_update_proxy.sh): key, proxy with and without login, no proxy', async () => {
    const v = await demoRoot('vsensor', 'cc-changed-');
    for (const key of ['Upd8Key-0123456789', 'another:key+with/symbols']) twice(v, ['updates', 'set-key'], `${key}\n`, APT);
    twice(v, ['updates', 'set-proxy', 'http://192.0.2.8:3128', '--user', 'ops'], 'pass-1\n', APT);
    // the same proxy with another password is a change; with the same, none
    twice(v, ['updates', 'set-proxy', 'http://192.0.2.8:3128', '--user', 'ops'], 'pass-2\n', APT);
    twice(v, ['updates', 'set-proxy', 'http://proxy.example.com:8080'], '', APT);
    twice(v, ['updates', 'set-proxy', '--none'], '', APT);
  }, 120_000);

  it('a probe given its master connection again (set_topology.sh --change): nothing stopped or started', async () => {
    const a = await demoRoot('appliance', 'cc-changed-');
    const conv = cc(a, ['topology', 'convert-to-probe', '--mode', 'pull', '--master', '192.0.2.61', '--retain-search', 'no'], 'Pullpullpull0123456789\n');
    expect(conv.code, conv.err).toBe(0);
    const secrets = ['pull_hmac', 'push_token'].map((s) => `etc/confconsole/secrets/${s}`);
    const r = twice(a, ['topology', 'change-master', '--mode', 'pull', '--master', '192.0.2.62', '--retain-search', 'no'], 'Pullpullpull0123456789\n', [INI, ...secrets]);
    expect(r).toMatchObject({ started: [], stopped: [] });
    twice(a, ['topology', 'change-master', '--mode', 'push', '--master', '[2001:db8::9]', '--retain-search', 'yes'], '', [INI, ...secrets]);
    twice(a, ['topology', 'change-master', '--mode', 'push-token', '--master', '192.0.2.63', '--proxy', 'http://192.0.2.8:3128', '--retain-search', 'yes'], 'Lab1:Secret0123456789ab\n', [INI, ...secrets]);
  }, 120_000);

  it('network set of what is there (set_network.sh): no netplan apply, no rollback armed, nothing to confirm', async () => {
    const a = await demoRoot('appliance', 'cc-changed-');
    const pending = () => JSON.parse(cc(a, ['network', 'show', '--json']).out).pending;
    for (const args of [
      ['network', 'set', 'eth0', '--static', '--address', '10.0.0.3', '--netmask', '24', '--gateway', '10.0.0.1', '--dns', '10.0.0.1'],
      ['network', 'set', 'eth1', '--dhcp'],
    ]) {
      // the first run waits for its confirmation: confirmed before the second
      const first = cc(a, [...args, '--json']);
      expect(first.code, first.err).toBe(0);
      expect(JSON.parse(first.out).changed).toBe(true);
      expect(cc(a, ['network', 'confirm']).code).toBe(0);
      const before = marks(a, [NETPLAN]);
      const second = cc(a, [...args, '--json']);
      expect(second.code, second.err).toBe(0);
      expect(JSON.parse(second.out)).toMatchObject({ changed: false, pending: null });
      expect(pending()).toBeNull();
      expect(marks(a, [NETPLAN])).toBe(before);
    }
  }, 120_000);
});
