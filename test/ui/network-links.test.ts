// Issue 17 on a headless 80x24 terminal (demo appliance, real scripts): the interface list shows
// every link with its kind and role (bond members, a bond carrying a VLAN, a read-only bridge);
// a VLAN is created through its form (a bad id refused at the field), confirmed, and deleted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoRootWith, KEYS, startConsoleForTest } from '../support/headless.js';

const YAML = `network:
  version: 2
  renderer: networkd
  ethernets:
    eth0:
      addresses: [10.0.0.2/24]
      routes:
        - to: 0.0.0.0/0
          via: 10.0.0.1
    eth1: {}
    eth2: {}
  bonds:
    bond0:
      interfaces: [eth1, eth2]
      parameters: {mode: active-backup}
  vlans:
    vlan10:
      id: 10
      link: bond0
      addresses: [198.51.100.100/24, 2001:db8::10/64]
  bridges:
    br0:
      interfaces: []
# confconsole created: bonds/bond0
# confconsole created: vlans/vlan10
`;

// a demo appliance with these netplan files (by default ours, YAML)
const root = (netplan: Record<string, string> = { '01-netcfg.yaml': YAML }) => demoRootWith('cc-ui-links-', 'appliance', netplan);

describe('bonds and VLANs in the interface list (demo appliance, 80x24)', () => {
  it('every link with its kind and role; the bond and VLAN items; a read-only bridge', { timeout: 120_000 }, async () => {
    let h = await startConsoleForTest({ root: await root() });
    await h.waitFor('Welcome');
    await h.press(KEYS.enter, '1', KEYS.enter, '1', KEYS.enter);
    await h.waitFor(/1\. eth0 +management +up +10\.0\.0\.2\/24/);
    const t = h.text();
    expect(t).toMatch(/2\. eth1 +member of bond0 +up/);
    expect(t).toMatch(/3\. eth2 +member of bond0 +up/);
    expect(t).toMatch(/4\. bond0 +bond, carries vlan10 +up/);
    expect(t).toMatch(/5\. br0 +bridge, unused +up +no address +\(unavailable\)/);
    // an address is never cut (198.51.100.10 would read as another address): the first in full, then how many more
    expect(t).toMatch(/6\. vlan10 +vlan, management +up +198\.51\.100\.100\/24 \+1/);
    // a name longer than 8 (netplan's bonding_router.yaml has bond-conntrack) widens the name
    // column for every row; a role cut to its column ends in "...", never reading as another name
    h.close();
    const r2 = await root({ '01-netcfg.yaml': 'network:\n  version: 2\n  ethernets:\n    eth0:\n      addresses: [10.0.0.2/24]\n    enp5s0: {}\n    enp6s0: {}\n  bonds:\n    bond-conntrack:\n      interfaces: [enp5s0, enp6s0]\n      addresses: [192.168.254.2/24]\n      parameters: {mode: balance-rr}\n' });
    h = await startConsoleForTest({ root: r2 });
    await h.waitFor('Welcome');
    await h.press(KEYS.enter, '1', KEYS.enter, '1', KEYS.enter);
    await h.waitFor(/4\. bond-conntrack bond, management +up +192\.168\.254\.2\/24/);
    expect(h.text()).toMatch(/1\. eth0 {11}management {11}up +10\.0\.0\.2\/24/);
    expect(h.text()).toMatch(/2\. enp5s0 {9}member of bond-co\.\.\. up +\(unavailable\)/);
    h.close();
    h = await startConsoleForTest({ root: await root() });
    await h.waitFor('Welcome');
    await h.press(KEYS.enter, '1', KEYS.enter, '1', KEYS.enter);
    await h.waitFor(/1\. eth0 +management +up +10\.0\.0\.2\/24/);
    expect(t).toMatch(/b\. Create a bond/);
    expect(t).toMatch(/v\. Create a VLAN/);
    // the bond's own screen: its members and what it carries
    await h.press('4', KEYS.enter);
    await h.waitFor('Members eth1, eth2, mode active-backup; carries vlan10');
    expect(h.text()).toContain('5. Delete this bond or VLAN');
    await h.press('5', KEYS.enter);
    await h.waitFor('vlan10 sits on bond0: delete it first');
    // the bond form: a free name offered, a member named twice refused at its field
    await h.press(KEYS.enter, KEYS.esc);
    await h.waitFor(/b\. Create a bond/);
    await h.press('b', KEYS.enter);
    await h.waitFor('Bond name (e.g. bond0)');
    expect(h.text()).toContain('bond1');
    await h.press(KEYS.tab);
    await h.type('eth1,eth1');
    await h.press(...Array.from({ length: 9 }, () => KEYS.enter));
    await h.waitFor('! A member is named twice');
    expect(h.text()).toContain('(*) Static IP   ( ) DHCP   ( ) Capture   ( ) No address (for VLANs)');
  });

  it('create a VLAN: a bad id at its field, then applied, confirmed, listed, and deleted again', { timeout: 180_000 }, async () => {
    const r = await root();
    const h = await startConsoleForTest({ root: r });
    await h.waitFor('Welcome');
    await h.press(KEYS.enter, '1', KEYS.enter, '1', KEYS.enter);
    await h.waitFor(/1\. eth0 +management/);
    await h.press('v', KEYS.enter);
    await h.waitFor('Parent: an Ethernet port or a bond');
    await h.type('eth0');
    await h.press(KEYS.tab);
    await h.type('5000');
    await h.press(KEYS.tab, KEYS.tab, KEYS.tab);
    await h.type('198.51.100.5');
    await h.press(KEYS.tab);
    await h.type('24');
    await h.press(KEYS.enter, KEYS.enter, KEYS.enter, KEYS.enter);
    // refused at its field, the cursor there: nothing written
    await h.waitFor('! VLAN id "5000" is not 1-4094');
    expect(readFileSync(join(r, 'etc/netplan/01-netcfg.yaml'), 'utf8')).toBe(YAML);
    await h.press(KEYS.ctrlU);
    await h.type('20');
    await h.press(...Array.from({ length: 8 }, () => KEYS.enter));
    await h.waitFor('Create this VLAN?');
    await h.press('y');
    await h.waitFor('Time left to confirm:');
    await h.press('y');
    await h.waitFor('Confirmed: the new network settings stay.');
    expect(readFileSync(join(r, 'etc/netplan/01-netcfg.yaml'), 'utf8')).toContain('  vlans:\n    vlan10:\n      id: 10\n      link: bond0\n      addresses: [198.51.100.100/24, 2001:db8::10/64]\n    vlan20:\n      id: 20\n      link: eth0\n');
    await h.press(KEYS.enter);
    await h.waitFor(/7\. vlan20 +vlan, management +up +198\.51\.100\.5\/24/);
    await h.press('7', KEYS.enter);
    await h.waitFor('VLAN 20 on eth0');
    await h.press('5', KEYS.enter);
    await h.waitFor('Delete vlan20?');
    await h.press('y');
    await h.waitFor('Time left to confirm:');
    await h.press('y');
    await h.waitFor('Confirmed: the new network settings stay.');
    expect(readFileSync(join(r, 'etc/netplan/01-netcfg.yaml'), 'utf8')).toBe(YAML);
  });

  it("change a bond: its values in the form, a member named twice refused at its field, then the mode changed, reviewed, applied, confirmed; the VLAN and address stay", { timeout: 180_000 }, async () => {
    const r = await root();
    const h = await startConsoleForTest({ root: r });
    await h.waitFor('Welcome');
    await h.press(KEYS.enter, '1', KEYS.enter, '1', KEYS.enter);
    await h.waitFor(/4\. bond0 +bond, carries vlan10/);
    await h.press('4', KEYS.enter);
    await h.waitFor('6. Change this bond');
    await h.press('6', KEYS.enter);
    await h.waitFor('Members: Ethernet ports, separated by commas');
    expect(h.text()).toContain('eth1,eth2');
    expect(h.text()).toContain('(*) active-backup');
    await h.press(KEYS.ctrlU);
    await h.type('eth1,eth1');
    await h.press(KEYS.enter, KEYS.enter, KEYS.enter);
    await h.waitFor('! A member is named twice');
    expect(readFileSync(join(r, 'etc/netplan/01-netcfg.yaml'), 'utf8')).toBe(YAML);
    await h.press(KEYS.ctrlU);
    await h.type('eth1');
    // the mode: 802.3ad (no primary then; its LACP rate left to the kernel)
    await h.press(KEYS.tab, KEYS.right, KEYS.right, KEYS.right);
    await h.waitFor('(*) 802.3ad');
    expect(h.text()).toContain('LACP rate');
    expect(h.text()).not.toContain('Primary member');
    await h.press(KEYS.enter, KEYS.enter, KEYS.enter);
    await h.waitFor('Change bond0?');
    expect(h.text()).toContain('eth2 leaves the bond: a port without an address');
    await h.press('y');
    await h.waitFor('Time left to confirm:');
    await h.press('y');
    await h.waitFor('Confirmed: the new network settings stay.');
    expect(readFileSync(join(r, 'etc/netplan/01-netcfg.yaml'), 'utf8')).toBe(YAML.replace('interfaces: [eth1, eth2]\n      parameters: {mode: active-backup}', 'interfaces: [eth1]\n      parameters: {mode: 802.3ad}'));
  });

  it('a bond another renderer owns is read-only with the reason: no Change this bond', { timeout: 120_000 }, async () => {
    const r = await root({
      '01-netcfg.yaml': 'network:\n  version: 2\n  renderer: networkd\n  ethernets:\n    eth0:\n      addresses: [10.0.0.2/24]\n',
      '60-site.yaml': 'network:\n  version: 2\n  renderer: NetworkManager\n  ethernets:\n    eth1: {}\n    eth2: {}\n  bonds:\n    bond5:\n      interfaces: [eth1, eth2]\n',
    });
    const h = await startConsoleForTest({ root: r });
    await h.waitFor('Welcome');
    await h.press(KEYS.enter, '1', KEYS.enter, '1', KEYS.enter);
    await h.waitFor(/\d\. bond5/);
    const n = /(\d)\. bond5/.exec(h.text())![1]!;
    await h.press(n, KEYS.enter);
    // read-only with its reason, as for every other action on it: no form to fill
    await h.waitFor(/Not available: bond5 is managed by NetworkManager/);
    expect(h.text()).not.toContain('Change this bond');
  });
});
