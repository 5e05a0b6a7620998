// The shipped trees: sound, numbered as the manual numbers them, sharing their subtrees; and the
// checks that refuse a broken tree.
import { describe, expect, it } from 'vitest';
import { interfacesMenu } from '../../src/features/network/index.js';
import { ntpMenu } from '../../src/features/ntp/index.js';
import { crossCheck, checkTree } from '../../src/menu/check.js';
import { loadTree } from '../../src/menu/trees.js';
import type { Menu, Tree } from '../../src/menu/types.js';
import { disabledBy } from '../../src/flow/menus.js';
import appliance from '../../menus/appliance.js';
import vsensor from '../../menus/vsensor.js';
import { readFileSync } from 'node:fs';
import { fakeOp, flowItem, tinyTree } from '../support/fakes.js';

const labels = (m: Menu) => m.items.map((i) => `${i.key}. ${i.label}`);
const sub = (m: Menu, key: string) => m.items.find((i) => i.key === key)!.menu!;

describe('shipped menu trees', () => {
  it.each(['appliance', 'vsensor'] as const)('%s loads and passes every check', (p) => {
    const t = loadTree(p);
    expect(t.profile).toBe(p);
    expect(crossCheck(t)).toEqual([]);
  });

  it('appliance keeps the manual numbering (ch. 4)', () => {
    const t = loadTree('appliance');
    expect(labels(t.menu)).toEqual(['1. Networking and Traffic Analysis', '2. Healthcheck', '3. Appliance Admin', '4. Updates', '5. Power and Service Management']);
    expect(labels(sub(t.menu, '4'))).toEqual(['1. UpdateKey', '2. Upgrade', '3. Proxy for updates', '4. What is installed']);
    const net = sub(t.menu, '1');
    expect(labels(net)).toEqual(['1. Configure network interfaces', '2. Count active devices', '3. Interface stats', '4. NTP Settings', '5. Diagnostic Functions']);
    expect(labels(sub(net, '5'))).toEqual([
      '1. Ping a host',
      '2. Traceroute to a host',
      '3. Look up a name',
      '4. Test the management network',
      '5. Routing table and neighbours',
      '6. Open connections and listening ports',
      '7. Capture packets on an interface',
    ]);
    expect(labels(sub(net, '4'))).toEqual(['1. View NTP servers', '2. Change NTP servers']);
    expect(labels(sub(t.menu, '3'))).toEqual(['1. Topology settings', '2. Call-Home menu', '3. Appliance information', '4. History', '5. Backups', '8. Restore settings', '9. View audit log']);
    // manual ch. 10 steps 2-3: 3 Appliance Admin > 1 Topology settings > 1 Convert to probe
    expect(labels(sub(sub(t.menu, '3'), '1'))).toEqual(['1. Convert to probe', '2. Convert to master', '3. Change the master connection']);
    expect(labels(sub(sub(t.menu, '3'), '2'))).toEqual([
      '1. Call-Home public key',
      '2. Call-Home status',
      '3. Enable/Disable Call-Home',
      '4. Call-Home configuration',
      '5. Clear Call-Home cache',
      '6. Call-Home partner connection',
    ]);
    expect(labels(sub(t.menu, '5'))).toEqual(['2. Restart all services', '3. Reboot', '4. Shutdown']);
  });

  it('vSensor follows the manual order (ch. 7: Network … Exit)', () => {
    const t = loadTree('vsensor');
    expect(labels(t.menu)).toEqual(['1. Network', '2. Setup', '3. Updates', '4. Healthcheck', '5. Shell', '6. Reboot', '7. Shutdown', '8. Exit']);
    // one module for both trees (the appliance's "Upgrade" of the installation workflow)
    expect(sub(t.menu, '3')).toBe(sub(loadTree('appliance').menu, '4'));
    expect(labels(sub(t.menu, '1'))).toEqual(['1. Interfaces', '2. NTP Settings', '3. Interface stats', '4. Count active devices', '5. Diagnostic Functions']);
    expect(labels(sub(sub(t.menu, '1'), '5'))).toEqual(labels(sub(sub(loadTree('appliance').menu, '1'), '5')));
    expect(labels(sub(t.menu, '2'))).toEqual(['1. Master', '2. osSensor HMAC', '3. PCAP', '4. Restore settings', '5. Keyboard layout', '6. Admin password', '7. History', '8. Backups']);
    expect(labels(sub(sub(t.menu, '2'), '1'))).toEqual(['1. Push Token (recommended)', '2. Pull', '3. Push (legacy)', "4. Trust the master's certificate"]);
  });

  it('the interface and NTP subtrees exist once, shared by both trees; their differences are parameters', () => {
    const a = sub(sub(appliance.menu, '1'), '1');
    const v = sub(sub(vsensor.menu, '1'), '1');
    expect(labels(a.each!)).toEqual(['1. Change configuration', '2. Make this the capture interface', '3. Restore', '4. Confirm the pending change', '5. Delete this bond or VLAN', '6. Change this bond']);
    expect(labels(v.each!)).toEqual(['1. Change configuration', '2. Make this the sniffer (capture) interface', '3. Restore', '4. Confirm the pending change', '5. Delete this bond or VLAN', '6. Change this bond']);
    // the list's own items (issue 17), in both trees
    expect(labels(a)).toEqual(['b. Create a bond', 'v. Create a VLAN', 'm. Initialize fresh MAC addresses']);
    expect(a.items.map((i) => i.flow?.op)).toEqual(v.items.map((i) => i.flow?.op));
    // the same operations and fields: one owner
    expect(a.each!.items.map((i) => i.flow?.op ?? i.menu?.title)).toEqual(v.each!.items.map((i) => i.flow?.op ?? i.menu?.title));
    expect(a.source).toBe(v.source);
    expect(JSON.stringify(interfacesMenu('appliance').each!.items[0]!.flow)).toBe(JSON.stringify(interfacesMenu('vsensor').each!.items[0]!.flow));
    const an = sub(sub(appliance.menu, '1'), '4');
    const vn = sub(sub(vsensor.menu, '1'), '2');
    expect(an.items.map((i) => i.flow?.op)).toEqual(vn.items.map((i) => i.flow?.op));
    expect(ntpMenu('vSensor').items[1]!.flow).toMatchObject({ test: 'Do you want to test that the vSensor can reach these NTP servers?' });
  });

  it('each top-level tree file reads like a table of contents (under ~80 lines)', () => {
    for (const f of ['appliance', 'vsensor']) expect(readFileSync(new URL(`../../menus/${f}.ts`, import.meta.url), 'utf8').split('\n').length, f).toBeLessThan(85);
  });

  it('what writes is disabled without root rights without saying so item by item', () => {
    const writes: string[] = [];
    const walk = (m: Menu) =>
      m.items.forEach((i) => {
        if (i.disabledIf) writes.push(`${i.label} says disabledIf`);
        if (disabledBy(i) === 'needs-root' && i.flow?.kind === 'view') writes.push(`${i.label}: a view needs root`);
        if (i.menu) walk(i.menu);
        if (i.menu?.each) walk(i.menu.each);
      });
    walk(appliance.menu);
    walk(vsensor.menu);
    expect(writes).toEqual([]);
    expect(disabledBy(vsensor.menu.items.find((i) => i.builtin === 'shell')!)).toBe('login-needs-root');
  });
});

describe('a broken tree is refused when loaded, with every problem named', () => {
  const op = fakeOp('t.op', { show: async () => ({ kind: 'text' as const, text: '' }), read: async () => ({}), apply: async () => ({ ok: true, summary: '' }) });
  const good = (): Tree => tinyTree([flowItem('1', 'A', { kind: 'view', op }), flowItem('2', 'B', { kind: 'form', op, fields: [{ name: 'x', label: 'X', help: 'X.', rule: (s) => ({ ok: true, value: s }) }] })]);
  it('a sound one passes', () => expect(checkTree(good())).toBeDefined());
  it('two items on one hotkey', () => {
    const t = good();
    t.menu.items[1]!.key = '1';
    expect(() => checkTree(t)).toThrow(/hotkey 1 is also "A"/);
  });
  it('an operation without the method its flow kind needs', () => {
    const t = good();
    t.menu.items[0]!.flow = { kind: 'view', op: fakeOp('t.none', {}) as never };
    expect(() => checkTree(t)).toThrow(/an operation with show/);
  });
  it('a field with no rule, or two; a `same` or `when` that names no earlier field', () => {
    const t = good();
    const f = t.menu.items[1]!.flow as Extract<NonNullable<Tree['menu']['items'][0]['flow']>, { kind: 'form' }>;
    f.fields.push({ name: 'y', label: 'Y', help: 'Y.' }, { name: 'z', label: 'Z', help: 'Z.', same: 'nope' }, { name: 'w', label: 'W', help: 'W.', rule: (s) => ({ ok: true, value: s }), when: { field: 'later', is: ['a'] } });
    expect(() => checkTree(t)).toThrow(/field "y" needs exactly one of rule, choices, same[\s\S]*must equal "nope"[\s\S]*depends on "later"/);
  });
  it('an item with two targets, an unknown key, a label too long, a field without help', () => {
    const t = good();
    t.menu.items[0]!.builtin = 'exit';
    expect(() => checkTree(t)).toThrow(/exactly one of menu, flow, builtin/);
    expect(() => checkTree({ ...good(), colour: 'red' } as never)).toThrow(/colour/);
    const long = good();
    long.menu.items[0]!.label = 'x'.repeat(61);
    expect(() => checkTree(long)).toThrow(/menu tree is invalid/);
    const nohelp = good();
    (nohelp.menu.items[1]!.flow as { fields: { help?: string }[] }).fields[0]!.help = '';
    expect(() => checkTree(nohelp)).toThrow(/menu tree is invalid/);
  });
  it('a confirm read from the state on an operation that asks nothing; a test question on one without a test', () => {
    const t = good();
    t.menu.items[0]!.flow = { kind: 'do', op, confirm: 'ask' };
    expect(() => checkTree(t)).toThrow(/confirm "ask" but t.op asks nothing/);
    const u = good();
    (u.menu.items[1]!.flow as { test?: string }).test = 'Test?';
    expect(() => checkTree(u)).toThrow(/t.op has no test/);
  });
});
