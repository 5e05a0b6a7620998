// Bonds and VLANs (issue 17) with a fake runner: what the commands and operations ask of
// set_network.sh, what they refuse before it runs, and how the list names each link.
import { describe, expect, it, vi } from 'vitest';
import type { Ctx } from '../../src/core/types.js';
import type { Out } from '../../src/commands/types.js';
import { commands } from '../../src/features/index.js';
import { bondArgs, bondSetArgs, networkBondCreate, networkBondSet, networkDelete, vlanArgs } from '../../src/features/network/links.js';
import { paramsNotFor } from '../../src/rules/links.js';
import { listRole } from '../../src/features/network/ops.js';
import { IfaceSchema } from '../../src/features/network/state.js';
import type { RawResult } from '../../src/system/runner.js';
import { makePaths } from '../../src/system/paths.js';

function fakeCtx(answers: Record<string, Partial<RawResult>>) {
  const calls: { name: string; args: string[] }[] = [];
  const ctx: Ctx = {
    paths: makePaths('/nonexistent-root'),
    runner: {
      script: vi.fn(async (name: string, args: string[]) => {
        calls.push({ name, args });
        // the network as no capture port (a command reads it for the capture it would end)
        const dflt = name === 'show_network.sh' ? { json: { interfaces: [], pending: null, rollbacks_unseen: [] } } : {};
        return { exitCode: 0, json: {}, log: [], timedOut: false, cancelled: false, ...(answers[`${name} ${args.at(-1) ?? ''}`] ?? answers[name] ?? dflt) };
      }),
    },
  };
  return { ctx, calls };
}
const quiet: Out = { json: true, print: () => {}, progress: { line: () => {} }, readSecret: async () => '' };
const cmd = (p: string) => commands.find((c) => c.path.join(' ') === p)!;
const iface = (o: Record<string, unknown>) => IfaceSchema.parse({ mac: null, state: 'UP', up: true, addresses: [], role: 'management', mode: 'static', address: null, prefix: null, gateway: null, dns: [], search: [], ...o });
const PENDING = { json: { ok: true, iface: 'x', mode: 'static', address: '192.0.2.5/24', pending: { id: 'i', deadline: 9e9, timeout: 120 } } };

describe('network bond create / vlan create / delete', () => {
  it('bond create: the rules first (mode, primary, LACP rate), each naming its option; then set_network.sh with the checked values', async () => {
    const { ctx, calls } = fakeCtx({ 'set_network.sh': PENDING });
    const run = (opts: Record<string, string | boolean>) => cmd('network bond create').run(ctx, { args: ['bond0'], opts: { members: 'eth1,eth2', ...opts } }, quiet);
    await expect(run({ mode: 'lacp' })).rejects.toThrow(/^--mode: "lacp" is not a bond mode/);
    await expect(run({ mode: 'balance-rr', primary: 'eth1' })).rejects.toThrow(/^--primary: A primary member is for active-backup/);
    await expect(run({ mode: 'active-backup', primary: 'eth3' })).rejects.toThrow(/^--primary: The primary "eth3" is not one of the members/);
    await expect(run({ mode: '802.3ad', 'lacp-rate': 'medium' })).rejects.toThrow(/^--lacp-rate:/);
    await expect(run({ mode: 'active-backup', static: true, address: '192.0.2.5' })).rejects.toThrow('--static needs --netmask');
    await expect(run({ mode: 'active-backup', dhcp: true, capture: true })).rejects.toThrow(/at most one of/);
    expect(calls).toEqual([]);
    expect(await run({ mode: '802.3ad', 'lacp-rate': 'fast', static: true, address: '192.0.2.5', netmask: '255.255.255.0' })).toBe(0);
    // (show_network.sh is read first: the capture the change would end)
    expect(calls.filter((c) => c.name === 'set_network.sh')[0]).toEqual({ name: 'set_network.sh', args: ['bond0', '--create-bond', '--members', 'eth1,eth2', '--bond-mode', '802.3ad', '--lacp-rate', 'fast', '--static', '--address', '192.0.2.5', '--netmask', '24'] });
  });

  it('vlan create: id 1-4094, vlanN by default, a VLAN is never a capture interface; delete names the link', async () => {
    const { ctx, calls } = fakeCtx({ 'set_network.sh': PENDING });
    const run = (opts: Record<string, string | boolean>) => cmd('network vlan create').run(ctx, { args: [], opts: { link: 'bond0', ...opts } }, quiet);
    await expect(run({ id: '4095', dhcp: true })).rejects.toThrow(/^--id: VLAN id "4095" is not 1-4094/);
    await expect(run({ id: '10', capture: true })).rejects.toThrow('--capture is not for this link');
    // nor offered by its help (the bond's says what --capture makes)
    expect(cmd('network vlan create').options?.capture).toBeUndefined();
    expect(cmd('network bond create').options?.capture?.help).toMatch(/capture bond/);
    await expect(run({ id: '10' })).rejects.toThrow('a VLAN needs --static ... or --dhcp');
    expect(calls).toEqual([]);
    expect(await run({ id: '10', dhcp: true })).toBe(0);
    const sets = () => calls.filter((c) => c.name === 'set_network.sh');
    expect(sets()[0]!.args).toEqual(['vlan10', '--create-vlan', '--link', 'bond0', '--id', '10', '--dhcp']);
    expect(await cmd('network delete').run(ctx, { args: ['vlan10'], opts: {} }, quiet)).toBe(0);
    expect(sets()[1]!.args).toEqual(['vlan10', '--delete']);
  });

  it("the form's values as arguments: a primary only in its modes, a LACP rate only with 802.3ad, no address for a VLAN-carrying bond", () => {
    expect(bondArgs({ name: 'b', members: 'eth1', bondMode: 'balance-rr', primary: 'eth1', lacpRate: 'fast', mode: 'none' })).toEqual(['b', '--create-bond', '--members', 'eth1', '--bond-mode', 'balance-rr']);
    expect(bondArgs({ name: 'b', members: 'eth1', bondMode: 'active-backup', primary: 'eth1', lacpRate: 'fast', mode: 'capture' })).toEqual(['b', '--create-bond', '--members', 'eth1', '--bond-mode', 'active-backup', '--primary', 'eth1', '--capture']);
    expect(vlanArgs({ link: 'eth0', id: '20', name: '', mode: 'dhcp' })).toEqual(['vlan20', '--create-vlan', '--link', 'eth0', '--id', '20', '--dhcp']);
  });

  it("the bond form: a refusal of the script lands at the form's field (bond-mode → bondMode, the interface → members)", async () => {
    const v = { name: 'bond0', members: 'eth1,eth2', bondMode: 'active-backup', primary: '', lacpRate: 'slow', mode: 'none' };
    const show = { json: { interfaces: [], pending: null, rollbacks_unseen: [] } };
    const a = fakeCtx({ 'show_network.sh': show, 'set_network.sh': { exitCode: 2, json: { ok: false, code: 2, field: 'members', error: 'you are connected through eth1 (10.0.0.2): ...' } } });
    expect((await networkBondCreate.check(a.ctx, v)).errors).toEqual({ members: 'you are connected through eth1 (10.0.0.2): ...' });
    expect(a.calls.at(-1)!.args.at(-1)).toBe('--dry-run');
    const b = fakeCtx({ 'show_network.sh': show, 'set_network.sh': { exitCode: 2, json: { ok: false, code: 2, field: 'interface', error: 'member eth1 is also configured in etc/netplan/60-site.yaml' } } });
    expect((await networkBondCreate.check(b.ctx, v)).errors).toEqual({ members: 'member eth1 is also configured in etc/netplan/60-site.yaml' });
    // the console's own rule first: no script run
    const c = fakeCtx({ 'show_network.sh': show });
    expect((await networkBondCreate.check(c.ctx, { ...v, members: 'eth1,eth1' })).errors).toEqual({ members: 'A member is named twice' });
    expect(c.calls).toEqual([]);
  });

  it('delete asks only for a bond or VLAN the console created', async () => {
    const show = (o: Record<string, unknown>) => ({ json: { interfaces: [iface({ name: 'x', ...o })], pending: null, rollbacks_unseen: [] } });
    expect(await networkDelete.ask!(fakeCtx({ 'show_network.sh': show({ kind: 'ethernet' }) }).ctx, { iface: 'x' })).toEqual({ blocked: 'x is an Ethernet port: only a bond or VLAN the console created can be deleted.' });
    expect(await networkDelete.ask!(fakeCtx({ 'show_network.sh': show({ kind: 'bond' }) }).ctx, { iface: 'x' })).toMatchObject({ blocked: expect.stringMatching(/not created by the console/) });
    const ok = await networkDelete.ask!(fakeCtx({ 'show_network.sh': show({ kind: 'bond', created_here: true, members: ['eth1', 'eth2'], addresses: ['192.0.2.5/24'] }), 'set_network.sh': { json: { ok: true, dry_run: true, plan: { files: [], kept: [], moved: [], dropin: null, creates: false } } } }).ctx, { iface: 'x' });
    expect(ok).toEqual({ question: 'x (bond, 192.0.2.5/24) is removed from the netplan file.\nIts members eth1, eth2 stay in the file as they are.\n\nDelete x?' });
  });

  it('the list names each link by kind and role', () => {
    expect(listRole(iface({ name: 'eth0', kind: 'ethernet', role: 'management' }))).toBe('management');
    expect(listRole(iface({ name: 'eth1', kind: 'ethernet', role: 'member', role_text: 'member of bond0' }))).toBe('member of bond0');
    expect(listRole(iface({ name: 'bond0', kind: 'bond', role: 'parent', role_text: 'VLAN parent of vlan10', on_top: [{ kind: 'vlan', name: 'vlan10' }] }))).toBe('bond, carries vlan10');
    expect(listRole(iface({ name: 'wg0', kind: 'wireguard', role: 'management' }))).toBe('wireguard, management');
  });

  describe('network bond set (an existing bond changed)', () => {
    const BOND = { name: 'bond0', kind: 'bond', created_here: true, members: ['eth1', 'eth2'], bond_mode: 'active-backup', role: 'management', config: { interfaces: ['eth1', 'eth2'], parameters: { mode: 'active-backup', primary: 'eth1', 'mii-monitor-interval': 100 } } };
    const showOf = (...ifs: Record<string, unknown>[]) => ({ json: { interfaces: ifs.map(iface), pending: null, rollbacks_unseen: [] } });
    const run = (ctx: Ctx, name: string, opts: Record<string, string>) => cmd('network bond set').run(ctx, { args: [name], opts }, quiet);
    const sets = (calls: { name: string; args: string[] }[]) => calls.filter((c) => c.name === 'set_network.sh').map((c) => c.args);

    it('only what changes is sent; a parameter the new mode does not take is left for the script to drop; "" removes one', async () => {
      for (const [opts, args] of [
        [{ mode: '802.3ad' }, ['bond0', '--change-bond', '--bond-mode', '802.3ad']], // primary: not for 802.3ad, dropped by the script
        [{ members: 'eth1,eth3' }, ['bond0', '--change-bond', '--members', 'eth1,eth3']],
        [{ primary: '' }, ['bond0', '--change-bond', '--primary', '']],
        [{ mode: '802.3ad', 'lacp-rate': 'fast', members: 'eth2,eth3' }, ['bond0', '--change-bond', '--members', 'eth2,eth3', '--bond-mode', '802.3ad', '--lacp-rate', 'fast']],
        [{ primary: 'eth2' }, ['bond0', '--change-bond', '--primary', 'eth2']],
      ] as [Record<string, string>, string[]][]) {
        const { ctx, calls } = fakeCtx({ 'show_network.sh': showOf(BOND), 'set_network.sh': PENDING });
        expect(await run(ctx, 'bond0', opts), JSON.stringify(opts)).toBe(0);
        expect(sets(calls)).toEqual([args]);
      }
    });

    it("create's rules, each naming its option, before the script runs; a link that is no bond, or one the console does not configure, is refused with the reason", async () => {
      for (const [name, opts, err] of [
        ['bond0', { mode: 'lacp' }, /^--mode: "lacp" is not a bond mode/],
        ['bond0', { mode: 'balance-rr', primary: 'eth1' }, /^--primary: A primary member is for active-backup/],
        ['bond0', { members: 'eth2,eth3' }, /^--primary: The primary "eth1" is not one of the members/], // the primary leaves: say which instead
        ['bond0', { 'lacp-rate': 'fast' }, /^--lacp-rate: A LACP rate is for mode 802.3ad only/],
        ['bond0', { members: 'eth1,eth1' }, /^--members: A member is named twice/],
        ['eth0', {}, /eth0 is an Ethernet port: only a bond's mode/],
        ['bond7', {}, /bond7 is left as it is: a bond not defined in the netplan files/],
        ['nope', {}, /no link nope/],
      ] as [string, Record<string, string>, RegExp][]) {
        const { ctx, calls } = fakeCtx({ 'show_network.sh': showOf(BOND, { name: 'eth0', kind: 'ethernet' }, { name: 'bond7', kind: 'bond', configurable: false, why: 'a bond not defined in the netplan files (made by hand or by another tool): the console leaves it as it is' }) });
        await expect(run(ctx, name, opts), `${name} ${JSON.stringify(opts)}`).rejects.toThrow(err);
        expect(sets(calls)).toEqual([]);
      }
    });

    it("the form: read gives the bond's values; the script's refusal lands at the form's field; nothing changed is said, not sent", async () => {
      const a = fakeCtx({ 'show_network.sh': showOf(BOND), 'set_network.sh': { exitCode: 2, json: { ok: false, code: 2, field: 'bond-mode', error: 'netplan says no' } } });
      const v = await networkBondSet.read(a.ctx, { iface: 'bond0' });
      expect(v).toEqual({ iface: 'bond0', members: 'eth1,eth2', bondMode: 'active-backup', primary: 'eth1', lacpRate: '' });
      expect(await networkBondSet.check(a.ctx, v)).toEqual({ errors: {}, warnings: ['Nothing changes: bond0 already has these settings'] });
      expect(sets(a.calls)).toEqual([]);
      expect((await networkBondSet.check(a.ctx, { ...v, bondMode: 'balance-xor' })).errors).toEqual({ bondMode: 'netplan says no' });
      expect(sets(a.calls)).toEqual([['bond0', '--change-bond', '--bond-mode', 'balance-xor', '--dry-run']]);
      await expect(networkBondSet.read(fakeCtx({ 'show_network.sh': showOf({ name: 'eth0', kind: 'ethernet' }) }).ctx, { iface: 'eth0' })).rejects.toThrow(/only a bond's mode/);
    });

    it('bondSetArgs and paramsNotFor', () => {
      const was = { iface: 'b', members: 'eth1', bondMode: '802.3ad', primary: '', lacpRate: 'fast' };
      expect(bondSetArgs({ ...was, bondMode: 'active-backup', primary: 'eth1' }, was)).toEqual(['b', '--change-bond', '--bond-mode', 'active-backup', '--primary', 'eth1']);
      expect(bondSetArgs({ ...was, lacpRate: 'slow' }, was)).toEqual(['b', '--change-bond', '--lacp-rate', 'slow']);
      expect(bondSetArgs(was, was)).toEqual(['b', '--change-bond']);
      expect(paramsNotFor(['mode', 'lacp-rate', 'primary', 'transmit-hash-policy', 'up-delay'], 'balance-tlb')).toEqual({ ok: true, value: ['lacp-rate'] });
      expect(paramsNotFor(['constructor', 'gratuitous-arp'], 'balance-rr')).toEqual({ ok: true, value: ['gratuitous-arp'] });
      expect(paramsNotFor(['primary'], 'lacp')).toMatchObject({ ok: false });
    });
  });
});
