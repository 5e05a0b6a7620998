// Bonds and VLANs (issue 17) with a fake runner: what the commands and operations ask of
// set_network.sh, what they refuse before it runs, and how the list names each link.
import { describe, expect, it, vi } from 'vitest';
import type { Ctx } from '../../src/core/types.js';
import type { Out } from '../../src/commands/types.js';
import { commands } from '../../src/features/index.js';
import { bondArgs, networkBondCreate, networkDelete, vlanArgs } from '../../src/features/network/links.js';
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
});
