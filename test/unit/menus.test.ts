import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { registry } from '../../src/actions/index.js';
import { loadTree, menuFile } from '../../src/menu/load.js';
import { checkTree, parseTree, TreeSchema, type Menu } from '../../src/menu/schema.js';

const raw = (p: 'appliance' | 'vsensor') => JSON.parse(readFileSync(menuFile(p), 'utf8'));
const labels = (m: Menu) => m.items.map((i) => `${i.key}. ${i.label}`);

describe('shipped menu trees', () => {
  it.each(['appliance', 'vsensor'] as const)('%s loads and passes every check', (p) => {
    const t = loadTree(p);
    expect(t.profile).toBe(p);
    expect(checkTree(t, registry)).toEqual([]);
  });

  it('appliance keeps the manual numbering', () => {
    const t = loadTree('appliance');
    expect(labels(t.menu)).toEqual(['1. Networking and Traffic Analysis', '3. Appliance Admin', '5. Power and Service Management']);
    const net = t.menu.items[0]!.menu!;
    expect(labels(net)).toContain('4. NTP Settings');
    expect(labels(net.items.find((i) => i.key === '4')!.menu!)).toEqual(['1. View NTP servers', '2. Change NTP servers']);
    expect(labels(t.menu.items[2]!.menu!)).toEqual(['2. Restart all services', '3. Reboot', '4. Shutdown']);
  });

  it('vSensor follows the manual order (Network … Exit)', () => {
    const t = loadTree('vsensor');
    expect(t.menu.items.map((i) => i.label)).toEqual(['Network', 'Setup', 'Shell', 'Reboot', 'Shutdown', 'Exit']);
    expect(t.menu.items.map((i) => Number(i.key))).toEqual([1, 2, 5, 6, 7, 8]);
    const setup = t.menu.items[1]!.menu!;
    expect(labels(setup)).toEqual(['1. Master', '2. osSensor HMAC', '3. PCAP']);
    expect(labels(setup.items[0]!.menu!)).toEqual(['1. Push Token (recommended)', '2. Pull', '3. Push (legacy)']);
  });

  it('every input field has a registered validator', () => {
    for (const p of ['appliance', 'vsensor'] as const) {
      const walk = (m: Menu): void =>
        m.items.forEach((i) => {
          for (const f of i.flow?.fields ?? []) expect(Object.keys(registry.validators)).toContain(f.validator);
          if (i.menu) walk(i.menu);
        });
      walk(loadTree(p).menu);
    }
  });
});

describe('schema checks catch broken trees', () => {
  const base = () => raw('appliance');
  it('duplicate ids', () => {
    const t = base();
    t.menu.items[1].id = t.menu.items[0].id;
    expect(() => parseTree(t, registry)).toThrow(/id "net" is used twice/);
  });
  it('duplicate hotkeys in one menu', () => {
    const t = base();
    t.menu.items[1].key = '1';
    expect(() => parseTree(t, registry)).toThrow(/hotkey 1 is also/);
  });
  it('unknown operation, validator and condition', () => {
    const t = base();
    const ntp = t.menu.items[0].menu.items[1].menu.items[1];
    ntp.flow.op = 'ntp.nope';
    expect(() => parseTree(t, registry)).toThrow(/operation "ntp.nope" is not registered/);
    ntp.flow.op = 'ntp.set';
    ntp.flow.fields[0].validator = 'nope';
    expect(() => parseTree(t, registry)).toThrow(/unknown validator "nope"/);
    ntp.flow.fields[0].validator = 'ntp-servers';
    ntp.disabledIf = 'full-moon';
    expect(() => parseTree(t, registry)).toThrow(/unknown condition "full-moon"/);
  });
  it('a field without a validator, an item with two targets, an unknown key', () => {
    const t = base();
    delete t.menu.items[0].menu.items[1].menu.items[1].flow.fields[0].validator;
    expect(TreeSchema.safeParse(t).success).toBe(false);
    const u = base();
    u.menu.items[0].builtin = 'exit';
    expect(() => parseTree(u, registry)).toThrow(/exactly one of menu, flow, builtin/);
    const v = base();
    v.menu.colour = 'red';
    expect(TreeSchema.safeParse(v).success).toBe(false);
  });
  it('a test question on an operation without a test', () => {
    const t = base();
    t.menu.items[2].menu.items[0].flow.test = 'Test?';
    expect(() => parseTree(t, registry)).toThrow(/has no test/);
  });
});
