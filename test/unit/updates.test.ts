// Updates' pure parts: an upgrade is cancellable until it says it is committed (Io.committed:
// the packages are being unpacked), and what Updates shows never holds the key.
import { describe, expect, it } from 'vitest';
import { init } from '../../src/flow/model.js';
import { view } from '../../src/flow/view.js';
import { describeUpdates, type UpdatesState } from '../../src/features/updates/index.js';
import { drive } from '../support/drive.js';
import { fakeOp, flowItem, ok, tinyTree } from '../support/fakes.js';

describe('a cancellable change that becomes committed', () => {
  const upgrade = fakeOp('t.upgrade', { apply: async () => ok() });
  const t = tinyTree([flowItem('1', 'Upgrade', { kind: 'do', op: upgrade, confirm: 'Upgrade?', cancellable: true, progress: 'Upgrading' })]);
  const applying = () => drive(init(t), { type: 'ok' }, { type: 'yes' }, { type: 'line', text: 'download: 40% Retrieving file 1 of 1' });

  it('Esc cancels while downloading', () => {
    const r = applying();
    expect(view(r.m)).toMatchObject({ kind: 'progress', title: 'Upgrading', cancellable: true });
    expect(drive(r.m, { type: 'cancel' }).effects).toEqual([{ type: 'abort' }]);
  });

  it('once committed, the Cancel button is gone and Esc (or a second Esc, or Ctrl+C as cancel) does nothing', () => {
    let r = drive(applying().m, { type: 'committed' }, { type: 'note', text: 'Installing: this can no longer be cancelled' });
    expect(view(r.m)).toMatchObject({ kind: 'progress', cancellable: false });
    for (let i = 0; i < 3; i++) {
      const c = drive(r.m, { type: 'cancel' });
      expect(c.effects).toEqual([]);
      r = c;
    }
    r = drive(r.m, { type: 'line', text: 'install: 20% Unpacking cc-test-vsensor (amd64)' }, { type: 'finished', outcome: ok('Upgraded') });
    expect(view(r.m)).toMatchObject({ kind: 'message', ok: true });
  });
});

describe('describeUpdates', () => {
  const base: UpdatesState = {
    key_set: false,
    key: null,
    repository: 'https://packages.example/vsensor',
    config: { file: '/etc/confconsole/updates.conf', exists: true, from_file: ['url', 'packages'], error: null },
    proxy: null,
    proxy_user: null,
    packages: [{ package: 'vsensor', version: null }],
    last_upgrade: null,
    last_index_update: null,
    demo: false,
  };
  it('no key: software updates are not enabled; nothing installed, never upgraded', () => {
    expect(describeUpdates(base)).toEqual([
      'Update key: not set (software updates are not enabled)',
      'Repository: https://packages.example/vsensor (from /etc/confconsole/updates.conf)',
      'Proxy for updates: none',
      'vSensor packages: vsensor (not installed)',
      'Last upgrade: never; package index last fetched: never',
    ]);
  });
  it('a key by its length and hash prefix, a proxy with its user, versions and dates', () => {
    const s = { ...base, key_set: true, key: { length: 20 }, proxy: 'http://proxy.example:3128', proxy_user: 'px', packages: [{ package: 'vsensor', version: '2.0' }, { package: 'vsensor-extra', version: null }], last_upgrade: '2026-11-30 15:00:00', last_index_update: '2026-11-30T15:00:00Z' };
    expect(describeUpdates(s)).toEqual([
      'Update key: set (20 chars)',
      'Repository: https://packages.example/vsensor (from /etc/confconsole/updates.conf)',
      'Proxy for updates: http://proxy.example:3128, user px',
      'vSensor packages: vsensor 2.0, vsensor-extra (not installed)',
      'Last upgrade: 2026-11-30 15:00:00; package index last fetched: 2026-11-30T15:00:00Z',
    ]);
  });
  it("no url in updates.conf: the built-in placeholder, and where the vendor's values go", () => {
    const lines = describeUpdates({ ...base, config: { ...base.config, exists: false, from_file: [] } });
    expect(lines[1]).toBe("Repository: https://packages.example/vsensor (the built-in placeholder: the vendor's url and packages go in /etc/confconsole/updates.conf)");
  });
  it('a wrong updates.conf: said under the repository, with what refuses to run', () => {
    const error = '/etc/confconsole/updates.conf: url is empty: give the vendor\'s value, or remove the line to use the built-in one';
    const lines = describeUpdates({ ...base, config: { ...base.config, from_file: [], error } });
    expect(lines[2]).toBe(`The update settings are wrong: ${error}. UpdateKey and Upgrade refuse to run until it is fixed.`);
    expect(lines).toHaveLength(6);
  });
});
